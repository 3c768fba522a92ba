package jobs

import (
	"context"
	"errors"
	"runtime"
	"sync"
	"time"

	"carepath"
	"carepath/risk"
)

// scoreStay computes the readmission and comorbidity scores of a
// discharged stay from its record (LACE, HOSPITAL, Charlson) and stores
// them; a stay scored again keeps the latest. No record, no scores. Its
// days are counted in loc, the organization's time zone.
func (s *Sweeper) scoreStay(ctx context.Context, loc *time.Location, patientID, encounterID string) ([]carepath.RiskScore, error) {
	rec, err := s.Store.FindStayRecord(ctx, patientID, encounterID)
	if carepath.ErrorCode(err) == carepath.ENOTFOUND {
		return nil, nil // the stay's record is not here (yet): nothing to score
	} else if err != nil {
		return nil, err
	}
	scores := risk.Assess(*rec, loc).Scores(patientID, encounterID, s.now())
	return scores, s.Store.RecordRiskScores(ctx, scores)
}

// ScoreStays scores every ended stay on record of the organization (LACE,
// HOSPITAL, Charlson) as the rules score each new discharge, storing a
// batch of stays' scores per transaction; a stay scored again keeps one of
// each. Stays' records are read by several readers at once, while the
// batch before is written. Progress, when set, hears how many stays are
// done of how many. It returns how many stays it scored (those whose
// record is gone, none).
func (s *Sweeper) ScoreStays(ctx context.Context, orgID string, progress func(done, total int)) (int, error) {
	ctx = carepath.NewContextWithActor(ctx, carepath.SystemActor(orgID, "risk scoring", "score"))
	org, err := s.Store.FindOrganization(ctx, orgID)
	if err != nil {
		return 0, err
	}
	cal, err := s.calendar(ctx, org)
	if err != nil {
		return 0, err
	}
	loc := cal.Location()
	stays, err := s.Store.FindStays(ctx)
	if err != nil {
		return 0, err
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type batch struct {
		scores []carepath.RiskScore
		stays  int
	}
	written := make(chan batch, 1)
	writeErr := make(chan error, 1)
	go func() {
		done := 0
		for b := range written {
			if err := s.Store.RecordRiskScores(ctx, b.scores); err != nil {
				cancel()
				writeErr <- err
				for range written {
				}
				return
			}
			done += b.stays
			if progress != nil {
				progress(done, len(stays))
			}
		}
		writeErr <- nil
	}()
	scored := 0
	for from := 0; from < len(stays) && ctx.Err() == nil; from += s.batch() {
		part := stays[from:min(from+s.batch(), len(stays))]
		scores, n, err := s.assessStays(ctx, loc, part)
		if err != nil {
			close(written)
			return scored, errors.Join(err, <-writeErr)
		}
		scored += n
		written <- batch{scores, len(part)}
	}
	close(written)
	return scored, <-writeErr
}

// assessStays reads and scores stays, by as many readers as there are
// processors, keeping the stays' order; it returns the scores and how
// many stays had a record.
func (s *Sweeper) assessStays(ctx context.Context, loc *time.Location, stays []carepath.StayRef) ([]carepath.RiskScore, int, error) {
	each := make([][]carepath.RiskScore, len(stays))
	errs := make([]error, len(stays))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(runtime.GOMAXPROCS(0), 2) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				rec, err := s.Store.FindStayRecord(ctx, stays[i].PatientID, stays[i].EncounterID)
				if carepath.ErrorCode(err) == carepath.ENOTFOUND {
					continue
				} else if err != nil {
					errs[i] = err
					continue
				}
				each[i] = risk.Assess(*rec, loc).Scores(stays[i].PatientID, stays[i].EncounterID, s.now())
			}
		}()
	}
	for i := range stays {
		next <- i
	}
	close(next)
	wg.Wait()
	var scores []carepath.RiskScore
	n := 0
	for i := range stays {
		if errs[i] != nil {
			return nil, 0, errs[i]
		}
		if each[i] != nil {
			scores = append(scores, each[i]...)
			n++
		}
	}
	return scores, n, nil
}

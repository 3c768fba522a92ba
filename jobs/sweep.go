// Package jobs runs the work engine's background work: the rules on new
// events, the check-in schedules that fall due, and the escalation of late
// tasks. Its state lives in the database (events processed or not, each
// schedule's next occurrence, one task per rule and event), so a sweep that
// stops halfway resumes where it stopped and nothing is done twice: every
// task it makes carries its rule's event key, which the store makes once.
package jobs

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"sync"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/careplan"
	"carepath/codeset"
	"carepath/risk"
	"carepath/rules"
)

// Store is what the sweeps use.
type Store interface {
	carepath.OrganizationService
	carepath.WorkStateService
	carepath.TaskService
	carepath.PatientService
	carepath.RiskService
	carepath.TransitionService
}

// Sweeper runs the rules. Now is its clock (tests set one).
type Sweeper struct {
	Store  Store
	Now    func() time.Time
	Logger *slog.Logger
	// Batch bounds the rows one step reads at a time (default 500).
	Batch int
	// EnrollEvery is how often an organization's patients are looked for
	// to enroll in schedules (0: every sweep). Enrollment reads every
	// caseload and matching condition (1.3 s at 100,000 patients), and new
	// diagnoses and caseloads change now and then, so it runs once an
	// interval, whichever process sweeps (the time is in the database).
	EnrollEvery time.Duration
}

// enrollDue reports whether the organization's enrollment is due at now.
func (s *Sweeper) enrollDue(ctx context.Context, now time.Time) (bool, error) {
	if s.EnrollEvery <= 0 {
		return true, nil
	}
	last, err := s.Store.LastEnrollment(ctx)
	if err != nil {
		return false, err
	}
	return last.IsZero() || now.Sub(last) >= s.EnrollEvery || now.Before(last), nil
}

// Report counts what a sweep did.
type Report struct {
	Events      int // events the rules looked at
	Tasks       int // events that made work: a task, or a transition episode with its tasks
	Enrolled    int // patients given a check-in schedule
	CheckIns    int // check-in tasks made
	Escalations int // late tasks escalated
	// Patients given a screening schedule, and screening tasks made.
	ScreeningsEnrolled, Screenings int
	GoalReviews                    int // care-plan goals sent for review (treat to target)
	TransitionsClosed              int // transition episodes whose 30 days ended
	EpisodeTasks                   int // tasks made for open episodes' elements that had none

	// How long each step took (the goal reviews count with the schedules).
	EventsTook, SchedulesTook, EscalationsTook time.Duration
}

// Did reports whether the sweep changed anything.
func (r Report) Did() bool {
	return r.Events+r.Tasks+r.Enrolled+r.CheckIns+r.Escalations+r.ScreeningsEnrolled+r.Screenings+r.GoalReviews+r.TransitionsClosed+r.EpisodeTasks > 0
}

func (r Report) String() string {
	return fmt.Sprintf("%d events, %d tasks from events, %d patients enrolled, %d check-ins, %d screening schedules, %d screenings due, %d goal reviews, %d escalations, %d transitions closed, %d episode tasks (steps: %s, %s, %s)",
		r.Events, r.Tasks, r.Enrolled, r.CheckIns, r.ScreeningsEnrolled, r.Screenings, r.GoalReviews, r.Escalations, r.TransitionsClosed, r.EpisodeTasks,
		r.EventsTook.Round(time.Millisecond), r.SchedulesTook.Round(time.Millisecond), r.EscalationsTook.Round(time.Millisecond))
}

func (r *Report) add(o Report) {
	r.Events += o.Events
	r.Tasks += o.Tasks
	r.Enrolled += o.Enrolled
	r.CheckIns += o.CheckIns
	r.Escalations += o.Escalations
	r.ScreeningsEnrolled += o.ScreeningsEnrolled
	r.Screenings += o.Screenings
	r.GoalReviews += o.GoalReviews
	r.TransitionsClosed += o.TransitionsClosed
	r.EpisodeTasks += o.EpisodeTasks
	r.EventsTook += o.EventsTook
	r.SchedulesTook += o.SchedulesTook
	r.EscalationsTook += o.EscalationsTook
}

func (s *Sweeper) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Sweeper) batch() int {
	if s.Batch > 0 {
		return s.Batch
	}
	return 500
}

// RunOnce sweeps every organization once.
func (s *Sweeper) RunOnce(ctx context.Context) (Report, error) {
	var total Report
	orgs, err := s.Store.FindOrganizations(carepath.NewContextWithActor(ctx, carepath.SystemActor("", "sweep", "sweep")))
	if err != nil {
		return total, err
	}
	var errs []error
	for _, org := range orgs {
		r, err := s.SweepOrganization(ctx, org)
		total.add(r)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", org.ID, err))
		}
	}
	return total, errors.Join(errs...)
}

// SweepOrganization runs every step for one organization.
func (s *Sweeper) SweepOrganization(ctx context.Context, org *carepath.Organization) (Report, error) {
	var r Report
	ctx = carepath.NewContextWithActor(ctx, carepath.SystemActor(org.ID, "work rules", "sweep"))
	cal, err := s.calendar(ctx, org)
	if err != nil {
		return r, err
	}
	start := time.Now()
	r.Events, r.Tasks, err = s.processEvents(ctx, cal)
	r.EventsTook = time.Since(start)
	if err != nil {
		return r, fmt.Errorf("events: %w", err)
	}
	start = time.Now()
	err = s.runSchedules(ctx, cal, &r)
	r.SchedulesTook = time.Since(start)
	if err != nil {
		return r, fmt.Errorf("schedules: %w", err)
	}
	start = time.Now()
	r.GoalReviews, err = s.reviewGoals(ctx, cal)
	r.SchedulesTook += time.Since(start)
	if err != nil {
		return r, fmt.Errorf("goals: %w", err)
	}
	start = time.Now()
	r.TransitionsClosed, err = s.Store.CloseEndedTransitions(ctx, s.now())
	if err != nil {
		return r, fmt.Errorf("transitions: %w", err)
	}
	if r.EpisodeTasks, err = s.ensureEpisodeTasks(ctx, cal); err != nil {
		return r, fmt.Errorf("episode tasks: %w", err)
	}
	r.SchedulesTook += time.Since(start)
	start = time.Now()
	r.Escalations, err = s.escalate(ctx, cal)
	r.EscalationsTook = time.Since(start)
	if err != nil {
		return r, fmt.Errorf("escalations: %w", err)
	}
	return r, nil
}

// ProcessEvents runs the rules on an organization's new events now (after
// an outside system reports a discharge, say), without the other steps.
func (s *Sweeper) ProcessEvents(ctx context.Context, orgID string) error {
	ctx = carepath.NewContextWithActor(ctx, carepath.SystemActor(orgID, "work rules", "sweep"))
	org, err := s.Store.FindOrganization(ctx, orgID)
	if err != nil {
		return err
	}
	cal, err := s.calendar(ctx, org)
	if err != nil {
		return err
	}
	_, _, err = s.processEvents(ctx, cal)
	return err
}

// calendar is the organization's business-day calendar: its time zone, the
// federal holidays and its own.
func (s *Sweeper) calendar(ctx context.Context, org *carepath.Organization) (*calendar.Calendar, error) {
	loc, err := time.LoadLocation(org.TimeZone)
	if err != nil {
		return nil, fmt.Errorf("time zone %q: %w", org.TimeZone, err)
	}
	hs, err := s.Store.FindHolidays(ctx)
	if err != nil {
		return nil, err
	}
	var own []calendar.Holiday
	for _, h := range hs {
		d, err := calendar.ParseDate(h.Day)
		if err != nil {
			return nil, err
		}
		own = append(own, calendar.Holiday{Date: d, Name: h.Name})
	}
	return calendar.New(loc, calendar.Weekdays, true, own)
}

// processEvents applies the rules to every pending event.
func (s *Sweeper) processEvents(ctx context.Context, cal *calendar.Calendar) (seen, made int, err error) {
	for {
		events, err := s.Store.FindPendingEvents(ctx, s.batch())
		if err != nil || len(events) == 0 {
			return seen, made, err
		}
		for _, e := range events {
			result, created, err := s.applyRules(ctx, cal, e)
			if err != nil {
				return seen, made, fmt.Errorf("event %s: %w", e.Key, err)
			}
			// Marked after its task is made: a crash in between makes the
			// rule run again, and the task's event key makes it once.
			if err := s.Store.MarkEventProcessed(ctx, e.Key, result); err != nil {
				return seen, made, err
			}
			seen++
			if created {
				made++
			}
		}
	}
}

// applyRules runs the rules for one event and says what they did.
func (s *Sweeper) applyRules(ctx context.Context, cal *calendar.Calendar, e carepath.Event) (result string, created bool, err error) {
	switch e.Kind {
	case carepath.EventDischarge, carepath.EventAdmission, carepath.EventVitalSign:
	default:
		return "no rule acts on " + e.Kind, false, nil
	}
	p, err := s.Store.FindPatientByID(ctx, e.PatientID)
	if carepath.ErrorCode(err) == carepath.ENOTFOUND {
		// Its record came without the patient (a partial import): nothing
		// to act on, and nothing to retry for ever.
		return "no task: patient " + e.PatientID + " not found", false, nil
	} else if err != nil {
		return "", false, err
	}
	var careManager string
	if m := carepath.PrimaryCareManager(p.CareTeam); m != nil {
		careManager = m.UserID
	}
	switch e.Kind {
	case carepath.EventDischarge:
		return s.discharge(ctx, cal, e, p, careManager)
	case carepath.EventAdmission:
		n, err := s.Store.FlagReadmission(ctx, stayOf(e))
		return fmt.Sprintf("%s: %d episode%s readmitted", rules.TransitionProtocol.ID, n, plural(n)), false, err
	}
	if p.Deceased {
		return "no task: the patient has died", false, nil
	}
	t, ok, why := rules.PlanVitalSignAlert(e.Key, e.PatientID, careManager, e.Facts, cal, s.now())
	if !ok {
		return rules.VitalSignAlert.ID + ": no task: " + why, false, nil
	}
	if created, err = s.Store.CreateTask(ctx, &t); err != nil {
		return "", false, err
	}
	return rules.VitalSignAlert.ID + ": task " + t.ID, created, nil
}

// stayOf is the stay an admission or discharge event reports.
func stayOf(e carepath.Event) carepath.Encounter {
	return carepath.Encounter{ID: e.Facts["encounter"], PatientID: e.PatientID, Class: e.Facts["class"], PeriodStart: e.Facts["start"],
		PeriodEnd: e.Facts["end"], ServiceProviderName: e.Facts["facility"]}
}

// discharge scores the stay, flags it as the readmission of an earlier
// episode, and opens its transition episode with the protocol's tasks.
// The scores and the readmission are kept whatever happens next (a
// patient who died is still counted); the episode only for a discharge to
// the community of a living patient.
func (s *Sweeper) discharge(ctx context.Context, cal *calendar.Calendar, e carepath.Event, p *carepath.Patient, careManager string) (string, bool, error) {
	d := rules.Discharge{EncounterID: e.Facts["encounter"], PatientID: e.PatientID, Class: e.Facts["class"],
		Facility: e.Facts["facility"], DispositionCode: e.Facts["disposition"], DispositionDisplay: e.Facts["disposition_display"],
		CareManagerID: careManager}
	d.Admitted, _ = time.Parse(time.RFC3339, e.Facts["start"])
	d.Discharged, _ = time.Parse(time.RFC3339, e.Facts["end"])
	scores, err := s.scoreStay(ctx, cal.Location(), e.PatientID, d.EncounterID)
	if err != nil {
		return "", false, err
	}
	readmitted, err := s.Store.FlagReadmission(ctx, stayOf(e))
	if err != nil {
		return "", false, err
	}
	rule := rules.TransitionProtocol.ID + ": "
	if readmitted > 0 {
		rule += fmt.Sprintf("readmission of %d episode%s; ", readmitted, plural(readmitted))
	}
	if p.Deceased {
		return rule + "no episode: the patient has died", false, nil
	}
	var lace *carepath.RiskScore
	for i := range scores {
		if scores[i].Name == "LACE" {
			lace = &scores[i]
		}
	}
	tr, planned, ok, why := rules.PlanTransition(d, lace, cal, s.now())
	if !ok {
		return rule + "no episode: " + why, false, nil
	}
	tasks := make([]*carepath.Task, len(planned))
	for i := range planned {
		tasks[i] = &planned[i]
	}
	opened, err := s.Store.OpenTransition(ctx, &tr, tasks)
	if err != nil {
		return "", false, err
	}
	if !opened {
		return rule + "no episode: the stay has one already", false, nil
	}
	return fmt.Sprintf("%sepisode %s (%s), %d tasks", rule, tr.ID, tr.BandWhy, len(tasks)), true, nil
}

// ensureEpisodeTasks is the safety net of the transitions: every element of
// an open episode not yet documented is someone's task (an episode opened
// before the protocol made one for each, or a task lost, is caught here).
// The tasks are those the episode would open with (rules.EpisodeTasks);
// those an episode has, in whatever state, are not made again.
func (s *Sweeper) ensureEpisodeTasks(ctx context.Context, cal *calendar.Calendar) (int, error) {
	made := 0
	for offset := 0; ; offset += s.batch() {
		eps, _, err := s.Store.FindTransitions(ctx, carepath.TransitionFilter{Status: carepath.TransitionOpen, WithTasks: true, Limit: s.batch(), Offset: offset})
		if err != nil {
			return made, err
		}
		var missing []*carepath.Task
		for _, tr := range eps {
			has := map[string]bool{}
			for _, t := range tr.Tasks {
				has[t.Kind] = true
			}
			for _, t := range rules.EpisodeTasks(tr, rules.DischargeOf(tr, tr.CareManagerID), cal, s.now()) {
				if !has[t.Kind] {
					missing = append(missing, &t)
				}
			}
		}
		if len(missing) > 0 {
			n, err := s.Store.AddTransitionTasks(ctx, missing)
			if err != nil {
				return made, err
			}
			made += n
		}
		if len(eps) < s.batch() {
			return made, nil
		}
	}
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

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

// runSchedules enrolls patients in the heart-failure check-in and the
// screenings, and makes every check-in and screening task that is due.
func (s *Sweeper) runSchedules(ctx context.Context, cal *calendar.Calendar, r *Report) error {
	now := s.now()
	due, err := s.enrollDue(ctx, now)
	if err != nil {
		return err
	}
	if due {
		if err := s.enroll(ctx, cal, now, r); err != nil {
			return err
		}
		// Marked once done: a failed enrollment is tried again next sweep.
		if err := s.Store.MarkEnrolled(ctx); err != nil {
			return err
		}
	}
	for {
		due, err := s.Store.FindDueSchedules(ctx, now, s.batch())
		if err != nil || len(due) == 0 {
			return err
		}
		var checkIns, screenings []carepath.ScheduledTask
		for _, sc := range due {
			if screening, ok := rules.FindScreening(sc.RuleID); ok {
				t := screening.Plan(sc, cal, now)
				screenings = append(screenings, carepath.ScheduledTask{Schedule: sc, Task: &t, Hold: true})
				continue
			}
			if sc.RuleID != rules.HeartFailureCheckIn.ID {
				continue
			}
			next := sc.NextDue
			if soonest := cal.BusinessDaysAfter(now, 1); next.Before(soonest) {
				// Resumed after a pause (or a sweep that did not run): the
				// missed check-ins are not made late; the next is due the next
				// business day, and the cadence goes on from there.
				next = soonest
			}
			t := rules.PlanCheckIn(sc.ID, sc.PatientID, sc.CareManagerID, sc.Seq, next, cal)
			checkIns = append(checkIns, carepath.ScheduledTask{Schedule: sc, Task: &t})
		}
		if len(checkIns)+len(screenings) == 0 {
			return nil // due schedules of rules this sweep does not run
		}
		// One transaction per batch and kind: a task and its schedule's
		// move on commit together, and a thousand check-ins cost one commit.
		for _, f := range []struct {
			firings []carepath.ScheduledTask
			made    *int
		}{{checkIns, &r.CheckIns}, {screenings, &r.Screenings}} {
			if len(f.firings) == 0 {
				continue
			}
			n, err := s.Store.FireSchedules(ctx, f.firings)
			*f.made += n
			if err != nil {
				return err
			}
		}
		if len(due) < s.batch() {
			return nil
		}
	}
}

// enroll gives every patient the schedules the rules call for: the
// heart-failure check-in, and each screening (first due by the rule, from
// the patient's last one).
func (s *Sweeper) enroll(ctx context.Context, cal *calendar.Calendar, now time.Time, r *Report) error {
	n, err := s.Store.EnsureSchedules(ctx, rules.HeartFailureCheckIn.ID, codeset.HeartFailure, rules.CheckInEvery, cal.BusinessDaysAfter(now, 2))
	r.Enrolled += n
	if err != nil {
		return err
	}
	for _, screening := range rules.Screenings {
		candidates, err := s.Store.FindScreeningCandidates(ctx, screening.ID, screening.Condition, screening.Instruments, screening.Codes)
		if err != nil {
			return err
		}
		if len(candidates) == 0 {
			continue
		}
		schedules := make([]carepath.Schedule, len(candidates))
		for i, c := range candidates {
			schedules[i] = carepath.Schedule{PatientID: c.PatientID, RuleID: screening.ID, EveryDays: screening.EveryDays,
				NextDue: screening.FirstDue(c.PatientID, c.LastDone, now, cal.Location()), LastDone: c.LastDone}
		}
		// A thousand a transaction: the first enrollment of a large
		// organization (117,295 schedules at 100,000 patients, 4.6 s of
		// inserts) does not hold the write lock from the care managers.
		for len(schedules) > 0 {
			batch := schedules[:min(len(schedules), 1000)]
			schedules = schedules[len(batch):]
			n, err := s.Store.AddSchedules(ctx, batch)
			r.ScreeningsEnrolled += n
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// reviewGoals checks the care-plan goals whose review day has come, and
// sends those neither achieved nor improving to their clinician for review
// (treat to target), a batch per transaction.
func (s *Sweeper) reviewGoals(ctx context.Context, cal *calendar.Calendar) (int, error) {
	now := s.now()
	loc := cal.Location()
	today := now.In(loc).Format(time.DateOnly)
	made := 0
	for {
		goals, err := s.Store.FindGoalsForReview(ctx, today, now, s.batch())
		if err != nil || len(goals) == 0 {
			return made, err
		}
		reviews := make([]carepath.GoalReviewed, len(goals))
		for i, g := range goals {
			reviews[i] = carepath.GoalReviewed{GoalID: g.Goal.ID, ReviewBy: g.Goal.ReviewBy}
			day, err := time.ParseInLocation(time.DateOnly, g.Goal.ReviewBy, loc)
			if err != nil {
				continue
			}
			if careplan.NeedsReview(careplan.Evaluation{Status: careplan.Achievement(g.Goal.Achievement)}, day, now) {
				t := rules.PlanGoalReview(g, cmp.Or(g.Goal.ResponsibleID, g.CareManagerID), cal, now)
				reviews[i].Task = &t
			}
		}
		n, err := s.Store.MarkGoalsReviewed(ctx, reviews)
		made += n
		if err != nil || len(goals) < s.batch() {
			return made, err
		}
	}
}

// escalate sends tasks more than the margin late to the supervisors and
// raises their priority, one batch in one transaction.
func (s *Sweeper) escalate(ctx context.Context, cal *calendar.Calendar) (int, error) {
	now := s.now()
	// Everything due before yesterday at this hour is a candidate; the rule
	// decides in business days.
	candidates, err := s.Store.FindTasksToEscalate(ctx, now.Add(-24*time.Hour), rules.OverdueEscalation.ID, s.batch())
	if err != nil {
		return 0, err
	}
	var escalations []carepath.Escalation
	for _, late := range candidates {
		if rules.ShouldEscalate(late, cal, now) {
			e := rules.PlanEscalation(late, cal, now)
			escalations = append(escalations, carepath.Escalation{Late: late, Task: &e})
		}
	}
	if len(escalations) == 0 {
		return 0, nil
	}
	return s.Store.EscalateTasks(ctx, escalations)
}

// Run sweeps every interval until ctx ends, logging what each sweep did.
func (s *Sweeper) Run(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		start := time.Now()
		r, err := s.RunOnce(ctx)
		if s.Logger != nil {
			if err != nil && ctx.Err() == nil {
				s.Logger.Error("sweep", "err", err, "report", r.String())
			} else if r.Did() {
				s.Logger.Info("sweep", "report", r.String(), "ms", time.Since(start).Milliseconds())
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
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

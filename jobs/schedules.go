package jobs

import (
	"cmp"
	"context"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/careplan"
	"carepath/codeset"
	"carepath/rules"
)

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

// Package jobs runs the work engine's background work: the rules on new
// events, the check-in schedules that fall due, and the escalation of late
// tasks. Its state lives in the database (events processed or not, each
// schedule's next occurrence, one task per rule and event), so a sweep that
// stops halfway resumes where it stopped and nothing is done twice: every
// task it makes carries its rule's event key, which the store makes once.
package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"carepath"
	"carepath/calendar"
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

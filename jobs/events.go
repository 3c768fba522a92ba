package jobs

import (
	"context"
	"fmt"

	"carepath"
	"carepath/calendar"
	"carepath/rules"
)

// ProcessEventsByKey runs the rules on those of the organization's events
// with the keys that they have not seen yet: what one report recorded,
// and nothing else of the organization's.
func (s *Sweeper) ProcessEventsByKey(ctx context.Context, orgID string, keys []carepath.EventKey) error {
	ctx, cal, err := s.orgCalendar(ctx, orgID)
	if err != nil {
		return err
	}
	events, err := s.Store.FindPendingEventsByKey(ctx, keys)
	if err != nil {
		return err
	}
	for _, e := range events {
		if _, err := s.processEvent(ctx, cal, e); err != nil {
			return err
		}
	}
	return nil
}

// orgCalendar acts as the work rules of the organization, and reads its
// calendar.
func (s *Sweeper) orgCalendar(ctx context.Context, orgID string) (context.Context, *calendar.Calendar, error) {
	ctx = carepath.NewContextWithActor(ctx, carepath.SystemActor(orgID, "work rules", "sweep"))
	org, err := s.Store.FindOrganization(ctx, orgID)
	if err != nil {
		return ctx, nil, err
	}
	cal, err := s.calendar(ctx, org)
	return ctx, cal, err
}

// processEvents applies the rules to every pending event.
func (s *Sweeper) processEvents(ctx context.Context, cal *calendar.Calendar) (seen, made int, err error) {
	for {
		events, err := s.Store.FindPendingEvents(ctx, s.batch())
		if err != nil || len(events) == 0 {
			return seen, made, err
		}
		for _, e := range events {
			created, err := s.processEvent(ctx, cal, e)
			if err != nil {
				return seen, made, err
			}
			seen++
			if created {
				made++
			}
		}
	}
}

// processEvent applies the rules to one event and marks it processed,
// with what they did; created says whether they made a task.
func (s *Sweeper) processEvent(ctx context.Context, cal *calendar.Calendar, e carepath.Event) (created bool, err error) {
	result, created, err := s.applyRules(ctx, cal, e)
	if err != nil {
		return false, fmt.Errorf("event %s: %w", e.Key, err)
	}
	// Marked after its task is made: a crash in between makes the rule
	// run again, and the task's event key makes it once.
	return created, s.Store.MarkEventProcessed(ctx, e.Key, result)
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
		if e.Stay == nil {
			return "no task: the event has no stay", false, nil
		}
		n, err := s.Store.FlagReadmission(ctx, e.PatientID, *e.Stay)
		return fmt.Sprintf("%s: %d episode%s readmitted", rules.TransitionProtocol.ID, n, plural(n)), false, err
	}
	if p.Deceased {
		return "no task: the patient has died", false, nil
	}
	t, ok, why := rules.PlanVitalSignAlert(e, careManager, cal, s.now())
	if !ok {
		return rules.VitalSignAlert.ID + ": no task: " + why, false, nil
	}
	if created, err = s.Store.CreateTask(ctx, &t); err != nil {
		return "", false, err
	}
	return rules.VitalSignAlert.ID + ": task " + t.ID, created, nil
}

// discharge scores the stay, flags it as the readmission of an earlier
// episode, and opens its transition episode with the protocol's tasks.
// The scores and the readmission are kept whatever happens next (a
// patient who died is still counted); the episode only for a discharge to
// the community of a living patient.
func (s *Sweeper) discharge(ctx context.Context, cal *calendar.Calendar, e carepath.Event, p *carepath.Patient, careManager string) (string, bool, error) {
	if e.Stay == nil {
		return "no task: the event has no stay", false, nil
	}
	st := e.Stay
	d := rules.Discharge{EncounterID: st.EncounterID, PatientID: e.PatientID, Class: st.Class, Facility: st.Facility,
		DispositionCode: st.Disposition, DispositionDisplay: st.DispositionDisplay, Admitted: st.Start, Discharged: st.End,
		CareManagerID: careManager}
	scores, err := s.scoreStay(ctx, cal.Location(), e.PatientID, d.EncounterID)
	if err != nil {
		return "", false, err
	}
	readmitted, err := s.Store.FlagReadmission(ctx, e.PatientID, *st)
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

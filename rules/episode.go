package rules

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"carepath"
)

// EpisodeTaskClose is what a change of a transition episode does to its
// task of a kind: closes it (Status completed or cancelled), saying why.
type EpisodeTaskClose struct {
	Kind   string
	Why    string
	Status carepath.TaskStatus
}

// TransitionKinds are an episode's kinds of task, in the order of the clock.
var TransitionKinds = []string{KindPostDischarge, KindMedRec, KindFollowUpVisit, KindPeriodEnd}

// EpisodeTaskKey is the rule and the event key of one of an episode's
// tasks.
type EpisodeTaskKey struct {
	RuleID string
	Key    carepath.EventKey
}

// TransitionTaskKeys are the rule and event key of each kind of task an
// episode's stay made.
func TransitionTaskKeys(encounterID string) map[string]EpisodeTaskKey {
	key := func(event string) carepath.EventKey { return carepath.EncounterEventKey(encounterID, event) }
	return map[string]EpisodeTaskKey{
		KindPostDischarge: {PostDischargeContact.ID, key(carepath.StayDischarge)},
		KindFollowUpVisit: {TransitionProtocol.ID, key("follow-up-visit")},
		KindMedRec:        {TransitionProtocol.ID, key("medication-reconciliation")},
		KindPeriodEnd:     {TransitionProtocol.ID, key("tcm-period-end")},
	}
}

// ReadTCMClock fills in the TCM code the documentation supports and each
// element's state.
func ReadTCMClock(t *carepath.Transition, loc *time.Location) {
	clock := TCMClock{Discharged: t.Discharged, Contact: t.ContactDue, FaceToFaceHigh: t.VisitDueHigh,
		FaceToFaceModerate: t.VisitDueModerate, PeriodEnd: t.PeriodEnd}
	doc := TCMDocumentation{Complexity: t.Complexity}
	if t.Contact != nil {
		doc.ContactAt = t.Contact.At
	}
	for _, a := range t.Attempts {
		doc.Attempts = append(doc.Attempts, a.At)
	}
	if t.Visit != nil {
		doc.VisitAt = t.Visit.At
	}
	if t.MedRec.Completed != nil {
		doc.MedRecAt = t.MedRec.Completed.At
	}
	t.Code, t.Elements = clock.Code(doc, loc)
}

// ApplyTransitionChange checks c, made by a at now, and applies it to t,
// returning what it did in words and what becomes of the episode's tasks,
// in the order of the clock: a task whose element c documents is
// completed, and closing the episode cancels the others (the period's end
// is completed). On an error t may be half changed: the caller discards
// it (the store rolls back the transaction it read t in). Every problem is named
// in the one error, each by the input it concerns (contact.at,
// attempt.outcome, lines.N.decision for line N, reported.K.medicine for
// the K-th medicine reported, complete, close...).
func ApplyTransitionChange(t *carepath.Transition, c carepath.TransitionChange, a *carepath.Actor, now time.Time) (what []string, closes []EpisodeTaskClose, err error) {
	closeKinds := map[string]string{} // kind -> why
	var problems carepath.Problems
	problem := problems.Add
	if t.Status != carepath.TransitionOpen {
		return nil, nil, carepath.Errorf(carepath.EINVALID, "This transition is closed; it cannot change any more.")
	}
	// when checks a recorded time: not in the future, not before the
	// discharge; zero is now.
	when := func(field, name string, at time.Time) time.Time {
		switch {
		case at.IsZero():
			return now
		case at.After(now.Add(5 * time.Minute)):
			problem(field, "%s time is in the future", name)
		case at.Before(t.Discharged):
			problem(field, "%s time is before the discharge", name)
		}
		return at
	}
	by := func(n carepath.TransitionNote, at time.Time) *carepath.TransitionNote {
		return &carepath.TransitionNote{At: at, ByID: a.ActorID(), ByName: a.Label(), Outcome: strings.TrimSpace(n.Outcome), Note: strings.TrimSpace(n.Note)}
	}
	if c.Contact != nil {
		at := when("contact.at", "the contact's", c.Contact.At)
		t.Contact = by(*c.Contact, at)
		what = append(what, "contact "+at.UTC().Format(time.RFC3339))
		closeKinds[KindPostDischarge] = "interactive contact recorded on the transition"
	}
	if c.Attempt != nil {
		at := when("attempt.at", "the attempt's", c.Attempt.At)
		if strings.TrimSpace(c.Attempt.Outcome) == "" {
			problem("attempt.outcome", "an attempt needs its outcome (no answer, left voicemail...)")
		}
		t.Attempts = append(t.Attempts, *by(*c.Attempt, at))
		what = append(what, "contact attempt "+at.UTC().Format(time.RFC3339)+": "+c.Attempt.Outcome)
	}
	if c.Visit != nil {
		at := when("visit.at", "the visit's", c.Visit.At)
		t.Visit = by(*c.Visit, at)
		what = append(what, "face-to-face visit "+at.UTC().Format(time.RFC3339))
		closeKinds[KindFollowUpVisit] = "face-to-face visit recorded on the transition"
	}
	if c.Complexity != nil {
		if !slices.Contains(carepath.TransitionComplexities, *c.Complexity) {
			problem("complexity", "the complexity %q is not one of %s", *c.Complexity, strings.Join(carepath.TransitionComplexities, ", "))
		}
		t.Complexity, t.ComplexityBy = *c.Complexity, by(carepath.TransitionNote{}, now)
		what = append(what, "complexity "+*c.Complexity)
	}
	if t.MedRec.Completed != nil && (len(c.Decisions) > 0 || len(c.Reported) > 0 || c.Complete) {
		problem("complete", "the reconciliation was completed already")
	}
	// decide records a decision on line i; field names its input.
	decide := func(i int, field, decision, note string) {
		line := &t.MedRec.Lines[i]
		note = strings.TrimSpace(note)
		// A decision as it stands (a form sends every line) is no change:
		// who made it stays.
		if decision == "" || decision == line.Decision && line.DecidedBy != nil && note == line.DecidedBy.Note {
			return
		}
		if !slices.Contains(carepath.MedDecisions, decision) {
			problem(field+".decision", "line %d: the decision %q is not one of continue, stop, clarify", i+1, decision)
			return
		}
		if decision == carepath.MedClarify && note == "" {
			problem(field+".note", "line %d (%s): say what to clarify with the prescriber", i+1, line.Medicine)
		}
		line.Decision, line.DecidedBy = decision, by(carepath.TransitionNote{Note: note}, now)
		what = append(what, fmt.Sprintf("%s: %s", line.Medicine, decision))
	}
	for _, d := range c.Decisions {
		field := fmt.Sprintf("lines.%d", d.Line)
		if d.Line < 0 || d.Line >= len(t.MedRec.Lines) {
			problem(field, "there is no line %d", d.Line+1)
			continue
		}
		line := &t.MedRec.Lines[d.Line]
		if d.PatientTakes != "" && d.PatientTakes != line.PatientTakes {
			if !slices.Contains(carepath.PatientTakes, d.PatientTakes) {
				problem(field+".takes", "line %d: what the patient takes must be one of %s", d.Line+1, strings.Join(carepath.PatientTakes, ", "))
			}
			line.PatientTakes = d.PatientTakes
			what = append(what, fmt.Sprintf("%s: the patient takes it %s", line.Medicine, d.PatientTakes))
		}
		decide(d.Line, field, d.Decision, d.Note)
	}
	// A medicine the patient reports is a new line, decided in the same
	// change when the decision comes with it.
	reported := map[int]string{} // line -> its input
	for k, r := range c.Reported {
		field := fmt.Sprintf("reported.%d", k)
		name := strings.TrimSpace(r.Medicine)
		if name == "" {
			problem(field+".medicine", "a medicine the patient reports needs its name")
			continue
		}
		t.MedRec.Lines = append(t.MedRec.Lines, carepath.MedRecLine{Kind: "reported", Medicine: name, Before: strings.TrimSpace(r.Before),
			Why: "the patient takes it; on neither list", PatientTakes: "as listed", PatientNote: strings.TrimSpace(r.PatientNote)})
		what = append(what, "reported medicine "+name)
		i := len(t.MedRec.Lines) - 1
		reported[i] = field
		if r.Decision != "" {
			note := ""
			if r.DecidedBy != nil {
				note = r.DecidedBy.Note
			}
			decide(i, field, r.Decision, note)
		}
	}
	if c.Complete {
		undecided := false
		for i, l := range t.MedRec.Lines {
			if l.Decision == "" {
				undecided = true
				field := fmt.Sprintf("lines.%d", i)
				if f, ok := reported[i]; ok {
					field = f
				}
				problem(field+".decision", "line %d (%s) is undecided", i+1, l.Medicine)
			}
		}
		if undecided {
			problem("complete", "every line needs a decision before the reconciliation is complete")
		}
		t.MedRec.Completed = by(carepath.TransitionNote{}, now)
		what = append(what, "reconciliation completed")
		closeKinds[KindMedRec] = "medication reconciliation completed on the transition"
	}
	if c.Close != nil {
		reason := strings.TrimSpace(*c.Close)
		if reason == "" {
			problem("close", "closing a transition needs the reason")
		}
		t.Status, t.Closed = carepath.TransitionClosed, by(carepath.TransitionNote{Note: reason}, now)
		what = append(what, "closed: "+reason)
		for _, kind := range TransitionKinds {
			if _, done := closeKinds[kind]; !done {
				closeKinds[kind] = "transition closed: " + reason
			}
		}
	}
	if err := carepath.Invalid("This change cannot be recorded", problems...); err != nil {
		return nil, nil, err
	}
	if len(what) == 0 {
		return nil, nil, carepath.Errorf(carepath.EINVALID, "Nothing to change.")
	}
	for _, kind := range TransitionKinds {
		why, ok := closeKinds[kind]
		if !ok {
			continue
		}
		status := carepath.TaskCompleted
		if c.Close != nil && kind != KindPeriodEnd {
			status = carepath.TaskCancelled // closed before it was done
		}
		closes = append(closes, EpisodeTaskClose{Kind: kind, Why: why, Status: status})
	}
	return what, closes, nil
}

// ContactFromTask records on an open episode tr, without its contact yet,
// what a made of its contact task t at now (with the change's note): an
// attempt that reached the patient, or the task completed as reached or
// done, is the interactive contact; another attempt, or a completion with
// another outcome, an attempt. It returns what it recorded, in words.
func ContactFromTask(tr *carepath.Transition, t *carepath.Task, note string, a *carepath.Actor, now time.Time) string {
	reached := t.Outcome == carepath.OutcomeReached || t.Outcome == carepath.OutcomeDone && t.Status == carepath.TaskCompleted
	n := carepath.TransitionNote{At: now, ByID: a.ActorID(), ByName: a.Label(), Outcome: t.Outcome, Note: strings.TrimSpace(note)}
	recordContact(tr, n, reached)
	if reached {
		return "contact, from its task"
	}
	return "contact attempt, from its task: " + t.Outcome
}

// EpisodeContact says what a logged contact documents for an open episode
// tr without its contact yet, and records it: an interactive contact with
// the patient or a caregiver is the episode's interactive contact (contact
// true: its task is done); an outbound one with them that did not reach
// them, an attempt. It returns what it recorded, in words ("" for
// nothing: a contact with someone else, or an inbound message unanswered).
func EpisodeContact(tr *carepath.Transition, c *carepath.Contact, a *carepath.Actor) (what string, contact bool) {
	if c.Party != carepath.ContactPatient && c.Party != carepath.ContactCaregiver {
		return "", false
	}
	n := carepath.TransitionNote{At: c.At, ByID: a.ActorID(), ByName: a.Label(), Outcome: c.Outcome, Note: strings.TrimSpace(c.Note)}
	switch {
	case c.Interactive:
		recordContact(tr, n, true)
		return "contact, from the communication log (Contact/" + c.ID + ")", true
	case c.Direction == carepath.ContactDirectionOut && !c.Reached():
		recordContact(tr, n, false)
		return "contact attempt, from the communication log: " + c.Outcome + " (Contact/" + c.ID + ")", false
	}
	return "", false
}

// recordContact records n on tr as its interactive contact (reached) or an
// attempt.
func recordContact(tr *carepath.Transition, n carepath.TransitionNote, reached bool) {
	if reached {
		n.Outcome = ""
		tr.Contact = &n
		return
	}
	tr.Attempts = append(tr.Attempts, n)
}

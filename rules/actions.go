package rules

import (
	"strings"

	"carepath"
)

// TaskActions are what a person may do with a task, by its kind and
// priority: the outcomes a call or a completion may have, whether it is
// a call (attempts are logged), whether it stands for an element of a
// transition episode (done when the episode records it, and not
// otherwise), and whether closing it needs a note.
type TaskActions struct {
	// Outcomes a completion (and an attempt, when Call) may have.
	Outcomes []string
	// Call: the task is a call; unsuccessful attempts are logged.
	Call bool
	// Element is the episode element the task stands for ("" none): the
	// reconciliation, the follow-up visit, the period's end. It is
	// completed when the element is recorded on the episode, and cannot be
	// completed from the task.
	Element string
	// NoteToClose: completing or cancelling it needs a note of what was
	// done (a stat or safety task: no closing by one key).
	NoteToClose bool
}

// callOutcomes are a call's outcomes; done closes a task that needed no
// call.
var callOutcomes = []string{carepath.OutcomeReached, carepath.OutcomeVoicemail, carepath.OutcomeNoAnswer, carepath.OutcomeWrongNum}

// elementNames name the episode elements a task may stand for.
var elementNames = map[string]string{KindMedRec: "medication reconciliation", KindFollowUpVisit: "face-to-face visit", KindPeriodEnd: "close of the 30-day period"}

// ActionsFor returns the actions a task of kind and priority offers.
func ActionsFor(kind string, priority carepath.TaskPriority) TaskActions {
	a := TaskActions{NoteToClose: priority == carepath.PriorityStat || kind == KindSafety}
	switch kind {
	case KindMedRec, KindFollowUpVisit, KindPeriodEnd:
		a.Element = elementNames[kind]
	case KindPostDischarge, KindCheckIn, KindSafety, KindVitalSign:
		a.Outcomes, a.Call = callOutcomes, true
	case KindScreening, KindGoalReview, KindEscalation:
		a.Outcomes = []string{carepath.OutcomeDone}
	default:
		// A task written by a person may be a call or anything else.
		a.Outcomes, a.Call = append(append([]string(nil), callOutcomes...), carepath.OutcomeDone), true
	}
	return a
}

// FitsTask refuses a person's change that does not fit the task's kind
// (ActionsFor): a task that stands for an episode element is
// completed by recording the element on the episode, never from the task,
// where it would say done while the episode does not; it takes no call
// attempts; and a stat or safety task closes only with a note of what was
// done.
func FitsTask(t *carepath.Task, c carepath.TaskChange) error {
	acts := ActionsFor(t.Kind, t.Priority)
	closing := c.Status != nil && (*c.Status == carepath.TaskCompleted || *c.Status == carepath.TaskCancelled)
	switch {
	case acts.Element != "" && c.Status != nil && *c.Status == carepath.TaskCompleted:
		return carepath.Invalid("This task cannot be completed here", carepath.FieldError{Field: "status",
			Message: "it is done when its episode records the " + acts.Element + ": record it on the episode, and the task closes with it"})
	case acts.Element != "" && c.Attempt != "":
		return carepath.Invalid("This task takes no call attempts", carepath.FieldError{Field: "attempt",
			Message: "it stands for the episode's " + acts.Element + ", which is recorded on the episode"})
	case acts.NoteToClose && closing && strings.TrimSpace(c.Note) == "":
		return carepath.Invalid("This task closes with a note", carepath.FieldError{Field: "note",
			Message: "say what was done: a stat or safety task is not closed by one key"})
	}
	return nil
}

package rules

import "carepath"

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

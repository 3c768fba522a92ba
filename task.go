package carepath

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
)

// TaskStatus is where a task is in its life (FHIR Task.status, in part).
type TaskStatus string

const (
	TaskRequested  TaskStatus = "requested"   // created, nobody has taken it up
	TaskAccepted   TaskStatus = "accepted"    // someone owns it
	TaskInProgress TaskStatus = "in-progress" // being worked
	TaskOnHold     TaskStatus = "on-hold"     // waiting (snoozed, or on someone else)
	TaskCompleted  TaskStatus = "completed"
	TaskCancelled  TaskStatus = "cancelled"
	TaskFailed     TaskStatus = "failed" // could not be done (e.g. patient unreachable after every attempt)
)

// OpenTaskStatuses are the statuses of work still to do.
var OpenTaskStatuses = []TaskStatus{TaskRequested, TaskAccepted, TaskInProgress, TaskOnHold}

// Open reports whether the task is still work to do.
func (s TaskStatus) Open() bool {
	switch s {
	case TaskRequested, TaskAccepted, TaskInProgress, TaskOnHold:
		return true
	}
	return false
}

// Valid reports whether s is a known status.
func (s TaskStatus) Valid() bool {
	return s.Open() || s == TaskCompleted || s == TaskCancelled || s == TaskFailed
}

// TaskPriority is how soon a task must be done (FHIR request priority).
type TaskPriority string

const (
	PriorityRoutine TaskPriority = "routine"
	PriorityUrgent  TaskPriority = "urgent"
	PriorityASAP    TaskPriority = "asap"
	PriorityStat    TaskPriority = "stat" // a safety matter: now
)

// Rank orders priorities, most pressing highest; 0 for an unknown one.
func (p TaskPriority) Rank() int {
	switch p {
	case PriorityRoutine:
		return 1
	case PriorityUrgent:
		return 2
	case PriorityASAP:
		return 3
	case PriorityStat:
		return 4
	}
	return 0
}

// Raise is the next more pressing priority (stat stays stat).
func (p TaskPriority) Raise() TaskPriority {
	switch p {
	case PriorityRoutine:
		return PriorityUrgent
	case PriorityUrgent:
		return PriorityASAP
	}
	return PriorityStat
}

// Task outcomes recorded with an attempt or a completion.
const (
	OutcomeReached   = "reached patient"
	OutcomeVoicemail = "left voicemail"
	OutcomeNoAnswer  = "no answer"
	OutcomeWrongNum  = "wrong number"
	OutcomeDone      = "done"
)

// TaskOutcomes lists the outcomes the UI offers, in order.
var TaskOutcomes = []string{OutcomeReached, OutcomeVoicemail, OutcomeNoAnswer, OutcomeWrongNum, OutcomeDone}

// Task is a piece of work: for a patient or for nobody in particular, owned
// by a user or waiting in a queue (a role) to be claimed, with a deadline,
// and always with the reason it exists.
type Task struct {
	OrgID     string
	ID        string
	PatientID string // "" for work about no patient
	Kind      string // e.g. post-discharge-contact, check-in, escalation, general
	Title     string
	Status    TaskStatus
	Priority  TaskPriority
	OwnerID   string // a user; "" while the task waits in Queue
	Queue     Role   // who may claim it when it has no owner
	Program   string // e.g. TCM, CCM; "" for none
	Due       time.Time
	// NotBefore hides the task from worklists until then (its start, or a
	// snooze); zero for at once.
	NotBefore time.Time

	Origin TaskOrigin

	Attempts    int    // contact attempts recorded
	Outcome     string // the last attempt's or the completion's
	Note        string // the completion note
	Created     time.Time
	Updated     time.Time
	CompletedAt time.Time
	Version     int // changes with every change; for updates that must not cross

	// Filled in by FindTaskByID.
	History []TaskEvent
	// Filled in by worklist reads: the owner's and the patient's names.
	OwnerName, PatientName string
}

// TaskOrigin is why a task exists: a person made it, or a rule did on an
// event, with the facts it saw.
type TaskOrigin struct {
	By          string // "person" or "rule"
	UserID      string // who, for a person (and who triggered the event, when known)
	RuleID      string
	RuleVersion int
	// EventKey names the event the rule fired on (e.g. "Encounter/abc:discharge");
	// a rule makes one task per event key, however often the event comes.
	EventKey EventKey
	Reason   string            // in plain words, shown wherever the task is
	Facts    map[string]string // what the rule saw, by name
}

// TaskEvent is one change in a task's history.
type TaskEvent struct {
	Seq     int
	At      time.Time
	ActorID string
	Actor   string // name, or the rule or sweep that acted
	Action  string // created, status, owner, due, priority, attempt, snooze, note
	From    string
	To      string
	Note    string
}

// TaskFilter selects tasks for a worklist. Only open tasks unless Statuses
// says otherwise.
type TaskFilter struct {
	OwnerID   string // tasks this user owns
	Queues    []Role // plus unowned tasks in these queues ("my work")
	AnyOwner  bool   // every owner (team view; supervisors)
	PatientID string
	Kind      string
	Program   string
	Priority  TaskPriority
	Overdue   bool      // due before now
	DueBy     time.Time // due at or before (e.g. end of today)
	// Today is the end of the viewer's day: tasks due by then sort right
	// after the overdue ones. Zero: no such group.
	Today    time.Time
	Statuses []TaskStatus
	// Hidden: include tasks whose NotBefore is still ahead (snoozed).
	Hidden bool
	// Sort orders the list; "" is TaskSortUrgency for a worklist and
	// TaskSortDue for any other list.
	Sort   TaskSort
	Limit  int
	Offset int
}

// TaskSort is an order of a task list. A worklist keeps the owner's own
// tasks before the queues' in every order.
type TaskSort string

const (
	// TaskSortUrgency: overdue, then due today (TaskFilter.Today), then
	// later; within each the most pressing priority, then the deadline.
	TaskSortUrgency TaskSort = "urgency"
	// TaskSortDue: the earliest deadline first.
	TaskSortDue TaskSort = "due"
	// TaskSortPriority: the most pressing priority first, then the deadline.
	TaskSortPriority TaskSort = "priority"
	// TaskSortPatient: by the patient's family and given name, each
	// patient's tasks by deadline; tasks of no patient last.
	TaskSortPatient TaskSort = "patient"
)

// TaskSorts are the orders a list offers, in the order offered.
var TaskSorts = []TaskSort{TaskSortUrgency, TaskSortDue, TaskSortPriority, TaskSortPatient}

// Label is the order in words, for a menu.
func (s TaskSort) Label() string {
	switch s {
	case TaskSortUrgency:
		return "Most urgent"
	case TaskSortDue:
		return "Due date"
	case TaskSortPriority:
		return "Priority"
	case TaskSortPatient:
		return "Patient"
	}
	return string(s)
}

// ParseTaskSort reads an order by its name; "" is the list's default.
func ParseTaskSort(s string) (TaskSort, error) {
	if s == "" || slices.Contains(TaskSorts, TaskSort(s)) {
		return TaskSort(s), nil
	}
	return "", Errorf(EINVALID, "Unknown sort %q: use one of urgency, due, priority, patient.", s)
}

// TaskChange is what an update asks for; nil fields stay as they are.
type TaskChange struct {
	Status    *TaskStatus
	OwnerID   *string // "" puts the task back in its queue
	Queue     *Role
	Priority  *TaskPriority
	Due       *time.Time
	NotBefore *time.Time // a snooze
	// Reason rewords why the task exists, when what it was made for
	// changed (a care plan's goal); the system's, not a person's.
	Reason  *string
	Attempt string // records a contact attempt with this outcome
	Outcome string // with a closing status: how it ended
	Note    string // why (a snooze's reason, a completion note)
	// Version is the task's version as the person saw it: a change
	// without it is refused (EINVALID) and one made on a stale screen too
	// (ECONFLICT), never merged over a change they have not seen.
	Version int
}

// MaxTaskOffset bounds how deep a task list may be paged: each page reads
// its offset's rows again.
const MaxTaskOffset = 10000

// TaskCountLimit bounds the counting of a list: FindTasks reports a total
// up to it exactly, and TaskCountLimit+1 for "more" (the page says
// "1,000+"), so that a list of 16,000 open tasks costs no full count.
const TaskCountLimit = 1000

// TaskCounts are the header's numbers.
type TaskCounts struct {
	Overdue, DueToday, Open int
}

// OwnerCounts are one person's (or one queue's) open work, for the team view.
type OwnerCounts struct {
	OwnerID   string // "" for a queue
	OwnerName string
	Queue     Role // for unowned work
	TaskCounts
}

// TaskService keeps the work.
type TaskService interface {
	// CreateTask adds a task to the actor's organization, by the actor
	// (origin "person") unless the origin names a rule. Roles that may not
	// change clinical data get ENOTFOUND; a patient outside the organization
	// ENOTFOUND; a bad kind, title, priority, owner or queue EINVALID. A rule
	// task whose (rule, event key) already exists is not made again: the
	// existing task is returned with created false.
	CreateTask(ctx context.Context, t *Task) (created bool, err error)
	// FindTaskByID returns a task of the actor's organization with its
	// history, or ENOTFOUND.
	FindTaskByID(ctx context.Context, id string) (*Task, error)
	// FindTasks lists tasks of the actor's organization matching f (ENOTFOUND
	// when f.PatientID names no patient of it), and how
	// many match (up to TaskCountLimit; TaskCountLimit+1 means more), in
	// the order f.Sort names. A worklist (f.OwnerID or f.Queues) lists the
	// owner's tasks before the queues' and is by default in
	// TaskSortUrgency; any other list by default in TaskSortDue. Ties
	// break by task ID, so pages do not overlap.
	FindTasks(ctx context.Context, f TaskFilter) ([]*Task, int, error)
	// UpdateTask applies a change and records it in the history. The owner,
	// the task's queue (to claim it), the patient's care team, supervisors
	// and administrators may change a task; others get ENOTFOUND. Claiming
	// (OwnerID set to oneself on an unowned task) succeeds for exactly one
	// of several users at once; the others get ECONFLICT.
	UpdateTask(ctx context.Context, id string, c TaskChange) (*Task, error)
	// CountMyTasks counts the actor's open work (owned, and unowned in the
	// actor's role's queue): overdue, due by endOfToday, and all.
	CountMyTasks(ctx context.Context, endOfToday time.Time) (TaskCounts, error)
	// CountTasksByOwner counts the organization's open work per owner and,
	// for unowned work, per queue: most overdue first.
	CountTasksByOwner(ctx context.Context, endOfToday time.Time) ([]OwnerCounts, error)
}

// Apply changes t as c, made by a at now, asks, and returns the history
// events that record it (none: nothing changed). An owner change needs
// names, the history's name of the task's owner and of the new one by
// user id ("" for nobody). On an error t may be half changed: the caller
// discards it.
func (t *Task) Apply(c TaskChange, a *Actor, now time.Time, names map[string]string) ([]TaskEvent, error) {
	var events []TaskEvent
	add := func(action, from, to, note string) {
		events = append(events, TaskEvent{Action: action, From: from, To: to, Note: note})
	}
	if c.Reason != nil && *c.Reason != t.Origin.Reason {
		add("reason", t.Origin.Reason, *c.Reason, c.Note)
		t.Origin.Reason = *c.Reason
	}
	if c.OwnerID != nil && *c.OwnerID != t.OwnerID {
		from, to := names[t.OwnerID], names[*c.OwnerID]
		if *c.OwnerID == "" && t.Queue == "" {
			return nil, Errorf(EINVALID, "A task without a queue needs an owner.")
		}
		action := "owner"
		if t.OwnerID == "" && *c.OwnerID == a.ActorID() {
			action = "claimed"
		}
		add(action, from, to, c.Note)
		t.OwnerID = *c.OwnerID
		switch {
		case t.OwnerID != "" && t.Status == TaskRequested:
			add("status", string(t.Status), string(TaskAccepted), "")
			t.Status = TaskAccepted
		case t.OwnerID == "" && t.Status == TaskAccepted:
			add("status", string(t.Status), string(TaskRequested), "")
			t.Status = TaskRequested
		}
	}
	if c.Queue != nil && *c.Queue != t.Queue {
		if *c.Queue != "" {
			if _, err := ParseRole(string(*c.Queue)); err != nil {
				return nil, err
			}
		} else if t.OwnerID == "" {
			return nil, Errorf(EINVALID, "A task without an owner needs a queue.")
		}
		add("queue", string(t.Queue), string(*c.Queue), c.Note)
		t.Queue = *c.Queue
	}
	if c.Priority != nil && *c.Priority != t.Priority {
		if c.Priority.Rank() == 0 {
			return nil, Errorf(EINVALID, "Priority must be routine, urgent, asap or stat.")
		}
		add("priority", string(t.Priority), string(*c.Priority), c.Note)
		t.Priority = *c.Priority
	}
	if c.Due != nil && !c.Due.Equal(t.Due) {
		if c.Due.IsZero() {
			return nil, Errorf(EINVALID, "A task needs a due time.")
		}
		if err := CheckTime("the due time", *c.Due, now); err != nil {
			return nil, err
		}
		add("due", t.Due.UTC().Format(time.RFC3339), c.Due.UTC().Format(time.RFC3339), c.Note)
		t.Due = *c.Due
	}
	if c.NotBefore != nil && !c.NotBefore.Equal(t.NotBefore) {
		if !c.NotBefore.IsZero() {
			if err := CheckTime("the day the task comes back", *c.NotBefore, now); err != nil {
				return nil, err
			}
		}
		if c.NotBefore.After(now) && strings.TrimSpace(c.Note) == "" {
			return nil, Errorf(EINVALID, "Say why the task waits (a snooze needs a reason).")
		}
		add("snooze", optionalTime(t.NotBefore), optionalTime(*c.NotBefore), strings.TrimSpace(c.Note))
		t.NotBefore = *c.NotBefore
	}
	if c.Attempt != "" {
		t.Attempts++
		t.Outcome = strings.TrimSpace(c.Attempt)
		add("attempt", strconv.Itoa(t.Attempts), t.Outcome, strings.TrimSpace(c.Note))
		if t.Status == TaskRequested || t.Status == TaskAccepted {
			add("status", string(t.Status), string(TaskInProgress), "")
			t.Status = TaskInProgress
		}
	}
	if c.Status != nil && *c.Status != t.Status {
		s := *c.Status
		if !s.Valid() {
			return nil, Errorf(EINVALID, "Unknown status %q.", s)
		}
		if s == TaskAccepted && t.OwnerID == "" {
			return nil, Errorf(EINVALID, "A task is accepted by its owner: claim it first.")
		}
		note := strings.TrimSpace(c.Note)
		if !s.Open() {
			t.CompletedAt = now
			t.Note = note
			if c.Outcome != "" {
				t.Outcome = strings.TrimSpace(c.Outcome)
			} else if s == TaskCompleted && c.Attempt == "" {
				t.Outcome = OutcomeDone
			}
			if s != TaskCompleted && note == "" {
				return nil, Errorf(EINVALID, "Say why the task is %s.", s)
			}
		}
		add("status", string(t.Status), string(s), note)
		t.Status = s
	}
	return events, nil
}

// optionalTime is a time as the history writes it: RFC 3339 in UTC, "" for
// none.
func optionalTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}

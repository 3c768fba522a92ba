package api

import (
	"net/http"
	"strconv"
	"time"

	"carepath"
	"carepath/web"
)

// apiTask is a task as the API shows it; times are RFC 3339 in UTC.
type apiTask struct {
	ID          string         `json:"id"`
	PatientID   string         `json:"patient_id,omitempty"`
	Kind        string         `json:"kind"`
	Title       string         `json:"title"`
	Status      string         `json:"status"`
	Priority    string         `json:"priority"`
	OwnerID     string         `json:"owner_id,omitempty"`
	Queue       string         `json:"queue,omitempty"`
	Program     string         `json:"program,omitempty"`
	Due         time.Time      `json:"due"`
	NotBefore   *time.Time     `json:"not_before,omitempty"`
	Origin      apiTaskOrigin  `json:"origin"`
	Attempts    int            `json:"attempts"`
	Outcome     string         `json:"outcome,omitempty"`
	Note        string         `json:"note,omitempty"`
	Created     time.Time      `json:"created"`
	Updated     time.Time      `json:"updated"`
	CompletedAt *time.Time     `json:"completed_at,omitempty"`
	Version     int            `json:"version"`
	History     []apiTaskEvent `json:"history,omitempty"`
}

type apiTaskOrigin struct {
	By          string            `json:"by"`
	UserID      string            `json:"user_id,omitempty"`
	RuleID      string            `json:"rule_id,omitempty"`
	RuleVersion int               `json:"rule_version,omitempty"`
	EventKey    string            `json:"event_key,omitempty"`
	Reason      string            `json:"reason"`
	Facts       map[string]string `json:"facts,omitempty"`
}

type apiTaskEvent struct {
	At      time.Time `json:"at"`
	ActorID string    `json:"actor_id"`
	Actor   string    `json:"actor"`
	Action  string    `json:"action"`
	From    string    `json:"from,omitempty"`
	To      string    `json:"to,omitempty"`
	Note    string    `json:"note,omitempty"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func toAPITask(t *carepath.Task) apiTask {
	a := apiTask{ID: t.ID, PatientID: t.PatientID, Kind: t.Kind, Title: t.Title, Status: string(t.Status), Priority: string(t.Priority),
		OwnerID: t.OwnerID, Queue: string(t.Queue), Program: t.Program, Due: t.Due.UTC(), NotBefore: optionalTime(t.NotBefore),
		Origin: apiTaskOrigin{By: t.Origin.By, UserID: t.Origin.UserID, RuleID: t.Origin.RuleID, RuleVersion: t.Origin.RuleVersion,
			EventKey: t.Origin.EventKey.String(), Reason: t.Origin.Reason, Facts: t.Origin.Facts},
		Attempts: t.Attempts, Outcome: t.Outcome, Note: t.Note, Created: t.Created.UTC(), Updated: t.Updated.UTC(),
		CompletedAt: optionalTime(t.CompletedAt), Version: t.Version}
	for _, e := range t.History {
		a.History = append(a.History, apiTaskEvent{At: e.At.UTC(), ActorID: e.ActorID, Actor: e.Actor, Action: e.Action, From: e.From, To: e.To, Note: e.Note})
	}
	return a
}

// writeTaskList answers a list of tasks with the number matching.
func (s *Server) writeTaskList(w http.ResponseWriter, r *http.Request, f carepath.TaskFilter) {
	q := r.URL.Query()
	limit, err := apiLimit(q.Get("limit"), f.Limit)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	f.Limit = limit
	if o := q.Get("offset"); o != "" {
		if f.Offset, err = strconv.Atoi(o); err != nil || f.Offset < 0 || f.Offset > carepath.MaxTaskOffset {
			s.WriteProblem(w, r, carepath.Errorf(carepath.EINVALID, "offset must be a number from 0 to %d.", carepath.MaxTaskOffset))
			return
		}
	}
	if f.Sort, err = carepath.ParseTaskSort(q.Get("sort")); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	f.Kind, f.Program, f.Priority = q.Get("kind"), q.Get("program"), carepath.TaskPriority(q.Get("priority"))
	f.Overdue = q.Get("overdue") == "true"
	tasks, total, err := s.Tasks.FindTasks(r.Context(), f)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	out := struct {
		Total int       `json:"total"`
		Tasks []apiTask `json:"tasks"`
	}{Total: total, Tasks: []apiTask{}}
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, toAPITask(t))
	}
	web.WriteJSON(w, out)
}

// handleAPIWorklist is the caller's work: their tasks, then their role's
// queue, each with its reason. ?kind= &program= &priority= &overdue=true
// narrow it; ?sort= (urgency, due, priority, patient) orders it;
// ?limit= and ?offset= page it.
func (s *Server) handleAPIWorklist(w http.ResponseWriter, r *http.Request) {
	a := carepath.ActorFromContext(r.Context())
	s.writeTaskList(w, r, carepath.TaskFilter{OwnerID: a.User.ID, Queues: []carepath.Role{a.User.Role}})
}

// handleAPIPatientTasks lists a patient's open tasks (?status=all for every
// one).
func (s *Server) handleAPIPatientTasks(w http.ResponseWriter, r *http.Request) {
	f := carepath.TaskFilter{PatientID: r.PathValue("id"), Hidden: true}
	if r.URL.Query().Get("status") == "all" {
		f.Statuses = append(append([]carepath.TaskStatus{}, carepath.OpenTaskStatuses...), carepath.TaskCompleted, carepath.TaskCancelled, carepath.TaskFailed)
	}
	s.writeTaskList(w, r, f)
}

// handleAPITask returns a task with its history.
func (s *Server) handleAPITask(w http.ResponseWriter, r *http.Request) {
	t, err := s.Tasks.FindTaskByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSON(w, toAPITask(t))
}

// apiTaskInput is the body of POST /api/v1/tasks and PATCH /api/v1/tasks/{id}.
type apiTaskInput struct {
	PatientID string     `json:"patient_id"`
	Kind      string     `json:"kind"`
	Title     string     `json:"title"`
	Priority  *string    `json:"priority"`
	OwnerID   *string    `json:"owner_id"`
	Queue     *string    `json:"queue"`
	Program   string     `json:"program"`
	Due       *time.Time `json:"due"`
	NotBefore *time.Time `json:"not_before"`
	Reason    string     `json:"reason"`
	Status    *string    `json:"status"`
	Attempt   string     `json:"attempt"`
	Outcome   string     `json:"outcome"`
	Note      string     `json:"note"`
	Version   int        `json:"version"`
}

func readTaskInput(w http.ResponseWriter, r *http.Request) (apiTaskInput, error) {
	var in apiTaskInput
	return in, decodeBody(w, r, "a task", &in)
}

// handleAPICreateTask adds a task by the token's user.
func (s *Server) handleAPICreateTask(w http.ResponseWriter, r *http.Request) {
	in, err := readTaskInput(w, r)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	t := &carepath.Task{PatientID: in.PatientID, Kind: in.Kind, Title: in.Title, Program: in.Program, Origin: carepath.TaskOrigin{Reason: in.Reason}}
	if in.Priority != nil {
		t.Priority = carepath.TaskPriority(*in.Priority)
	}
	if in.OwnerID != nil {
		t.OwnerID = *in.OwnerID
	}
	if in.Queue != nil {
		t.Queue = carepath.Role(*in.Queue)
	}
	if in.Due != nil {
		t.Due = *in.Due
	}
	if in.NotBefore != nil {
		t.NotBefore = *in.NotBefore
	}
	if _, err := s.Tasks.CreateTask(r.Context(), t); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/tasks/"+t.ID)
	web.WriteJSONStatus(w, http.StatusCreated, toAPITask(t))
}

// handleAPIUpdateTask changes a task: status, owner_id, queue, priority,
// due, not_before (with a note), attempt (an outcome), outcome and note
// with a closing status; version guards against lost updates.
func (s *Server) handleAPIUpdateTask(w http.ResponseWriter, r *http.Request) {
	in, err := readTaskInput(w, r)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	c := carepath.TaskChange{OwnerID: in.OwnerID, Due: in.Due, NotBefore: in.NotBefore, Attempt: in.Attempt, Outcome: in.Outcome, Note: in.Note, Version: in.Version}
	if in.Status != nil {
		st := carepath.TaskStatus(*in.Status)
		c.Status = &st
	}
	if in.Priority != nil {
		p := carepath.TaskPriority(*in.Priority)
		c.Priority = &p
	}
	if in.Queue != nil {
		q := carepath.Role(*in.Queue)
		c.Queue = &q
	}
	t, err := s.Tasks.UpdateTask(r.Context(), r.PathValue("id"), c)
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	web.WriteJSON(w, toAPITask(t))
}

// apiEncounter is the body of POST /api/v1/patients/{id}/encounters.
type apiEncounter struct {
	ID          string `json:"id"`    // the sender's id; a repeat updates, and makes no second event
	Class       string `json:"class"` // IMP, OBSENC, EMER, AMB...
	Start       string `json:"start"` // RFC 3339
	End         string `json:"end"`   // RFC 3339; with an inpatient class, a discharge
	Facility    string `json:"facility"`
	Disposition string `json:"disposition"` // FHIR discharge-disposition code: home, snf, exp...
}

// handleAPIRecordEncounter records an admission, discharge or ED visit an
// outside system reports, and runs the same rules as an import at once: the
// answer lists the patient's open tasks after them.
func (s *Server) handleAPIRecordEncounter(w http.ResponseWriter, r *http.Request) {
	var in apiEncounter
	if err := decodeBody(w, r, "an encounter", &in); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	// A start that does not read is no start, which the service names; an
	// end that does not read must not pass for none.
	start, _ := carepath.ParseDateTime(in.Start)
	end, err := carepath.ParseDateTime(in.End)
	if err != nil {
		s.WriteProblem(w, r, carepath.Errorf(carepath.EINVALID, "An encounter needs an end time (RFC 3339) not before the start."))
		return
	}
	e := &carepath.Encounter{ID: in.ID, PatientID: r.PathValue("id"), Class: in.Class, PeriodStart: start, PeriodEnd: end,
		ServiceProviderName: in.Facility, DischargeDisposition: carepath.Coding{Code: in.Disposition}}
	if err := s.Encounters.RecordEncounter(r.Context(), e); err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	tasks, _, err := s.Tasks.FindTasks(r.Context(), carepath.TaskFilter{PatientID: e.PatientID, Hidden: true})
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	out := struct {
		ID    string    `json:"id"`
		Tasks []apiTask `json:"open_tasks"`
	}{ID: e.ID, Tasks: []apiTask{}}
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, toAPITask(t))
	}
	w.Header().Set("Location", "/api/v1/patients/"+e.PatientID)
	web.WriteJSONStatus(w, http.StatusCreated, out)
}

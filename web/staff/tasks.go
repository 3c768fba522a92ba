package staff

import (
	"bytes"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/rules"
	"carepath/web"
)

// taskRow is one task as a worklist row or the task page shows it, with
// what the viewer may do to it.
type taskRow struct {
	*carepath.Task
	Now      time.Time // in the organization's time zone
	Loc      *time.Location
	CanClaim bool // unowned, in the viewer's role's queue
	Mine     bool
	rules.TaskActions
	Next string // where a form without htmx returns to
	Done string // what was just done, for a row replaced by htmx
	// Staff the task can be reassigned to (the task page only).
	Staff []carepath.CaseloadCount
}

func (s *Server) taskRow(v *web.Viewer, t *carepath.Task, next string) taskRow {
	return taskRow{Task: t, Now: time.Now().In(v.Loc), Loc: v.Loc, Mine: t.OwnerID == v.User.ID,
		CanClaim: t.OwnerID == "" && t.Queue == v.User.Role, TaskActions: rules.ActionsFor(t.Kind, t.Priority), Next: next}
}

// DueLabel says when the task is due, plainly and relative to now:
// "overdue by 3 h", "today 14:00", "tomorrow 09:00", "Tue 26 May".
func (r taskRow) DueLabel() string {
	if !r.Status.Open() {
		return string(r.Status) + " " + r.CompletedAt.In(r.Loc).Format("Mon 2 Jan 15:04")
	}
	due := r.Due.In(r.Loc)
	if due.Before(r.Now) {
		return "overdue by " + roughDuration(r.Now.Sub(due))
	}
	dy, dm, dd := due.Date()
	ny, nm, nd := r.Now.Date()
	today := time.Date(ny, nm, nd, 0, 0, 0, 0, r.Loc)
	switch day := time.Date(dy, dm, dd, 0, 0, 0, 0, r.Loc); {
	case day.Equal(today):
		return "today " + due.Format("15:04")
	case day.Equal(today.AddDate(0, 0, 1)):
		return "tomorrow " + due.Format("15:04")
	case due.Year() == r.Now.Year():
		return due.Format("Mon 2 Jan")
	}
	return due.Format("2 Jan 2006")
}

// Urgency is the row's class: overdue, today, later, or closed.
func (r taskRow) Urgency() string {
	if !r.Status.Open() {
		return "closed"
	}
	due := r.Due.In(r.Loc)
	if due.Before(r.Now) {
		return "overdue"
	}
	if y, m, d := due.Date(); y == r.Now.Year() && m == r.Now.Month() && d == r.Now.Day() {
		return "today"
	}
	return "later"
}

// roughDuration is a duration in the largest unit that fits: 45 min, 3 h, 2 d.
func roughDuration(d time.Duration) string {
	switch {
	case d < time.Hour:
		return fmt.Sprintf("%d min", max(int(d.Minutes()), 1))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h", int(d.Hours()))
	}
	return fmt.Sprintf("%d d", int(d.Hours()/24))
}

type workData struct {
	Team    bool // the supervisors' view: everyone's work
	CanTeam bool
	Rows    []taskRow
	Total   int // up to carepath.TaskCountLimit, and one more for "more"
	Kind    string
	Due     string // "", "overdue" or "today"
	Prio    string
	Program string
	Sorts   []sortOption
	Kinds   []string
	// The rows' place in the list, and the neighbouring pages.
	From, To         int
	PrevURL, NextURL string
	// The team view's people (and queues), and the one chosen.
	People        []carepath.OwnerCounts
	Owner, Queue  string
	OwnerFilterOn bool
}

// sortOption is one choice of a list's sort menu.
type sortOption struct {
	Value    string // "" for the list's default
	Label    string
	Selected bool
}

// sortOptions are the task orders, the list's default first (as ""): most
// urgent for one's own work, due date for the team's.
func sortOptions(chosen carepath.TaskSort, team bool) []sortOption {
	def := carepath.TaskSortUrgency
	if team {
		def = carepath.TaskSortDue
	}
	opts := []sortOption{{Label: def.Label(), Selected: chosen == "" || chosen == def}}
	for _, s := range carepath.TaskSorts {
		if s != def {
			opts = append(opts, sortOption{Value: string(s), Label: s.Label(), Selected: s == chosen})
		}
	}
	return opts
}

// workPerPage is how many tasks a worklist page shows.
const workPerPage = 50

// taskKinds are the kinds the filter offers: the rules' and people's.
var taskKinds = append(append([]string{}, rules.Kinds...), "general")

// handleWork is "My work" (the viewer's own tasks, then their role's queue)
// or, for supervisors and administrators, the team's (?view=team, overdue
// first, by person).
func (s *Server) handleWork(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	q := r.URL.Query()
	d := workData{Kind: q.Get("kind"), Due: q.Get("due"), Prio: q.Get("priority"), Program: q.Get("program"), Kinds: taskKinds,
		CanTeam: v.User.Role == carepath.RoleSupervisor || v.User.Role == carepath.RoleAdministrator}
	d.Team = d.CanTeam && q.Get("view") == "team"
	sort, err := carepath.ParseTaskSort(q.Get("sort"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Sorts = sortOptions(sort, d.Team)
	offset, _ := strconv.Atoi(q.Get("offset"))
	offset = min(max(offset, 0), carepath.MaxTaskOffset)
	now := time.Now().In(v.Loc)
	endOfToday := calendar.EndOfDay(now)
	f := carepath.TaskFilter{Kind: d.Kind, Program: d.Program, Priority: carepath.TaskPriority(d.Prio), Today: endOfToday,
		Sort: sort, Limit: workPerPage, Offset: offset}
	if d.Team {
		if f.Sort == "" {
			f.Sort = carepath.TaskSortDue // a person's or a queue's too
		}
		d.Owner, d.Queue = q.Get("owner"), q.Get("queue")
		switch {
		case d.Owner != "":
			f.OwnerID = d.Owner
		case d.Queue != "":
			f.Queues = []carepath.Role{carepath.Role(d.Queue)}
		default:
			f.AnyOwner = true
		}
		d.OwnerFilterOn = d.Owner != "" || d.Queue != ""
		if d.People, err = s.Tasks.CountTasksByOwner(r.Context(), endOfToday); err != nil {
			s.renderError(w, r, err)
			return
		}
	} else {
		f.OwnerID, f.Queues = v.User.ID, []carepath.Role{v.User.Role}
	}
	switch d.Due {
	case "overdue":
		f.Overdue = true
	case "today":
		f.DueBy = endOfToday
	}
	tasks, total, err := s.Tasks.FindTasks(r.Context(), f)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Total = total
	next := r.URL.RequestURI()
	for _, t := range tasks {
		d.Rows = append(d.Rows, s.taskRow(v, t, next))
	}
	d.From, d.To = offset+1, offset+len(tasks)
	page := func(off int) string {
		u := r.URL.Query()
		u.Del("offset")
		if off > 0 {
			u.Set("offset", strconv.Itoa(off))
		}
		return "/work?" + u.Encode()
	}
	if offset > 0 {
		d.PrevURL = page(max(offset-workPerPage, 0))
	}
	// Counts stop at TaskCountLimit; a page past it is still offered while
	// pages come back full.
	if offset+len(tasks) < total || len(tasks) == workPerPage && total > carepath.TaskCountLimit {
		d.NextURL = page(offset + workPerPage)
	}
	title := "My work"
	if d.Team {
		title = "Team work"
	}
	s.render(w, r, http.StatusOK, "work.html", title, d)
}

// handleTaskCounts is the header's "overdue, due today" fragment, loaded by
// htmx after the page (and every minute), so that no page waits for it.
func (s *Server) handleTaskCounts(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	c, err := s.Tasks.CountMyTasks(r.Context(), calendar.EndOfDay(time.Now().In(v.Loc)))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	s.renderFragment(w, r, "work.html", "counts", c)
}

// handleTask is a task's page: what, for whom, why, and its history.
func (s *Server) handleTask(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	t, err := s.Tasks.FindTaskByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	row := s.taskRow(v, t, r.URL.RequestURI())
	if t.Status.Open() && v.User.Role.CanWriteClinical() {
		if row.Staff, err = s.caseloads(r); err != nil {
			s.renderError(w, r, err)
			return
		}
	}
	s.render(w, r, http.StatusOK, "task.html", t.Title, row)
}

// handleChangeTask applies one action from a worklist row or the task page:
// claim, release, attempt (log a call), complete, snooze. With htmx it
// answers the replaced row; without, it goes back where the form came from.
func (s *Server) handleChangeTask(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id := r.PathValue("id")
	c := carepath.TaskChange{Note: strings.TrimSpace(r.PostFormValue("note"))}
	c.Version, _ = strconv.Atoi(r.PostFormValue("version"))
	var done string
	switch r.PostFormValue("do") {
	case "claim":
		c.OwnerID, done = &v.User.ID, "Claimed"
	case "release":
		c.OwnerID, done = new(string), "Back in the queue"
	case "reassign":
		owner := r.PostFormValue("owner")
		c.OwnerID, done = &owner, "Reassigned"
		if owner == "" {
			done = "Back in the queue"
		}
	case "attempt":
		c.Attempt, done = r.PostFormValue("outcome"), "Attempt logged"
		if c.Attempt == "" {
			s.taskRefused(w, r, carepath.Errorf(carepath.EINVALID, "Choose how the attempt went."))
			return
		}
	case "complete":
		st := carepath.TaskCompleted
		c.Status, c.Outcome, done = &st, r.PostFormValue("outcome"), "Completed"
	case "snooze":
		day, err := time.ParseInLocation(time.DateOnly, r.PostFormValue("until"), v.Loc)
		if err != nil {
			s.taskRefused(w, r, carepath.Errorf(carepath.EINVALID, "Give the day the task comes back (YYYY-MM-DD)."))
			return
		}
		// Back at 08:00 that day (on the clock: a daylight-saving day is
		// not 24 hours long).
		until := time.Date(day.Year(), day.Month(), day.Day(), 8, 0, 0, 0, v.Loc)
		c.NotBefore, done = &until, "Snoozed until "+until.Format("Mon 2 Jan")
	default:
		s.taskRefused(w, r, carepath.Errorf(carepath.EINVALID, "Unknown action."))
		return
	}
	t, err := s.Tasks.UpdateTask(r.Context(), id, c)
	if err != nil {
		s.taskRefused(w, r, err)
		return
	}
	next := "/tasks/" + id
	if n := r.PostFormValue("next"); n != "" {
		next = safeNext(n)
	}
	if r.Header.Get("HX-Request") == "true" {
		// The header's counts listen for this and reload.
		w.Header().Set("HX-Trigger", "taskChanged")
		row := s.taskRow(v, t, next)
		row.Done = done
		s.renderFragment(w, r, "work.html", "taskrow", row)
		return
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

// handleTaskEpisode goes from a task that stands for an episode element
// to the episode, where the element is recorded.
func (s *Server) handleTaskEpisode(w http.ResponseWriter, r *http.Request) {
	t, err := s.Tasks.FindTaskByID(r.Context(), r.PathValue("id"))
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	k := t.Origin.EventKey
	stay, ok := k.ID, k.Type == "Encounter"
	if !ok {
		s.renderError(w, r, carepath.Errorf(carepath.ENOTFOUND, "This task belongs to no transition of care."))
		return
	}
	for _, status := range []string{carepath.TransitionOpen, carepath.TransitionClosed} {
		eps, _, err := s.Transitions.FindTransitions(r.Context(), carepath.TransitionFilter{Status: status, EncounterID: stay, PatientID: t.PatientID, Limit: 1})
		if err != nil {
			s.renderError(w, r, err)
			return
		}
		if len(eps) > 0 {
			http.Redirect(w, r, "/transitions/"+url.PathEscape(eps[0].ID), http.StatusSeeOther)
			return
		}
	}
	s.renderError(w, r, carepath.Errorf(carepath.ENOTFOUND, "The transition of care of this task's stay is not found."))
}

// taskRefused answers a refused change: for htmx a short message the row
// shows (htmx swaps error responses only when told to; the row's form
// targets the message), otherwise the error page.
func (s *Server) taskRefused(w http.ResponseWriter, r *http.Request, err error) {
	if r.Header.Get("HX-Request") == "true" {
		w.Header().Set("HX-Retarget", "#task-message")
		w.Header().Set("HX-Reswap", "innerHTML")
		s.renderFragment(w, r, "work.html", "taskmessage", carepath.ErrorMessage(err))
		return
	}
	// Without htmx: the task's page, with the refusal and what was typed.
	s.refill(w, r, "task", err, s.handleTask, "")
}

// renderFragment writes one named template of a page (an htmx swap).
func (s *Server) renderFragment(w http.ResponseWriter, r *http.Request, page, name string, data any) {
	var buf bytes.Buffer
	if err := s.templates[page].ExecuteTemplate(&buf, name, data); err != nil {
		s.RequestLogger(r).Error("render fragment", "template", name, "err", err)
		http.Error(w, "The page could not be shown.", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	buf.WriteTo(w)
}

// TotalLabel is the list's size as the page says it: "1000+" past the
// count limit.
func (d workData) TotalLabel() string {
	if d.Total > carepath.TaskCountLimit {
		return strconv.Itoa(carepath.TaskCountLimit) + "+"
	}
	return strconv.Itoa(d.Total)
}

package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
	"carepath/store"
)

type taskFixture struct {
	db                                 *store.DB
	clock                              *clock
	org                                string
	cm, cm2, nurse, sup, auditor, outs *carepath.User
}

func newTaskFixture(t *testing.T, e testdb.Engine) *taskFixture {
	db := e.Open(t)
	f := &taskFixture{db: db, clock: newClock(db), org: newOrg(t, db, "General Clinic")}
	f.cm = addUser(t, db, f.org, "cm@example.org", carepath.RoleCareManager)
	f.cm2 = addUser(t, db, f.org, "cm2@example.org", carepath.RoleCareManager)
	f.nurse = addUser(t, db, f.org, "nurse@example.org", carepath.RoleNurse)
	f.sup = addUser(t, db, f.org, "sup@example.org", carepath.RoleSupervisor)
	f.auditor = addUser(t, db, f.org, "auditor@example.org", carepath.RoleAuditor)
	f.outs = addUser(t, db, newOrg(t, db, "Other Clinic"), "cm@other.example", carepath.RoleCareManager)
	_, err := db.ImportUnits(system(f.org), f.org, []*carepath.ImportUnit{patientUnit("p1", "Rivera", "Ana", "h1"), patientUnit("p2", "Chen", "Wei", "h2")})
	must(t, err)
	return f
}

func (f *taskFixture) task(t *testing.T, by *carepath.User, task carepath.Task) *carepath.Task {
	t.Helper()
	if task.Kind == "" {
		task.Kind = "general"
	}
	if task.Due.IsZero() {
		task.Due = f.clock.now().Add(48 * time.Hour)
	}
	created, err := f.db.CreateTask(as(by), &task)
	if err != nil || !created {
		t.Fatalf("create %q: %v (created %v)", task.Title, err, created)
	}
	return &task
}

func ptr[T any](v T) *T { return &v }

func TestTaskLifecycle(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		db := f.db
		call := f.task(t, f.cm, carepath.Task{PatientID: "p1", Title: "Call about new inhaler", OwnerID: f.cm.ID,
			Origin: carepath.TaskOrigin{Reason: "Asked by Dr. Lee at the visit"}})
		if call.Status != carepath.TaskAccepted || call.Origin.By != "person" || call.Origin.UserID != f.cm.ID || call.Priority != carepath.PriorityRoutine {
			t.Errorf("new owned task: %+v", call)
		}

		// Bad input writes nothing.
		for _, bad := range []struct {
			what string
			task carepath.Task
			code string
		}{
			{"no title", carepath.Task{Kind: "general", Queue: carepath.RoleNurse, Due: f.clock.now()}, carepath.EINVALID},
			{"no owner or queue", carepath.Task{Kind: "general", Title: "x", Due: f.clock.now()}, carepath.EINVALID},
			{"a queue that is no role", carepath.Task{Kind: "general", Title: "x", Queue: "janitor", Due: f.clock.now()}, carepath.EINVALID},
			{"no due time", carepath.Task{Kind: "general", Title: "x", Queue: carepath.RoleNurse}, carepath.EINVALID},
			{"another organization's patient", carepath.Task{Kind: "general", Title: "x", Queue: carepath.RoleNurse, Due: f.clock.now(), PatientID: "nobody"}, carepath.ENOTFOUND},
			{"another organization's owner", carepath.Task{Kind: "general", Title: "x", OwnerID: f.outs.ID, Due: f.clock.now()}, carepath.ENOTFOUND},
			{"a rule task without a reason", carepath.Task{Kind: "general", Title: "x", Queue: carepath.RoleNurse, Due: f.clock.now(),
				Origin: carepath.TaskOrigin{By: "rule", RuleID: "r", EventKey: carepath.EventKey{Type: "T", ID: "e", What: "x"}}}, carepath.EINVALID},
		} {
			_, err := db.CreateTask(as(f.cm), &bad.task)
			wantCode(t, bad.what, err, bad.code)
		}
		_, err := db.CreateTask(as(f.auditor), &carepath.Task{Kind: "general", Title: "x", Queue: carepath.RoleNurse, Due: f.clock.now()})
		wantCode(t, "the auditor creates a task", err, carepath.ENOTFOUND)

		// Attempts are counted; completion records the outcome and note.
		_, err = db.UpdateTask(as(f.cm), call.ID, carepath.TaskChange{Attempt: carepath.OutcomeNoAnswer, Version: 1})
		must(t, err)
		_, err = db.UpdateTask(as(f.cm), call.ID, carepath.TaskChange{Attempt: carepath.OutcomeVoicemail, Note: "asked to call back", Version: 2})
		must(t, err)
		done, err := db.UpdateTask(as(f.cm), call.ID, carepath.TaskChange{Status: ptr(carepath.TaskCompleted), Attempt: carepath.OutcomeReached,
			Note: "Knows how to use it", Version: 3})
		must(t, err)
		if done.Attempts != 3 || done.Outcome != carepath.OutcomeReached || done.Note != "Knows how to use it" || done.CompletedAt.IsZero() {
			t.Errorf("completed: %+v", done)
		}
		_, err = db.UpdateTask(as(f.cm), call.ID, carepath.TaskChange{Priority: ptr(carepath.PriorityStat), Version: done.Version})
		wantCode(t, "changing a completed task", err, carepath.EINVALID)

		got, err := db.FindTaskByID(as(f.auditor), call.ID)
		must(t, err)
		var history []string
		for _, e := range got.History {
			history = append(history, e.Action+":"+e.From+">"+e.To)
		}
		want := "created:>accepted attempt:1>no answer status:accepted>in-progress attempt:2>left voicemail attempt:3>reached patient status:in-progress>completed"
		if strings.Join(history, " ") != want || got.History[0].Note != "Asked by Dr. Lee at the visit" || got.History[2].Actor != "cm@example.org" {
			t.Errorf("history:\n got %s\nwant %s\n%+v", strings.Join(history, " "), want, got.History)
		}

		// A stale screen's change is refused.
		other := f.task(t, f.sup, carepath.Task{PatientID: "p2", Title: "Review meds", OwnerID: f.cm.ID})
		_, err = db.UpdateTask(as(f.cm), other.ID, carepath.TaskChange{Priority: ptr(carepath.PriorityUrgent), Version: 1})
		must(t, err)
		_, err = db.UpdateTask(as(f.cm), other.ID, carepath.TaskChange{Priority: ptr(carepath.PriorityASAP), Version: 1})
		wantCode(t, "a change on a stale version", err, carepath.ECONFLICT)
		// A change without the version it was made on could undo one its
		// author never saw: refused, and nothing changes.
		_, err = db.UpdateTask(as(f.cm), other.ID, carepath.TaskChange{Priority: ptr(carepath.PriorityASAP)})
		wantCode(t, "a change without its version", err, carepath.EINVALID)
		if got, _ := db.FindTaskByID(as(f.cm), other.ID); got.Priority != carepath.PriorityUrgent || got.Version != 2 {
			t.Errorf("a change without its version was written: %s, version %d", got.Priority, got.Version)
		}

		// A snooze needs a reason and hides the task until then.
		_, err = db.UpdateTask(as(f.cm), other.ID, carepath.TaskChange{NotBefore: ptr(f.clock.now().Add(24 * time.Hour)), Version: 2})
		wantCode(t, "a snooze without a reason", err, carepath.EINVALID)
		_, err = db.UpdateTask(as(f.cm), other.ID, carepath.TaskChange{NotBefore: ptr(f.clock.now().Add(24 * time.Hour)), Note: "Patient travelling", Version: 2})
		must(t, err)
		if _, n, _ := db.FindTasks(as(f.cm), carepath.TaskFilter{OwnerID: f.cm.ID}); n != 0 {
			t.Errorf("a snoozed task is on the worklist")
		}
		f.clock.add(25 * time.Hour)
		if _, n, _ := db.FindTasks(as(f.cm), carepath.TaskFilter{OwnerID: f.cm.ID}); n != 1 {
			t.Errorf("the snoozed task did not come back: %d", n)
		}
		// Cancelling needs a reason.
		_, err = db.UpdateTask(as(f.cm), other.ID, carepath.TaskChange{Status: ptr(carepath.TaskCancelled), Version: 3})
		wantCode(t, "cancel without a reason", err, carepath.EINVALID)
	})
}

func TestTaskAuthorization(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		db := f.db
		mine := f.task(t, f.cm, carepath.Task{PatientID: "p1", Title: "Mine", OwnerID: f.cm.ID})
		queued := f.task(t, f.cm, carepath.Task{PatientID: "p2", Title: "For any nurse", Queue: carepath.RoleNurse})
		must(t, db.AddCareTeamMembers(as(f.sup), carepath.CareTeamMember{PatientID: "p1", UserID: f.cm2.ID, Role: "nurse"}))

		_, err := db.FindTaskByID(as(f.outs), mine.ID)
		wantCode(t, "another organization reads", err, carepath.ENOTFOUND)
		_, err = db.UpdateTask(as(f.outs), mine.ID, carepath.TaskChange{Priority: ptr(carepath.PriorityStat), Version: 1})
		wantCode(t, "another organization changes", err, carepath.ENOTFOUND)
		if ts, n, err := db.FindTasks(as(f.outs), carepath.TaskFilter{AnyOwner: true}); err != nil || n != 0 || len(ts) != 0 {
			t.Errorf("another organization lists %d tasks (%v)", n, err)
		}
		_, _, err = db.FindTasks(as(f.outs), carepath.TaskFilter{PatientID: "p1"})
		wantCode(t, "another organization lists a patient's tasks", err, carepath.ENOTFOUND)
		_, err = db.UpdateTask(as(f.auditor), mine.ID, carepath.TaskChange{Priority: ptr(carepath.PriorityStat), Version: 1})
		wantCode(t, "the auditor changes", err, carepath.ENOTFOUND)
		_, err = db.UpdateTask(as(f.nurse), mine.ID, carepath.TaskChange{Priority: ptr(carepath.PriorityStat), Version: 1})
		wantCode(t, "a nurse off the care team changes another's task", err, carepath.ENOTFOUND)
		_, err = db.UpdateTask(as(f.cm), queued.ID, carepath.TaskChange{OwnerID: ptr(f.cm.ID), Version: 1})
		wantCode(t, "a care manager claims from the nurses' queue", err, carepath.ENOTFOUND)

		_, err = db.UpdateTask(as(f.cm2), mine.ID, carepath.TaskChange{Priority: ptr(carepath.PriorityUrgent), Version: 1})
		must(t, err) // on the patient's care team
		_, err = db.UpdateTask(as(f.sup), mine.ID, carepath.TaskChange{OwnerID: ptr(f.cm2.ID), Note: "covering while Casey is out", Version: 2})
		must(t, err) // supervisors reassign
		_, err = db.UpdateTask(as(f.nurse), queued.ID, carepath.TaskChange{OwnerID: ptr(f.nurse.ID), Version: 1})
		must(t, err) // claims from the queue
		_, err = db.UpdateTask(as(f.sup), mine.ID, carepath.TaskChange{OwnerID: ptr(f.outs.ID), Version: 3})
		wantCode(t, "reassigning to another organization's user", err, carepath.EINVALID)
	})
}

// Two users claim the same queued task at once: exactly one gets it.
func TestConcurrentClaim(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		for round := range 10 {
			task := f.task(t, f.sup, carepath.Task{PatientID: "p1", Title: "Claim me", Queue: carepath.RoleCareManager})
			var wg sync.WaitGroup
			errs := make([]error, 2)
			for i, u := range []*carepath.User{f.cm, f.cm2} {
				wg.Add(1)
				go func() {
					defer wg.Done()
					_, errs[i] = f.db.UpdateTask(as(u), task.ID, carepath.TaskChange{OwnerID: ptr(u.ID), Version: task.Version})
				}()
			}
			wg.Wait()
			won := 0
			for _, err := range errs {
				if err == nil {
					won++
				} else if code(err) != carepath.ECONFLICT || !strings.Contains(err.Error(), "already claimed") {
					t.Errorf("round %d: the loser got %v", round, err)
				}
			}
			got, err := f.db.FindTaskByID(as(f.sup), task.ID)
			must(t, err)
			if won != 1 || got.Status != carepath.TaskAccepted || (got.OwnerID != f.cm.ID && got.OwnerID != f.cm2.ID) || len(got.History) != 3 {
				t.Fatalf("round %d: %d claims won; task %s owned by %q, %d history events", round, won, got.Status, got.OwnerID, len(got.History))
			}
		}
	})
}

func TestRuleTaskIsMadeOnce(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		mk := func() (*carepath.Task, bool) {
			task := &carepath.Task{PatientID: "p1", Kind: "post-discharge-contact", Title: "Post-discharge call", Queue: carepath.RoleCareManager,
				Due: f.clock.now().Add(48 * time.Hour), Program: "TCM",
				Origin: carepath.TaskOrigin{By: "rule", RuleID: "tcm-contact", RuleVersion: 1, EventKey: carepath.EncounterEventKey("e1", carepath.StayDischarge),
					Reason: "Discharged from General Hospital on 2026-05-22; contact due within 2 business days",
					Facts:  map[string]string{"discharged": "2026-05-22", "hospital": "General Hospital"}}}
			created, err := f.db.CreateTask(system(f.org), task)
			must(t, err)
			return task, created
		}
		first, created1 := mk()
		second, created2 := mk()
		if !created1 || created2 || first.ID != second.ID || second.Origin.Facts["hospital"] != "General Hospital" {
			t.Errorf("the same event twice: created %v then %v; ids %s, %s; facts %v", created1, created2, first.ID, second.ID, second.Origin.Facts)
		}
		if _, n, _ := f.db.FindTasks(system(f.org), carepath.TaskFilter{PatientID: "p1"}); n != 1 {
			t.Errorf("%d tasks for one event, want 1", n)
		}

		// The same event from five places at once: one task.
		var wg sync.WaitGroup
		ids := make([]string, 5)
		made := make([]bool, 5)
		for i := range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				task := &carepath.Task{PatientID: "p2", Kind: "post-discharge-contact", Title: "Post-discharge call", Queue: carepath.RoleCareManager,
					Due: f.clock.now(), Origin: carepath.TaskOrigin{By: "rule", RuleID: "tcm-contact", EventKey: carepath.EncounterEventKey("e2", carepath.StayDischarge), Reason: "Discharged"}}
				var err error
				if made[i], err = f.db.CreateTask(system(f.org), task); err != nil {
					t.Errorf("concurrent create %d: %v", i, err)
				}
				ids[i] = task.ID
			}()
		}
		wg.Wait()
		created := 0
		for i := range 5 {
			if made[i] {
				created++
			}
			if ids[i] != ids[0] {
				t.Errorf("concurrent creates returned different tasks: %v", ids)
			}
		}
		if created != 1 {
			t.Errorf("%d of 5 concurrent creates made the task, want 1", created)
		}
	})
}

func TestWorklistOrderAndCounts(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		now := f.clock.now() // 14:00 UTC
		endOfToday := time.Date(now.Year(), now.Month(), now.Day(), 23, 59, 59, 0, time.UTC)
		mk := func(title string, owner string, queue carepath.Role, due time.Duration, p carepath.TaskPriority) {
			f.task(t, f.sup, carepath.Task{PatientID: "p1", Title: title, OwnerID: owner, Queue: queue, Due: now.Add(due), Priority: p})
		}
		mk("queue overdue", "", carepath.RoleCareManager, -time.Hour, carepath.PriorityRoutine)
		mk("mine later, stat", f.cm.ID, "", 72*time.Hour, carepath.PriorityStat)
		mk("mine later, routine", f.cm.ID, "", 48*time.Hour, carepath.PriorityRoutine)
		mk("mine today", f.cm.ID, "", 2*time.Hour, carepath.PriorityRoutine)
		mk("mine overdue", f.cm.ID, "", -26*time.Hour, carepath.PriorityRoutine)
		mk("mine overdue, urgent", f.cm.ID, "", -time.Hour, carepath.PriorityUrgent)
		mk("someone else's", f.cm2.ID, "", -time.Hour, carepath.PriorityStat)
		mk("nurses' queue", "", carepath.RoleNurse, -time.Hour, carepath.PriorityStat)

		tasks, total, err := f.db.FindTasks(as(f.cm), carepath.TaskFilter{OwnerID: f.cm.ID, Queues: []carepath.Role{carepath.RoleCareManager}, Today: endOfToday})
		must(t, err)
		var got []string
		for _, task := range tasks {
			got = append(got, task.Title)
		}
		want := "mine overdue, urgent|mine overdue|mine today|mine later, stat|mine later, routine|queue overdue"
		if total != 6 || strings.Join(got, "|") != want {
			t.Errorf("my work (%d):\n got %s\nwant %s", total, strings.Join(got, "|"), want)
		}
		if tasks[0].PatientName != "Rivera, Ana" {
			t.Errorf("worklist patient name %q", tasks[0].PatientName)
		}
		c, err := f.db.CountMyTasks(as(f.cm), endOfToday)
		must(t, err)
		if c != (carepath.TaskCounts{Overdue: 3, DueToday: 1, Open: 6}) {
			t.Errorf("counts %+v", c)
		}
		if _, n, _ := f.db.FindTasks(as(f.cm), carepath.TaskFilter{OwnerID: f.cm.ID, Overdue: true}); n != 2 {
			t.Errorf("my overdue: %d, want 2", n)
		}
		if _, n, _ := f.db.FindTasks(as(f.sup), carepath.TaskFilter{AnyOwner: true, Priority: carepath.PriorityStat}); n != 3 {
			t.Errorf("stat tasks of the team: %d, want 3", n)
		}
		people, err := f.db.CountTasksByOwner(as(f.sup), endOfToday)
		must(t, err)
		var rows []string
		for _, p := range people {
			rows = append(rows, fmt.Sprintf("%s%s:%d/%d/%d", p.OwnerName, p.Queue, p.Overdue, p.DueToday, p.Open))
		}
		// Most overdue first: Casey (cm@) 2 overdue of 5; then one each.
		if want := "cm@example.org:2/1/5|cm2@example.org:1/0/1|care_manager:1/0/1|nurse:1/0/1"; strings.Join(rows, "|") != want {
			t.Errorf("open work by person:\n got %s\nwant %s", strings.Join(rows, "|"), want)
		}
	})
}

func TestTaskSorts(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		t0 := f.clock.now() // 14:00 UTC
		endOfToday := time.Date(t0.Year(), t0.Month(), t0.Day(), 23, 59, 59, 0, time.UTC)
		// Made a minute apart, in this order.
		for _, c := range []struct {
			title, patient, owner string
			queue                 carepath.Role
			due                   time.Duration
			priority              carepath.TaskPriority
		}{
			{"A", "p1", f.cm.ID, "", 30 * time.Hour, carepath.PriorityRoutine},
			{"B", "p2", f.cm.ID, "", 5 * time.Hour, carepath.PriorityStat},
			{"C", "", f.cm.ID, "", -2 * time.Hour, carepath.PriorityRoutine},
			{"D", "p2", "", carepath.RoleCareManager, -3 * time.Hour, carepath.PriorityUrgent},
			{"E", "p1", f.cm.ID, "", -time.Hour, carepath.PriorityASAP},
			{"F", "p2", f.cm.ID, "", 50 * time.Hour, carepath.PriorityRoutine},
		} {
			f.task(t, f.sup, carepath.Task{PatientID: c.patient, Title: c.title, OwnerID: c.owner, Queue: c.queue, Due: t0.Add(c.due), Priority: c.priority})
			f.clock.add(time.Minute)
		}
		mine := carepath.TaskFilter{OwnerID: f.cm.ID, Queues: []carepath.Role{carepath.RoleCareManager}, Today: endOfToday}
		team := carepath.TaskFilter{AnyOwner: true, Today: endOfToday}
		titles := func(f carepath.TaskFilter, by *carepath.User, db *store.DB) string {
			tasks, _, err := db.FindTasks(as(by), f)
			must(t, err)
			var got []string
			for _, task := range tasks {
				got = append(got, task.Title)
			}
			return strings.Join(got, "")
		}
		for _, c := range []struct {
			sort       carepath.TaskSort
			mine, team string
		}{
			// Chen (p2) sorts before Rivera (p1); C has no patient.
			{"", "ECBAFD", "DCEBAF"},
			{carepath.TaskSortUrgency, "ECBAFD", "EDCBAF"},
			{carepath.TaskSortDue, "CEBAFD", "DCEBAF"},
			{carepath.TaskSortPriority, "BECAFD", "BEDCAF"},
			{carepath.TaskSortPatient, "BFEACD", "DBFEAC"},
		} {
			mine.Sort, team.Sort = c.sort, c.sort
			if got := titles(mine, f.cm, f.db); got != c.mine {
				t.Errorf("my work by %q: %s, want %s (mine first)", c.sort, got, c.mine)
			}
			if got := titles(team, f.sup, f.db); got != c.team {
				t.Errorf("team work by %q: %s, want %s", c.sort, got, c.team)
			}
			// Pages of two make up the same list.
			var paged string
			for off := 0; off < 6; off += 2 {
				mine.Limit, mine.Offset = 2, off
				paged += titles(mine, f.cm, f.db)
			}
			mine.Limit, mine.Offset = 0, 0
			if paged != c.mine {
				t.Errorf("my work by %q in pages of two: %s, want %s", c.sort, paged, c.mine)
			}
		}
		// Past a few tasks, the patient order reads patient by patient
		// instead of sorting: the same order.
		undo := store.SetPatientSortLimit(1)
		defer undo()
		mine.Sort, team.Sort = carepath.TaskSortPatient, carepath.TaskSortPatient
		if got := titles(mine, f.cm, f.db); got != "BFEACD" {
			t.Errorf("my work by patient, read patient by patient: %s, want BFEACD", got)
		}
		if got := titles(team, f.sup, f.db); got != "DBFEAC" {
			t.Errorf("team work by patient, read patient by patient: %s, want DBFEAC", got)
		}
		var paged string
		for off := 0; off < 6; off += 2 {
			team.Limit, team.Offset = 2, off
			paged += titles(team, f.sup, f.db)
		}
		if paged != "DBFEAC" {
			t.Errorf("team work by patient, read patient by patient, in pages of two: %s, want DBFEAC", paged)
		}
		undo()
		_, _, err := f.db.FindTasks(as(f.cm), carepath.TaskFilter{OwnerID: f.cm.ID, Sort: "age"})
		wantCode(t, "unknown sort", err, carepath.EINVALID)
	})
}

package store_test

import (
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
)

func TestCarePlan(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e) // 22 May 2026, 14:00 UTC
		now := f.clock.now()
		bp := func(id string, at time.Time, sys, dia float64) carepath.ImportResource {
			return carepath.ImportResource{Type: "Observation", ID: id, PatientID: "p1", Hash: "h" + id, JSON: []byte(`{"resourceType":"Observation"}`),
				Record: &carepath.Observation{ID: id, PatientID: "p1", Status: "final", Category: "vital-signs",
					Code: carepath.Coding{System: "http://loinc.org", Code: "85354-9"}, Effective: carepath.InstantOf(at),
					Components: []carepath.ObservationComponent{{Code: carepath.Coding{Code: "8480-6"}, ValueNum: &sys}, {Code: carepath.Coding{Code: "8462-4"}, ValueNum: &dia}}}}
		}
		htn := carepath.ImportResource{Type: "Condition", ID: "htn", PatientID: "p1", Hash: "hhtn", JSON: []byte(`{"resourceType":"Condition"}`),
			Record: &carepath.Condition{ID: "htn", PatientID: "p1", ClinicalStatus: "active", Code: carepath.Coding{System: "http://snomed.info/sct", Code: "59621000", Display: "Essential hypertension"}}}
		_, err := f.db.ImportUnits(system(f.org), f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
			htn, bp("bp1", now.AddDate(0, -2, 0), 156, 92), bp("bp2", now.AddDate(0, 0, -3), 142, 86)}}})
		must(t, err)

		_, err = f.db.FindCarePlan(as(f.cm), "p1")
		wantCode(t, "no plan yet", err, carepath.ENOTFOUND)

		plan := &carepath.CarePlan{PatientID: "p1", Status: carepath.PlanActive, ReviewEveryDays: 90, Prognosis: "Good with treatment",
			Problems: []carepath.PlanProblem{{ConditionID: "htn",
				Goals: []carepath.Goal{{Description: "Keep my pressure down so I can keep working", Measure: "bp", TargetOp: "<", TargetValues: []float64{130, 80},
					Start: "2026-04-01", Due: "2026-11-30", ReviewBy: "2026-08-22", Priority: "high", ResponsibleID: f.cm.ID, Status: carepath.GoalActive}},
				Interventions: []carepath.Intervention{{Kind: "education", Text: "Teach home blood pressure readings", GoalID: "#1", OwnerID: f.nurse.ID,
					Due: "2026-06-05", Status: carepath.InterventionPlanned}}}}}
		must(t, f.db.SaveCarePlan(as(f.cm), plan, carepath.PlanChange{Substantial: true}))
		pr := plan.Problems[0]
		if plan.Revision != 1 || plan.ID == "" || pr.ID == "" || pr.Text != "Essential hypertension" || pr.Goals[0].ID == "" ||
			pr.Interventions[0].GoalID != pr.Goals[0].ID || plan.UpdatedBy != f.cm.ID {
			t.Fatalf("saved: %+v", plan)
		}

		// Read back, the goal's achievement from the readings.
		got, err := f.db.FindCarePlan(as(f.nurse), "p1")
		must(t, err)
		g := got.Problems[0].Goals[0]
		if got.Revision != 1 || g.Achievement != "improving" || !strings.Contains(g.AchievementWhy, "from 156/92") || !strings.Contains(g.AchievementWhy, "to 142/86") ||
			got.Prognosis != "Good with treatment" || got.Problems[0].Interventions[0].OwnerID != f.nurse.ID {
			t.Errorf("read back: %+v, goal %+v", got, g)
		}

		// A second revision: a stale copy is refused, a change needs a why,
		// and a bad plan writes nothing.
		f.clock.add(time.Hour)
		stale := *got
		stale.Revision = 0
		wantCode(t, "a stale copy", f.db.SaveCarePlan(as(f.cm), &stale, carepath.PlanChange{Why: "x"}), carepath.ECONFLICT)
		wantCode(t, "no why", f.db.SaveCarePlan(as(f.cm), got, carepath.PlanChange{}), carepath.EINVALID)
		for name, change := range map[string]func(p *carepath.CarePlan){
			"an unknown measure":      func(p *carepath.CarePlan) { p.Problems[0].Goals[0].Measure = "mood" },
			"a goal of another plan":  func(p *carepath.CarePlan) { p.Problems[0].Goals[0].ID = "someone-elses" },
			"an unknown condition":    func(p *carepath.CarePlan) { p.Problems[0].ConditionID = "asthma" },
			"a user of another org":   func(p *carepath.CarePlan) { p.Problems[0].Interventions[0].OwnerID = f.outs.ID },
			"an unconfirmed concern":  func(p *carepath.CarePlan) { p.Problems = append(p.Problems, carepath.PlanProblem{ConcernID: "nope"}) },
			"a day that is no day":    func(p *carepath.CarePlan) { p.Problems[0].Goals[0].Due = "2026-02-30" },
			"a target of three parts": func(p *carepath.CarePlan) { p.Problems[0].Goals[0].TargetValues = []float64{130, 80, 1} },
		} {
			copy := clonePlan(got)
			change(copy)
			wantCode(t, name, f.db.SaveCarePlan(as(f.cm), copy, carepath.PlanChange{Why: "test"}), carepath.EINVALID)
		}
		wantCode(t, "the auditor writes", f.db.SaveCarePlan(as(f.auditor), clonePlan(got), carepath.PlanChange{Why: "x"}), carepath.ENOTFOUND)
		wantCode(t, "another organization writes", f.db.SaveCarePlan(as(f.outs), clonePlan(got), carepath.PlanChange{Why: "x"}), carepath.ENOTFOUND)
		_, err = f.db.FindCarePlan(as(f.outs), "p1")
		wantCode(t, "another organization reads", err, carepath.ENOTFOUND)

		next := clonePlan(got)
		next.Problems[0].Goals[0].TargetValues = []float64{140, 90}
		next.Problems = append(next.Problems, carepath.PlanProblem{Text: "Lives alone, no car",
			Goals: []carepath.Goal{{Description: "Get to my appointments", Measure: "yes-no", Status: carepath.GoalActive}}})
		must(t, f.db.SaveCarePlan(as(f.nurse), next, carepath.PlanChange{Why: "Target eased after the visit with Dr. Lee"}))
		if next.Revision != 2 || next.Problems[0].Goals[0].ID != g.ID {
			t.Errorf("second revision %d, goal id %s (was %s)", next.Revision, next.Problems[0].Goals[0].ID, g.ID)
		}
		if got, _ = f.db.FindCarePlan(as(f.cm), "p1"); got.Problems[0].Goals[0].Achievement != "improving" || len(got.Problems) != 2 ||
			got.Problems[1].Goals[0].Achievement != "in-progress" {
			t.Errorf("after the second revision: %+v", got)
		}
		// A yes-or-no goal is achieved when marked completed.
		done := clonePlan(got)
		done.Problems[1].Goals[0].Status = carepath.GoalCompleted
		must(t, f.db.SaveCarePlan(as(f.nurse), done, carepath.PlanChange{Why: "She has rides to every visit now"}))
		if got, _ = f.db.FindCarePlan(as(f.cm), "p1"); got.Problems[1].Goals[0].Achievement != "achieved" {
			t.Errorf("a completed yes-or-no goal: %+v", got.Problems[1].Goals[0])
		}

		revs, err := f.db.FindPlanRevisions(as(f.auditor), "p1")
		must(t, err)
		if len(revs) != 3 || revs[1].Revision != 2 || revs[1].Why != "Target eased after the visit with Dr. Lee" || revs[1].By != f.nurse.ID ||
			revs[2].Why != "Plan established" || !revs[2].Substantial || revs[1].Substantial {
			t.Errorf("revisions: %+v", revs)
		}
		first, err := f.db.FindPlanRevision(as(f.cm), "p1", 1)
		must(t, err)
		if len(first.Plan.Problems) != 1 || first.Plan.Problems[0].Goals[0].TargetValues[0] != 130 {
			t.Errorf("revision 1 as it stood: %+v", first.Plan)
		}
		_, err = f.db.FindPlanRevision(as(f.cm), "p1", 4)
		wantCode(t, "a revision not made", err, carepath.ENOTFOUND)
		_, err = f.db.FindPlanRevision(as(f.cm), "p2", 1)
		wantCode(t, "another patient's revision", err, carepath.ENOTFOUND)

		var audits int
		must(t, f.db.QueryRowForTest("SELECT COUNT(*) FROM audit_event WHERE action = 'care_plan.update'").Scan(&audits))
		if audits != 3 {
			t.Errorf("%d plan updates audited, want 3", audits)
		}
	})
}

// clonePlan copies a plan deep enough to change its problems' goals and
// interventions.
func clonePlan(p *carepath.CarePlan) *carepath.CarePlan {
	c := *p
	c.Problems = nil
	for _, pr := range p.Problems {
		pr.Goals = append([]carepath.Goal(nil), pr.Goals...)
		pr.Interventions = append([]carepath.Intervention(nil), pr.Interventions...)
		c.Problems = append(c.Problems, pr)
	}
	return &c
}

// TestInterventionTasks: an intervention is worked as a task: made when the
// plan is saved, moved when its owner or day changes, closed when the plan
// says done or cancelled; and completing the task marks the intervention
// done in the plan's next revision.
func TestInterventionTasks(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		plan := &carepath.CarePlan{PatientID: "p1", Status: carepath.PlanActive, Problems: []carepath.PlanProblem{{Text: "Type 2 diabetes",
			Goals: []carepath.Goal{{Description: "A1c under 7 by summer", Measure: "a1c", TargetOp: "<", TargetValues: []float64{7}, Status: carepath.GoalActive}},
			Interventions: []carepath.Intervention{
				{Kind: "education", Text: "Teach foot checks", GoalID: "#1", OwnerID: f.nurse.ID, Due: "2026-06-05", Status: carepath.InterventionPlanned, TaskID: "forged"},
				{Kind: "referral", Text: "Refer to the diabetes educator", Status: carepath.InterventionPlanned}}}}}
		must(t, f.db.SaveCarePlan(as(f.cm), plan, carepath.PlanChange{}))
		teach, refer := plan.Problems[0].Interventions[0], plan.Problems[0].Interventions[1]
		if teach.TaskID == "" || teach.TaskID == "forged" || refer.TaskID == "" {
			t.Fatalf("intervention tasks: %+v", plan.Problems[0].Interventions)
		}
		ny, _ := time.LoadLocation("America/New_York")
		task, err := f.db.FindTaskByID(as(f.nurse), teach.TaskID)
		must(t, err)
		if task.Kind != carepath.TaskKindCarePlan || task.OwnerID != f.nurse.ID || task.Title != "Teach foot checks" ||
			!task.Due.Equal(time.Date(2026, 6, 5, 23, 59, 59, 0, ny)) || task.Origin.Reason != "Care plan: Type 2 diabetes; goal: A1c under 7 by summer (Hemoglobin A1c < 7) (education)" {
			t.Errorf("the education task: %+v", task)
		}
		queued, err := f.db.FindTaskByID(as(f.cm), refer.TaskID)
		must(t, err)
		if queued.Queue != carepath.RoleCareManager || queued.OwnerID != "" || !queued.Due.Equal(time.Date(2026, 5, 29, 23, 59, 59, 0, ny)) {
			t.Errorf("the referral task (no owner, no day): %+v", queued)
		}

		// The nurse completes her task: the plan says the intervention is done.
		done := carepath.TaskCompleted
		_, err = f.db.UpdateTask(as(f.nurse), teach.TaskID, carepath.TaskChange{Status: &done, Note: "Showed her with a mirror", Version: task.Version})
		must(t, err)
		got, err := f.db.FindCarePlan(as(f.cm), "p1")
		must(t, err)
		if got.Revision != 2 || got.Problems[0].Interventions[0].Status != carepath.InterventionDone {
			t.Fatalf("after the task: revision %d, %+v", got.Revision, got.Problems[0].Interventions)
		}
		revs, _ := f.db.FindPlanRevisions(as(f.cm), "p1")
		if revs[0].Why != `Task completed: "Teach foot checks" (Showed her with a mirror)` || revs[0].By != f.nurse.ID {
			t.Errorf("the revision the task made: %+v", revs[0])
		}

		// The plan moves the referral to the nurse and a later day, then
		// cancels it: its task follows.
		got.Problems[0].Interventions[1].OwnerID, got.Problems[0].Interventions[1].Due = f.nurse.ID, "2026-06-12"
		must(t, f.db.SaveCarePlan(as(f.cm), got, carepath.PlanChange{Why: "The nurse will call the educator"}))
		if moved, _ := f.db.FindTaskByID(as(f.cm), refer.TaskID); moved.OwnerID != f.nurse.ID || !moved.Due.Equal(time.Date(2026, 6, 12, 23, 59, 59, 0, ny)) {
			t.Errorf("the moved referral task: %+v", moved)
		}
		got.Problems[0].Interventions[1].Status = carepath.InterventionCancelled
		must(t, f.db.SaveCarePlan(as(f.cm), got, carepath.PlanChange{Why: "Patient prefers the group class"}))
		if closed, _ := f.db.FindTaskByID(as(f.cm), refer.TaskID); closed.Status != carepath.TaskCancelled {
			t.Errorf("the cancelled referral's task: %s", closed.Status)
		}
		if got, _ = f.db.FindCarePlan(as(f.cm), "p1"); got.Revision != 4 {
			t.Errorf("revision %d after two saves and a task, want 4", got.Revision)
		}

		// An intervention taken out of the plan cancels its open task.
		got.Problems[0].Interventions = append(got.Problems[0].Interventions, carepath.Intervention{Kind: "other", Text: "Call the pharmacy",
			Status: carepath.InterventionPlanned})
		must(t, f.db.SaveCarePlan(as(f.cm), got, carepath.PlanChange{Why: "Pharmacy call"}))
		call := got.Problems[0].Interventions[2].TaskID
		got.Problems[0].Interventions = got.Problems[0].Interventions[:2]
		must(t, f.db.SaveCarePlan(as(f.cm), got, carepath.PlanChange{Why: "The pharmacy called us"}))
		if gone, _ := f.db.FindTaskByID(as(f.cm), call); gone.Status != carepath.TaskCancelled || !strings.Contains(gone.Note, "Taken out of the care plan") {
			t.Errorf("the task of an intervention taken out: %s %q", gone.Status, gone.Note)
		}
	})
}

func TestCareTeam(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		must(t, f.db.AddCareTeamMembers(as(f.cm), carepath.CareTeamMember{PatientID: "p1", UserID: f.cm.ID}))
		team, err := f.db.FindCareTeam(as(f.nurse), "p1")
		must(t, err)
		if len(team.Staff) != 1 || team.Staff[0].UserID != f.cm.ID || team.Staff[0].Role != carepath.CareTeamPrimaryCareManager || len(team.Outside) != 0 {
			t.Fatalf("team: %+v", team)
		}
		joined := team.Staff[0].Since
		f.clock.add(24 * time.Hour)
		team.Staff = append(team.Staff, carepath.CareTeamMember{UserID: f.nurse.ID, Role: "nurse"})
		team.Outside = []carepath.OutsideMember{{Name: "Dr. Lee", Role: "pcp", Organization: "Elm Street Family Medicine", Phone: "555-0100"},
			{Name: "Rosa Rivera", Role: "family-caregiver", Phone: "555-0111", Note: "Daughter; has the patient's consent"}}
		must(t, f.db.SaveCareTeam(as(f.cm), "p1", team))
		got, err := f.db.FindCareTeam(as(f.cm), "p1")
		must(t, err)
		if len(got.Staff) != 2 || len(got.Outside) != 2 || got.Outside[1].Name != "Dr. Lee" || got.Outside[0].ID == "" {
			t.Errorf("saved team: %+v", got)
		}
		for _, m := range got.Staff {
			if m.UserID == f.cm.ID && !m.Since.Equal(joined) {
				t.Errorf("the care manager's day on the team moved from %s to %s", joined, m.Since)
			}
		}
		for name, bad := range map[string]*carepath.CareTeam{
			"two primary care managers": {Staff: []carepath.CareTeamMember{{UserID: f.cm.ID}, {UserID: f.cm2.ID}}},
			"a user of another org":     {Staff: []carepath.CareTeamMember{{UserID: f.outs.ID, Role: "nurse"}}},
			"an outsider without name":  {Outside: []carepath.OutsideMember{{Role: "pcp"}}},
			"an unknown role":           {Outside: []carepath.OutsideMember{{Name: "X", Role: "wizard"}}},
		} {
			wantCode(t, name, f.db.SaveCareTeam(as(f.cm), "p1", bad), carepath.EINVALID)
		}
		wantCode(t, "the auditor", f.db.SaveCareTeam(as(f.auditor), "p1", got), carepath.ENOTFOUND)
		wantCode(t, "another organization", f.db.SaveCareTeam(as(f.outs), "p1", got), carepath.ENOTFOUND)
		if after, _ := f.db.FindCareTeam(as(f.cm), "p1"); len(after.Staff) != 2 || len(after.Outside) != 2 {
			t.Errorf("the refusals changed the team: %+v", after)
		}
	})
}

func TestSignCarePlan(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		doctor := addUser(t, f.db, f.org, "dr@example.org", carepath.RolePhysician)
		plan := &carepath.CarePlan{PatientID: "p1", Status: carepath.PlanActive, Problems: []carepath.PlanProblem{{Text: "COPD"}}}
		must(t, f.db.SaveCarePlan(as(f.cm), plan, carepath.PlanChange{}))
		wantCode(t, "a care manager signs", f.db.SignCarePlan(as(f.cm), "p1", 1), carepath.ENOTFOUND)
		wantCode(t, "a revision not current", f.db.SignCarePlan(as(doctor), "p1", 2), carepath.ECONFLICT)
		must(t, f.db.SignCarePlan(as(doctor), "p1", 1))
		got, _ := f.db.FindCarePlan(as(f.cm), "p1")
		if got.SignedBy != doctor.ID || got.SignedRevision != 1 || got.SignedAt.IsZero() {
			t.Errorf("signed: %+v", got)
		}
		// A later revision keeps the sign-off of the earlier one, and says so.
		got.Prognosis = "Stable"
		must(t, f.db.SaveCarePlan(as(f.cm), got, carepath.PlanChange{Why: "Prognosis written"}))
		if got, _ = f.db.FindCarePlan(as(f.cm), "p1"); got.Revision != 2 || got.SignedRevision != 1 {
			t.Errorf("after a revision: revision %d, signed %d", got.Revision, got.SignedRevision)
		}
	})
}

// TestInterventionTaskFollowsItsGoal: an open intervention's task says
// which goal it works toward with the goal's target as the plan now has it
// ("goal: A1c under 7" stayed after the goal became under 8).
func TestInterventionTaskFollowsItsGoal(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		plan := &carepath.CarePlan{PatientID: "p1", Status: carepath.PlanActive, Problems: []carepath.PlanProblem{{Text: "Type 2 diabetes",
			Goals: []carepath.Goal{{Description: "Get my sugar down", Measure: "a1c", TargetOp: "<", TargetValues: []float64{7}, Status: carepath.GoalActive}},
			Interventions: []carepath.Intervention{{Kind: "education", Text: "Teach foot checks", GoalID: "#1", OwnerID: f.nurse.ID, Due: "2026-06-05",
				Status: carepath.InterventionPlanned}}}}}
		must(t, f.db.SaveCarePlan(as(f.cm), plan, carepath.PlanChange{}))
		task, err := f.db.FindTaskByID(as(f.nurse), plan.Problems[0].Interventions[0].TaskID)
		must(t, err)
		if task.Origin.Reason != "Care plan: Type 2 diabetes; goal: Get my sugar down (Hemoglobin A1c < 7) (education)" {
			t.Errorf("the task's reason: %q", task.Origin.Reason)
		}
		plan.Problems[0].Goals[0].TargetValues = []float64{8}
		must(t, f.db.SaveCarePlan(as(f.cm), plan, carepath.PlanChange{Why: "Dr. Lee: under 8 for her"}))
		task, err = f.db.FindTaskByID(as(f.nurse), task.ID)
		must(t, err)
		if !strings.Contains(task.Origin.Reason, "(Hemoglobin A1c < 8)") || task.History[len(task.History)-1].Action != "reason" {
			t.Errorf("after the goal was retargeted: %q, history %+v", task.Origin.Reason, task.History)
		}
	})
}

// Templates are applied by the service, from the record, the same for the
// page and the API: each problem linked to the patient's condition, its
// interventions for the primary care manager, goals already pursued left
// out and said so, and a stale revision or an unknown template refused
// with nothing written.
func TestApplyTemplates(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e) // 22 May 2026, 14:00 UTC
		cond := func(id, code, display string) carepath.ImportResource {
			return carepath.ImportResource{Type: "Condition", ID: id, PatientID: "p1", Hash: "h" + id, JSON: []byte(`{"resourceType":"Condition"}`),
				Record: &carepath.Condition{ID: id, PatientID: "p1", ClinicalStatus: "active", Code: carepath.Coding{System: "http://snomed.info/sct", Code: code, Display: display}}}
		}
		_, err := f.db.ImportUnits(system(f.org), f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
			cond("t2d", "44054006", "Type 2 diabetes"), cond("htn", "59621000", "Essential hypertension")}}})
		must(t, err)
		must(t, f.db.SaveCareTeam(as(f.cm), "p1", &carepath.CareTeam{Staff: []carepath.CareTeamMember{{UserID: f.cm2.ID, Role: carepath.CareTeamPrimaryCareManager}}}))

		_, err = f.db.ApplyTemplates(as(f.nurse), "p1", 0, []string{"type-2-diabetes", "no-such-template"}, "")
		wantCode(t, "an unknown template", err, carepath.EINVALID)
		_, err = f.db.ApplyTemplates(as(f.nurse), "p1", 0, nil, "")
		wantCode(t, "no template", err, carepath.EINVALID)
		_, err = f.db.FindCarePlan(as(f.cm), "p1")
		wantCode(t, "nothing written", err, carepath.ENOTFOUND)
		_, err = f.db.ApplyTemplates(as(f.auditor), "p1", 0, []string{"hypertension"}, "")
		wantCode(t, "the auditor", err, carepath.ENOTFOUND)

		plan, err := f.db.ApplyTemplates(as(f.nurse), "p1", 0, []string{"type-2-diabetes", "hypertension"}, "")
		must(t, err)
		if plan.Revision != 1 || len(plan.Problems) != 2 || plan.Problems[0].ConditionID != "t2d" || plan.Problems[1].ConditionID != "htn" {
			t.Fatalf("plan: revision %d, %+v", plan.Revision, plan.Problems)
		}
		for _, pr := range plan.Problems {
			for _, in := range pr.Interventions {
				if in.OwnerID != f.cm2.ID {
					t.Errorf("%s: intervention %q for %s, want the primary care manager", pr.Text, in.Text, in.OwnerID)
				}
			}
		}
		revs, err := f.db.FindPlanRevisions(as(f.cm), "p1")
		must(t, err)
		if len(revs) != 1 || !strings.HasPrefix(revs[0].Why, "From the templates: Type 2 diabetes, Hypertension; ") ||
			!strings.Contains(revs[0].Why, "left out: the plan has that measure's goal already") || !revs[0].Substantial {
			t.Errorf("why: %+v", revs)
		}
		_, err = f.db.ApplyTemplates(as(f.nurse), "p1", 0, []string{"copd"}, "")
		wantCode(t, "a stale revision", err, carepath.ECONFLICT)
		plan, err = f.db.ApplyTemplates(as(f.nurse), "p1", 1, []string{"depression"}, "screened positive")
		must(t, err)
		if plan.Revision != 2 || len(plan.Problems) != 3 || plan.Problems[0].ID == "" {
			t.Errorf("second revision: %d, %d problems", plan.Revision, len(plan.Problems))
		}
	})
}

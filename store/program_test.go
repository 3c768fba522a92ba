package store_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"carepath"
	"carepath/internal/testdb"
)

func TestProgramsAndBilling(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e) // 22 May 2026, 14:00 UTC
		db := f.db
		dr := addUser(t, db, f.org, "dr@example.org", carepath.RolePhysician)
		now := f.clock.now()

		// Enrollment: bad input names every problem; the practitioner must
		// be a physician; one enrollment in a program at a time.
		err := db.Enroll(as(f.cm), &carepath.Enrollment{PatientID: "p1", Program: "XYZ", Start: "May 1"})
		wantCode(t, "bad enrollment", err, carepath.EINVALID)
		if !strings.Contains(err.Error(), `the program "XYZ"`) || !strings.Contains(err.Error(), "a start day") || !strings.Contains(err.Error(), "billing practitioner") {
			t.Errorf("the problems: %v", err)
		}
		wantCode(t, "a care manager as practitioner", db.Enroll(as(f.cm), &carepath.Enrollment{PatientID: "p1", Program: carepath.ProgramCCM,
			Start: "2026-05-01", PractitionerID: f.cm.ID}), carepath.EINVALID)
		wantCode(t, "the auditor", db.Enroll(as(f.auditor), &carepath.Enrollment{PatientID: "p1", Program: carepath.ProgramCCM,
			Start: "2026-05-01", PractitionerID: dr.ID}), carepath.ENOTFOUND)
		wantCode(t, "another organization's patient", db.Enroll(as(f.outs), &carepath.Enrollment{PatientID: "p1", Program: carepath.ProgramCCM,
			Start: "2026-05-01", PractitionerID: dr.ID}), carepath.ENOTFOUND)
		ccm := &carepath.Enrollment{PatientID: "p1", Program: carepath.ProgramCCM, Start: "2026-05-01", PractitionerID: dr.ID, Eligibility: "2 chronic conditions"}
		must(t, db.Enroll(as(f.cm), ccm))
		wantCode(t, "enrolled twice", db.Enroll(as(f.cm), &carepath.Enrollment{PatientID: "p1", Program: carepath.ProgramCCM,
			Start: "2026-05-10", PractitionerID: dr.ID}), carepath.EINVALID)

		// Time before the consent is kept, and not billed.
		entry := func(by *carepath.User, patient string, start time.Time, minutes int) error {
			return db.AddTimeEntry(as(by), &carepath.TimeEntry{PatientID: patient, Program: carepath.ProgramCCM, Start: start, Seconds: 60 * minutes,
				Activity: "call with patient", Note: "checked weights"})
		}
		must(t, entry(f.cm, "p1", now.Add(-48*time.Hour), 15)) // 20 May
		wantCode(t, "a bad entry", db.AddTimeEntry(as(f.cm), &carepath.TimeEntry{PatientID: "p1", Program: carepath.ProgramCCM,
			Start: now.Add(time.Hour), Seconds: 0, Activity: "chatting"}), carepath.EINVALID)
		wantCode(t, "the auditor logs no time", entry(f.auditor, "p1", now.Add(-5*time.Hour), 10), carepath.ENOTFOUND)

		c := &carepath.Consent{PatientID: "p1", Program: carepath.ProgramCCM, Method: carepath.ConsentVerbal, Given: now.Add(-24 * time.Hour),
			CostSharing: true, OnePractitioner: true, RightToStop: true}
		wantCode(t, "a bad consent", db.RecordConsent(as(f.cm), &carepath.Consent{PatientID: "p1", Program: carepath.ProgramCCM, Method: "telepathy"}), carepath.EINVALID)
		must(t, db.RecordConsent(as(f.cm), c))
		must(t, entry(f.cm, "p1", now.Add(-6*time.Hour), 25))
		must(t, entry(f.nurse, "p1", now.Add(-6*time.Hour), 20)) // another person at the same time: counts

		// A minute is spent once: an overlapping entry of the same person,
		// on this patient or another, is refused.
		wantCode(t, "overlapping, same patient", entry(f.cm, "p1", now.Add(-6*time.Hour+10*time.Minute), 10), carepath.ECONFLICT)
		wantCode(t, "overlapping, another patient", entry(f.cm, "p2", now.Add(-6*time.Hour+24*time.Minute), 10), carepath.ECONFLICT)
		must(t, entry(f.cm, "p2", now.Add(-6*time.Hour+25*time.Minute), 10)) // right after: fine

		progs, err := db.FindPatientPrograms(as(f.nurse), "p1", "2026-05")
		must(t, err)
		bill := progs.Bill
		var lines []string
		for _, l := range bill.Lines {
			lines = append(lines, fmt.Sprintf("%s x%d by %v (%d min)", l.Code, l.Units, l.PractitionerID == dr.ID, l.Minutes))
		}
		if strings.Join(lines, ", ") != "99490 x1 by true (45 min), 99439 x1 by true (45 min)" {
			t.Errorf("lines: %v", lines)
		}
		if len(bill.NotBilled) == 0 || !strings.Contains(bill.NotBilled[0].Why, "before the consent of") || bill.NotBilled[0].Minutes != 15 {
			t.Errorf("not billed: %+v", bill.NotBilled)
		}

		if len(progs.Enrollments) != 1 || progs.Enrollments[0].PractitionerName == "" || len(progs.Consents) != 1 || progs.Consents[0].ObtainedByName == "" ||
			len(progs.Time) != 3 || progs.Time[0].Staff != carepath.StaffClinical {
			t.Errorf("programs: %+v", progs)
		}

		// A chart view reads the programs with the chart: for its header,
		// an enrolled patient's month whole, and of a patient enrolled in
		// nothing (p2, with time logged) nothing past the enrollments; for
		// the programs page, everything.
		_, head, err := db.FindChartWithPrograms(as(f.cm), "p1", "2026-05", carepath.ProgramsEnrolled)
		must(t, err)
		if head.EnrollmentsOnly || len(head.Time) != 3 || len(head.Bill.Lines) != 2 || len(head.Consents) != 1 {
			t.Errorf("the header's programs of an enrolled patient: %+v", head)
		}
		_, head, err = db.FindChartWithPrograms(as(f.cm), "p2", "2026-05", carepath.ProgramsEnrolled)
		must(t, err)
		if !head.EnrollmentsOnly || len(head.Time) != 0 || head.Shown() != "no enrollments in 2026-05" {
			t.Errorf("the header's programs of a patient enrolled in nothing: %+v", head)
		}
		_, all, err := db.FindChartWithPrograms(as(f.cm), "p2", "2026-05", carepath.ProgramsAll)
		must(t, err)
		if all.EnrollmentsOnly || len(all.Time) != 1 {
			t.Errorf("the programs page's programs of a patient enrolled in nothing: %+v", all)
		}
		_, _, err = db.FindChartWithPrograms(as(f.cm), "p2", "2026-05", 0)
		wantCode(t, "no say in how much", err, carepath.EINVALID)

		// The consent revoked: the later time is not billed; CCM's
		// enrollment ends with the month.
		f.clock.add(time.Hour)
		_, err = db.RevokeConsent(as(f.cm), c.ID, "")
		wantCode(t, "a revocation needs its reason", err, carepath.EINVALID)
		revoked, err := db.RevokeConsent(as(f.cm), c.ID, "patient declined further calls")
		must(t, err)
		if revoked.Revoked.IsZero() || revoked.RevokeReason != "patient declined further calls" {
			t.Errorf("revoked: %+v", revoked)
		}
		f.clock.add(time.Hour)
		must(t, entry(f.cm, "p1", f.clock.now().Add(-30*time.Minute), 20))
		progs, err = db.FindPatientPrograms(as(f.cm), "p1", "2026-05")
		must(t, err)
		bill = progs.Bill
		if len(bill.Lines) != 2 || !strings.Contains(fmt.Sprint(bill.NotBilled), "after the consent was revoked") {
			t.Errorf("after the revocation: %+v / %+v", bill.Lines, bill.NotBilled)
		}
		ended, err := db.EndEnrollment(as(f.cm), ccm.ID, "2026-05-22", "patient declined")
		must(t, err)
		if ended.End != "2026-05-31" {
			t.Errorf("CCM ends at the end of the month, not %s", ended.End)
		}
		_, err = db.FindPatientPrograms(as(f.cm), "p1", "May 2026")
		wantCode(t, "a bad month", err, carepath.EINVALID)
	})
}

// Concurrent overlapping entries of one person: exactly one is stored.
func TestTimeEntryOnceUnderConcurrency(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e)
		start := f.clock.now().Add(-3 * time.Hour)
		// A first round, days apart, opens the connections, so that the
		// second round's transactions run at the same moment.
		var warm sync.WaitGroup
		for i := range 16 {
			warm.Add(1)
			go func() {
				defer warm.Done()
				must(t, f.db.AddTimeEntry(as(f.cm), &carepath.TimeEntry{PatientID: "p1", Program: carepath.ProgramCCM,
					Start: start.AddDate(0, 0, -1-i), Seconds: 5 * 60, Activity: "care plan"}))
			}()
		}
		warm.Wait()
		var wg sync.WaitGroup
		results := make([]error, 16)
		ready := make(chan struct{})
		for i := range results {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-ready // all at once
				patient := []string{"p1", "p2"}[i%2]
				results[i] = f.db.AddTimeEntry(as(f.cm), &carepath.TimeEntry{PatientID: patient, Program: carepath.ProgramCCM,
					Start: start.Add(time.Duration(i) * time.Minute), Seconds: 30 * 60, Activity: "care plan"})
			}()
		}
		close(ready)
		wg.Wait()
		stored, conflicts := 0, 0
		for _, err := range results {
			switch {
			case err == nil:
				stored++
			case carepath.ErrorCode(err) == carepath.ECONFLICT:
				conflicts++
			default:
				t.Errorf("unexpected: %v", err)
			}
		}
		if stored != 1 || conflicts != len(results)-1 {
			t.Errorf("%d stored, %d conflicts; want 1 and %d", stored, conflicts, len(results)-1)
		}
	})
}

func TestBillingMonthClose(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e) // 22 May 2026
		db := f.db
		dr := addUser(t, db, f.org, "dr@example.org", carepath.RolePhysician)
		april := time.Date(2026, 4, 10, 15, 0, 0, 0, time.UTC)
		for _, p := range []string{"p1", "p2"} {
			must(t, db.Enroll(as(f.cm), &carepath.Enrollment{PatientID: p, Program: carepath.ProgramCCM, Start: "2026-03-01", PractitionerID: dr.ID}))
		}
		must(t, db.RecordConsent(as(f.cm), &carepath.Consent{PatientID: "p1", Program: carepath.ProgramCCM, Method: carepath.ConsentWritten,
			Given: april.AddDate(0, 0, -5), CostSharing: true, OnePractitioner: true, RightToStop: true}))
		log := func(patient string, start time.Time, minutes int) {
			t.Helper()
			must(t, db.AddTimeEntry(as(f.cm), &carepath.TimeEntry{PatientID: patient, Program: carepath.ProgramCCM, Start: start, Seconds: 60 * minutes, Activity: "care plan"}))
		}
		log("p1", april, 30)
		log("p1", april.AddDate(0, 0, 1), 15)
		log("p2", april.AddDate(0, 0, 2), 25) // no consent

		rep, err := db.FindBillingReport(as(f.cm), "2026-04")
		must(t, err)
		status := func(rep *carepath.BillingReport) string {
			var out []string
			for _, r := range rep.Rows {
				var codes []string
				for _, l := range r.Lines {
					codes = append(codes, fmt.Sprintf("%sx%d", l.Code, l.Units))
				}
				out = append(out, fmt.Sprintf("%s %s [%s]", r.PatientName, r.Status, strings.Join(codes, " ")))
			}
			return strings.Join(out, "; ")
		}
		if got := status(rep); got != "Chen, Wei missing consent []; Rivera, Ana needs sign-off [99490x1 99439x1]" || rep.Closed {
			t.Errorf("open April: %s", got)
		}
		wantCode(t, "a care manager signs off", db.SignOffBilling(as(f.cm), "2026-04"), carepath.ENOTFOUND)
		must(t, db.SignOffBilling(as(dr), "2026-04"))
		_, err = db.CloseBillingMonth(as(f.cm), "2026-04")
		wantCode(t, "a care manager closes", err, carepath.ENOTFOUND)
		_, err = db.CloseBillingMonth(as(dr), "2026-05")
		wantCode(t, "May has not ended", err, carepath.EINVALID)
		rep, err = db.CloseBillingMonth(as(dr), "2026-04")
		must(t, err)
		if got := status(rep); got != "Chen, Wei missing consent []; Rivera, Ana ready [99490x1 99439x1]" || !rep.Closed || rep.ClosedByName == "" {
			t.Errorf("closed April: %s (closed %v by %q)", got, rep.Closed, rep.ClosedByName)
		}
		_, err = db.CloseBillingMonth(as(dr), "2026-04")
		wantCode(t, "closed twice", err, carepath.EINVALID)

		// A late entry: the frozen lines stay; the adjustment says what
		// changed.
		f.clock.add(time.Hour)
		log("p1", april.AddDate(0, 0, 3), 20)
		rep, err = db.FindBillingReport(as(f.cm), "2026-04")
		must(t, err)
		var adj *carepath.PatientMonthBill
		for _, r := range rep.Rows {
			if r.PatientID == "p1" {
				adj = r.Adjustment
				if len(r.Lines) != 2 || r.Lines[1].Units != 1 {
					t.Errorf("the frozen lines changed: %+v", r.Lines)
				}
			}
		}
		if adj == nil || len(adj.Lines) != 1 || adj.Lines[0].Code != "99439" || adj.Lines[0].Units != 2 || len(adj.NotBilled) != 1 ||
			!strings.Contains(adj.NotBilled[0].Why, "replaced by the late entries: 99439 x1") {
			t.Errorf("adjustment: %+v", adj)
		}
	})
}

func TestEligibleAndComplexity(t *testing.T) {
	testdb.Run(t, func(t *testing.T, e testdb.Engine) {
		f := newTaskFixture(t, e) // 22 May 2026
		db := f.db
		dr := addUser(t, db, f.org, "dr@example.org", carepath.RolePhysician)
		cond := func(id, patient, code, display string) carepath.ImportResource {
			return carepath.ImportResource{Type: "Condition", ID: id, PatientID: patient, Hash: "h" + id, JSON: []byte(`{"resourceType":"Condition"}`),
				Record: &carepath.Condition{ID: id, PatientID: patient, ClinicalStatus: "active", Onset: "2019-03-01",
					Code: carepath.Coding{System: "http://snomed.info/sct", Code: code, Display: display}}}
		}
		_, err := db.ImportUnits(system(f.org), f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
			cond("c1", "p1", "84114007", "Heart failure"), cond("c2", "p1", "44054006", "Type 2 diabetes"), cond("c3", "p2", "38341003", "Hypertension")}}})
		must(t, err)
		list, n, err := db.FindEligiblePatients(as(f.cm), carepath.ProgramCCM, 50, 0)
		must(t, err)
		if n != 1 || len(list) != 1 || list[0].Patient.ID != "p1" || !strings.Contains(list[0].Why, "heart failure since 2019") {
			t.Fatalf("eligible for CCM: %d %+v", n, list)
		}
		if _, n, _ := db.FindEligiblePatients(as(f.cm), carepath.ProgramPCM, 50, 0); n != 2 {
			t.Errorf("eligible for PCM: %d, want 2", n)
		}
		// The list is kept while the records are unchanged: a new condition
		// of p2 shows at once.
		_, err = db.ImportUnits(system(f.org), f.org, []*carepath.ImportUnit{{Source: "test", Resources: []carepath.ImportResource{
			cond("c4", "p2", "13645005", "COPD")}}})
		must(t, err)
		if _, n, _ := db.FindEligiblePatients(as(f.cm), carepath.ProgramCCM, 50, 0); n != 2 {
			t.Errorf("eligible for CCM after p2's COPD: %d, want 2", n)
		}
		must(t, db.Enroll(as(f.cm), &carepath.Enrollment{PatientID: "p1", Program: carepath.ProgramCCM, Start: "2026-04-01", PractitionerID: dr.ID}))
		if list, n, _ := db.FindEligiblePatients(as(f.cm), carepath.ProgramCCM, 50, 0); n != 1 || list[0].Patient.ID != "p2" {
			t.Errorf("an enrolled patient is still listed: %d", n)
		}
		_, _, err = db.FindEligiblePatients(as(f.cm), "XYZ", 50, 0)
		wantCode(t, "an unknown program", err, carepath.EINVALID)

		// The month's decision making: the practitioner's to record, read
		// by the billing.
		wantCode(t, "a care manager records complexity", db.RecordMonthComplexity(as(f.cm), "p1", "2026-04", "high"), carepath.ENOTFOUND)
		wantCode(t, "a bad complexity", db.RecordMonthComplexity(as(dr), "p1", "2026-04", "extreme"), carepath.EINVALID)
		must(t, db.RecordMonthComplexity(as(dr), "p1", "2026-04", "high"))
		must(t, db.RecordConsent(as(f.cm), &carepath.Consent{PatientID: "p1", Program: carepath.ProgramCCM, Method: carepath.ConsentVerbal,
			Given: time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC), CostSharing: true, OnePractitioner: true, RightToStop: true}))
		must(t, db.AddTimeEntry(as(f.cm), &carepath.TimeEntry{PatientID: "p1", Program: carepath.ProgramCCM, Start: time.Date(2026, 4, 10, 14, 0, 0, 0, time.UTC),
			Seconds: 65 * 60, Activity: "care plan"}))
		progs, err := db.FindPatientPrograms(as(f.cm), "p1", "2026-04")
		must(t, err)
		if !strings.Contains(fmt.Sprint(progs.Bill.NotBilled), "the plan was not revised this month") {
			t.Errorf("complex CCM's reason: %+v", progs.Bill.NotBilled)
		}
		// The service judges eligibility from the record, whoever enrolls:
		// the enrollment keeps what the record showed, and the programs
		// say each program's.
		if len(progs.Enrollments) != 1 || !strings.Contains(progs.Enrollments[0].Eligibility, "heart failure since 2019") {
			t.Errorf("the enrollment's eligibility: %+v", progs.Enrollments)
		}
		judged := map[string]bool{}
		for _, el := range progs.Eligibility {
			judged[el.Program] = el.Eligible
		}
		if !judged[carepath.ProgramCCM] || !judged[carepath.ProgramPCM] || judged[carepath.ProgramBHI] {
			t.Errorf("eligibility on the programs: %+v", progs.Eligibility)
		}
		if progs.Complexity != "high" {
			t.Errorf("the month's complexity: %q", progs.Complexity)
		}
	})
}

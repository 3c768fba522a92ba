package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"carepath"
)

// TestAuditPage: the trail lists newest first, names each record's
// patient, and finds a patient's records by the start of their name.
func TestAuditPage(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 5})
	if err != nil {
		t.Fatal(err)
	}
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	for _, p := range ps[:2] {
		cm.get(base + "/patients/" + p.ID)
	}
	auditor := signIn(t, base, "auditor@demo.carepath.example", DemoPassword)
	page, _ := auditor.get(base + "/audit")
	var seqs []int
	for _, m := range regexp.MustCompile(`<tr><td class="mono">(\d+)</td>`).FindAllStringSubmatch(page, -1) {
		n, _ := strconv.Atoi(m[1])
		seqs = append(seqs, n)
	}
	if len(seqs) < 3 || seqs[0] < seqs[len(seqs)-1] {
		t.Errorf("the trail is not newest first: %v", seqs)
	}
	viewed := ps[1]
	name := viewed.Family + ", " + viewed.Given
	if !strings.Contains(page, ">"+name+"</a>") {
		t.Errorf("the trail does not name the patient %s", name)
	}
	found, _ := auditor.get(base + "/audit?patient=" + strings.ToLower(viewed.Family[:3]))
	rows := between(found, "<tbody>", "</tbody>")
	if !strings.Contains(rows, ">"+name+"</a>") || strings.Contains(rows, ">"+ps[0].Family+", "+ps[0].Given+"</a>") && ps[0].Family[:3] != viewed.Family[:3] {
		t.Errorf("finding %q by the start of the name:\n%s", name, rows)
	}

	// By id: the patient's records, and filtering reads no patient, so
	// the auditor is not recorded as viewing them (it was).
	auditorUser, err := m.DB.FindUserByEmail(sys, "auditor@demo.carepath.example")
	if err != nil {
		t.Fatal(err)
	}
	byID, _ := auditor.get(base + "/audit?patient=" + viewed.ID)
	if rows := between(byID, "<tbody>", "</tbody>"); !strings.Contains(rows, ">"+name+"</a>") {
		t.Errorf("finding %s by id:\n%s", viewed.ID, rows)
	}
	events, err := m.DB.FindAuditEvents(sys, carepath.AuditFilter{PatientID: viewed.ID, ActorID: auditorUser.ID, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range events {
		if e.Action == carepath.AuditPatientView {
			t.Errorf("filtering the trail by a patient's id audited a view of the patient: %+v", e)
		}
	}
}

// TestOneAuditRecordPerView: a page view is one audit record that says
// what was shown. The chart (with its header's month of program time) and
// the programs page each wrote two, "chart" and "Programs".
func TestOneAuditRecordPerView(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	org, sys := demoOrg(t, m)
	loc, err := time.LoadLocation(org.TimeZone)
	if err != nil {
		t.Fatal(err)
	}
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	p := ps[0]
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	me, err := m.DB.FindUserByEmail(sys, "cm@demo.carepath.example")
	if err != nil {
		t.Fatal(err)
	}
	month := time.Now().In(loc).Format("2006-01")
	for _, page := range []string{"/patients/" + p.ID, "/patients/" + p.ID + "/programs"} {
		before, err := m.DB.FindAuditEvents(sys, carepath.AuditFilter{PatientID: p.ID, Newest: true, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		var after int64
		if len(before) > 0 {
			after = before[0].Seq
		}
		if _, resp := cm.get(base + page); resp.StatusCode != 200 {
			t.Fatalf("%s: %s", page, resp.Status)
		}
		events, err := m.DB.FindAuditEvents(sys, carepath.AuditFilter{PatientID: p.ID, ActorID: me.ID, AfterSeq: after})
		if err != nil {
			t.Fatal(err)
		}
		if len(events) != 1 {
			var what []string
			for _, e := range events {
				what = append(what, e.Action+" "+e.Object)
			}
			t.Errorf("%s: %d audit records (%s), want 1", page, len(events), strings.Join(what, "; "))
			continue
		}
		if e := events[0]; e.Action != carepath.AuditPatientView || e.Object != "chart" || !strings.Contains(e.Detail, "conditions") ||
			!strings.Contains(e.Detail, "programs: ") || !strings.Contains(e.Detail, " in "+month) {
			t.Errorf("%s: the record does not say what was shown: %+v", page, e)
		}
	}
}

package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

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
}

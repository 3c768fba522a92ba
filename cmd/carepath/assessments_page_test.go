package main

import (
	"strings"
	"testing"

	"carepath"
)

// TestAssessmentsPageShowsSourceScores: a patient whose record came with
// PHQ-9 totals from another source has assessments; the page lists them
// (it said "No assessments yet" beside a chart of ten PHQ-9 scores).
func TestAssessmentsPageShowsSourceScores(t *testing.T) {
	m := startDemo(t, 20)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range ps {
		chart, err := m.DB.FindChart(sys, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		scores := 0
		for _, s := range chart.Series {
			if s.Code.Code == "44261-6" {
				scores = len(s.Points)
			}
		}
		if scores == 0 {
			continue
		}
		page, resp := cm.get(base + "/patients/" + p.ID + "/assessments")
		if resp.StatusCode != 200 {
			t.Fatalf("assessments page: %s", resp.Status)
		}
		if strings.Contains(page, "No assessments yet") {
			t.Errorf("%s has %d PHQ-9 scores on the chart and the page says no assessments", p.ID, scores)
		}
		rows := between(between(page, `id="from-sources"`, "</section>"), "<tbody>", "</tbody>")
		if n := strings.Count(rows, "<td>PHQ-9</td>"); n < scores {
			t.Errorf("%d PHQ-9 scores listed from other sources, the chart has %d:\n%s", n, scores, rows)
		}
		return
	}
	t.Fatal("no demo patient with PHQ-9 scores from the record")
}

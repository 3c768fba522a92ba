package main

import (
	"fmt"
	"strings"
	"testing"
)

// "carepath score" scores the history the rules leave alone: every ended
// stay, however old, once, with its components.
func TestScoreCommand(t *testing.T) {
	m := startDemo(t, 60)
	_, sys := demoOrg(t, m)
	stays, err := m.DB.FindStays(sys)
	total := len(stays)
	if err != nil || total == 0 {
		t.Fatalf("stays on record: %d, %v", total, err)
	}
	code, out, errOut := runCmd(t, "score", "--db", m.DB.DSN)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("demo-health: scored %d stays in ", total)) || !strings.Contains(errOut, fmt.Sprintf("%d/%d stays (100%%)", total, total)) {
		t.Fatalf("score: %d\n%s\n%s", code, out, errOut)
	}
	// The oldest stay of some patient has its three scores, LACE with four
	// components.
	risk, err := m.DB.FindRiskScores(sys, stays[0].PatientID)
	if err != nil || len(risk) != 3 || len(risk[2].Components) != 4 {
		t.Fatalf("scores of %s: %+v %v", stays[0].PatientID, risk, err)
	}
	// Again: the same stays (the table keeps one score of each per stay).
	if code, out, _ := runCmd(t, "score", "--db", m.DB.DSN); code != 0 || !strings.Contains(out, fmt.Sprintf("scored %d stays", total)) {
		t.Errorf("scored again: %d %s", code, out)
	}
}

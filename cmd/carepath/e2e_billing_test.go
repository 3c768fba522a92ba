package main

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carepath"
)

// TestBrowserBilling closes a month in Chromium: the billing practitioner
// sees last month's patient needing sign-off, signs off, closes the month,
// and opens the patient's evidence packet (consent, care plan, time).
func TestBrowserBilling(t *testing.T) {
	ctx := browser(t)
	m := startDemo(t, 20)
	base := m.Server.URL()
	org, sys := demoOrg(t, m)
	loc, _ := time.LoadLocation(org.TimeZone)
	cm, _ := m.DB.FindUserByEmail(sys, "cm@demo.carepath.example")
	dr, _ := m.DB.FindUserByEmail(sys, "physician@demo.carepath.example")
	asCM := carepath.NewContextWithActor(sys, &carepath.Actor{User: cm, OrgID: org.ID})
	ps, _, _ := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 20})
	var patient *carepath.Patient
	for _, p := range ps {
		if !p.Deceased {
			patient = p
			break
		}
	}
	now := time.Now().In(loc)
	lastMonth := time.Date(now.Year(), now.Month()-1, 10, 10, 0, 0, 0, loc)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(m.DB.Enroll(asCM, &carepath.Enrollment{PatientID: patient.ID, Program: carepath.ProgramCCM, PractitionerID: dr.ID,
		Start: lastMonth.AddDate(0, 0, -9).Format(time.DateOnly)}))
	must(m.DB.RecordConsent(asCM, &carepath.Consent{PatientID: patient.ID, Program: carepath.ProgramCCM, Method: carepath.ConsentVerbal,
		Given: lastMonth.Add(-time.Hour), CostSharing: true, OnePractitioner: true, RightToStop: true}))
	must(m.DB.AddTimeEntry(asCM, &carepath.TimeEntry{PatientID: patient.ID, Program: carepath.ProgramCCM, Start: lastMonth, Seconds: 25 * 60,
		Activity: "call with patient", Note: "reviewed the weight log with the patient"}))

	do(t, ctx, chromedp.Navigate(base+"/billing"), chromedp.WaitVisible(`#email`))
	do(t, ctx, chromedp.SendKeys(`#email`, "physician@demo.carepath.example"), chromedp.SendKeys(`#password`, DemoPassword+"\n"), chromedp.WaitVisible(`table.billing`))
	row := `#bill-` + patient.ID
	if s := text(t, ctx, row); !strings.Contains(s, "needs sign-off") || !strings.Contains(s, "99490") {
		t.Fatalf("last month's row: %q", s)
	}
	do(t, ctx, chromedp.Click(`#sign-off`))
	waitFor(t, ctx, `document.querySelector("`+row+`") !== null && document.querySelector("`+row+`").innerText.includes("ready")`)
	do(t, ctx, chromedp.Click(`#close-month`))
	waitFor(t, ctx, `document.body && document.body.innerText.includes("The month is closed.")`)
	if s := text(t, ctx, `p.lead`); !strings.Contains(s, "Closed") || !strings.Contains(s, "frozen") {
		t.Fatalf("after the close: %q", s)
	}
	screenshot(t, ctx, "billing-closed")

	// The evidence packet of the patient's month.
	do(t, ctx, chromedp.Click(row+` a`), chromedp.WaitVisible(`article.evidence`))
	ev := text(t, ctx, `#main`)
	for _, want := range []string{"99490", "Consent: verbal", "reviewed the weight log with the patient", "frozen lines", "CMS MLN909188"} {
		if !strings.Contains(ev, want) {
			t.Errorf("the evidence packet lacks %q:\n%s", want, ev)
		}
	}
	screenshot(t, ctx, "billing-evidence")
}

package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"carepath"
	"carepath/billing"
)

// TestBrowserPrograms walks a program in Chromium: the care manager finds
// the patient eligible for CCM with the reasons, enrolls with the billing
// practitioner, records the consent with its disclosures, runs the timer
// across a reload, logs more time by hand, and sees the minutes toward
// the next threshold and the month's billable line.
func TestBrowserPrograms(t *testing.T) {
	ctx := browser(t)
	m := startDemo(t, 40)
	base := m.Server.URL()
	_, sys := demoOrg(t, m)
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 40})
	if err != nil {
		t.Fatal(err)
	}
	var patient *carepath.Patient
	for _, p := range ps {
		chart, err := m.DB.FindChart(sys, p.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !p.Deceased && billing.ChronicCount(chart.Conditions) >= 2 {
			patient = p
			break
		}
	}
	if patient == nil {
		t.Fatal("no demo patient with two chronic conditions")
	}
	page := base + "/patients/" + patient.ID + "/programs"
	do(t, ctx, chromedp.Navigate(page), chromedp.WaitVisible(`#email`))
	do(t, ctx, chromedp.SendKeys(`#email`, "cm@demo.carepath.example"), chromedp.SendKeys(`#password`, DemoPassword+"\n"), chromedp.WaitVisible(`table.programs`))
	if row := text(t, ctx, `#program-CCM`); !strings.Contains(row, "chronic conditions expected to last 12 months") || !strings.Contains(row, "not enrolled") {
		t.Fatalf("the CCM row before enrolling: %q", row)
	}

	// Enroll in CCM (the one physician bills it), then the consent.
	do(t, ctx, chromedp.SetValue(`#enroll-program`, "CCM"), chromedp.Click(`#enroll`))
	waitFor(t, ctx, `document.body && document.querySelector("#program-CCM") && document.querySelector("#program-CCM").innerText.includes("billed by")`)
	// minutesAgo is the time-start box's "now" (the organization's time)
	// less n minutes, as a datetime-local value.
	minutesAgo := func(n int) string {
		v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
			const d = new Date(document.getElementById("time-start").value + ":00Z");
			d.setUTCMinutes(d.getUTCMinutes() - `+strconv.Itoa(n)+`);
			return d.toISOString().slice(0, 16);
		})()`))
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	// The consent was given on the phone two hours ago.
	do(t, ctx, chromedp.SetValue(`#consent-program`, "CCM"), chromedp.SetValue(`#consent-given`, minutesAgo(120)),
		chromedp.Click(`input[name="cost_sharing"]`), chromedp.Click(`input[name="one_practitioner"]`),
		chromedp.Click(`input[name="right_to_stop"]`), chromedp.Click(`#record-consent`))
	waitFor(t, ctx, `document.body && document.querySelector("#program-CCM") && document.querySelector("#program-CCM").innerText.includes("verbal")`)

	// The timer: started, carried across a reload, stopped: the seconds
	// worked are logged, and they are no minute (a 6-second run logged a
	// minute, and it was billed).
	do(t, ctx, chromedp.SetValue(`#timer-program`, "CCM"), chromedp.Click(`#timer-start`))
	waitFor(t, ctx, `document.getElementById("timer-pause") && !document.getElementById("timer-pause").disabled`)
	do(t, ctx, chromedp.Sleep(1500*time.Millisecond), chromedp.Navigate(page), chromedp.WaitVisible(`#timer`))
	waitFor(t, ctx, `document.getElementById("timer").classList.contains("running") && document.getElementById("timer-elapsed").textContent !== "0:00"`)
	do(t, ctx, chromedp.SetValue(`#time-activity`, "call with patient"), chromedp.SendKeys(`#time-note`, "weights reviewed"), chromedp.Click(`#timer-stop`))
	waitFor(t, ctx, `document.body && document.body.innerText.includes("weights reviewed")`)
	if row := text(t, ctx, `#program-CCM`); !strings.Contains(row, "0 min of 20 for 99490") {
		t.Fatalf("after the timer: %q", row)
	}
	if log := text(t, ctx, `#log-h + table`); !regexp.MustCompile(`\t\d s\tCCM`).MatchString(log) {
		t.Fatalf("the timer's entry is not logged in seconds: %q", log)
	}
	screenshot(t, ctx, "programs-timer")

	// 20 minutes more by hand, earlier today: 99490 is billable, and the
	// next threshold is 40 minutes for 99439.
	earlier := minutesAgo(45)
	do(t, ctx, chromedp.SetValue(`#time-program`, "CCM"), chromedp.SetValue(`#time-start`, earlier), chromedp.SendKeys(`#time-minutes`, "20"),
		chromedp.SetValue(`#time-activity`, "care plan"), chromedp.Click(`#log-time`))
	waitFor(t, ctx, `document.body && document.querySelector("#program-CCM") && document.querySelector("#program-CCM").innerText.includes("20 min of 40 for 99439")`)
	if bill := text(t, ctx, `table.bill`); !strings.Contains(bill, "99490") || !strings.Contains(bill, "20 minutes of clinical staff time") {
		t.Fatalf("the month's bill: %q", bill)
	}
	screenshot(t, ctx, "programs-billable")

	// The chart's header says it too.
	do(t, ctx, chromedp.Navigate(base+"/patients/"+patient.ID), chromedp.WaitVisible(`.chart-head`))
	if s := text(t, ctx, `.chart-head`); !strings.Contains(s, "CCM 20 min of 40 (99439)") {
		t.Fatalf("the chart's header: %q", s)
	}
}

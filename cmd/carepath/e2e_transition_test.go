package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"carepath/rules"
)

// TestBrowserTransition walks a transition of care in Chromium: a
// hospital's system reports a discharge; the care manager finds the
// contact task in her work with its reason and deadline, opens the
// episode from the transitions board, records the contact and the
// medication reconciliation, and the board shows both done.
func TestBrowserTransition(t *testing.T) {
	ctx := browser(t)
	m := startDemo(t, 40)
	base := m.Server.URL()
	// A living patient of hers with medicines on record, discharged
	// through the API (the sweep opens the episode and its tasks).
	_, sys := demoOrg(t, m)
	cm, err := m.DB.FindUserByEmail(sys, "cm@demo.carepath.example")
	if err != nil {
		t.Fatal(err)
	}
	patient, _ := openEpisode(t, m, cm.Email, "e2e-stay")

	do(t, ctx, chromedp.Navigate(base+"/work"), chromedp.WaitVisible(`#email`))
	do(t, ctx, chromedp.SendKeys(`#email`, "cm@demo.carepath.example"), chromedp.SendKeys(`#password`, DemoPassword+"\n"), chromedp.WaitVisible(`#worklist`))
	// The contact task: its reason names the hospital and the risk band,
	// and its deadline is 2 business days on.
	do(t, ctx, chromedp.Navigate(base+"/work?kind="+rules.KindPostDischarge), chromedp.WaitVisible(`#worklist`))
	list := text(t, ctx, `#worklist`)
	if !strings.Contains(list, "Discharged from Mercy Hospital") || !strings.Contains(list, "readmission risk, LACE") || !strings.Contains(list, "contact due within 2 business days") {
		t.Fatalf("the worklist lacks the contact task's reason:\n%s", list)
	}
	screenshot(t, ctx, "transition-task")

	do(t, ctx, chromedp.Navigate(base+"/transitions"), chromedp.WaitVisible(`table.transitions`))
	board := text(t, ctx, `table.transitions`)
	if !strings.Contains(board, patient.Family) || !strings.Contains(board, "Mercy Hospital") {
		t.Fatalf("the board lacks the episode:\n%s", board)
	}
	screenshot(t, ctx, "transitions-board")
	// Open the patient's episode.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const tr = [...document.querySelectorAll('table.transitions tbody tr')].find(r => r.innerText.includes("Mercy Hospital"));
		tr.querySelector('a[href^="/transitions/"]').click();
		return true;
	})()`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.WaitVisible(`#clock-h`))
	if h := text(t, ctx, `h1`); !strings.Contains(h, patient.Family) {
		t.Fatalf("the episode page: %q", h)
	}
	screenshot(t, ctx, "transition-episode")

	// The contact.
	do(t, ctx, chromedp.SendKeys(`#contact-note`, "Spoke with the patient; daughter present"),
		chromedp.Click(`#record-contact`))
	waitFor(t, ctx, `document.body && document.body.innerText.includes("✓ Reached")`)
	if s := text(t, ctx, `#main`); !strings.Contains(s, "✓ Reached") || !strings.Contains(s, "by Casey") && !strings.Contains(s, "by "+cm.Name) {
		t.Fatalf("after recording the contact:\n%s", s)
	}
	// The reconciliation: every line continued but the last, stopped; then
	// complete.
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const sels = [...document.querySelectorAll('#medrec-form select[name^="decision"]')];
		sels.forEach((s, i) => { s.value = i === sels.length - 1 ? "stop" : "continue"; });
		document.querySelectorAll('#medrec-form select[name^="takes"]').forEach(s => { s.value = "as listed"; });
		document.querySelector('#medrec-form input[name="complete"]').checked = true;
		return sels.length > 0;
	})()`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Click(`#save-medrec`))
	waitFor(t, ctx, `document.body && document.body.innerText.includes("✓ Completed")`)
	if s := text(t, ctx, `#main`); !strings.Contains(s, "✓ Completed") || !strings.Contains(s, "current list") {
		t.Fatalf("after the reconciliation:\n%s", s)
	}
	screenshot(t, ctx, "transition-recorded")

	// The board: contact and medicines done; the visit is what is due next.
	do(t, ctx, chromedp.Navigate(base+"/transitions"), chromedp.WaitVisible(`table.transitions`))
	cells, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const tr = [...document.querySelectorAll('table.transitions tbody tr')].find(r => r.innerText.includes("Mercy Hospital"));
		return tr ? [4, 5, 6].map(i => tr.cells[i].innerText).join(" | ") : "";
	})()`))
	if err != nil || strings.Count(cells, "✓") != 2 || !strings.Contains(cells, "due") {
		t.Fatalf("the board's row after the contact and reconciliation: %q %v", cells, err)
	}
	screenshot(t, ctx, "transitions-board-after")

	// The chart shows the reconciled list as the current one.
	do(t, ctx, chromedp.Navigate(base+"/patients/"+patient.ID), chromedp.WaitVisible(`.chart-head`))
	if s := text(t, ctx, `#main`); !strings.Contains(s, "Reconciled") || !strings.Contains(s, "Transition of care") {
		t.Fatalf("the chart after the reconciliation:\n%s", s)
	}
}

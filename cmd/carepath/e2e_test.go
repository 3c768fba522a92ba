package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carepath"
	"carepath/internal/pdftest"
	"carepath/internal/testenv"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// chromium finds Debian's Chromium (or CAREPATH_CHROMIUM). Without it the
// browser tests skip, except under CI, where they are required.
func chromium(t *testing.T) string {
	t.Helper()
	for _, p := range []string{os.Getenv("CAREPATH_CHROMIUM"), "chromium", "chromium-browser", "google-chrome"} {
		if p == "" {
			continue
		}
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	testenv.Skip(t, "Chromium", "install Debian's chromium, or set CAREPATH_CHROMIUM to a Chromium or Chrome")
	return ""
}

// browser starts a headless Chromium for one test.
func browser(t *testing.T) context.Context {
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 900),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	// The first run starts the browser, on a context without a deadline
	// (a deadline there would end the browser); the steps get one.
	if err := chromedp.Do(ctx); err != nil {
		t.Fatal(err)
	}
	// The whole walk takes 8-11 s alone; CI runs it beside the other
	// packages' tests on two cores (one run took past 60 s). Each wait has
	// its own bound; this one only stops a hang.
	ctx, cancelTimeout := context.WithTimeout(ctx, 180*time.Second)
	t.Cleanup(cancelTimeout)
	return ctx
}

// text returns the visible text of the first element matching sel.
func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(sel))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// slowKey presses a key as chromedp.KeyEvent does (its down, char and up
// events, each its own call), with a pause after the down, as a busy
// machine makes.
func slowKey(r rune) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for _, k := range kb.Encode(r) {
			if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, *k); err != nil {
				return err
			}
			if k.Type != kb.KeyChar {
				time.Sleep(50 * time.Millisecond)
			}
		}
		return nil
	})
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls a JavaScript condition until it holds (10 s at most). An
// evaluation that fails while a page is being replaced (after a form's
// submission) is tried again.
func waitFor(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; {
		ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond))
		if ok && err == nil {
			return
		}
		if time.Now().After(deadline) {
			if err != nil {
				t.Fatalf("waited 10 s for %s: %v", cond, err)
			}
			where, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`location.href + " | focus: " + (document.activeElement && (document.activeElement.id || document.activeElement.tagName)) +
				" | q: " + (document.getElementById("q") ? document.getElementById("q").value : "-")`))
			t.Fatalf("waited 10 s for %s (at %s)", cond, where)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// activeText is the text of the focused element.
func activeText(t *testing.T, ctx context.Context) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.innerText : ""`))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// screenshot saves the page as NAME.png in CAREPATH_SCREENSHOTS, when set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("CAREPATH_SCREENSHOTS")
	if dir == "" {
		return
	}
	t.Logf("screenshot %s at %s", name, time.Now().Format("15:04:05.000"))
	png, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestBrowser drives the real server with Chromium: sign in, find a patient
// in the panel, open the chart and see its trends drawn, sign out.
func TestBrowser(t *testing.T) {
	ctx := browser(t)
	m := startDemo(t, 120)
	base := m.Server.URL()

	do(t, ctx, chromedp.Navigate(base+"/patients"), chromedp.WaitVisible(`#email`))
	screenshot(t, ctx, "signin")
	do(t, ctx,
		chromedp.SendKeys(`#email`, "cm@demo.carepath.example"),
		chromedp.SendKeys(`#password`, DemoPassword+"\n"),
		chromedp.WaitVisible(`table.list`),
	)
	if heading, count := text(t, ctx, `h1`), text(t, ctx, `.count`); heading != "My patients" || !strings.Contains(count, "of 20 patients") {
		t.Fatalf("after sign-in: %q, %q", heading, count)
	}
	screenshot(t, ctx, "panel")

	// "/" focuses the search; typing filters the list in place (htmx: the
	// page is not reloaded, the address follows the search).
	family0, _, _ := strings.Cut(text(t, ctx, `table.list tbody tr:first-child td:first-child a`), ",")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__stay = true`)); err != nil {
		t.Fatal(err)
	}
	// The panel autofocuses the search box once loaded, and htmx and the
	// keys start after the document: on a busy machine a key pressed before
	// then goes unheard (seen: 2 runs in 6), so wait for all three.
	waitFor(t, ctx, `document.readyState === "complete" && window.htmx !== undefined && document.activeElement && document.activeElement.id === "q"`)
	// "/" sent as its key down, and its character well after: the focus
	// has moved to the box by then, and the character must not land in it
	// (seen on a busy machine, where chromedp's down and char events were
	// far apart).
	do(t, ctx, chromedp.Focus(`table.list tbody tr:first-child td:first-child a`), slowKey('/'))
	if focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || focused != "q" {
		t.Fatalf("after /, focus is on %q (%v)", focused, err)
	}
	// SendKeys types into the box itself (focused above by "/").
	do(t, ctx, chromedp.SendKeys(`#q`, family0))
	waitFor(t, ctx, fmt.Sprintf(`location.search.includes(%q)`, "q="+family0))
	if stayed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__stay === true`)); err != nil || !stayed {
		t.Fatalf("the page reloaded instead of swapping the list (%v)", err)
	}
	if html, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.getElementById("results") ? document.getElementById("results").innerText.slice(0, 300) : "NO RESULTS " + location.href + " " + document.body.innerText.slice(0, 500)`)); err != nil || !strings.Contains(html, "patients") {
		t.Fatalf("filtered list: %q (%v)", html, err)
	}

	// Search all patients by the first listed patient's family name, then
	// open that chart.
	family, _, _ := strings.Cut(text(t, ctx, `table.list tbody tr:first-child td:first-child a`), ",")
	do(t, ctx,
		chromedp.SetValue(`#cm`, "all"),
		chromedp.SetValue(`#q`, family),
		chromedp.Submit(`#q`),
		chromedp.WaitVisible(`table.list`),
	)
	if count := text(t, ctx, `.count`); !strings.Contains(count, "patients") {
		t.Fatalf("search for %q: %q", family, count)
	}
	// By keyboard: ↓ from the search box goes to the first row, Enter opens it.
	first := text(t, ctx, `table.list tbody tr:first-child td:first-child a`)
	do(t, ctx, chromedp.Focus(`#q`), chromedp.KeyEvent(kb.ArrowDown))
	if focused := activeText(t, ctx); focused != first {
		t.Fatalf("after ↓ in the search box, focus is on %q, want the first row %q", focused, first)
	}
	do(t, ctx,
		chromedp.KeyEvent("\r"),
		chromedp.WaitVisible(`.chart-head`),
		chromedp.WaitVisible(`svg.spark polyline`),
	)
	name := text(t, ctx, `.chart-head h1`)
	charts, err := chromedp.Run(ctx, chromedp.Evaluate[int](`document.querySelectorAll("svg.spark").length`))
	if err != nil || !strings.HasPrefix(name, family) || charts == 0 {
		t.Fatalf("chart: %q with %d charts (%v)", name, charts, err)
	}
	screenshot(t, ctx, "chart")
	// A 10-inch tablet held upright: nothing wider than the screen.
	do(t, ctx, chromedp.EmulateViewport(800, 1280))
	if wide, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)); err != nil || wide {
		t.Errorf("the chart scrolls sideways at 800 px (%v)", err)
	}
	screenshot(t, ctx, "chart-tablet")
	do(t, ctx, chromedp.EmulateViewport(1280, 900))

	// "?" lists the keys, Esc closes the list; "4" jumps to the trends; "u"
	// goes back up to the panel, where j and k walk the rows.
	do(t, ctx, chromedp.KeyEvent("?"), chromedp.WaitVisible(`#keys`))
	screenshot(t, ctx, "keys")
	do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.WaitNotVisible(`#keys`))
	do(t, ctx, chromedp.KeyEvent("4"))
	if focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || focused != "h-trends" {
		t.Fatalf("after 4 on a chart, focus is on %q (%v)", focused, err)
	}
	do(t, ctx, chromedp.KeyEvent("u"), chromedp.WaitVisible(`table.list`))
	rows, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](`Array.from(document.querySelectorAll("table.list tbody tr td:first-child a")).slice(0, 2).map(a => a.innerText)`))
	if err != nil || len(rows) == 0 {
		t.Fatalf("back on the panel: %v rows (%v)", rows, err)
	}
	// The panel opens with the search box focused: Esc leaves it.
	do(t, ctx, chromedp.KeyEvent(kb.Escape), chromedp.KeyEvent("j"))
	if got := activeText(t, ctx); got != rows[0] {
		t.Fatalf("Esc, j focuses %q, want the first row %q", got, rows[0])
	}
	if len(rows) > 1 {
		do(t, ctx, chromedp.KeyEvent("j"))
		if got := activeText(t, ctx); got != rows[1] {
			t.Fatalf("j again focuses %q, want the second row %q", got, rows[1])
		}
		do(t, ctx, chromedp.KeyEvent("k"))
		if got := activeText(t, ctx); got != rows[0] {
			t.Fatalf("k focuses %q, want the first row again %q", got, rows[0])
		}
	}
	do(t, ctx, chromedp.KeyEvent("k"))
	if focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || focused != "q" {
		t.Fatalf("k on the first row focuses %q, want the search box (%v)", focused, err)
	}

	// Work a task from the worklist to completion, in place (htmx).
	_, sys := demoOrg(t, m)
	cmUser, err := m.DB.FindUserByEmail(sys, "cm@demo.carepath.example")
	if err != nil {
		t.Fatal(err)
	}
	task := demoTask(t, m, carepath.Task{Kind: "post-discharge-contact", Title: "Post-discharge call", OwnerID: cmUser.ID,
		Due: time.Now().Add(-3 * time.Hour), Priority: carepath.PriorityUrgent, Program: "TCM",
		Origin: carepath.TaskOrigin{By: "rule", RuleID: "tcm-contact", RuleVersion: 1, EventKey: carepath.EventKey{Type: "Test", ID: "browser", What: "test"},
			Reason: "Discharged from General Hospital yesterday (inpatient, 4 days); contact due within 2 business days"}})
	do(t, ctx, chromedp.Navigate(base+"/work"), chromedp.WaitVisible(`#task-`+task.ID))
	waitFor(t, ctx, `document.querySelector("#counts .badge") !== null`)
	if counts := text(t, ctx, `#counts`); !strings.Contains(counts, "1 overdue") {
		t.Errorf("header counts: %q", counts)
	}
	screenshot(t, ctx, "work")
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__stay = true`)); err != nil {
		t.Fatal(err)
	}
	// By keyboard: j to the row, d for done (with the outcome chosen).
	do(t, ctx,
		chromedp.SetValue(`#outcome-`+task.ID, carepath.OutcomeReached),
		chromedp.KeyEvent("j"),
	)
	if focused := activeText(t, ctx); focused != "Post-discharge call" {
		t.Fatalf("j on my work focuses %q", focused)
	}
	do(t, ctx, chromedp.KeyEvent("d"), chromedp.WaitVisible(`#task-`+task.ID+` .done`))
	if done := text(t, ctx, `#task-`+task.ID+` .done`); !strings.Contains(done, "Completed") {
		t.Errorf("after Done the row says %q", done)
	}
	if stayed, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__stay === true`)); err != nil || !stayed {
		t.Errorf("completing a task reloaded the page (%v)", err)
	}
	// The header's counts follow.
	waitFor(t, ctx, `document.querySelector("#counts .badge") === null`)
	if got, err := m.DB.FindTaskByID(sys, task.ID); err != nil || got.Status != carepath.TaskCompleted || got.Outcome != carepath.OutcomeReached {
		t.Errorf("the task after Done: %+v %v", got, err)
	}
	screenshot(t, ctx, "work-done")

	// Take a PHQ-9 by keyboard: a number per question, Enter to save. Item
	// 9 answered "several days" makes the safety task, whatever the total.
	ps, _, err := m.DB.FindPatients(sys, carepath.PatientFilter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(base+"/patients/"+ps[0].ID+"/assessments?take=phq-9"), chromedp.WaitVisible(`form.assessment`),
		chromedp.Focus(`fieldset.item input`))
	for i, key := range []string{"2", "2", "2", "2", "2", "1", "1", "1", "2"} {
		do(t, ctx, chromedp.KeyEvent(key))
		if i == 4 {
			screenshot(t, ctx, "assessment-form")
		}
	}
	if focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || focused != "score" {
		t.Fatalf("after the ninth answer the focus is on %q, want the save button (%v)", focused, err)
	}
	do(t, ctx, chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(`article.assessment-result`))
	result := text(t, ctx, `article.assessment-result`)
	for _, want := range []string{"PHQ-9", "6", "mild", "item 9", "evaluate safety now", "The task this made"} {
		if !strings.Contains(result, want) {
			t.Errorf("the result lacks %q:\n%s", want, result)
		}
	}
	screenshot(t, ctx, "assessment-result")
	do(t, ctx, chromedp.Click(`article.assessment-result a[href^="/tasks/"]`), chromedp.WaitVisible(`h1`))
	if h := text(t, ctx, `h1`); !strings.Contains(h, "Safety evaluation now") {
		t.Errorf("the safety task's page: %q", h)
	}
	// In a box for words or a number, a digit is typed, not taken as an
	// answer's number.
	do(t, ctx, chromedp.Navigate(base+"/patients/"+ps[0].ID+"/assessments?take=what-matters"), chromedp.WaitVisible(`form.assessment`),
		chromedp.SendKeys(`textarea[name="what-matters-most"]`, "My 2 grandchildren"),
		chromedp.Click(`input[name="values"][value="connecting"]`),
		chromedp.SendKeys(`textarea[name="goal-1"]`, "Walk 3 blocks to church"))
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('textarea[name="what-matters-most"]').value`)); err != nil || v != "My 2 grandchildren" {
		t.Errorf("the text box holds %q (%v)", v, err)
	}
	screenshot(t, ctx, "assessment-what-matters")
	do(t, ctx, chromedp.Click(`#score`), chromedp.WaitVisible(`article.assessment-result`))
	if result := text(t, ctx, `article.assessment-result`); !strings.Contains(result, "Walk 3 blocks to church") || strings.Contains(result, "negative") {
		t.Errorf("the What matters result:\n%s", result)
	}
	do(t, ctx, chromedp.Navigate(base+"/patients/"+ps[0].ID+"/assessments?take=prapare"), chromedp.WaitVisible(`form.assessment`),
		chromedp.SendKeys(`input[name="63512-8"]`, "4"))
	if v, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector('input[name="63512-8"]').value`)); err != nil || v != "4" {
		t.Errorf("the household size box holds %q (%v)", v, err)
	}
	do(t, ctx, chromedp.ScrollIntoView(`#item-63512-8`))
	screenshot(t, ctx, "assessment-prapare")

	// A care plan from two templates: the goals with their progress, the
	// interventions with their tasks, the checklist of what it lacks.
	do(t, ctx, chromedp.Navigate(base+"/patients/"+ps[0].ID+"/careplan"), chromedp.WaitVisible(`form.templates`),
		chromedp.Click(`input[name="template"][value="type-2-diabetes"]`), chromedp.Click(`input[name="template"][value="food"]`),
		chromedp.Click(`form.templates button[type="submit"]`), chromedp.WaitVisible(`section.problem`))
	if plan := text(t, ctx, `main`); !strings.Contains(plan, "Bring my A1c under 7") || !strings.Contains(plan, "Saved as revision 1") ||
		!strings.Contains(plan, "of 12 missing") {
		t.Errorf("the care plan from templates:\n%s", plan)
	}
	screenshot(t, ctx, "careplan")

	// Edit a goal: the A1c target eased to 8 for this patient.
	goalRow := `table.goals tr.edit details`
	do(t, ctx, chromedp.Click(goalRow+` summary`), chromedp.WaitVisible(goalRow+` input[name="target"]`),
		chromedp.SetValue(goalRow+` input[name="target"]`, "8"), chromedp.SendKeys(goalRow+` input[name="why"]`, "Hypoglycemia on the current plan; target eased"),
		chromedp.Click(goalRow+` button[type="submit"]`))
	// The page before had a "saved" line too: wait for the goal itself.
	waitFor(t, ctx, `document.querySelector("table.goals") !== null && document.querySelector("table.goals").innerText.includes("Hemoglobin A1c < 8")`)

	// Print the patient's copy: the PDF Chromium makes of it renders, with
	// the goals and without the staff's form.
	do(t, ctx, chromedp.Navigate(base+"/patients/"+ps[0].ID+"/careplan/copy"), chromedp.WaitVisible(`article.patient-copy`))
	screenshot(t, ctx, "careplan-copy")
	var pdfBytes []byte
	do(t, ctx, chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
		res, err := cdp.Call(ctx, tg, page.PrintToPDF, page.PrintToPDFParams{})
		pdfBytes = res.Data
		return err
	}))
	if text := pdftest.Text(t, pdfBytes); !strings.Contains(text, "My goals") || !strings.Contains(text, "Hemoglobin A1c under 8") ||
		strings.Contains(text, "Record that the patient has") || strings.Contains(text, "Demo data") {
		t.Errorf("the printed copy:\n%s", text)
	}

	// The chart draws the PHQ-9 over time, with the latest band.
	do(t, ctx, chromedp.Navigate(base+"/patients/"+ps[0].ID), chromedp.WaitVisible(`.chart-head`))
	if trends := text(t, ctx, `section[aria-labelledby="h-trends"] .multiples`); !strings.Contains(trends, "PHQ-9 (depression): latest 6, mild") {
		t.Errorf("the chart's trends lack the PHQ-9:\n%s", trends)
	}
	do(t, ctx, chromedp.ScrollIntoView(`#h-trends`))
	screenshot(t, ctx, "chart-scores")

	// A chart full of script injections runs none of them.
	org, _ := demoOrg(t, m)
	do(t, ctx, chromedp.Navigate(base+"/patients/"+importXSSPatient(t, m, org.ID)), chromedp.WaitVisible(`.chart-head`))
	if ran, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`window.__xss !== undefined`)); err != nil || ran {
		t.Fatalf("an injected script ran: %v %v", ran, err)
	}
	if h := text(t, ctx, `.chart-head h1`); !strings.Contains(h, xssFamily) {
		t.Errorf("the injected name is not shown as text: %q", h)
	}
	screenshot(t, ctx, "chart-untrusted-text")

	do(t, ctx, chromedp.Click(`.usermenu form button`), chromedp.WaitVisible(`#email`))
	if url, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(url, "/signin") {
		t.Fatalf("after sign-out at %s (%v)", url, err)
	}

	// The administrator's staff accounts page, after adding a user.
	do(t, ctx,
		chromedp.SendKeys(`#email`, "admin@demo.carepath.example"),
		chromedp.SendKeys(`#password`, DemoPassword+"\n"),
		chromedp.WaitVisible(`table.list`),
		chromedp.Navigate(base+"/admin/users"),
		chromedp.WaitVisible(`#role`),
		chromedp.SendKeys(`form[action="/admin/users"] #email`, "new.nurse@demo.carepath.example"),
		chromedp.SendKeys(`#name`, "Nia New"),
		chromedp.SetValue(`#role`, "nurse"),
		chromedp.Submit(`#name`),
		chromedp.WaitVisible(`.onetime`),
	)
	screenshot(t, ctx, "staff-accounts")
}

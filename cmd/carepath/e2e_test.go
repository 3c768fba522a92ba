package main

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
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
	if os.Getenv("CI") != "" {
		t.Fatal("CI requires the browser tests: install Debian's chromium or set CAREPATH_CHROMIUM")
	}
	t.Skip("browser tests skipped: no chromium (install Debian's chromium package)")
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
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
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

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		t.Fatal(err)
	}
}

// screenshot saves the page as NAME.png in CAREPATH_SCREENSHOTS, when set.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("CAREPATH_SCREENSHOTS")
	if dir == "" {
		return
	}
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
	do(t, ctx, chromedp.Focus(`table.list tbody tr:first-child td:first-child a`), chromedp.KeyEvent("/"))
	time.Sleep(50 * time.Millisecond)
	if focused, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.id`)); err != nil || focused != "q" {
		t.Fatalf("after /, focus is on %q (%v)", focused, err)
	}
	do(t, ctx, chromedp.KeyEvent(family0))
	deadline := time.Now().Add(10 * time.Second)
	for {
		search, err := chromedp.Run(ctx, chromedp.Evaluate[string](`location.search`))
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(search, "q="+family0) {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("typing did not filter the list: at %q", search)
		}
		time.Sleep(50 * time.Millisecond)
	}
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
	do(t, ctx,
		chromedp.Click(`table.list tbody tr:first-child td:first-child a`),
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

	do(t, ctx, chromedp.Click(`.usermenu button`), chromedp.WaitVisible(`#email`))
	if url, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(url, "/signin") {
		t.Fatalf("after sign-out at %s (%v)", url, err)
	}
}

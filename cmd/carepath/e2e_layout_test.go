package main

import (
	"fmt"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserLayoutAndSlash: at a narrow window (800 px) My work's header
// fits, nothing pushes the page sideways; and "/" finds a patient from
// every page (it did nothing on My work and the chart, and typed a slash
// into the panel's box, which has the focus: "/Bailey" found no one).
func TestBrowserLayoutAndSlash(t *testing.T) {
	ctx := browser(t)
	m := startDemo(t, 20)
	base := m.Server.URL()
	do(t, ctx, chromedp.Navigate(base+"/work"), chromedp.WaitVisible(`#email`))
	do(t, ctx, chromedp.SendKeys(`#email`, "cm@demo.carepath.example"), chromedp.SendKeys(`#password`, DemoPassword+"\n"), chromedp.WaitVisible(`#worklist`))

	for _, width := range []int64{1280, 1024, 800} {
		do(t, ctx, chromedp.EmulateViewport(width, 800), chromedp.Navigate(base+"/work"), chromedp.WaitVisible(`#worklist`))
		fits, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth <= window.innerWidth &&
			document.querySelector("header.topbar").scrollWidth <= window.innerWidth`))
		if err != nil || !fits {
			w, _ := chromedp.Run(ctx, chromedp.Evaluate[int](`document.documentElement.scrollWidth`))
			t.Errorf("My work at %d px is %d px wide", width, w)
		}
		screenshot(t, ctx, fmt.Sprintf("work-%dpx", width))
	}
	do(t, ctx, chromedp.EmulateViewport(1280, 900))

	// "/" on My work and on the panel (whose box has the focus), then a
	// letter: the letter is what the box holds.
	for _, page := range []string{"/work", "/patients"} {
		do(t, ctx, chromedp.Navigate(base+page), chromedp.WaitReady(`body`))
		do(t, ctx, slowKey('/'))
		waitFor(t, ctx, `document.activeElement && (document.activeElement.id === "q" || document.activeElement.id === "top-q")`)
		do(t, ctx, slowKey('b'))
		if v, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.activeElement.value`)); v != "b" {
			t.Errorf("on %s, / then b typed %q in the search box", page, v)
		}
	}
	// And on a chart.
	do(t, ctx, chromedp.Navigate(base+"/patients?cm=all"), chromedp.WaitVisible(`#results table`))
	do(t, ctx, chromedp.Click(`#results tbody a`), chromedp.WaitVisible(`.chart-head`))
	do(t, ctx, slowKey('/'))
	waitFor(t, ctx, `document.activeElement && document.activeElement.id === "top-q"`)
}

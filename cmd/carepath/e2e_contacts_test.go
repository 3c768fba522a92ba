package main

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestBrowserContacts logs a call in Chromium: from the chart, "c" opens
// the patient's contacts with the form's first field focused; the care
// manager logs a 12-minute call with the daughter as CCM time and sees it
// in the log.
func TestBrowserContacts(t *testing.T) {
	ctx := browser(t)
	m := startDemo(t, 5)
	base := m.Server.URL()
	p := firstPatient(t, m)
	do(t, ctx, chromedp.Navigate(base+"/patients/"+p), chromedp.WaitVisible(`#email`))
	do(t, ctx, chromedp.SendKeys(`#email`, "cm@demo.carepath.example"), chromedp.SendKeys(`#password`, DemoPassword+"\n"), chromedp.WaitVisible(`nav.sections`))
	waitFor(t, ctx, `document.readyState === "complete" && window.htmx !== undefined`)
	do(t, ctx, slowKey('c'))
	waitFor(t, ctx, `location.pathname.endsWith("/contacts") && document.activeElement && document.activeElement.id === "ct-channel"`)
	// The call began 20 minutes ago (the box shows now, the organization's
	// time).
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const box = document.getElementById("ct-at"), d = new Date(box.value + ":00Z");
		d.setUTCMinutes(d.getUTCMinutes() - 20);
		return box.value = d.toISOString().slice(0, 16);
	})()`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx,
		chromedp.SetValue(`#ct-party`, "patient"),
		chromedp.SendKeys(`#ct-minutes`, "12"),
		chromedp.SetValue(`#ct-program`, "CCM"),
		chromedp.SendKeys(`#ct-note`, "Reviewed daily weights; no swelling."),
	)
	screenshot(t, ctx, "contacts-form")
	do(t, ctx, chromedp.Click(`#contact-form button[type="submit"]`), chromedp.WaitVisible(`p.saved`))
	row := text(t, ctx, `table.list tbody tr:first-child`)
	if !strings.Contains(row, "outbound phone") || !strings.Contains(row, "12 min") || !strings.Contains(row, "interactive") || !strings.Contains(row, "Reviewed daily weights") {
		t.Fatalf("the logged call: %q", row)
	}
	screenshot(t, ctx, "contacts")
	do(t, ctx, chromedp.EmulateViewport(800, 1100), chromedp.Reload(), chromedp.WaitVisible(`table.list`))
	screenshot(t, ctx, "contacts-tablet")
}

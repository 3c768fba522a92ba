package main

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// TestContactsPage: the chart leads to the patient's contacts ("c"); a
// refused contact comes back in its form with what was typed and each
// problem beside its input; a good one, with its minutes as CCM time, is
// logged and listed.
func TestContactsPage(t *testing.T) {
	m := startDemo(t, 5)
	base := m.Server.URL()
	p := firstPatient(t, m)
	cm := signIn(t, base, "cm@demo.carepath.example", DemoPassword)
	chart, _ := cm.get(base + "/patients/" + p)
	if !strings.Contains(chart, `href="/patients/`+p+`/contacts" data-key="c"`) {
		t.Fatal("the chart has no way to the contacts")
	}
	page, resp := cm.get(base + "/patients/" + p + "/contacts")
	if resp.StatusCode != 200 || !strings.Contains(page, `id="contact-form"`) || !strings.Contains(page, "No contacts logged yet.") {
		t.Fatalf("contacts page: %d\n%s", resp.StatusCode, page)
	}
	at := time.Now().Add(-2 * time.Hour)
	loc, _ := time.LoadLocation("America/New_York")
	form := url.Values{"channel": {"phone"}, "direction": {"outbound"}, "party": {"outside clinician"}, "party_name": {""}, "at": {at.In(loc).Format("2006-01-02T15:04")},
		"minutes": {"12"}, "outcome": {"left voicemail"}, "interactive": {"1"}, "note": {"asked about the echo results"}, "program": {"CCM"}}
	page, resp = cm.post(base+"/patients/"+p+"/contacts", form)
	if resp.StatusCode != 400 || !strings.Contains(page, "asked about the echo results") || !strings.Contains(page, `id="ct-name-error"`) ||
		!strings.Contains(page, `id="ct-interactive-error"`) {
		t.Fatalf("a refused contact: %d\n%s", resp.StatusCode, between(page, `id="contact-form"`, "</form>"))
	}
	form.Set("party_name", "Dr. Patel's office")
	form.Del("interactive")
	page, resp = cm.post(base+"/patients/"+p+"/contacts", form)
	if resp.Request.URL.RawQuery != "saved=1" || !strings.Contains(page, "Contact logged.") || !strings.Contains(page, "Dr. Patel&#39;s office") ||
		!strings.Contains(page, "12 min") {
		t.Fatalf("logged: %s\n%s", resp.Request.URL, between(page, `id="list-h"`, "</section>"))
	}
}

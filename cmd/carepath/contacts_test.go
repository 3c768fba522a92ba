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

	// From a task on My work: the contact is about it.
	if _, resp := cm.post(base+"/patients/"+p+"/tasks", url.Values{"title": {"Call about the echo"}, "due": {time.Now().In(loc).Format("2006-01-02")},
		"who": {"me"}, "priority": {"routine"}}); resp.StatusCode != 200 {
		t.Fatalf("a task for the care manager: %d", resp.StatusCode)
	}
	work, _ := cm.get(base + "/work")
	href := between(work, `<a class="muted" href="`, `" data-contact>`)
	if !strings.Contains(href, "/contacts?task=") {
		t.Fatalf("no way from a task to log a contact:\n%s", between(work, `<tbody`, `</tbody>`))
	}
	href = strings.ReplaceAll(href, "&amp;", "&")
	page, _ = cm.get(base + href)
	task := between(page, `<input type="hidden" name="task" value="`, `"`)
	if task == "" {
		t.Fatalf("the form does not carry the task:\n%s", between(page, `id="contact-form"`, "</form>"))
	}
	form.Set("task", task)
	form.Set("at", at.Add(-time.Hour).In(loc).Format("2006-01-02T15:04"))
	patient := between(href, "/patients/", "/contacts")
	if page, resp = cm.post(base+"/patients/"+patient+"/contacts", form); resp.Request.URL.RawQuery != "saved=1" || !strings.Contains(page, `href="/tasks/`+task+`"`) {
		t.Fatalf("a contact about the task: %s\n%s", resp.Request.URL, between(page, `id="contact-form"`, "</form>"))
	}
}

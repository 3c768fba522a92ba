package staff

import (
	"net/url"
	"testing"
	"time"

	"carepath"
)

// fuzzForm fuzzes a form's reader: whatever query string is posted, read
// either refuses it as EINVALID or gives what check accepts (check fails
// the test otherwise). Seeds start the corpus.
func fuzzForm[T any](f *testing.F, seeds []string, read func(url.Values, *time.Location) (T, error), check func(t *testing.T, raw string, form url.Values, v T)) {
	for _, s := range seeds {
		f.Add(s)
	}
	ny, _ := time.LoadLocation("America/New_York")
	f.Fuzz(func(t *testing.T, raw string) {
		form, err := url.ParseQuery(raw)
		if err != nil {
			return
		}
		v, err := read(form, ny)
		if err != nil {
			if carepath.ErrorCode(err) != carepath.EINVALID {
				t.Fatalf("%q: %v", raw, err)
			}
			return
		}
		check(t, raw, form, v)
	})
}

// FuzzTransitionForm: whatever an episode's form posts, the change it
// reads is the one its do= names, or EINVALID.
func FuzzTransitionForm(f *testing.F) {
	fuzzForm(f, []string{"do=contact&at=2026-12-07T10:00&note=spoke", "do=attempt&outcome=no+answer", "do=visit&at=", "do=complexity&complexity=high",
		"do=medrec&line0=1&decision0=continue&takes0=as+listed&line1=1&decision1=clarify&note1=dose&reported=ibuprofen&complete=1",
		"do=close&reason=moved", "do=nonsense", "do=contact&at=2026-13-45T99:99", "do=medrec&line0=1&line2=1&decision2=stop"},
		transitionChangeFromForm, func(t *testing.T, raw string, form url.Values, c carepath.TransitionChange) {
			set := map[string]bool{"contact": c.Contact != nil, "attempt": c.Attempt != nil, "visit": c.Visit != nil,
				"complexity": c.Complexity != nil, "close": c.Close != nil, "medrec": len(c.Decisions) > 0 || len(c.Reported) > 0 || c.Complete}
			for do, on := range set {
				if on && do != form.Get("do") {
					t.Fatalf("%q: do=%s sets %s", raw, form.Get("do"), do)
				}
			}
		})
}

// FuzzTimeEntryForm: a time entry's form gives an entry with its start
// and minutes, or EINVALID.
func FuzzTimeEntryForm(f *testing.F) {
	fuzzForm(f, []string{"program=CCM&activity=call&start=2026-12-07T10:00&minutes=20", "start_epoch=1796650000&minutes=5",
		"start_epoch=-1&start=x&minutes=5", "start=2026-12-07T10:00&minutes=1e9", "start_epoch=99999999999999999999&minutes=3"},
		timeEntryFromForm, func(t *testing.T, raw string, _ url.Values, e *carepath.TimeEntry) {
			if e.Start.IsZero() {
				t.Fatalf("%q: an entry without its start", raw)
			}
		})
}

// FuzzContactForm: the contact log's form gives a contact with its time,
// or EINVALID.
func FuzzContactForm(f *testing.F) {
	fuzzForm(f, []string{"channel=phone&direction=outbound&party=patient&at=2026-12-07T10:00&minutes=12&outcome=reached+patient",
		"party=caregiver%3Arp1&at=2026-12-07T10:00", "at=x&minutes=-1", "at=2026-12-07T10:00&minutes=99999999999999999999"},
		contactFromForm, func(t *testing.T, raw string, _ url.Values, c *carepath.Contact) {
			if c.At.IsZero() || c.Seconds < 0 {
				t.Fatalf("%q: a contact at %v for %d s", raw, c.At, c.Seconds)
			}
		})
}

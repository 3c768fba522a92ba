package carepath

import (
	"strings"
	"testing"
	"time"
)

func TestNameQueryKey(t *testing.T) {
	for q, want := range map[string]string{
		"Rivera, Ana": "rivera ana", "  rivera   ANA ": "rivera ana", "rivera,ana": "rivera ana", "Riv": "riv", " , ": "",
	} {
		if got := NameQueryKey(q); got != want {
			t.Errorf("NameQueryKey(%q) = %q, want %q", q, got, want)
		}
	}
	if k := NameKey("Rivera", "Ana"); k[:len(NameQueryKey("Rivera, An"))] != NameQueryKey("Rivera, An") {
		t.Errorf("a typed name is not the start of the name key %q", k)
	}
}

func TestParseEffective(t *testing.T) {
	for s, want := range map[string]time.Time{
		"2026-11-20T08:00:00Z":      time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		"2026-11-20T08:00:00-05:00": time.Date(2026, 11, 20, 13, 0, 0, 0, time.UTC),
		"2026-11-20T08:00:00":       time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC),
		"2026-11-20":                time.Date(2026, 11, 20, 0, 0, 0, 0, time.UTC),
		"2026-11":                   {},
		"":                          {},
	} {
		if got := ParseEffective(s); !got.Equal(want) {
			t.Errorf("ParseEffective(%q) = %v, want %v", s, got, want)
		}
	}
}

// fields lists the inputs an EINVALID error names.
func fields(err error) []string {
	var out []string
	if e, ok := err.(*Error); ok {
		for _, f := range e.Fields {
			out = append(out, f.Field)
		}
	}
	return out
}

func TestTimeEntryValidate(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	ok := TimeEntry{Program: ProgramCCM, Activity: "call with patient", Start: now.Add(-time.Hour), Seconds: 20 * 60}
	tests := []struct {
		name   string
		change func(e *TimeEntry)
		want   string // the fields refused, joined
	}{
		{"worked", func(e *TimeEntry) {}, ""},
		{"one second", func(e *TimeEntry) { e.Seconds = 1 }, ""},
		{"a program without time", func(e *TimeEntry) { e.Program = "XYZ" }, "program"},
		{"an unknown activity", func(e *TimeEntry) { e.Activity = "lunch" }, "activity"},
		{"no time", func(e *TimeEntry) { e.Seconds = 0 }, "minutes"},
		{"over 4 hours", func(e *TimeEntry) { e.Seconds = MaxTimeEntrySeconds + 1 }, "minutes"},
		{"not started", func(e *TimeEntry) { e.Start = time.Time{} }, "start"},
		{"ends in the future", func(e *TimeEntry) { e.Start = now.Add(-10 * time.Minute) }, "start"},
		{"ends within the clock's 5 minutes", func(e *TimeEntry) { e.Start = now.Add(-16 * time.Minute) }, ""},
		{"everything wrong", func(e *TimeEntry) { e.Program, e.Activity, e.Seconds = "", "", -5 }, "program activity minutes"},
	}
	for _, tt := range tests {
		e := ok
		tt.change(&e)
		err := e.Validate(now, time.UTC)
		if got := strings.Join(fields(err), " "); got != tt.want || (tt.want != "") != (ErrorCode(err) == EINVALID) {
			t.Errorf("%s: refused %q (%v), want %q", tt.name, got, err, tt.want)
		}
	}
}

func TestEncounterValidateReport(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	e := Encounter{PatientID: "p1", Class: "IMP", PeriodStart: MustParseDateTime("2026-03-07T10:00:00-05:00"), PeriodEnd: MustParseDateTime("2026-03-09T09:30:00-05:00")}
	if err := e.ValidateReport(now); err != nil {
		t.Fatal(err)
	}
	if e.PeriodStart.String() != "2026-03-07T15:00:00Z" || e.PeriodEnd.String() != "2026-03-09T14:30:00Z" || e.Status != "finished" {
		t.Errorf("stored as %s to %s, %s; want UTC and finished", e.PeriodStart, e.PeriodEnd, e.Status)
	}
	open := Encounter{PatientID: "p1", Class: "EMER", PeriodStart: MustParseDateTime("2026-03-10T14:00:00Z")}
	if err := open.ValidateReport(now); err != nil || open.Status != "in-progress" {
		t.Errorf("an open stay: %v, status %q", err, open.Status)
	}
	for name, bad := range map[string]Encounter{
		"no patient":         {Class: "IMP", PeriodStart: MustParseDateTime("2026-03-07T10:00:00Z")},
		"an unknown class":   {PatientID: "p1", Class: "XYZ", PeriodStart: MustParseDateTime("2026-03-07T10:00:00Z")},
		"no start":           {PatientID: "p1", Class: "IMP"},
		"an end before":      {PatientID: "p1", Class: "IMP", PeriodStart: MustParseDateTime("2026-03-07T10:00:00Z"), PeriodEnd: MustParseDateTime("2026-03-06T10:00:00Z")},
		"a start to come":    {PatientID: "p1", Class: "IMP", PeriodStart: MustParseDateTime("2026-03-12T10:00:00Z")},
		"an id with a slash": {ID: "a/b", PatientID: "p1", Class: "IMP", PeriodStart: MustParseDateTime("2026-03-07T10:00:00Z")},
	} {
		if err := bad.ValidateReport(now); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v, want EINVALID", name, err)
		}
	}
}

func TestBillingStatus(t *testing.T) {
	signed := map[string]time.Time{"dr1": time.Now()}
	tests := []struct {
		bill PatientMonthBill
		want string
	}{
		{PatientMonthBill{Lines: []BillingLine{{PractitionerID: "dr1"}}}, BillingReady},
		{PatientMonthBill{Lines: []BillingLine{{PractitionerID: "dr1"}, {PractitionerID: "dr2"}}}, BillingNeedsSignOff},
		{PatientMonthBill{NotBilled: []NotBilled{{Kind: "threshold"}, {Kind: NotBilledConsent}}}, BillingMissingConsent},
		{PatientMonthBill{NotBilled: []NotBilled{{Kind: "threshold"}}}, BillingBelowThreshold},
		{PatientMonthBill{}, BillingBelowThreshold},
	}
	for i, tt := range tests {
		if got := tt.bill.BillingStatus(signed); got != tt.want {
			t.Errorf("%d: %q, want %q", i, got, tt.want)
		}
	}
}

func TestContactValidate(t *testing.T) {
	now := time.Date(2026, 3, 10, 15, 0, 0, 0, time.UTC)
	ok := Contact{Channel: ChannelPhone, Direction: ContactDirectionOut, Party: ContactPatient, At: now.Add(-20 * time.Minute), Seconds: 12 * 60,
		Outcome: OutcomeReached, Interactive: true, Program: ProgramCCM}
	tests := []struct {
		name   string
		change func(c *Contact)
		want   string
	}{
		{"a call logged after it", func(c *Contact) {}, ""},
		{"a call still going on", func(c *Contact) { c.At = now.Add(-2 * time.Minute) }, "at"},
		{"a voicemail is not interactive", func(c *Contact) { c.Outcome = OutcomeVoicemail }, "interactive"},
		{"a clinician unnamed", func(c *Contact) { c.Party = ContactClinician }, "party_name"},
		{"program time without minutes", func(c *Contact) { c.Seconds = 0 }, "minutes"},
		{"nothing right", func(c *Contact) {
			c.Channel, c.Direction, c.Party, c.Outcome, c.Interactive, c.Program = "", "", "", "", false, ""
		},
			"channel direction party outcome"},
	}
	for _, tt := range tests {
		c := ok
		tt.change(&c)
		if got := strings.Join(fields(c.Validate(now, time.UTC)), " "); got != tt.want {
			t.Errorf("%s: refused %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestNoteValidateAndSensitivity(t *testing.T) {
	ok := Note{Template: "soap", Sections: []NoteSection{{Heading: "Subjective", Text: " Feeling tired "}, {Heading: "Plan", Text: ""}}}
	if err := ok.Validate(); err != nil || ok.Sections[0].Text != "Feeling tired" {
		t.Errorf("a SOAP note: %v, %q", err, ok.Sections[0].Text)
	}
	for name, n := range map[string]Note{
		"an unknown template":       {Template: "poem", Sections: []NoteSection{{Heading: "Note", Text: "x"}}},
		"nothing written":           {Template: "free", Sections: []NoteSection{{Heading: "Note", Text: "  "}}},
		"a section of another kind": {Template: "soap", Sections: []NoteSection{{Heading: "Attendees", Text: "x"}}},
		"an unknown sensitivity":    {Template: "free", Sections: []NoteSection{{Heading: "Note", Text: "x"}}, Sensitive: "private"},
	} {
		if err := n.Validate(); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v", name, err)
		}
	}
	for _, tt := range []struct {
		role        Role
		sensitivity string
		may         bool
	}{
		{RoleCareManager, "", true}, {RoleAuditor, "", true},
		{RoleBehavioralHealth, SensitiveBehavioral, true}, {RoleSupervisor, SensitiveBehavioral, true}, {RoleCareManager, SensitiveBehavioral, false},
		{RolePhysician, SensitivePart2, true}, {RoleSupervisor, SensitivePart2, false}, {RoleAuditor, SensitivePart2, false}, {RoleNurse, "other", false},
	} {
		if got := tt.role.MayReadSensitive(tt.sensitivity); got != tt.may {
			t.Errorf("%s reads %q: %v, want %v", tt.role, tt.sensitivity, got, tt.may)
		}
	}
}

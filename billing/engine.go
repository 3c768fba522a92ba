package billing

import (
	"cmp"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"carepath"
)

// Month is a calendar month in an organization's time zone: its minutes
// are those whose start falls in it there.
type Month struct {
	Year  int
	Month time.Month
	Loc   *time.Location
}

// ParseMonth reads "2026-11" in loc.
func ParseMonth(s string, loc *time.Location) (Month, error) {
	t, err := time.Parse("2006-01", s)
	if err != nil {
		return Month{}, fmt.Errorf("month %q: want YYYY-MM", s)
	}
	return Month{Year: t.Year(), Month: t.Month(), Loc: loc}, nil
}

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// Start is the month's first instant; End the next month's.
func (m Month) Start() time.Time { return time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, m.Loc) }
func (m Month) End() time.Time   { return time.Date(m.Year, m.Month+1, 1, 0, 0, 0, 0, m.Loc) }

// Contains reports whether t falls in the month.
func (m Month) Contains(t time.Time) bool { return !t.Before(m.Start()) && t.Before(m.End()) }

// Enrollment is a patient's enrollment in a program with its billing
// practitioner, from Start to End (zero: open).
type Enrollment struct {
	Program        string
	PractitionerID string
	Start, End     time.Time
}

func (e Enrollment) covers(t time.Time) bool {
	return !t.Before(e.Start) && (e.End.IsZero() || t.Before(e.End))
}

// Consent is a patient's consent to a program: when it was given, when
// revoked (zero: not), and the disclosures the patient was told.
type Consent struct {
	Program                               string
	At, Revoked                           time.Time
	CostSharing, OnePractitioner, CanStop bool
}

// validAt says whether the consent holds at t, or why not.
func (c Consent) validAt(t time.Time) (bool, string) {
	switch {
	case !c.CostSharing || !c.OnePractitioner || !c.CanStop:
		var missing []string
		for _, d := range []struct {
			told bool
			what string
		}{{c.CostSharing, "cost-sharing"}, {c.OnePractitioner, "one practitioner a month"}, {c.CanStop, "the right to stop"}} {
			if !d.told {
				missing = append(missing, d.what)
			}
		}
		return false, "the consent lacks the disclosures: " + strings.Join(missing, ", ")
	case t.Before(c.At):
		return false, "before the consent of " + c.At.Format(time.DateOnly)
	case !c.Revoked.IsZero() && !t.Before(c.Revoked):
		return false, "after the consent was revoked on " + c.Revoked.Format(time.DateOnly)
	}
	return true, ""
}

// TimeEntry is time a person spent on a patient for a program.
type TimeEntry struct {
	ID      string
	Program string
	ByID    string
	Staff   Staff
	Start   time.Time
	Seconds int // as worked
	// Interactive: a live interaction with the patient (RPM's 99457 and
	// 99470 need one in the month).
	Interactive bool
}

func (e TimeEntry) end() time.Time { return e.Start.Add(time.Duration(e.Seconds) * time.Second) }

// TCMService is a transition episode's service: the code its
// documentation supports ("" none, and why), on the day of the visit.
type TCMService struct {
	EpisodeID      string
	Code           string
	Why            string
	ServiceDate    time.Time
	PractitionerID string
}

// PatientMonth is what a patient's month is billed from.
type PatientMonth struct {
	PatientID   string
	Month       Month
	Enrollments []Enrollment
	Consents    []Consent
	Time        []TimeEntry
	// Complex CCM: the month's medical decision making (moderate, high)
	// and whether the care plan was established or substantially revised
	// in the month.
	Complexity  string
	PlanRevised bool
	// CoCM: whether this is the patient's first month of it.
	CoCMFirstMonth bool
	// RPM: the days of the month with device readings, and whether its
	// set-up was billed already in this episode of care.
	ReadingDays    int
	RPMSetupBilled bool
	TCM            []TCMService
	// APCM's level: chronic conditions, and Qualified Medicare Beneficiary.
	ChronicConditions int
	QMB               bool
}

// Line is a billable line; NotBilled something not billed, and why;
// Result a patient-month's billing (the domain's types).
type (
	Line      = carepath.BillingLine
	NotBilled = carepath.NotBilled
	Result    = carepath.PatientMonthBill
)

// programMonth is what the engine gathers for one program.
type programMonth struct {
	program      string
	enrollment   *Enrollment
	staff, pract int // counted minutes by whose time
	entries      []string
	interactive  bool // a counted entry was a live interaction with the patient
}

func (p *programMonth) total() int { return p.staff + p.pract }

// Bill bills a patient's month. Time counts when its start falls in the
// month (in the month's time zone), its program has an enrollment then
// and a valid consent at that moment; a person's overlapping minutes count
// once. Each program's codes follow their rules (see Codes); then the
// exclusions between programs by the same practitioner apply (CCM or PCM,
// CoCM or general BHI, APCM bundling CCM, PCM and TCM).
func Bill(pm PatientMonth) Result {
	r := Result{PatientID: pm.PatientID, Month: pm.Month.String(), Counted: map[string]int{}}
	programs := map[string]*programMonth{}
	get := func(program string) *programMonth {
		p := programs[program]
		if p == nil {
			p = &programMonth{program: program, enrollment: enrollmentFor(pm, program)}
			programs[program] = p
		}
		return p
	}
	for _, program := range Programs {
		get(program)
	}
	type reason struct{ why, kind string }
	skipped := map[string]map[reason]int{} // program -> reason -> seconds
	skip := func(program, why, kind string, seconds int) {
		if skipped[program] == nil {
			skipped[program] = map[reason]int{}
		}
		skipped[program][reason{why, kind}] += seconds
	}
	// Seconds as worked, by program and whose time; a month counts the
	// whole minutes they add up to (a minute counts only when worked).
	staffSeconds, practSeconds := map[string]int{}, map[string]int{}
	for _, e := range countOnce(pm.Time, skip) {
		if !pm.Month.Contains(e.Start) {
			continue
		}
		p := get(e.Program)
		if p.enrollment == nil || !p.enrollment.covers(e.Start) {
			skip(e.Program, "not enrolled in "+e.Program+" at the time", carepath.NotBilledEnrollment, e.Seconds)
			continue
		}
		if ok, why := consentAt(pm.Consents, e.Program, practitionerSince(pm.Enrollments, *p.enrollment), e.Start); !ok {
			skip(e.Program, why+" (kept, not billed)", carepath.NotBilledConsent, e.Seconds)
			continue
		}
		if e.Staff == Practitioner {
			practSeconds[e.Program] += e.Seconds
		} else {
			staffSeconds[e.Program] += e.Seconds
		}
		p.entries = append(p.entries, e.ID)
		p.interactive = p.interactive || e.Interactive
	}
	for program, p := range programs {
		p.staff, p.pract = staffSeconds[program]/60, practSeconds[program]/60
		if total := (staffSeconds[program] + practSeconds[program]) / 60; total > 0 {
			r.Counted[program] = total
		}
	}
	for _, program := range slices.Sorted(maps.Keys(skipped)) {
		reasons := slices.SortedFunc(maps.Keys(skipped[program]), func(a, b reason) int { return strings.Compare(a.why, b.why) })
		for _, rs := range reasons {
			r.NotBilled = append(r.NotBilled, NotBilled{Program: program, Minutes: skipped[program][rs] / 60, Why: rs.why, Kind: rs.kind})
		}
	}

	b := &biller{pm: pm, r: &r}
	b.ccm(programs[CCM])
	b.pcm(programs[PCM])
	b.tcm(programs[TCM])
	b.behavioral(programs[BHI], programs[CoCM])
	b.rpm(programs[RPM])
	b.apcm(programs[APCM])
	return r
}

// enrollmentFor is the program's enrollment that bills the month: the one
// in force at its end, or else the last to overlap it (only one
// practitioner bills a program in a month).
func enrollmentFor(pm PatientMonth, program string) *Enrollment {
	var best *Enrollment
	for i := range pm.Enrollments {
		e := &pm.Enrollments[i]
		if e.Program != program || !e.Start.Before(pm.Month.End()) || (!e.End.IsZero() && !e.End.After(pm.Month.Start())) {
			continue
		}
		if best == nil || e.Start.After(best.Start) {
			best = e
		}
	}
	return best
}

// practitionerSince is when the enrollment's practitioner took over the
// program from another (zero: they always had it): a consent from before
// then was given to the other practitioner.
func practitionerSince(enrollments []Enrollment, current Enrollment) time.Time {
	var since time.Time
	for _, e := range enrollments {
		if e.Program == current.Program && e.PractitionerID != current.PractitionerID && !e.Start.After(current.Start) && !e.End.IsZero() &&
			e.End.After(since) {
			since = e.End
		}
	}
	if !since.IsZero() && current.Start.After(since) {
		since = current.Start
	}
	return since
}

// consentAt says whether a program's consent holds at t, or why not. A
// consent from before since (the billing practitioner's change) is asked
// again (CMS: again if the billing practitioner changes).
func consentAt(consents []Consent, program string, since, t time.Time) (bool, string) {
	why := "no consent to " + program + " on record"
	for _, c := range consents {
		if c.Program != program {
			continue
		}
		ok, w := c.validAt(t)
		if ok && c.At.Before(since) {
			ok, w = false, "the billing practitioner changed on "+since.Format(time.DateOnly)+"; the consent of "+c.At.Format(time.DateOnly)+" was to the one before"
		}
		if ok {
			return true, ""
		}
		why = w
	}
	return false, why
}

// countOnce drops the time of a person's entries that overlaps an
// earlier entry of theirs (the store refuses them; the engine does not
// trust that): a minute counts once, for one program.
func countOnce(entries []TimeEntry, skip func(program, why, kind string, seconds int)) []TimeEntry {
	sorted := slices.Clone(entries)
	slices.SortStableFunc(sorted, func(a, b TimeEntry) int {
		return cmp.Or(strings.Compare(a.ByID, b.ByID), a.Start.Compare(b.Start), strings.Compare(a.ID, b.ID))
	})
	out := make([]TimeEntry, 0, len(sorted))
	var person string
	var covered time.Time
	for _, e := range sorted {
		if e.ByID != person {
			person, covered = e.ByID, time.Time{}
		}
		if e.Seconds <= 0 {
			continue
		}
		if e.Start.Before(covered) {
			overlap := min(int(covered.Sub(e.Start)/time.Second), e.Seconds)
			skip(e.Program, "time that overlaps another entry of the same person", carepath.NotBilledOverlap, overlap)
			e.Start, e.Seconds = e.Start.Add(time.Duration(overlap)*time.Second), e.Seconds-overlap
			if e.Seconds == 0 {
				continue
			}
		}
		if e.end().After(covered) {
			covered = e.end()
		}
		out = append(out, e)
	}
	return out
}

// biller bills one patient-month, program by program.
type biller struct {
	pm PatientMonth
	r  *Result
}

func (b *biller) code(code string) (Code, bool) {
	c, ok := FindCode(code)
	return c, ok && c.InEffect(b.pm.Month)
}

// mirror is the APCM add-on in effect that stands for a code, if any.
func (b *biller) mirror(code string) (Code, bool) {
	for _, c := range Codes {
		if c.Mirrors == code && c.InEffect(b.pm.Month) {
			return c, true
		}
	}
	return Code{}, false
}

func (b *biller) add(p *programMonth, code string, units, minutes int, why string) {
	c, _ := FindCode(code)
	practitioner := ""
	if p.enrollment != nil {
		practitioner = p.enrollment.PractitionerID
	}
	b.r.Lines = append(b.r.Lines, Line{Program: c.Program, Code: code, Units: units, PractitionerID: practitioner, Minutes: minutes,
		Entries: p.entries, Why: why, Source: c.Source})
}

// not says why something is not billed: below a threshold or past a cap
// (threshold) or another rule.
func (b *biller) not(program, code string, minutes int, kind, why string) {
	b.r.NotBilled = append(b.r.NotBilled, NotBilled{Program: program, Code: code, Minutes: minutes, Why: why, Kind: kind})
}

// timed bills a base code and its add-on from minutes: the base at its
// First minutes, then a unit of the add-on at each further Each (past the
// base's full time plus the add-on's First), up to the add-on's cap.
func (b *biller) timed(p *programMonth, base, addOn string, minutes int, who string) bool {
	bc, ok := b.code(base)
	if !ok {
		return false
	}
	if minutes < bc.First {
		b.not(p.program, base, minutes, carepath.NotBilledThreshold, fmt.Sprintf("%d of the %d minutes of %s for %s", minutes, bc.First, who, base))
		return false
	}
	b.add(p, base, 1, minutes, fmt.Sprintf("%d minute%s of %s (%s needs %d)", minutes, plural(minutes), who, base, bc.First))
	if addOn == "" {
		return true
	}
	full := cmp.Or(bc.Full, bc.First)
	ac, ok := b.code(addOn)
	if !ok {
		return true
	}
	past := minutes - full
	if past < ac.First {
		if past > 0 {
			b.not(p.program, addOn, past, carepath.NotBilledThreshold, fmt.Sprintf("%d minute%s past the %d of %s; %s needs %d", past, plural(past), full, base, addOn, ac.First))
		}
		return true
	}
	units := 1 + (past-ac.First)/ac.Each
	if ac.MaxUnits > 0 && units > ac.MaxUnits {
		b.not(p.program, addOn, past, carepath.NotBilledThreshold, fmt.Sprintf("%d units earned, at most %d a month", units, ac.MaxUnits))
		units = ac.MaxUnits
	}
	b.add(p, addOn, units, minutes, fmt.Sprintf("%d minutes past the %d of %s: %d unit%s of %d", past, full, base, units, plural(units), ac.Each))
	return true
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (b *biller) ready(p *programMonth) bool {
	if p.total() == 0 {
		if p.enrollment != nil {
			b.not(p.program, "", 0, carepath.NotBilledThreshold, "no time counted this month")
		}
		return false
	}
	return true
}

// ccm bills chronic care management: complex CCM (99487, +99489) when the
// month's decision making was moderate or high and the plan was
// established or substantially revised; else the practitioner's own codes
// (99491, +99437) when the practitioner alone reached 30 minutes and
// clinical staff did not reach 20; else clinical staff time (with the
// practitioner's, which counts as clinical staff time) for 99490 and up to
// two 99439. The codes of one track exclude the others in a month.
func (b *biller) ccm(p *programMonth) {
	if !b.ready(p) {
		return
	}
	complex := (b.pm.Complexity == "moderate" || b.pm.Complexity == "high") && b.pm.PlanRevised
	switch {
	case complex && p.total() >= 60:
		b.timed(p, "99487", "99489", p.total(), "clinical staff time, moderate or high complexity, plan established or revised this month")
	case p.pract >= 30 && p.staff < 20:
		b.timed(p, "99491", "99437", p.pract, "the practitioner's own time")
		if p.staff > 0 {
			b.not(CCM, "99490", p.staff, carepath.NotBilledRule, fmt.Sprintf("%d minutes of clinical staff time: not billed with 99491 in the same month", p.staff))
		}
	default:
		b.timed(p, "99490", "99439", p.total(), "clinical staff time")
		if p.total() >= 60 && !complex {
			why := "complex CCM (99487) needs moderate or high complexity and a care plan established or substantially revised this month"
			switch {
			case b.pm.Complexity != "moderate" && b.pm.Complexity != "high":
				why += fmt.Sprintf(": complexity %q", cmp.Or(b.pm.Complexity, "not recorded"))
			default:
				why += ": the plan was not revised this month"
			}
			b.not(CCM, "99487", p.total(), carepath.NotBilledRule, why)
		}
	}
}

// pcm bills principal care management: the practitioner's codes (99424,
// +99425) when the practitioner alone reached 30 minutes and clinical
// staff did not, else clinical staff time (99426, +99427). Not with CCM
// billed by the same practitioner in the month.
func (b *biller) pcm(p *programMonth) {
	if !b.ready(p) {
		return
	}
	if practitioner := p.enrollment.PractitionerID; b.billed(CCM, practitioner) {
		b.not(PCM, "", p.total(), carepath.NotBilledRule, "CCM is billed by the same practitioner this month (not both)")
		return
	}
	if p.pract >= 30 && p.staff < 30 {
		b.timed(p, "99424", "99425", p.pract, "the practitioner's own time")
		return
	}
	b.timed(p, "99426", "99427", p.total(), "clinical staff time")
}

// billed reports whether a program has a line by the practitioner.
func (b *biller) billed(program, practitioner string) bool {
	return slices.ContainsFunc(b.r.Lines, func(l Line) bool { return l.Program == program && l.PractitionerID == practitioner })
}

// tcm bills each transition whose face-to-face visit falls in the month,
// by the code its documentation supports.
func (b *biller) tcm(p *programMonth) {
	for _, s := range b.pm.TCM {
		if !b.pm.Month.Contains(s.ServiceDate) {
			continue
		}
		if s.Code == "" {
			b.not(TCM, "", 0, carepath.NotBilledRule, "transition "+s.EpisodeID+": "+cmp.Or(s.Why, "no code supported"))
			continue
		}
		c, _ := FindCode(s.Code)
		b.r.Lines = append(b.r.Lines, Line{Program: TCM, Code: s.Code, Units: 1, PractitionerID: s.PractitionerID, Entries: []string{s.EpisodeID},
			Why: "transition " + s.EpisodeID + ": visit " + s.ServiceDate.In(b.pm.Month.Loc).Format(time.DateOnly) + "; " + s.Why, Source: c.Source})
	}
}

// behavioral bills CoCM (99492 in the first month, else 99493; +99494;
// G2214 when neither is met) and general BHI (99484), which is not billed
// with CoCM by the same practitioner in the month.
func (b *biller) behavioral(bhi, cocm *programMonth) {
	if b.ready(cocm) {
		base := "99493"
		if b.pm.CoCMFirstMonth {
			base = "99492"
		}
		if !b.timed(cocm, base, "99494", cocm.total(), "behavioral health care manager time") {
			b.timed(cocm, "G2214", "", cocm.total(), "behavioral health care manager time")
		}
	}
	if b.ready(bhi) {
		if b.billed(CoCM, bhi.enrollment.PractitionerID) {
			b.not(BHI, "99484", bhi.total(), carepath.NotBilledRule, "CoCM is billed by the same practitioner this month (not both)")
			return
		}
		b.timed(bhi, "99484", "", bhi.total(), "clinical staff time")
	}
}

// rpm bills remote monitoring: the device by the days with readings
// (99454 at 16 or more; 99445, from 2026, at 2-15), its set-up once an
// episode, and treatment management with an interactive communication in
// the month (99457, +99458; 99470, from 2026, at 10-19 minutes).
func (b *biller) rpm(p *programMonth) {
	if p.enrollment == nil {
		return
	}
	switch days := b.pm.ReadingDays; {
	case days >= 16:
		b.add(p, "99454", 1, 0, fmt.Sprintf("readings on %d days (16 needed)", days))
	case days >= 2:
		if _, ok := b.code("99445"); ok {
			b.add(p, "99445", 1, 0, fmt.Sprintf("readings on %d days (2-15)", days))
		} else {
			b.not(RPM, "99454", 0, carepath.NotBilledThreshold, fmt.Sprintf("readings on %d days, 16 needed", days))
		}
	default:
		b.not(RPM, "99454", 0, carepath.NotBilledThreshold, fmt.Sprintf("readings on %d days, 16 needed (2 from 2026 for 99445)", days))
	}
	if b.billed(RPM, p.enrollment.PractitionerID) && !b.pm.RPMSetupBilled {
		b.add(p, "99453", 1, 0, "set-up and education, the first device month of the episode")
	}
	if p.total() == 0 {
		return
	}
	if !p.interactive {
		b.not(RPM, "99457", p.total(), carepath.NotBilledRule, "no interactive communication with the patient this month")
		return
	}
	if p.total() < 20 {
		if c, ok := b.code("99470"); ok && p.total() >= c.First {
			b.add(p, "99470", 1, p.total(), fmt.Sprintf("%d minutes of treatment management (99470 needs 10; 99457 20)", p.total()))
			return
		}
	}
	b.timed(p, "99457", "99458", p.total(), "treatment management time")
}

// apcm bills advanced primary care management by level when the patient
// is enrolled and consented in the month, and bundles into it the CCM,
// PCM and TCM lines of the same practitioner; from 2026 that
// practitioner's CoCM and general BHI are billed as APCM's add-ons.
func (b *biller) apcm(p *programMonth) {
	if p.enrollment == nil {
		return
	}
	if ok, why := consentAt(b.pm.Consents, APCM, practitionerSince(b.pm.Enrollments, *p.enrollment), b.pm.Month.End().Add(-time.Second)); !ok {
		b.not(APCM, "", 0, carepath.NotBilledConsent, why)
		return
	}
	code, level := "G0556", "0-1 chronic condition"
	switch {
	case b.pm.ChronicConditions >= 2 && b.pm.QMB:
		code, level = "G0558", fmt.Sprintf("%d chronic conditions, Qualified Medicare Beneficiary", b.pm.ChronicConditions)
	case b.pm.ChronicConditions >= 2:
		code, level = "G0557", fmt.Sprintf("%d chronic conditions", b.pm.ChronicConditions)
	}
	if _, ok := b.code(code); !ok {
		b.not(APCM, code, 0, carepath.NotBilledRule, "APCM is billable from 2025")
		return
	}
	b.add(p, code, 1, 0, "enrolled and consented this month; "+level)
	practitioner := p.enrollment.PractitionerID
	kept := b.r.Lines[:0]
	for _, l := range b.r.Lines {
		switch {
		case l.PractitionerID != practitioner || l.Program == APCM:
		case l.Program == CCM || l.Program == PCM || l.Program == TCM:
			b.not(l.Program, l.Code, l.Minutes, carepath.NotBilledRule, "bundled in APCM ("+code+") by the same practitioner")
			continue
		default:
			if c, ok := b.mirror(l.Code); ok {
				l.Why += "; billed as APCM's add-on " + c.Code
				l.Code, l.Program, l.Source = c.Code, APCM, c.Source
			}
		}
		kept = append(kept, l)
	}
	b.r.Lines = kept
}

package billing

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"
)

var ny, _ = time.LoadLocation("America/New_York")

// at is a time in New York: "2026-11-03 10:00".
func at(s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, ny)
	if err != nil {
		panic(err)
	}
	return t
}

var nov2026 = Month{Year: 2026, Month: time.November, Loc: ny}

// consented is a consent with every disclosure, given on 1 October.
func consented(program string) Consent {
	return Consent{Program: program, At: at("2026-10-01 09:00"), CostSharing: true, OnePractitioner: true, CanStop: true}
}

func enrolled(program, practitioner string) Enrollment {
	return Enrollment{Program: program, PractitionerID: practitioner, Start: at("2026-10-01 00:00")}
}

// entries splits minutes of a person into entries of at most 30 minutes
// on successive days of November from the 2nd, at 10:00.
func entries(program, by string, staff Staff, minutes int) []TimeEntry {
	var out []TimeEntry
	for day := 2; minutes > 0; day++ {
		m := min(minutes, 30)
		out = append(out, TimeEntry{ID: fmt.Sprintf("%s-%s-%d", program, by, day), Program: program, ByID: by, Staff: staff,
			Start: at(fmt.Sprintf("2026-11-%02d 10:00", day)), Seconds: m * 60})
		minutes -= m
	}
	return out
}

// month is a patient-month enrolled and consented in the programs with
// practitioner dr-a.
func month(programs ...string) PatientMonth {
	pm := PatientMonth{PatientID: "p1", Month: nov2026}
	for _, p := range programs {
		pm.Enrollments = append(pm.Enrollments, enrolled(p, "dr-a"))
		pm.Consents = append(pm.Consents, consented(p))
	}
	return pm
}

// lines writes a result's lines as "99490, 99439x2".
func lines(r Result) string {
	var out []string
	for _, l := range r.Lines {
		s := l.Code
		if l.Units > 1 {
			s += fmt.Sprintf("x%d", l.Units)
		}
		out = append(out, s)
	}
	return strings.Join(out, ", ")
}

// reasons joins what was not billed, with its code.
func reasons(r Result) string {
	var out []string
	for _, n := range r.NotBilled {
		out = append(out, strings.TrimSpace(n.Code+" "+n.Why))
	}
	return strings.Join(out, " | ")
}

func TestBill(t *testing.T) {
	dec2025 := Month{Year: 2025, Month: time.December, Loc: ny}
	for _, c := range []struct {
		name  string
		pm    func() PatientMonth
		lines string
		why   string // in the reasons, when set
	}{
		// CCM, clinical staff: 20 minutes, then 20 more twice at most.
		{"CCM 19 minutes", func() PatientMonth { pm := month(CCM); pm.Time = entries(CCM, "rn", ClinicalStaff, 19); return pm }, "", "99490 19 of the 20 minutes"},
		{"CCM 20 minutes", func() PatientMonth { pm := month(CCM); pm.Time = entries(CCM, "rn", ClinicalStaff, 20); return pm }, "99490", ""},
		{"CCM 39 minutes", func() PatientMonth { pm := month(CCM); pm.Time = entries(CCM, "rn", ClinicalStaff, 39); return pm }, "99490", "99439 19 minutes past the 20 of 99490; 99439 needs 20"},
		{"CCM 40 minutes", func() PatientMonth { pm := month(CCM); pm.Time = entries(CCM, "rn", ClinicalStaff, 40); return pm }, "99490, 99439", ""},
		{"CCM 60 minutes", func() PatientMonth { pm := month(CCM); pm.Time = entries(CCM, "rn", ClinicalStaff, 60); return pm }, "99490, 99439x2", ""},
		{"CCM 85 minutes: two units at most, and why not complex", func() PatientMonth {
			pm := month(CCM)
			pm.Time = entries(CCM, "rn", ClinicalStaff, 85)
			return pm
		}, "99490, 99439x2", "99439 3 units earned, at most 2 a month | 99487 complex CCM (99487) needs moderate or high complexity"},
		{"CCM two staff members add up", func() PatientMonth {
			pm := month(CCM)
			pm.Time = append(entries(CCM, "rn", ClinicalStaff, 12), entries(CCM, "ma", ClinicalStaff, 8)...)
			return pm
		}, "99490", ""},
		// Complex CCM.
		{"complex CCM 60 minutes", func() PatientMonth {
			pm := month(CCM)
			pm.Complexity, pm.PlanRevised, pm.Time = "high", true, entries(CCM, "rn", ClinicalStaff, 60)
			return pm
		}, "99487", ""},
		{"complex CCM 89 minutes", func() PatientMonth {
			pm := month(CCM)
			pm.Complexity, pm.PlanRevised, pm.Time = "moderate", true, entries(CCM, "rn", ClinicalStaff, 89)
			return pm
		}, "99487", "99489 29 minutes past the 60 of 99487; 99489 needs 30"},
		{"complex CCM 120 minutes", func() PatientMonth {
			pm := month(CCM)
			pm.Complexity, pm.PlanRevised, pm.Time = "high", true, entries(CCM, "rn", ClinicalStaff, 120)
			return pm
		}, "99487, 99489x2", ""},
		{"complex but 59 minutes: non-complex codes", func() PatientMonth {
			pm := month(CCM)
			pm.Complexity, pm.PlanRevised, pm.Time = "high", true, entries(CCM, "rn", ClinicalStaff, 59)
			return pm
		}, "99490, 99439", ""},
		{"high complexity, plan not revised: not complex", func() PatientMonth {
			pm := month(CCM)
			pm.Complexity, pm.Time = "high", entries(CCM, "rn", ClinicalStaff, 75)
			return pm
		}, "99490, 99439x2", "the plan was not revised this month"},
		// CCM by the practitioner personally.
		{"practitioner 30 minutes", func() PatientMonth { pm := month(CCM); pm.Time = entries(CCM, "dr-a", Practitioner, 30); return pm }, "99491", ""},
		{"practitioner 60 minutes", func() PatientMonth { pm := month(CCM); pm.Time = entries(CCM, "dr-a", Practitioner, 60); return pm }, "99491, 99437", ""},
		{"practitioner 45, staff 10: 99491 and the staff minutes said", func() PatientMonth {
			pm := month(CCM)
			pm.Time = append(entries(CCM, "dr-a", Practitioner, 45), entries(CCM, "rn", ClinicalStaff, 10)...)
			return pm
		}, "99491", "99490 10 minutes of clinical staff time: not billed with 99491"},
		{"practitioner 30, staff 25: all as clinical staff time", func() PatientMonth {
			pm := month(CCM)
			pm.Time = append(entries(CCM, "dr-a", Practitioner, 30), entries(CCM, "rn", ClinicalStaff, 25)...)
			return pm
		}, "99490, 99439", ""},
		// Consent and enrollment.
		{"minutes before the consent are kept, not billed", func() PatientMonth {
			pm := month(CCM)
			pm.Consents[0].At = at("2026-11-10 12:00")
			pm.Time = []TimeEntry{{ID: "a", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-09 10:00"), Seconds: 15 * 60},
				{ID: "b", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-11 10:00"), Seconds: 10 * 60}}
			return pm
		}, "", "before the consent of 2026-11-10 (kept, not billed) | 99490 10 of the 20 minutes"},
		{"consent revoked mid-month", func() PatientMonth {
			pm := month(CCM)
			pm.Consents[0].Revoked = at("2026-11-04 00:00")
			pm.Time = entries(CCM, "rn", ClinicalStaff, 80) // 2nd, 3rd: counted; 4th: not
			return pm
		}, "99490, 99439x2", "after the consent was revoked on 2026-11-04 (kept, not billed)"},
		{"consent revoked before the month's time", func() PatientMonth {
			pm := month(CCM)
			pm.Consents[0].Revoked = at("2026-11-02 09:00")
			pm.Time = entries(CCM, "rn", ClinicalStaff, 40)
			return pm
		}, "", "after the consent was revoked on 2026-11-02"},
		{"consent without the disclosures", func() PatientMonth {
			pm := month(CCM)
			pm.Consents[0].OnePractitioner = false
			pm.Time = entries(CCM, "rn", ClinicalStaff, 40)
			return pm
		}, "", "the consent lacks the disclosures: one practitioner a month"},
		{"no consent", func() PatientMonth {
			pm := month(CCM)
			pm.Consents = nil
			pm.Time = entries(CCM, "rn", ClinicalStaff, 40)
			return pm
		}, "", "no consent to CCM on record"},
		{"the billing practitioner changed: the old consent does not hold", func() PatientMonth {
			pm := month(CCM)
			pm.Enrollments[0].End = at("2026-11-01 00:00")
			pm.Enrollments = append(pm.Enrollments, Enrollment{Program: CCM, PractitionerID: "dr-b", Start: at("2026-11-01 00:00")})
			pm.Time = entries(CCM, "rn", ClinicalStaff, 40)
			return pm
		}, "", "the billing practitioner changed on 2026-11-01; the consent of 2026-10-01 was to the one before"},
		{"the billing practitioner changed, consent given again", func() PatientMonth {
			pm := month(CCM)
			pm.Enrollments[0].End = at("2026-11-01 00:00")
			pm.Enrollments = append(pm.Enrollments, Enrollment{Program: CCM, PractitionerID: "dr-b", Start: at("2026-11-01 00:00")})
			pm.Consents = append(pm.Consents, Consent{Program: CCM, At: at("2026-11-01 09:00"), CostSharing: true, OnePractitioner: true, CanStop: true})
			pm.Time = entries(CCM, "rn", ClinicalStaff, 40)
			return pm
		}, "99490, 99439", ""},
		{"not enrolled", func() PatientMonth { pm := month(); pm.Time = entries(CCM, "rn", ClinicalStaff, 40); return pm }, "", "not enrolled in CCM"},
		{"enrolled from the 15th", func() PatientMonth {
			pm := month(CCM)
			pm.Enrollments[0].Start = at("2026-11-15 00:00")
			pm.Time = append(entries(CCM, "rn", ClinicalStaff, 30), TimeEntry{ID: "late", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-20 10:00"), Seconds: 20 * 60})
			return pm
		}, "99490", "not enrolled in CCM at the time"},
		// Month boundaries in the organization's time zone.
		{"the last half hour of November in New York counts in November", func() PatientMonth {
			pm := month(CCM)
			pm.Time = []TimeEntry{{ID: "a", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-30 23:30"), Seconds: 25 * 60}, // 04:30 UTC on 1 Dec
				{ID: "b", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-12-01 00:05"), Seconds: 25 * 60}}
			return pm
		}, "99490", ""},
		{"the first minutes of November in New York are October's in UTC", func() PatientMonth {
			pm := month(CCM)
			pm.Time = []TimeEntry{{ID: "a", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-01 00:10"), Seconds: 20 * 60}} // 04:10 UTC on 1 Nov
			pm.Time = append(pm.Time, TimeEntry{ID: "b", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-10-31 23:50"), Seconds: 5 * 60})
			return pm
		}, "99490", ""},
		// Time is counted as worked, to the second: a minute counts only
		// when it was worked whole (a 6-second timer run logged a minute,
		// and it was billed).
		{"19 minutes 59 seconds are not 20", func() PatientMonth {
			pm := month(CCM)
			pm.Time = []TimeEntry{{ID: "a", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-03 10:00"), Seconds: 19*60 + 59}}
			return pm
		}, "", "19 of the 20 minutes of clinical staff time for 99490"},
		{"a 6-second timer run is no minute", func() PatientMonth {
			pm := month(CCM)
			pm.Time = append(entries(CCM, "rn", ClinicalStaff, 19), TimeEntry{ID: "timer", Program: CCM, ByID: "rn", Staff: ClinicalStaff,
				Start: at("2026-11-20 10:00"), Seconds: 6})
			return pm
		}, "", "19 of the 20 minutes"},
		{"seconds worked add up across entries", func() PatientMonth {
			pm := month(CCM)
			pm.Time = append(entries(CCM, "rn", ClinicalStaff, 19), TimeEntry{ID: "t1", Program: CCM, ByID: "rn", Staff: ClinicalStaff,
				Start: at("2026-11-20 10:00"), Seconds: 40}, TimeEntry{ID: "t2", Program: CCM, ByID: "rn", Staff: ClinicalStaff,
				Start: at("2026-11-21 10:00"), Seconds: 20})
			return pm
		}, "99490", ""},
		// A minute counts once.
		{"overlapping entries of one person", func() PatientMonth {
			pm := month(CCM)
			pm.Time = []TimeEntry{{ID: "a", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-03 10:00"), Seconds: 15 * 60},
				{ID: "b", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-03 10:05"), Seconds: 10 * 60}}
			return pm
		}, "", "time that overlaps another entry of the same person"},
		{"one person's minute for two programs counts once", func() PatientMonth {
			pm := month(CCM, RPM)
			pm.Time = []TimeEntry{{ID: "a", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-03 10:00"), Seconds: 20 * 60},
				{ID: "b", Program: RPM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-03 10:00"), Seconds: 20 * 60, Interactive: true}}
			return pm
		}, "99490", "time that overlaps another entry of the same person"},
		{"two people at the same time both count", func() PatientMonth {
			pm := month(CCM)
			pm.Time = []TimeEntry{{ID: "a", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-03 10:00"), Seconds: 10 * 60},
				{ID: "b", Program: CCM, ByID: "sw", Staff: ClinicalStaff, Start: at("2026-11-03 10:00"), Seconds: 10 * 60}}
			return pm
		}, "99490", ""},
		// PCM.
		{"PCM clinical staff 30", func() PatientMonth { pm := month(PCM); pm.Time = entries(PCM, "rn", ClinicalStaff, 30); return pm }, "99426", ""},
		{"PCM clinical staff 60", func() PatientMonth { pm := month(PCM); pm.Time = entries(PCM, "rn", ClinicalStaff, 60); return pm }, "99426, 99427", ""},
		{"PCM practitioner 30", func() PatientMonth { pm := month(PCM); pm.Time = entries(PCM, "dr-a", Practitioner, 30); return pm }, "99424", ""},
		{"PCM and CCM by one practitioner: CCM only", func() PatientMonth {
			pm := month(CCM, PCM)
			pm.Time = append(entries(CCM, "rn", ClinicalStaff, 20), entries(PCM, "ma", ClinicalStaff, 30)...)
			return pm
		}, "99490", "CCM is billed by the same practitioner this month (not both)"},
		{"PCM and CCM by two practitioners: both", func() PatientMonth {
			pm := month(CCM, PCM)
			pm.Enrollments[1].PractitionerID = "dr-b"
			pm.Time = append(entries(CCM, "rn", ClinicalStaff, 20), entries(PCM, "ma", ClinicalStaff, 30)...)
			return pm
		}, "99490, 99426", ""},
		// TCM, in the month of its visit, with CCM.
		{"TCM and CCM in one month", func() PatientMonth {
			pm := month(CCM)
			pm.Time = entries(CCM, "rn", ClinicalStaff, 20)
			pm.TCM = []TCMService{{EpisodeID: "tr1", Code: "99496", Why: "high complexity, visit by day 7", ServiceDate: at("2026-11-20 14:00"), PractitionerID: "dr-a"},
				{EpisodeID: "tr0", Code: "99495", ServiceDate: at("2026-10-20 14:00"), PractitionerID: "dr-a"}}
			return pm
		}, "99490, 99496", ""},
		{"TCM without a supported code", func() PatientMonth {
			pm := month()
			pm.TCM = []TCMService{{EpisodeID: "tr1", Why: "no timely interactive contact", ServiceDate: at("2026-11-20 14:00")}}
			return pm
		}, "", "transition tr1: no timely interactive contact"},
		// Behavioral health, CoCM at the midpoints.
		{"CoCM first month 35 minutes: G2214", func() PatientMonth {
			pm := month(CoCM)
			pm.CoCMFirstMonth, pm.Time = true, entries(CoCM, "bh", ClinicalStaff, 35)
			return pm
		}, "G2214", "99492 35 of the 36 minutes"},
		{"CoCM first month 36 minutes", func() PatientMonth {
			pm := month(CoCM)
			pm.CoCMFirstMonth, pm.Time = true, entries(CoCM, "bh", ClinicalStaff, 36)
			return pm
		}, "99492", ""},
		{"CoCM first month 85 minutes", func() PatientMonth {
			pm := month(CoCM)
			pm.CoCMFirstMonth, pm.Time = true, entries(CoCM, "bh", ClinicalStaff, 85)
			return pm
		}, "99492", "99494 15 minutes past the 70 of 99492; 99494 needs 16"},
		{"CoCM first month 86 minutes", func() PatientMonth {
			pm := month(CoCM)
			pm.CoCMFirstMonth, pm.Time = true, entries(CoCM, "bh", ClinicalStaff, 86)
			return pm
		}, "99492, 99494", ""},
		{"CoCM later month 31", func() PatientMonth { pm := month(CoCM); pm.Time = entries(CoCM, "bh", ClinicalStaff, 31); return pm }, "99493", ""},
		{"CoCM later month 106: two add-ons", func() PatientMonth { pm := month(CoCM); pm.Time = entries(CoCM, "bh", ClinicalStaff, 106); return pm }, "99493, 99494x2", ""},
		{"CoCM later month 30: G2214", func() PatientMonth { pm := month(CoCM); pm.Time = entries(CoCM, "bh", ClinicalStaff, 30); return pm }, "G2214", ""},
		{"CoCM 15: nothing", func() PatientMonth { pm := month(CoCM); pm.Time = entries(CoCM, "bh", ClinicalStaff, 15); return pm }, "", "G2214 15 of the 16 minutes"},
		{"general BHI 20", func() PatientMonth { pm := month(BHI); pm.Time = entries(BHI, "bh", ClinicalStaff, 20); return pm }, "99484", ""},
		{"BHI and CoCM by one practitioner: CoCM", func() PatientMonth {
			pm := month(BHI, CoCM)
			pm.Time = append(entries(BHI, "bh", ClinicalStaff, 20), entries(CoCM, "bh2", ClinicalStaff, 31)...)
			return pm
		}, "99493", "99484 CoCM is billed by the same practitioner this month (not both)"},
		// RPM: days of readings and treatment management.
		{"RPM 16 days: device and set-up", func() PatientMonth { pm := month(RPM); pm.ReadingDays = 16; return pm }, "99454, 99453", ""},
		{"RPM 16 days, set-up billed before", func() PatientMonth { pm := month(RPM); pm.ReadingDays, pm.RPMSetupBilled = 16, true; return pm }, "99454", ""},
		{"RPM 15 days in 2026: 99445", func() PatientMonth { pm := month(RPM); pm.ReadingDays, pm.RPMSetupBilled = 15, true; return pm }, "99445", ""},
		{"RPM 15 days in 2025: nothing", func() PatientMonth {
			pm := month(RPM)
			pm.Month, pm.ReadingDays, pm.RPMSetupBilled = dec2025, 15, true
			pm.Enrollments[0].Start = time.Date(2025, 11, 1, 0, 0, 0, 0, ny)
			return pm
		}, "", "99454 readings on 15 days, 16 needed"},
		{"RPM 1 day", func() PatientMonth { pm := month(RPM); pm.ReadingDays = 1; return pm }, "", "readings on 1 days, 16 needed"},
		{"RPM management 20 minutes with a call", func() PatientMonth {
			pm := month(RPM)
			pm.ReadingDays, pm.RPMSetupBilled = 20, true
			pm.Time = entries(RPM, "rn", ClinicalStaff, 20)
			pm.Time[0].Interactive = true
			return pm
		}, "99454, 99457", ""},
		{"RPM management 45 minutes", func() PatientMonth {
			pm := month(RPM)
			pm.ReadingDays, pm.RPMSetupBilled = 20, true
			pm.Time = entries(RPM, "rn", ClinicalStaff, 45)
			pm.Time[1].Interactive = true
			return pm
		}, "99454, 99457, 99458", ""},
		{"RPM management 12 minutes in 2026: 99470", func() PatientMonth {
			pm := month(RPM)
			pm.ReadingDays, pm.RPMSetupBilled = 20, true
			pm.Time = entries(RPM, "rn", ClinicalStaff, 12)
			pm.Time[0].Interactive = true
			return pm
		}, "99454, 99470", ""},
		{"RPM management 12 minutes in 2025", func() PatientMonth {
			pm := month(RPM)
			pm.Month, pm.ReadingDays, pm.RPMSetupBilled = dec2025, 20, true
			pm.Time = []TimeEntry{{ID: "a", Program: RPM, ByID: "rn", Staff: ClinicalStaff, Start: time.Date(2025, 12, 3, 10, 0, 0, 0, ny), Seconds: 12 * 60, Interactive: true}}
			pm.Enrollments[0].Start, pm.Consents[0].At = time.Date(2025, 11, 1, 0, 0, 0, 0, ny), time.Date(2025, 11, 1, 0, 0, 0, 0, ny)
			return pm
		}, "99454", "99457 12 of the 20 minutes"},
		{"RPM: the live call was before the consent, so it does not count", func() PatientMonth {
			pm := month(RPM)
			pm.ReadingDays, pm.RPMSetupBilled = 20, true
			pm.Consents[0].At = at("2026-11-05 09:00")
			pm.Time = []TimeEntry{{ID: "call", Program: RPM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-02 08:00"), Seconds: 5 * 60, Interactive: true},
				{ID: "review", Program: RPM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-06 10:00"), Seconds: 25 * 60}}
			return pm
		}, "99454", "99457 no interactive communication with the patient this month"},
		{"RPM management without a live interaction", func() PatientMonth {
			pm := month(RPM)
			pm.ReadingDays, pm.RPMSetupBilled = 20, true
			pm.Time = entries(RPM, "rn", ClinicalStaff, 25)
			return pm
		}, "99454", "99457 no interactive communication with the patient this month"},
		// APCM.
		{"APCM bundles CCM and TCM of its practitioner", func() PatientMonth {
			pm := month(APCM, CCM)
			pm.ChronicConditions = 3
			pm.Time = entries(CCM, "rn", ClinicalStaff, 40)
			pm.TCM = []TCMService{{EpisodeID: "tr1", Code: "99495", ServiceDate: at("2026-11-20 14:00"), PractitionerID: "dr-a"}}
			return pm
		}, "G0557", "bundled in APCM (G0557) by the same practitioner"},
		{"APCM and another practitioner's CCM", func() PatientMonth {
			pm := month(APCM, CCM)
			pm.Enrollments[1].PractitionerID = "dr-b"
			pm.Time = entries(CCM, "rn", ClinicalStaff, 20)
			return pm
		}, "99490, G0556", ""},
		{"APCM level 3", func() PatientMonth { pm := month(APCM); pm.ChronicConditions, pm.QMB = 2, true; return pm }, "G0558", ""},
		{"APCM with CoCM in 2026: the add-on", func() PatientMonth {
			pm := month(APCM, CoCM)
			pm.ChronicConditions = 2
			pm.Time = entries(CoCM, "bh", ClinicalStaff, 31)
			return pm
		}, "G0569, G0557", ""},
		{"APCM without consent", func() PatientMonth {
			pm := month(APCM)
			pm.Consents = nil
			return pm
		}, "", "no consent to APCM on record"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := Bill(c.pm())
			if got := lines(r); got != c.lines {
				t.Errorf("lines %q, want %q (not billed: %s)", got, c.lines, reasons(r))
			}
			if c.why != "" && !strings.Contains(reasons(r), c.why) {
				t.Errorf("reasons %q lack %q", reasons(r), c.why)
			}
			for _, l := range r.Lines {
				if l.Why == "" || l.Source == "" {
					t.Errorf("line %s without its why or source", l.Code)
				}
			}
		})
	}
}

// A line's minutes and entries are the program's counted ones.
func TestBillExplains(t *testing.T) {
	pm := month(CCM)
	pm.Time = entries(CCM, "rn", ClinicalStaff, 45)
	r := Bill(pm)
	if len(r.Lines) != 2 || r.Lines[0].Minutes != 45 || len(r.Lines[0].Entries) != 2 || r.Lines[0].PractitionerID != "dr-a" ||
		r.Lines[0].Why != "45 minutes of clinical staff time (99490 needs 20)" || r.Lines[1].Why != "25 minutes past the 20 of 99490: 1 unit of 20" ||
		r.Counted[CCM] != 45 {
		t.Errorf("%+v", r)
	}
}

func TestCodes(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range Codes {
		if seen[c.Code] {
			t.Errorf("%s twice", c.Code)
		}
		seen[c.Code] = true
		if c.Source == "" || c.From == "" || c.Name == "" || !slices.Contains(Programs, c.Program) {
			t.Errorf("%s: a code needs a name, program, start date and source: %+v", c.Code, c)
		}
		if _, err := time.Parse(time.DateOnly, c.From); err != nil {
			t.Errorf("%s: from %q", c.Code, c.From)
		}
		if c.AddOnTo != "" && (c.Each == 0 || !seen[c.AddOnTo]) {
			t.Errorf("%s: an add-on needs its step and its base listed before it", c.Code)
		}
	}
	c, _ := FindCode("99445")
	if c.InEffect(Month{Year: 2025, Month: time.December}) || !c.InEffect(Month{Year: 2026, Month: time.January}) {
		t.Error("99445 is in effect from January 2026")
	}
}

func TestParseMonth(t *testing.T) {
	m, err := ParseMonth("2026-11", ny)
	if err != nil || m.String() != "2026-11" || !m.Start().Equal(at("2026-11-01 00:00")) || !m.End().Equal(at("2026-12-01 00:00")) {
		t.Errorf("%v %v", m, err)
	}
	if _, err := ParseMonth("2026-13", ny); err == nil {
		t.Error("month 13")
	}
}

func TestProgress(t *testing.T) {
	for _, c := range []struct {
		program string
		minutes int
		first   bool
		next    int
		code    string
		done    bool
	}{
		{CCM, 0, false, 20, "99490", false},
		{CCM, 19, false, 20, "99490", false},
		{CCM, 20, false, 40, "99439", false},
		{CCM, 45, false, 60, "99439", false},
		{CCM, 60, false, 0, "", true},
		{PCM, 31, false, 60, "99427", false},
		{BHI, 25, false, 0, "", true},
		{CoCM, 10, true, 36, "99492", false},
		{CoCM, 40, true, 86, "99494", false},
		{CoCM, 40, false, 76, "99494", false},
		{RPM, 25, false, 40, "99458", false},
		{TCM, 10, false, 0, "", true},
	} {
		next, code, done := Progress(c.program, c.minutes, nov2026, c.first)
		if next != c.next || code != c.code || done != c.done {
			t.Errorf("%s %d: %d %s %v, want %d %s %v", c.program, c.minutes, next, code, done, c.next, c.code, c.done)
		}
	}
}

// Each reason says its kind, so a report can say "missing consent".
func TestNotBilledKinds(t *testing.T) {
	pm := month(CCM, PCM)
	pm.Consents[0].At = at("2026-11-10 12:00")
	pm.Time = append([]TimeEntry{{ID: "a", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-09 10:00"), Seconds: 15 * 60},
		{ID: "b", Program: CCM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-11 10:00"), Seconds: 10 * 60},
		{ID: "c", Program: RPM, ByID: "rn", Staff: ClinicalStaff, Start: at("2026-11-12 10:00"), Seconds: 10 * 60}}, entries(PCM, "ma", ClinicalStaff, 30)...)
	kinds := map[string]string{}
	for _, n := range Bill(pm).NotBilled {
		kinds[n.Program+" "+n.Code] = n.Kind
	}
	want := map[string]string{"CCM ": "consent", "CCM 99490": "threshold", "RPM ": "enrollment"}
	for k, v := range want {
		if kinds[k] != v {
			t.Errorf("%q: kind %q, want %q (%v)", k, kinds[k], v, kinds)
		}
	}
}

package risk

import (
	"strings"
	"testing"
	"time"

	"carepath"
)

// TestAssess reads a stay's record as the scores need it: the ED visit
// just before the admission makes it emergent and is not a prior visit;
// the labs of the stay, its procedure, the stays and visits before, the
// conditions and the age at discharge.
var newYork, _ = time.LoadLocation("America/New_York")

func TestAssess(t *testing.T) {
	v := func(x float64) *float64 { return &x }
	enc := func(id, class, start, end string) carepath.Encounter {
		return carepath.Encounter{ID: id, Class: class, PeriodStart: carepath.MustParseDateTime(start), PeriodEnd: carepath.MustParseDateTime(end)}
	}
	// 4.8 days by the clock; 5 days as hospitals count them (midnights
	// in New York, from 16:00 on the 18th to 11:00 on the 23rd).
	stay := enc("stay", "IMP", "2026-05-18T20:00:00Z", "2026-05-23T15:00:00Z")
	r := Record{Stay: stay, BirthDate: "1951-05-24", // 74 at discharge, the day before the birthday
		Encounters: []carepath.Encounter{stay,
			enc("ed-index", "EMER", "2026-05-18T14:00:00Z", "2026-05-18T19:30:00Z"),
			enc("ed-1", "EMER", "2026-03-02T10:00:00Z", ""), enc("ed-2", "EMER", "2026-01-20T10:00:00Z", ""),
			enc("ed-old", "EMER", "2025-10-01T10:00:00Z", ""), // more than 6 months before
			enc("stay-1", "IMP", "2025-12-01T10:00:00Z", "2025-12-04T10:00:00Z"), enc("stay-2", "OBSENC", "2026-02-10T10:00:00Z", "2026-02-11T10:00:00Z"),
			enc("stay-old", "IMP", "2025-04-01T10:00:00Z", "2025-04-03T10:00:00Z"), // more than 12 months
			enc("later", "AMB", "2026-06-01T10:00:00Z", "")},
		Labs: []carepath.Observation{
			{ID: "hb-1", Code: carepath.Coding{Code: LOINCHemoglobin}, Effective: carepath.MustParseDateTime("2026-05-19T06:00:00Z"), ValueNum: v(10.2)},
			{ID: "hb-2", Code: carepath.Coding{Code: LOINCHemoglobin}, Effective: carepath.MustParseDateTime("2026-05-23T06:00:00Z"), ValueNum: v(12.4)},
			{ID: "hb-after", Code: carepath.Coding{Code: LOINCHemoglobin}, Effective: carepath.MustParseDateTime("2026-05-30T06:00:00Z"), ValueNum: v(9)},
			{ID: "na-1", Code: carepath.Coding{Code: LOINCSodium}, Effective: carepath.MustParseDateTime("2026-05-22T06:00:00Z"), ValueNum: v(133)}},
		Procedures: []carepath.Procedure{{ID: "echo", PerformedStart: "2026-05-19T10:00:00Z"}},
		Conditions: []carepath.Condition{icd("hf", "I50.23"), icd("copd", "J44.1")},
	}
	a := Assess(r, newYork)
	// LACE: L 4 (5 days) + A 3 (the ED visit 6 hours before) + C 4 (heart
	// failure 2 + pulmonary 2 scores 5) + E 2 (two visits in 6 months).
	if a.LACE.Total != 4+3+5+2 || !a.LACE.Complete() || strings.Join(a.LACE.Components[1].Facts, ",") != "ed-index" ||
		strings.Join(a.LACE.Components[3].Facts, ",") != "ed-1,ed-2" {
		t.Errorf("LACE %d: %+v", a.LACE.Total, a.LACE.Components)
	}
	// HOSPITAL: Hb 12.4 (the last of the stay) 0, oncology missing, Na 133
	// 1, procedure 1, urgent 1, 2 stays in 12 months 2, stay of 5 days 2.
	if a.HOSPITAL.Total != 7 || a.HOSPITAL.Components[6].Why != "5 days (5 or more)" || strings.Join(a.HOSPITAL.Missing(), ",") != "O: discharge from oncology" || a.HOSPITAL.Components[0].Facts[0] != "hb-2" ||
		strings.Join(a.HOSPITAL.Components[5].Facts, ",") != "stay-1,stay-2" {
		t.Errorf("HOSPITAL %d: %+v", a.HOSPITAL.Total, a.HOSPITAL.Components)
	}
	// Charlson: heart failure 1, pulmonary 1, age 74: 3.
	if a.Charlson.Total != 5 || a.Charlson.Components[2].Why != "74 years" {
		t.Errorf("Charlson %d: %+v", a.Charlson.Total, a.Charlson.Components)
	}

	// An elective admission (admit source recorded), no times, no birth date.
	bare := Assess(Record{Stay: carepath.Encounter{ID: "s", Class: "IMP", AdmitSource: carepath.Coding{Code: "hosp-trans"}}}, newYork)
	if bare.LACE.Complete() || strings.Join(bare.LACE.Missing(), ",") != "L: length of stay,E: emergency visits in the prior 6 months" ||
		bare.LACE.Components[1].Why != "elective admission" || bare.Charlson.Complete() {
		t.Errorf("a bare record: LACE %+v, Charlson %+v", bare.LACE, bare.Charlson)
	}
}

// TestAssessLengthOfStay: the stay's length is the midnights crossed in
// the organization's time zone (calendar.StayDays), as the scores' authors
// and hospitals count it, not hours / 24.
func TestAssessLengthOfStay(t *testing.T) {
	for _, tt := range []struct {
		name, start, end string
		days             float64
		lacePoints       int
		why              string
	}{
		{"same day, 9 hours", "2026-03-02T13:00:00Z", "2026-03-02T22:00:00Z", 0, 0, "same day"},
		// 22:00 to 01:00 in New York: 3 hours, one midnight.
		{"overnight, 3 hours", "2026-03-03T03:00:00Z", "2026-03-03T06:00:00Z", 1, 1, "1 day"},
		// 23:00 on the 1st to 10:00 on the 2nd in New York; both on the
		// 2nd in UTC, which would count 0.
		{"a midnight in New York, not in UTC", "2026-03-02T04:00:00Z", "2026-03-02T15:00:00Z", 1, 1, "1 day"},
		// 08:00 Monday to 06:00 Thursday: 2.9 days by the clock, 3 days.
		{"2.9 days by the clock", "2026-03-02T13:00:00Z", "2026-03-05T11:00:00Z", 3, 3, "3 days"},
		// Across the change to summer time (8 March 2026 in New York).
		{"across summer time", "2026-03-06T15:00:00Z", "2026-03-09T14:00:00Z", 3, 3, "3 days"},
		{"13 days 23 hours", "2026-04-01T12:00:00Z", "2026-04-15T11:00:00Z", 14, 7, "14 days"},
	} {
		a := Assess(Record{Stay: carepath.Encounter{ID: "s", Class: "IMP", PeriodStart: carepath.MustParseDateTime(tt.start), PeriodEnd: carepath.MustParseDateTime(tt.end)}}, newYork)
		l := a.LACE.Components[0]
		if l.Points != tt.lacePoints || l.Why != tt.why {
			t.Errorf("%s: LACE L %d (%s), want %d (%s)", tt.name, l.Points, l.Why, tt.lacePoints, tt.why)
		}
		if h := a.HOSPITAL.Components[6]; h.Missing || (tt.days >= 5) != (h.Points == 2) {
			t.Errorf("%s: HOSPITAL A %+v", tt.name, h)
		}
	}
}

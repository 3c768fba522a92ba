package billing

import (
	"fmt"
	"strings"

	"carepath"
	"carepath/codeset"
)

// Eligibility is whether a patient qualifies for a program, and why (or
// why not), from the record.
type Eligibility = carepath.ProgramEligibility

// found is a chronic condition on the patient's active problem list.
type found struct {
	chronic codeset.Chronic
	since   string // the onset's year, or ""
	display string
}

func (f found) String() string {
	s := f.chronic.Name
	if f.since != "" {
		s += " since " + f.since
	}
	return s
}

// chronicFound lists the patient's active chronic conditions, one per
// category, in the list's order, each since the earliest onset among the
// active conditions of its category (chronic kidney disease on the list
// since 2001 read "since 2022", the year of a later stage's record).
func chronicFound(conditions []carepath.Condition) []found {
	var out []found
	for _, ch := range codeset.ChronicConditions {
		var f *found
		for _, c := range conditions {
			if !activeStatus(c.ClinicalStatus) || !ch.Match.Matches(c.Code) {
				continue
			}
			if f == nil {
				f = &found{chronic: ch, display: c.Code.Display}
			}
			if len(c.Onset) >= 4 && (f.since == "" || c.Onset[:4] < f.since) {
				f.since = c.Onset[:4]
			}
		}
		if f != nil {
			out = append(out, *f)
		}
	}
	return out
}

func activeStatus(s string) bool { return s == "active" || s == "recurrence" || s == "relapse" }

func names(fs []found) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = f.String()
	}
	return strings.Join(parts, ", ")
}

// ChronicCount is how many chronic condition categories the patient has
// active (APCM's level).
func ChronicCount(conditions []carepath.Condition) int { return len(chronicFound(conditions)) }

// Eligible computes each enrollable program's eligibility from a
// patient's conditions:
//   - CCM: two or more chronic conditions expected to last 12 months;
//   - PCM: one such condition, at high risk (a disease-specific plan);
//   - BHI and CoCM: a behavioral health condition (depression, anxiety,
//     dementia);
//   - RPM: a chronic condition a device measures at home (blood pressure,
//     weight, glucose, oxygen saturation);
//   - APCM: every patient, at the level of the count.
//
// The clinician confirms the risk; the words say what the record shows.
func Eligible(conditions []carepath.Condition) []Eligibility {
	fs := chronicFound(conditions)
	var behavioral, physiologic []found
	for _, f := range fs {
		if f.chronic.Behavioral {
			behavioral = append(behavioral, f)
		}
		if f.chronic.Physiologic {
			physiologic = append(physiologic, f)
		}
	}
	out := []Eligibility{}
	add := func(program string, ok bool, why, source string) {
		out = append(out, Eligibility{Program: program, Eligible: ok, Why: why, Source: source})
	}
	switch n := len(fs); {
	case n >= 2:
		add(CCM, true, fmt.Sprintf("%d chronic conditions expected to last 12 months: %s", n, names(fs)), srcCCM+"; "+codeset.ChronicSource)
	case n == 1:
		add(CCM, false, "one chronic condition ("+names(fs)+"); CCM needs two", srcCCM)
	default:
		add(CCM, false, "no chronic condition on the active problem list", srcCCM)
	}
	if len(fs) >= 1 {
		add(PCM, true, "a chronic condition to manage with a disease-specific plan: "+names(fs[:1])+
			plural2(len(fs)-1, " (and %d more: CCM may suit better)"), srcPCM)
	} else {
		add(PCM, false, "no chronic condition on the active problem list", srcPCM)
	}
	for _, program := range []string{BHI, CoCM} {
		if len(behavioral) > 0 {
			add(program, true, "a behavioral health condition: "+names(behavioral), srcBHI)
		} else {
			add(program, false, "no behavioral health condition (depression, anxiety, dementia) on the problem list", srcBHI)
		}
	}
	if len(physiologic) > 0 {
		add(RPM, true, "a condition a device measures at home: "+names(physiologic), srcRPM)
	} else {
		add(RPM, false, "no condition a home device measures (hypertension, heart failure, diabetes, COPD, asthma)", srcRPM)
	}
	level := "level 1 (0-1 chronic condition)"
	if len(fs) >= 2 {
		level = fmt.Sprintf("level 2 (%d chronic conditions; level 3 if a Qualified Medicare Beneficiary)", len(fs))
	}
	add(APCM, true, "every patient of the practice; "+level, srcAPCM)
	return out
}

func plural2(n int, format string) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf(format, n)
}

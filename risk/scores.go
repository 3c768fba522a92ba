package risk

import (
	"fmt"
	"math"
	"strings"

	"carepath/calendar"
)

// Component is one part of a score: the points it gave and why, with the
// facts (record ids) behind it. Missing: its data is not on record, and it
// scored 0 only for want of it.
type Component struct {
	Name    string
	Points  int
	Why     string
	Facts   []string
	Missing bool
}

// Score is a computed score with its parts.
type Score struct {
	Name       string // LACE, HOSPITAL, Charlson
	Variant    string // which definition, e.g. "age-adjusted"
	Version    string // of Carepath's implementation
	Total      int
	Band       string
	Components []Component
	Source     string
}

// Complete reports whether every component had its data; when not, Total
// is a floor (the score is at least that).
func (s Score) Complete() bool {
	for _, c := range s.Components {
		if c.Missing {
			return false
		}
	}
	return true
}

// Missing names the components without data.
func (s Score) Missing() []string {
	var out []string
	for _, c := range s.Components {
		if c.Missing {
			out = append(out, c.Name)
		}
	}
	return out
}

func (s *Score) add(c Component) {
	s.Components = append(s.Components, c)
	s.Total += c.Points
}

// Number is a fact that may be missing: Known says it is on record.
type Number struct {
	Value float64
	Known bool
	Facts []string // the record ids it comes from
}

// Known is a fact on record.
func Known(v float64, facts ...string) Number { return Number{Value: v, Known: true, Facts: facts} }

// Flag is a yes-or-no fact that may be missing.
type Flag struct {
	Value bool
	Known bool
	Facts []string
}

// Yes and No are flags on record.
func Yes(facts ...string) Flag { return Flag{Value: true, Known: true, Facts: facts} }
func No(facts ...string) Flag  { return Flag{Known: true, Facts: facts} }

// LACEInput are the facts of a discharge LACE reads.
type LACEInput struct {
	LengthOfStayDays Number // whole days, as calendar.StayDays counts them
	Emergent         Flag   // admitted through the emergency department (acute)
	Comorbidities    []Finding
	EDVisits6Months  Number // emergency visits in the 6 months before admission
}

// LACE scores the risk of death or unplanned readmission within 30 days of
// a discharge: L (length of stay), A (acuity), C (comorbidity, by the
// Charlson categories with LACE's weights, a sum of 4 or more scoring 5),
// E (emergency visits in the prior 6 months, at most 4). Total 0-19;
// 0-4 low, 5-9 moderate, 10 or more high.
func LACE(in LACEInput) Score {
	s := Score{Name: "LACE", Variant: "LACE (van Walraven 2010)", Version: "1",
		Source: "van Walraven C, Dhalla IA, Bell C, et al. Derivation and validation of an index to predict early death or unplanned readmission after discharge from hospital to the community. CMAJ 2010;182(6):551-7"}
	l := Component{Name: "L: length of stay", Facts: in.LengthOfStayDays.Facts}
	if !in.LengthOfStayDays.Known {
		l.Missing, l.Why = true, "no admission and discharge times on record"
	} else {
		days := in.LengthOfStayDays.Value
		switch {
		case days < 1:
			l.Points = 0
		case days < 2:
			l.Points = 1
		case days < 3:
			l.Points = 2
		case days < 4:
			l.Points = 3
		case days < 7:
			l.Points = 4
		case days < 14:
			l.Points = 5
		default:
			l.Points = 7
		}
		l.Why = calendar.StayLength(int(days))
	}
	s.add(l)
	a := Component{Name: "A: acuity of admission", Facts: in.Emergent.Facts}
	switch {
	case !in.Emergent.Known:
		a.Missing, a.Why = true, "how the patient was admitted is not on record"
	case in.Emergent.Value:
		a.Points, a.Why = 3, "admitted through the emergency department"
	default:
		a.Why = "elective admission"
	}
	s.add(a)
	c := Component{Name: "C: comorbidity"}
	sum := 0
	var names []string
	for _, f := range in.Comorbidities {
		if f.Category.LACE == 0 {
			continue
		}
		sum += f.Category.LACE
		names = append(names, fmt.Sprintf("%s %d (%s)", f.Category.Name, f.Category.LACE, f.Display))
		c.Facts = append(c.Facts, f.ConditionID)
	}
	c.Points = min(sum, 3)
	if sum >= 4 {
		c.Points = 5
	}
	if len(names) == 0 {
		c.Why = "no Charlson comorbidity on the problem list"
	} else {
		c.Why = strings.Join(names, ", ") + fmt.Sprintf(": sum %d", sum)
		if sum >= 4 {
			c.Why += " (4 or more scores 5)"
		}
	}
	s.add(c)
	e := Component{Name: "E: emergency visits in the prior 6 months", Facts: in.EDVisits6Months.Facts}
	if !in.EDVisits6Months.Known {
		e.Missing, e.Why = true, "the visits of the 6 months before admission are not on record"
	} else {
		n := int(in.EDVisits6Months.Value)
		e.Points = min(n, 4)
		e.Why = fmt.Sprintf("%d visit%s", n, plural(n))
		if n > 4 {
			e.Why += " (at most 4 count)"
		}
	}
	s.add(e)
	switch {
	case s.Total >= 10:
		s.Band = "high"
	case s.Total >= 5:
		s.Band = "moderate"
	default:
		s.Band = "low"
	}
	return s
}

// HOSPITALInput are the facts of a discharge the HOSPITAL score reads.
type HOSPITALInput struct {
	Hemoglobin          Number // g/dL, the last before discharge
	Oncology            Flag   // discharged from an oncology service
	Sodium              Number // mmol/L, the last before discharge
	Procedure           Flag   // a procedure during the stay
	Urgent              Flag   // the admission was urgent or emergent
	AdmissionsPrior12mo Number // hospital admissions in the 12 months before
	LengthOfStayDays    Number // whole days, as calendar.StayDays counts them
}

// HOSPITAL scores the risk of a potentially avoidable readmission within
// 30 days: hemoglobin under 12 g/dL at discharge 1, discharge from
// oncology 2, sodium under 135 mmol/L 1, a procedure during the stay 1,
// an urgent index admission 1, admissions in the prior 12 months (0-1: 0,
// 2-5: 2, over 5: 5), a stay of 5 days or more 2. Total 0-13; 0-4 low,
// 5-6 intermediate, 7 or more high.
func HOSPITAL(in HOSPITALInput) Score {
	s := Score{Name: "HOSPITAL", Variant: "HOSPITAL (Donzé 2013)", Version: "1",
		Source: "Donzé J, Aujesky D, Williams D, Schnipper JL. Potentially avoidable 30-day hospital readmissions in medical patients: derivation and validation of a prediction model. JAMA Intern Med 2013;173(8):632-8"}
	below := func(name string, n Number, limit float64, unit string, points int, missing string) Component {
		c := Component{Name: name, Facts: n.Facts}
		switch {
		case !n.Known:
			c.Missing, c.Why = true, missing
		case n.Value < limit:
			c.Points, c.Why = points, fmt.Sprintf("%s %s (under %s)", formatNumber(n.Value), unit, formatNumber(limit))
		default:
			c.Why = fmt.Sprintf("%s %s", formatNumber(n.Value), unit)
		}
		return c
	}
	flag := func(name string, f Flag, points int, yes, no, missing string) Component {
		c := Component{Name: name, Facts: f.Facts}
		switch {
		case !f.Known:
			c.Missing, c.Why = true, missing
		case f.Value:
			c.Points, c.Why = points, yes
		default:
			c.Why = no
		}
		return c
	}
	s.add(below("H: hemoglobin at discharge", in.Hemoglobin, 12, "g/dL", 1, "no hemoglobin before discharge on record"))
	s.add(flag("O: discharge from oncology", in.Oncology, 2, "oncology service", "not oncology", "the discharging service is not on record"))
	s.add(below("S: sodium at discharge", in.Sodium, 135, "mmol/L", 1, "no sodium before discharge on record"))
	s.add(flag("P: procedure during the stay", in.Procedure, 1, "a procedure during the stay", "no procedure during the stay", "the stay's procedures are not on record"))
	s.add(flag("I: index admission type", in.Urgent, 1, "urgent admission", "elective admission", "how the patient was admitted is not on record"))
	t := Component{Name: "T: admissions in the prior 12 months", Facts: in.AdmissionsPrior12mo.Facts}
	if !in.AdmissionsPrior12mo.Known {
		t.Missing, t.Why = true, "the admissions of the prior 12 months are not on record"
	} else {
		n := int(in.AdmissionsPrior12mo.Value)
		switch {
		case n > 5:
			t.Points = 5
		case n >= 2:
			t.Points = 2
		}
		t.Why = fmt.Sprintf("%d admission%s", n, plural(n))
	}
	s.add(t)
	a := Component{Name: "A: length of stay", Facts: in.LengthOfStayDays.Facts}
	switch {
	case !in.LengthOfStayDays.Known:
		a.Missing, a.Why = true, "no admission and discharge times on record"
	case in.LengthOfStayDays.Value >= 5:
		a.Points, a.Why = 2, calendar.StayLength(int(in.LengthOfStayDays.Value))+" (5 or more)"
	default:
		a.Why = calendar.StayLength(int(in.LengthOfStayDays.Value))
	}
	s.add(a)
	switch {
	case s.Total >= 7:
		s.Band = "high"
	case s.Total >= 5:
		s.Band = "intermediate"
	default:
		s.Band = "low"
	}
	return s
}

// Charlson is the Charlson comorbidity index of the comorbidities found,
// with age points when the age is known (50-59 +1, 60-69 +2, 70-79 +3,
// 80 or more +4; Charlson 1994), and the estimated 10-year survival
// 0.983^(e^(0.9 x index)).
func Charlson(found []Finding, age Number) (Score, float64) {
	s := Score{Name: "Charlson", Variant: "age-adjusted", Version: "1",
		Source: "Charlson ME, Pompei P, Ales KL, MacKenzie CR. J Chronic Dis 1987;40(5):373-83; age adjustment: Charlson M, Szatrowski TP, Peterson J, Gold J. J Clin Epidemiol 1994;47(11):1245-51"}
	for _, f := range found {
		s.add(Component{Name: f.Category.Name, Points: f.Category.Charlson, Why: f.Display, Facts: []string{f.ConditionID}})
	}
	a := Component{Name: "age", Facts: age.Facts}
	if !age.Known {
		a.Missing, a.Why = true, "no birth date on record"
	} else {
		years := int(age.Value)
		switch {
		case years >= 80:
			a.Points = 4
		case years >= 70:
			a.Points = 3
		case years >= 60:
			a.Points = 2
		case years >= 50:
			a.Points = 1
		}
		a.Why = fmt.Sprintf("%d years", years)
	}
	s.add(a)
	return s, math.Pow(0.983, math.Exp(0.9*float64(s.Total)))
}

// formatNumber writes a value with at most one decimal.
func formatNumber(v float64) string { return strings.TrimSuffix(fmt.Sprintf("%.1f", v), ".0") }

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

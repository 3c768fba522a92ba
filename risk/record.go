package risk

import (
	"fmt"
	"time"

	"carepath"
	"carepath/calendar"
)

// LOINC codes of the labs HOSPITAL reads.
const (
	LOINCHemoglobin = "718-7"  // Hemoglobin [Mass/volume] in Blood
	LOINCSodium     = "2951-2" // Sodium [Moles/volume] in Serum or Plasma
)

// Record is what the scores read of a patient's record about one stay.
type Record = carepath.StayRecord

// Assessment is the three scores of a stay, computed from its record.
type Assessment struct {
	LACE, HOSPITAL, Charlson Score
	Survival10y              float64 // Charlson's estimate
}

// Assess computes LACE, HOSPITAL and Charlson for the stay from the
// record, each fact named, with the stay's days counted in loc, the
// organization's time zone. How a fact is read:
//   - length of stay: the midnights from the stay's start to its end
//     (calendar.StayDays), as hospitals and the scores' authors count it;
//   - admitted through the emergency department: the admit source "emd",
//     or an emergency visit that began in the 24 hours before the
//     admission (that visit is not counted among the prior ones);
//   - emergency visits in the 6 months, and stays in the 12 months, that
//     began before the admission;
//   - hemoglobin and sodium: the last of each taken during the stay;
//   - a procedure: one performed during the stay;
//   - comorbidities: the conditions not resolved at the discharge;
//   - age: at the discharge.
//
// What the record cannot say (the discharging service; labs, times or a
// birth date not on record) is missing, not 0.
func Assess(r Record, loc *time.Location) Assessment {
	admitted, errA := parseTime(r.Stay.PeriodStart)
	discharged, errD := parseTime(r.Stay.PeriodEnd)
	stayKnown := errA == nil && errD == nil && !discharged.Before(admitted)
	var los Number
	if stayKnown {
		los = Known(float64(calendar.StayDays(admitted, discharged, loc)), r.Stay.ID)
	}
	emergent := Flag{}
	indexED := ""
	switch code := r.Stay.AdmitSource.Code; {
	case code == "emd":
		emergent = Yes(r.Stay.ID)
	default:
		if errA == nil {
			for _, e := range r.Encounters {
				start, err := parseTime(e.PeriodStart)
				if e.Class == carepath.EncounterEmergency && err == nil && !start.After(admitted) && admitted.Sub(start) <= 24*time.Hour {
					emergent, indexED = Yes(e.ID), e.ID
				}
			}
		}
		if !emergent.Known && (code != "" || errA == nil) {
			// A recorded admit source other than the ED, or no emergency
			// visit before the admission in a record that has the visits.
			emergent = No(r.Stay.ID)
		}
	}
	var ed, admissions Number
	if errA == nil {
		n, m := 0, 0
		var edFacts, stayFacts []string
		for _, e := range r.Encounters {
			start, err := parseTime(e.PeriodStart)
			if err != nil || !start.Before(admitted) || e.ID == r.Stay.ID || e.ID == indexED {
				continue
			}
			if e.Class == carepath.EncounterEmergency && start.After(admitted.AddDate(0, -6, 0)) {
				n++
				edFacts = append(edFacts, e.ID)
			}
			if carepath.IsStay(e.Class) && start.After(admitted.AddDate(-1, 0, 0)) {
				m++
				stayFacts = append(stayFacts, e.ID)
			}
		}
		ed, admissions = Known(float64(n), edFacts...), Known(float64(m), stayFacts...)
	}
	lab := func(code string) Number {
		var best Number
		var at time.Time
		for _, o := range r.Labs {
			t, err := parseTime(o.Effective)
			if o.Code.Code != code || o.ValueNum == nil || err != nil || !stayKnown || t.Before(admitted) || t.After(discharged) || t.Before(at) {
				continue
			}
			best, at = Known(*o.ValueNum, o.ID), t
		}
		return best
	}
	procedure := Flag{}
	if stayKnown {
		procedure = No(r.Stay.ID)
		for _, p := range r.Procedures {
			performed, _ := carepath.ParseDateTime(p.PerformedStart) // a procedure's time is still text in the record
			t, err := parseTime(performed)
			if (err == nil && !t.Before(admitted) && !t.After(discharged)) || p.EncounterID == r.Stay.ID {
				procedure = Yes(p.ID)
				break
			}
		}
	}
	found := Comorbidities(r.Conditions)
	var age Number
	if birth, err := time.Parse(time.DateOnly, r.BirthDate); err == nil && errD == nil {
		years := discharged.Year() - birth.Year()
		if discharged.Month() < birth.Month() || discharged.Month() == birth.Month() && discharged.Day() < birth.Day() {
			years--
		}
		age = Known(float64(years), "birth date "+r.BirthDate)
	}
	a := Assessment{
		LACE: LACE(LACEInput{LengthOfStayDays: los, Emergent: emergent, Comorbidities: found, EDVisits6Months: ed}),
		HOSPITAL: HOSPITAL(HOSPITALInput{Hemoglobin: lab(LOINCHemoglobin), Sodium: lab(LOINCSodium), Procedure: procedure, Urgent: emergent,
			AdmissionsPrior12mo: admissions, LengthOfStayDays: los, Oncology: Flag{}}),
	}
	a.Charlson, a.Survival10y = Charlson(found, age)
	return a
}

// parseTime is a recorded instant or day (a day's midnight, UTC); a year
// or a month alone, or nothing, is no time the scores can use.
func parseTime(d carepath.DateTime) (time.Time, error) {
	if !d.HasDay() {
		return time.Time{}, fmt.Errorf("not a time: %q", d.String())
	}
	return d.Time(), nil
}

// For is the score as stored for a patient's stay, computed at.
func (s Score) For(patientID, encounterID string, at time.Time) carepath.RiskScore {
	out := carepath.RiskScore{PatientID: patientID, EncounterID: encounterID, Name: s.Name, Variant: s.Variant, Version: s.Version,
		Source: s.Source, Total: s.Total, Band: s.Band, Complete: s.Complete(), Computed: at}
	for _, c := range s.Components {
		out.Components = append(out.Components, carepath.RiskComponent(c))
	}
	return out
}

// Scores are the assessment's three scores as stored.
func (a Assessment) Scores(patientID, encounterID string, at time.Time) []carepath.RiskScore {
	return []carepath.RiskScore{a.LACE.For(patientID, encounterID, at), a.HOSPITAL.For(patientID, encounterID, at), a.Charlson.For(patientID, encounterID, at)}
}

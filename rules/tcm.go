package rules

import (
	"fmt"
	"time"

	"carepath/calendar"
)

// TCMClock is the clock of a transitional care management episode,
// started by a discharge (CMS, Transitional Care Management Services,
// MLN908628): an interactive contact within 2 business days of the
// discharge; a face-to-face visit within 7 calendar days (for 99496, high
// complexity) or 14 (99495, at least moderate), the day of discharge being
// day 1; medicines reconciled no later than that visit; a 30-day period
// beginning on the day of discharge. Each deadline is the end of its day
// in the calendar's time zone.
type TCMClock struct {
	Discharged         time.Time
	Contact            time.Time
	FaceToFaceHigh     time.Time // day 7
	FaceToFaceModerate time.Time // day 14
	PeriodEnd          time.Time // day 30
}

// NewTCMClock starts the clock of a discharge.
func NewTCMClock(discharged time.Time, cal *calendar.Calendar) TCMClock {
	return TCMClock{Discharged: discharged, Contact: cal.BusinessDaysAfter(discharged, 2),
		FaceToFaceHigh: cal.CalendarDaysAfter(discharged, 6), FaceToFaceModerate: cal.CalendarDaysAfter(discharged, 13),
		PeriodEnd: cal.CalendarDaysAfter(discharged, 29)}
}

// TCMDocumentation is what an episode has on record.
type TCMDocumentation struct {
	ContactAt  time.Time   // the interactive contact (zero: none)
	Attempts   []time.Time // unsuccessful contact attempts
	VisitAt    time.Time   // the face-to-face visit (zero: none)
	MedRecAt   time.Time   // medication reconciliation done (zero: not yet)
	Complexity string      // medical decision making: "high", "moderate", "low", "" (not recorded)
}

// TCM codes.
const (
	TCMHigh     = "99496" // high complexity, visit within 7 days
	TCMModerate = "99495" // at least moderate complexity, visit within 14 days
)

// Code says which TCM code the documentation supports, if any, and for
// each element what the record shows. The contact is met by an
// interactive contact by its deadline, or by two or more documented
// attempts by then (CMS FAQ, 2016).
func (c TCMClock) Code(d TCMDocumentation, loc *time.Location) (code string, elements []string) {
	at := func(t time.Time) string { return t.In(loc).Format("Mon 2 Jan 15:04") }
	contactMet := !d.ContactAt.IsZero() && !d.ContactAt.After(c.Contact)
	timely := 0
	for _, a := range d.Attempts {
		if !a.After(c.Contact) {
			timely++
		}
	}
	switch {
	case contactMet:
		elements = append(elements, "contact: "+at(d.ContactAt)+", within 2 business days")
	case timely >= 2:
		contactMet = true
		elements = append(elements, fmt.Sprintf("contact: %d documented attempts within 2 business days (counts for the contact)", timely))
	case !d.ContactAt.IsZero():
		elements = append(elements, "contact: "+at(d.ContactAt)+", after the deadline "+at(c.Contact))
	default:
		elements = append(elements, fmt.Sprintf("contact: none yet (due %s; %d timely attempt%s)", at(c.Contact), timely, plural(timely)))
	}
	visitDay := 0
	if !d.VisitAt.IsZero() {
		visitDay = calendar.DaysBetween(c.Discharged, d.VisitAt, loc) + 1 // the day of discharge is day 1
		elements = append(elements, fmt.Sprintf("face-to-face visit: %s, day %d", at(d.VisitAt), visitDay))
	} else {
		elements = append(elements, "face-to-face visit: none yet (day 7: "+at(c.FaceToFaceHigh)+"; day 14: "+at(c.FaceToFaceModerate)+")")
	}
	// No later than the day of the visit.
	medRecMet := !d.MedRecAt.IsZero() && !d.VisitAt.IsZero() && !calendar.DateOf(d.VisitAt, loc).Before(calendar.DateOf(d.MedRecAt, loc))
	switch {
	case d.MedRecAt.IsZero():
		elements = append(elements, "medication reconciliation: not yet (due by the visit)")
	case medRecMet:
		elements = append(elements, "medication reconciliation: "+at(d.MedRecAt)+", by the visit")
	case d.VisitAt.IsZero():
		elements = append(elements, "medication reconciliation: "+at(d.MedRecAt)+", before the visit (to come)")
	default:
		elements = append(elements, "medication reconciliation: "+at(d.MedRecAt)+", after the visit")
	}
	elements = append(elements, "complexity: "+or(d.Complexity, "not recorded"))
	switch {
	case !contactMet || d.VisitAt.IsZero() || !medRecMet:
		return "", append(elements, "no TCM code: "+missingTCM(contactMet, d, medRecMet))
	case d.Complexity == "high" && visitDay <= 7:
		return TCMHigh, append(elements, "supports 99496: high complexity, visit by day 7")
	case (d.Complexity == "high" || d.Complexity == "moderate") && visitDay <= 14:
		return TCMModerate, append(elements, fmt.Sprintf("supports 99495: %s complexity, visit by day 14", d.Complexity))
	case visitDay > 14:
		return "", append(elements, "no TCM code: the visit was after day 14")
	default:
		return "", append(elements, "no TCM code: the complexity is "+or(d.Complexity, "not recorded")+", not at least moderate")
	}
}

func missingTCM(contact bool, d TCMDocumentation, medRec bool) string {
	switch {
	case !contact:
		return "no timely interactive contact (or two timely attempts)"
	case d.VisitAt.IsZero():
		return "no face-to-face visit yet"
	default:
		return "medicines not reconciled by the visit"
	}
}

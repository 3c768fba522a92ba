// Package instrument holds the standard assessment instruments as data:
// their items and answer options with LOINC codes, how each is scored, its
// bands and the rules that hang on single items, with the source cited. It
// is pure (no I/O): every score is table-tested against the published
// instrument, and every result says which answers gave which points.
package instrument

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"carepath"
)

// Option is one answer an item offers.
type Option struct {
	Code    string // LOINC answer code (LA...)
	Display string
	Points  int  // what the answer adds to the total, for scored items
	Risk    bool // for screening items: this answer is a positive screen
}

// Item is one question.
type Item struct {
	ID      string // the item's code (LOINC, or the instrument's CodeSystem): also its linkId
	Text    string // as read to the patient
	Domain  string // the need or area it screens, when the instrument has domains
	Options []Option
	// Multiple: several options may be chosen ("select all that apply").
	Multiple bool
	// Optional items may be left unanswered; the others are required.
	Optional bool
}

// Band is a named range of totals, both ends included.
type Band struct {
	Min, Max int
	Name     string
}

// Instrument is a versioned assessment.
type Instrument struct {
	ID      string // short name, as in URLs: "phq-9"
	Name    string
	Version string // of Carepath's definition
	// Code is the panel's code and TotalCode the total score's ("" when the
	// instrument has no total), in CodeSystem: LOINC unless it says other.
	Code       string
	TotalCode  string
	CodeSystem string
	Source     string // where the items and scoring come from
	Intro      string // what the person is asked, before the items
	Items      []Item
	Bands      []Band
	// PositiveAt is the total from which the screen is positive; 0 for
	// instruments positive by domain instead.
	PositiveAt int
	// rules adds the instrument's own findings (single-item rules, domain
	// screens) to a scored result.
	rules func(in *Instrument, r *Result, a Answers)
}

// Answers are the chosen option codes per item ID (one for a single
// choice).
type Answers map[string][]string

// ItemPoints says what one answer contributed.
type ItemPoints struct {
	ItemID string
	Answer string // the option's display
	Points int
}

// Domain result of a screening instrument.
type DomainResult struct {
	Domain   string
	Positive bool
	Why      string // which answers made it positive
}

// Finding kinds.
const (
	FindingSafety   = "safety"    // act now, whatever the total
	FindingFollowUp = "follow-up" // a next step the score calls for
)

// Finding is something a result calls for beyond its score.
type Finding struct {
	Kind string
	Text string
	// Instrument to give next, for a follow-up such as PHQ-2 -> PHQ-9.
	Next string
}

// Result is a scored assessment.
type Result struct {
	Instrument string
	Version    string
	Total      *int
	Band       string
	Positive   bool
	Points     []ItemPoints
	Domains    []DomainResult
	Findings   []Finding
}

// Validate checks answers against the items: every answer to an item the
// instrument has, with one of its options (one only, unless the item takes
// several), and every required item answered. Its EINVALID error names
// each problem.
func (in *Instrument) Validate(a Answers) error { return in.check(a, true) }

// ValidatePartial checks the answers given so far, as Validate does, but
// lets required items wait (a draft).
func (in *Instrument) ValidatePartial(a Answers) error { return in.check(a, false) }

func (in *Instrument) check(a Answers, complete bool) error {
	var problems []string
	for id, codes := range a {
		item := in.item(id)
		switch {
		case item == nil:
			problems = append(problems, "there is no item "+id)
			continue
		case len(codes) > 1 && !item.Multiple:
			problems = append(problems, "item "+id+" takes one answer")
		}
		for _, c := range codes {
			if item.option(c) == nil {
				problems = append(problems, "item "+id+" has no answer "+c)
			}
		}
	}
	for _, item := range in.Items {
		if complete && !item.Optional && len(a[item.ID]) == 0 {
			problems = append(problems, "item "+item.ID+" ("+item.Text+") is not answered")
		}
	}
	if len(problems) > 0 {
		slices.Sort(problems)
		return carepath.Errorf(carepath.EINVALID, "The %s answers are not complete: %s.", in.Name, strings.Join(problems, "; "))
	}
	return nil
}

// Score validates and scores answers.
func (in *Instrument) Score(a Answers) (Result, error) {
	if err := in.Validate(a); err != nil {
		return Result{}, err
	}
	r := Result{Instrument: in.ID, Version: in.Version}
	total := 0
	for _, item := range in.Items {
		for _, c := range a[item.ID] {
			o := item.option(c)
			r.Points = append(r.Points, ItemPoints{ItemID: item.ID, Answer: o.Display, Points: o.Points})
			total += o.Points
		}
	}
	if in.TotalCode != "" {
		r.Total = &total
		for _, b := range in.Bands {
			if total >= b.Min && total <= b.Max {
				r.Band = b.Name
			}
		}
		r.Positive = in.PositiveAt > 0 && total >= in.PositiveAt
	}
	if in.rules != nil {
		in.rules(in, &r, a)
	}
	return r, nil
}

func (in *Instrument) item(id string) *Item {
	for i := range in.Items {
		if in.Items[i].ID == id {
			return &in.Items[i]
		}
	}
	return nil
}

func (it *Item) option(code string) *Option {
	for i := range it.Options {
		if it.Options[i].Code == code {
			return &it.Options[i]
		}
	}
	return nil
}

// LOINC is the code system of most instruments' items and answers.
const LOINC = "http://loinc.org"

// System is the code system of the instrument's item and total codes.
func (in *Instrument) System() string {
	if in.CodeSystem != "" {
		return in.CodeSystem
	}
	return LOINC
}

// All are the instruments Carepath ships, in the order offered.
var All = []*Instrument{PHQ2, PHQ9, GAD7, AHCHRSN, KatzADL, LawtonIADL, CaregiverStrain}

// Find returns an instrument by its ID.
func Find(id string) (*Instrument, bool) {
	for _, in := range All {
		if in.ID == id {
			return in, true
		}
	}
	return nil, false
}

// TotalCodes are the LOINC codes of the instruments' total scores.
func TotalCodes() []string {
	var codes []string
	for _, in := range All {
		if in.TotalCode != "" {
			codes = append(codes, in.TotalCode)
		}
	}
	return codes
}

// ByTotalCode returns the instrument whose total score has the LOINC code.
func ByTotalCode(code string) (*Instrument, bool) {
	for _, in := range All {
		if in.TotalCode != "" && in.TotalCode == code {
			return in, true
		}
	}
	return nil, false
}

// BandOf is the band a total falls in.
func (in *Instrument) BandOf(total int) string {
	for _, b := range in.Bands {
		if total >= b.Min && total <= b.Max {
			return b.Name
		}
	}
	return ""
}

// Change says how a total moved since the one before, in words, with what
// the move means where the instrument defines it: for the PHQ-9, a drop
// of 50% or more is a response to treatment, and a total under 5 is
// remission (Kroenke 2001; the MacArthur Initiative's PHQ-9 guide).
func (in *Instrument) Change(prev, last int) string {
	s := fmt.Sprintf("%+d since the one before", last-prev)
	if prev > 0 {
		s += fmt.Sprintf(" (%+d%%)", int(math.Round(float64(last-prev)*100/float64(prev))))
	}
	if in == PHQ9 {
		switch {
		case last < 5:
			s += ": remission (under 5)"
		case prev > 0 && last*2 <= prev:
			s += ": response (down by half or more)"
		}
	}
	return s
}

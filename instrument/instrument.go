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
	"strconv"
	"strings"
	"unicode/utf8"

	"carepath"
)

// Option is one answer an item offers.
type Option struct {
	Code    string // LOINC answer code (LA...)
	Display string
	Points  int  // what the answer adds to the total, for scored items
	Risk    bool // for screening items: this answer is a positive screen
	// Domain is the need a risk answer screens, when it is not its item's
	// (one "which of these" item can screen several).
	Domain string
}

// Item types: what an answer is. An item is a choice among its Options
// unless it says otherwise; the other types take one typed-in value.
const (
	Choice  = ""        // one of the Options' codes (several, if Multiple)
	Integer = "integer" // a whole number between Min and Max
	Decimal = "decimal" // a number between Min and Max
	Text    = "text"    // words, up to MaxTextLength runes
)

// MaxTextLength is the longest text answer, in runes.
const MaxTextLength = 2000

// Item is one question.
type Item struct {
	ID      string // the item's code (LOINC, or the instrument's CodeSystem): also its linkId
	Text    string // as read to the patient
	Section string // the heading it comes under, for instruments in parts
	Domain  string // the need or area it screens, when the instrument has domains
	Type    string // Choice, Integer, Decimal or Text
	Options []Option
	// Multiple: several options may be chosen ("select all that apply").
	Multiple bool
	// Optional items may be left unanswered; the others are required.
	Optional bool
	// Min and Max bound a number; Unit names it (UCUM where it has one).
	Min, Max float64
	Unit     string
}

// Value reports whether the item takes a typed-in value, not a choice.
func (it *Item) Value() bool { return it.Type != Choice }

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
	// Category is its observations' FHIR category: "survey" unless it says
	// "sdoh" (a social-needs screen).
	Category string
	Source   string // where the items and scoring come from
	Intro    string // what the person is asked, before the items
	Items    []Item
	Bands    []Band
	// PositiveAt is the total from which the screen is positive; 0 for
	// instruments positive by domain instead.
	PositiveAt int
	// rules adds the instrument's own findings (single-item rules, domain
	// screens) to a scored result.
	rules func(in *Instrument, r *Result, a Answers)
}

// Answers are the chosen option codes per item ID (one for a single
// choice), or for a value item its one value as typed ("3", "12500.50",
// words).
type Answers map[string][]string

// Clean is the answers as a form or a client may send them made plain:
// blank values dropped and text trimmed, so that an empty box is an
// unanswered item, and numbers written one way ("1e3" and "+1000.0" are
// "1000"). It does not validate.
func (in *Instrument) Clean(a Answers) Answers {
	out := Answers{}
	for id, values := range a {
		var kept []string
		for _, v := range values {
			if v = strings.TrimSpace(v); v == "" {
				continue
			}
			if it := in.item(id); it != nil {
				if n, ok := it.Number(v); ok && !math.IsNaN(n) && !math.IsInf(n, 0) {
					v = formatNumber(n)
				}
			}
			kept = append(kept, v)
		}
		if len(kept) > 0 {
			out[id] = kept
		}
	}
	return out
}

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
	var problems carepath.Problems
	problem := func(id, msg string) { problems.Add(id, "%s", msg) }
	for id, codes := range a {
		item := in.item(id)
		switch {
		case item == nil:
			problem(id, "there is no item "+id)
			continue
		case len(codes) > 1 && !item.Multiple:
			problem(id, "item "+id+" takes one answer")
			continue
		case item.Value() && len(codes) == 1:
			if p := item.checkValue(codes[0]); p != "" {
				problem(id, "item "+id+" "+p)
			}
			continue
		}
		for _, c := range codes {
			if item.option(c) == nil {
				problem(id, "item "+id+" has no answer "+c)
			}
		}
	}
	for _, item := range in.Items {
		if complete && !item.Optional && len(a[item.ID]) == 0 {
			problem(item.ID, "item "+item.ID+" ("+item.Text+") is not answered")
		}
	}
	slices.SortFunc(problems, func(x, y carepath.FieldError) int { return strings.Compare(x.Message, y.Message) })
	return carepath.Invalid(fmt.Sprintf("The %s answers are not complete", in.Name), problems...)
}

// Score validates and scores answers.
func (in *Instrument) Score(a Answers) (Result, error) {
	if err := in.Validate(a); err != nil {
		return Result{}, err
	}
	r := Result{Instrument: in.ID, Version: in.Version}
	total := 0
	for _, item := range in.Items {
		if item.Value() {
			if v := a[item.ID]; len(v) > 0 {
				r.Points = append(r.Points, ItemPoints{ItemID: item.ID, Answer: item.Display(v[0])})
			}
			continue
		}
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

// checkValue says what is wrong with a typed-in answer, or "".
func (it *Item) checkValue(v string) string {
	switch it.Type {
	case Integer, Decimal:
		n, err := strconv.ParseFloat(v, 64)
		switch {
		case err != nil || math.IsNaN(n) || math.IsInf(n, 0):
			return fmt.Sprintf("takes a number, not %q", clip(v))
		case it.Type == Integer && n != math.Trunc(n):
			return fmt.Sprintf("takes a whole number, not %s", v)
		case n < it.Min || n > it.Max:
			return fmt.Sprintf("takes a number from %s to %s, not %s", formatNumber(it.Min), formatNumber(it.Max), v)
		}
	case Text:
		if strings.TrimSpace(v) == "" {
			return "is empty"
		}
		if !utf8.ValidString(v) {
			return "is not valid text"
		}
		if n := utf8.RuneCountInString(v); n > MaxTextLength {
			return fmt.Sprintf("is %d characters long; the most is %d", n, MaxTextLength)
		}
	default:
		return "has an unknown type " + it.Type
	}
	return ""
}

// Display is a typed-in answer as shown: a number with its unit.
func (it *Item) Display(v string) string {
	if it.Unit != "" && (it.Type == Integer || it.Type == Decimal) {
		return v + " " + it.Unit
	}
	return v
}

// Number is a number item's answer as a number (false for other items, or
// an answer that is not one).
func (it *Item) Number(v string) (float64, bool) {
	if it.Type != Integer && it.Type != Decimal {
		return 0, false
	}
	n, err := strconv.ParseFloat(v, 64)
	return n, err == nil
}

func formatNumber(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// clip shortens a value quoted back in an error.
func clip(v string) string {
	if r := []rune(v); len(r) > 40 {
		return string(r[:40]) + "…"
	}
	return v
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

// ObservationCategory is the FHIR observation category of its results.
func (in *Instrument) ObservationCategory() string {
	if in.Category != "" {
		return in.Category
	}
	return "survey"
}

// Screening reports whether a result is positive or negative: it has a
// total or rules of its own. A conversation such as What matters is
// neither.
func (in *Instrument) Screening() bool { return in.TotalCode != "" || in.rules != nil }

// System is the code system of the instrument's item and total codes.
func (in *Instrument) System() string {
	if in.CodeSystem != "" {
		return in.CodeSystem
	}
	return LOINC
}

// All are the instruments Carepath ships, in the order offered.
var All = []*Instrument{WhatMatters, PHQ2, PHQ9, GAD7, AHCHRSN, PRAPARE, KatzADL, LawtonIADL, CaregiverStrain}

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
// remission (Kroenke 2001; the MacArthur Initiative's PHQ-9 guide). A
// drop is also said as a share of the total before, as response is
// judged; a rise is said in points only (from 1 to 11 read "+1000%").
func (in *Instrument) Change(prev, last int) string {
	var s string
	switch {
	case last == prev:
		s = "no change since the one before"
	case last > prev:
		s = fmt.Sprintf("%+d since the one before", last-prev)
	default:
		s = fmt.Sprintf("%+d since the one before (%+d%%)", last-prev, int(math.Round(float64(last-prev)*100/float64(prev))))
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

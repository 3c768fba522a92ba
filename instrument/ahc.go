package instrument

import (
	"cmp"
	"fmt"
	"strings"
)

// AHC HRSN domains.
const (
	DomainHousing        = "housing"
	DomainFood           = "food"
	DomainTransportation = "transportation"
	DomainUtilities      = "utilities"
	DomainSafety         = "interpersonal safety"
)

// ahcSafetyScale scores the four safety items 1-5 (the HITS scale).
func ahcSafetyScale() []Option {
	return []Option{
		{Code: "LA6270-8", Display: "Never", Points: 1},
		{Code: "LA10066-1", Display: "Rarely", Points: 2},
		{Code: "LA10082-8", Display: "Sometimes", Points: 3},
		{Code: "LA16644-9", Display: "Fairly often", Points: 4},
		{Code: "LA6482-9", Display: "Frequently", Points: 5},
	}
}

func ahcFood() []Option {
	return []Option{{Code: "LA28397-0", Display: "Often true", Risk: true}, {Code: "LA6729-3", Display: "Sometimes true", Risk: true},
		{Code: "LA28398-8", Display: "Never true"}}
}

// AHCHRSN is the Accountable Health Communities Health-Related Social Needs
// screening tool, its 10 core items. A domain is positive by its answers;
// interpersonal safety when its four items (1-5 each) sum to 11 or more.
// It has no total.
var AHCHRSN = &Instrument{ID: "ahc-hrsn", Name: "AHC HRSN screening (core)", Version: "1", Code: "96777-8", Category: "sdoh",
	Source: "CMS Center for Medicare and Medicaid Innovation, The Accountable Health Communities Health-Related Social Needs " +
		"Screening Tool (Billioux A, Verlander K, Anthony S, Alley D; NAM Perspectives 2017). LOINC 96777-8.",
	Items: []Item{
		{ID: "71802-3", Domain: DomainHousing, Text: "What is your living situation today?", Options: []Option{
			{Code: "LA31993-1", Display: "I have a steady place to live"},
			{Code: "LA31994-9", Display: "I have a place to live today, but I am worried about losing it in the future", Risk: true},
			{Code: "LA31995-6", Display: "I do not have a steady place to live (I am temporarily staying with others, in a hotel, in a shelter, living outside on the street, on a beach, in a car, abandoned building, bus or train station, or in a park)", Risk: true}}},
		{ID: "96778-6", Domain: DomainHousing, Multiple: true, Text: "Think about the place you live. Do you have problems with any of the following?", Options: []Option{
			{Code: "LA31996-4", Display: "Pests such as bugs, ants, or mice", Risk: true},
			{Code: "LA28580-1", Display: "Mold", Risk: true},
			{Code: "LA31997-2", Display: "Lead paint or pipes", Risk: true},
			{Code: "LA31998-0", Display: "Lack of heat", Risk: true},
			{Code: "LA31999-8", Display: "Oven or stove not working", Risk: true},
			{Code: "LA32000-4", Display: "Smoke detectors missing or not working", Risk: true},
			{Code: "LA32001-2", Display: "Water leaks", Risk: true},
			{Code: "LA9-3", Display: "None of the above"}}},
		{ID: "88122-7", Domain: DomainFood, Options: ahcFood(),
			Text: "Within the past 12 months, you worried that your food would run out before you got money to buy more."},
		{ID: "88123-5", Domain: DomainFood, Options: ahcFood(),
			Text: "Within the past 12 months, the food you bought just didn't last and you didn't have money to get more."},
		{ID: "93030-5", Domain: DomainTransportation, Options: []Option{{Code: "LA33-6", Display: "Yes", Risk: true}, {Code: "LA32-8", Display: "No"}},
			Text: "In the past 12 months, has lack of reliable transportation kept you from medical appointments, meetings, work or from getting things needed for daily living?"},
		{ID: "96779-4", Domain: DomainUtilities, Options: []Option{{Code: "LA33-6", Display: "Yes", Risk: true}, {Code: "LA32-8", Display: "No"},
			{Code: "LA32002-0", Display: "Already shut off", Risk: true}},
			Text: "In the past 12 months has the electric, gas, oil, or water company threatened to shut off services in your home?"},
		{ID: "95618-5", Domain: DomainSafety, Options: ahcSafetyScale(), Text: "How often does anyone, including family and friends, physically hurt you?"},
		{ID: "95617-7", Domain: DomainSafety, Options: ahcSafetyScale(), Text: "How often does anyone, including family and friends, insult or talk down to you?"},
		{ID: "95616-9", Domain: DomainSafety, Options: ahcSafetyScale(), Text: "How often does anyone, including family and friends, threaten you with harm?"},
		{ID: "95615-1", Domain: DomainSafety, Options: ahcSafetyScale(), Text: "How often does anyone, including family and friends, scream or curse at you?"},
	},
	rules: scoreAHCDomains,
}

// ahcSafetyPositiveAt is the interpersonal safety sum from which the domain
// is positive.
const ahcSafetyPositiveAt = 11

func scoreAHCDomains(in *Instrument, r *Result, a Answers) {
	screenDomains(in, r, a, []string{DomainHousing, DomainFood, DomainTransportation, DomainUtilities})
	sum := 0
	for _, item := range in.Items {
		if item.Domain == DomainSafety {
			for _, c := range a[item.ID] {
				sum += item.option(c).Points
			}
		}
	}
	d := DomainResult{Domain: DomainSafety, Positive: sum >= ahcSafetyPositiveAt,
		Why: fmt.Sprintf("safety items sum to %d (positive at %d or more)", sum, ahcSafetyPositiveAt)}
	r.Positive = r.Positive || d.Positive
	r.Domains = append(r.Domains, d)
}

// screenDomains adds a result per domain, in order: positive when any
// answer is a risk for it (the option's domain, or else its item's), with
// those answers as the reason.
func screenDomains(in *Instrument, r *Result, a Answers, domains []string) {
	why := map[string][]string{}
	for _, item := range in.Items {
		if item.Value() {
			continue
		}
		for _, c := range a[item.ID] {
			o := item.option(c)
			if o == nil || !o.Risk {
				continue
			}
			d := cmp.Or(o.Domain, item.Domain)
			why[d] = append(why[d], fmt.Sprintf("%q: %s", item.Text, o.Display))
		}
	}
	for _, domain := range domains {
		d := DomainResult{Domain: domain, Positive: len(why[domain]) > 0, Why: strings.Join(why[domain], "; ")}
		r.Positive = r.Positive || d.Positive
		r.Domains = append(r.Domains, d)
	}
}

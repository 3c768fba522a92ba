package synth

import (
	"fmt"
	"math"
	"math/rand/v2"
	"sort"
	"time"

	"github.com/go-json-experiment/json"
)

// Generator makes patients. Patient i of a seed is always the same bundle
// for the same as-of date, whatever order patients are generated in.
type Generator struct {
	seed uint64
	// AsOf ends every patient's history; nothing happens after it.
	asOf time.Time
	// Shared resources every bundle may point to.
	practitioners []practitionerJSON
	clinic        organizationJSON
	hospital      organizationJSON
	payors        map[string]organizationJSON
}

// History is how far back encounters and measurements go.
const History = 3 * 365 * 24 * time.Hour

// New returns a generator for a seed and the day its histories end.
func New(seed uint64, asOf time.Time) *Generator {
	g := &Generator{seed: seed, asOf: time.Date(asOf.Year(), asOf.Month(), asOf.Day(), 0, 0, 0, 0, time.UTC)}
	r := rand.New(rand.NewPCG(seed, 0xc0ffee))
	for i := 0; i < 24; i++ {
		given := pick(r, femaleNames)
		if i%2 == 1 {
			given = pick(r, maleNames)
		}
		g.practitioners = append(g.practitioners, practitionerJSON{ResourceType: "Practitioner", ID: uuid(r),
			Identifier: []identifier{{System: "http://hl7.org/fhir/sid/us-npi", Value: fmt.Sprintf("99%08d", r.IntN(1e8))}},
			Active:     true, Name: []humanName{{Use: "official", Family: pick(r, familyNames), Given: []string{given}, Prefix: []string{"Dr."}}},
			Telecom: []contactPoint{{System: "phone", Value: phone(r), Use: "work"}}})
	}
	org := func(name, typeCode, typeDisplay string) organizationJSON {
		p := pick(r, places)
		return organizationJSON{ResourceType: "Organization", ID: uuid(r), Active: true, Name: name,
			Type:    []concept{{Coding: []coding{{System: "http://terminology.hl7.org/CodeSystem/organization-type", Code: typeCode, Display: typeDisplay}}}},
			Telecom: []contactPoint{{System: "phone", Value: phone(r), Use: "work"}},
			Address: []address{{Line: []string{fmt.Sprintf("%d %s", 100+r.IntN(900), pick(r, streets))}, City: p.city, State: "MA", PostalCode: p.zip, Country: "US"}}}
	}
	g.clinic = org("Riverside Community Health Center", "prov", "Healthcare Provider")
	g.hospital = org("Mercy General Hospital", "prov", "Healthcare Provider")
	g.payors = map[string]organizationJSON{
		"medicare":   org("Centers for Medicare and Medicaid Services", "govt", "Government"),
		"medicaid":   org("MassHealth", "govt", "Government"),
		"commercial": org("Blue Harbor Health Plan", "pay", "Payer"),
	}
	return g
}

func pick[T any](r *rand.Rand, xs []T) T { return xs[r.IntN(len(xs))] }

func uuid(r *rand.Rand) string {
	a, b := r.Uint64(), r.Uint64()
	a = a&^0xf000 | 0x4000     // version 4
	b = b&^(0xc<<60) | 0x8<<60 // RFC 4122 variant
	return fmt.Sprintf("%08x-%04x-%04x-%04x-%012x", a>>32, a>>16&0xffff, a&0xffff, b>>48, b&0xffffffffffff)
}

func phone(r *rand.Rand) string { return fmt.Sprintf("555-%03d-%04d", 200+r.IntN(800), r.IntN(10000)) }

// person is one generated patient while being built.
type person struct {
	r          *rand.Rand
	g          *Generator
	id         string
	sex        string
	age        int
	birth      time.Time
	smoker     string // current, former, never
	conditions []*condState
	activeMeds []activeMed // the orders left active, for discharge lists
	has        map[string]bool
	pcp        *practitionerJSON
	died       time.Time
	entries    []bundleEntry
	shared     map[string]bool
	// measurement trends
	sbp0, sbpSlope, bmi, bmiSlope, height, hr float64
	a1c0, a1cSlope, egfr0, egfrSlope, ldl0    float64
	phq0, phqSlope                            float64
}

type activeMed struct {
	medication
	authored time.Time
}

type condState struct {
	condition
	id    string
	onset time.Time
}

// Conditions returns the keys of the chronic conditions patient i has, for
// tests and reports.
func (g *Generator) Conditions(i int) []string {
	p := g.person(i)
	var keys []string
	for _, c := range p.conditions {
		keys = append(keys, c.key)
	}
	return keys
}

// Bundle returns patient i as a compact FHIR R4 transaction bundle.
func (g *Generator) Bundle(i int) ([]byte, error) {
	p := g.person(i)
	p.history()
	return json.Marshal(bundleJSON{ResourceType: "Bundle", Type: "transaction", Entry: p.entries}, json.Deterministic(true))
}

func (g *Generator) person(i int) *person {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)+1))
	p := &person{r: r, g: g, id: uuid(r), has: map[string]bool{}, shared: map[string]bool{}}
	p.demographics()
	p.chronicConditions()
	return p
}

// ageBand is a range of ages with its share of the panel.
type ageBand struct {
	lo, hi int
	share  float64
}

// ageBands is the age mix of an adult primary-care panel.
var ageBands = []ageBand{{18, 34, 0.24}, {35, 49, 0.22}, {50, 64, 0.27}, {65, 79, 0.19}, {80, 95, 0.08}}

// weighted picks one of items with probability share(item); shares sum to
// 1 (the last item takes any rounding remainder).
func weighted[T any](r *rand.Rand, items []T, share func(T) float64) T {
	x := r.Float64()
	for _, it := range items {
		if x < share(it) {
			return it
		}
		x -= share(it)
	}
	return items[len(items)-1]
}

func (p *person) demographics() {
	r := p.r
	band := weighted(r, ageBands, func(b ageBand) float64 { return b.share })
	p.age = band.lo + r.IntN(band.hi-band.lo+1)
	p.sex = "male"
	if r.Float64() < 0.54 {
		p.sex = "female"
	}
	p.birth = p.g.asOf.AddDate(-p.age, 0, -r.IntN(365))
	switch x := r.Float64(); {
	case x < 0.12:
		p.smoker = "current"
	case x < 0.12+0.22+float64(p.age)/400:
		p.smoker = "former"
	default:
		p.smoker = "never"
	}
	p.pcp = &p.g.practitioners[r.IntN(len(p.g.practitioners))]
}

// chance returns true with probability x (capped at 0.95).
func (p *person) chance(x float64) bool { return p.r.Float64() < math.Min(x, 0.95) }

// byAge interpolates a prevalence across the age bands 18-39, 40-59, 60-74, 75+.
func (p *person) byAge(young, middle, older, oldest float64) float64 {
	switch {
	case p.age < 40:
		return young
	case p.age < 60:
		return middle
	case p.age < 75:
		return older
	}
	return oldest
}

func (p *person) add(c condition) {
	if p.has[c.key] {
		return
	}
	p.has[c.key] = true
	years := float64(p.age-18) * p.r.Float64()
	years = math.Min(math.Max(years, 0.3), 25)
	p.conditions = append(p.conditions, &condState{condition: c, onset: p.g.asOf.Add(-time.Duration(years * 365 * 24 * float64(time.Hour)))})
}

// chronicConditions draws conditions in an order that lets each depend on
// the ones before: obesity and hypertension raise diabetes; diabetes and
// hypertension raise CKD and heart failure; smoking raises COPD and CAD.
func (p *person) chronicConditions() {
	smokes := p.smoker != "never"
	if p.chance(0.40) {
		p.add(condObesity)
	}
	htn := p.byAge(0.12, 0.40, 0.62, 0.72)
	if p.has["obesity"] {
		htn *= 1.3
	}
	if p.chance(htn) {
		p.add(condHypertension)
	}
	if p.chance(p.byAge(0.10, 0.30, 0.45, 0.45)) {
		p.add(condHyperlipidemia)
	}
	dm := p.byAge(0.025, 0.085, 0.16, 0.17)
	if p.has["obesity"] {
		dm *= 1.6
	}
	if p.has["hypertension"] {
		dm *= 1.2
	}
	diabetic := p.chance(dm)
	ckd := p.byAge(0.005, 0.03, 0.085, 0.20)
	if diabetic {
		ckd *= 2.2
	}
	if p.has["hypertension"] {
		ckd *= 1.4
	}
	if p.chance(ckd) {
		p.add(condCKD)
	}
	if diabetic {
		if p.has["ckd"] && p.chance(0.6) {
			p.add(condDiabetesCKD)
		} else {
			p.add(condDiabetes)
		}
	}
	cad := p.byAge(0.002, 0.035, 0.10, 0.16)
	if smokes {
		cad *= 1.6
	}
	if diabetic {
		cad *= 1.5
	}
	if p.chance(cad) {
		p.add(condCAD)
	}
	hf := p.byAge(0.002, 0.01, 0.045, 0.10)
	if p.has["hypertension"] {
		hf *= 1.4
	}
	if p.has["cad"] {
		hf *= 2.2
	}
	if diabetic {
		hf *= 1.4
	}
	if p.chance(hf) {
		p.add(condHF)
	}
	af := p.byAge(0.002, 0.012, 0.06, 0.14)
	if p.has["heart_failure"] {
		af *= 2.5
	}
	if p.chance(af) {
		p.add(condAFib)
	}
	copd := p.byAge(0.004, 0.03, 0.07, 0.09)
	if p.smoker == "current" {
		copd *= 3
	} else if p.smoker == "former" {
		copd *= 2
	}
	if p.chance(copd) {
		p.add(condCOPD)
	}
	if !p.has["copd"] && p.chance(0.08) {
		p.add(condAsthma)
	}
	dep := p.byAge(0.19, 0.18, 0.14, 0.12)
	if len(p.conditions) >= 3 {
		dep *= 1.3
	}
	if p.chance(dep) {
		p.add(condDepression)
	}
	anx := 0.10
	if p.has["depression"] {
		anx = 0.30
	}
	if p.chance(anx * p.byAge(1.2, 1.0, 0.8, 0.7)) {
		p.add(condAnxiety)
	}
	if p.age >= 65 && p.chance(p.byAge(0, 0, 0.04, 0.16)) {
		p.add(condDementia)
	}
	if p.chance(p.byAge(0.02, 0.12, 0.30, 0.40)) {
		p.add(condOsteoarthritis)
	}
	sort.SliceStable(p.conditions, func(i, j int) bool { return p.conditions[i].onset.Before(p.conditions[j].onset) })
}

// chronicCount counts the conditions that drive utilization.
func (p *person) chronicCount() int {
	n := 0
	for _, c := range p.conditions {
		if c.key != "obesity" && c.key != "hyperlipidemia" && c.key != "osteoarthritis" {
			n++
		}
	}
	return n
}

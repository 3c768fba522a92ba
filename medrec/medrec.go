// Package medrec compares medication lists for reconciliation after a
// discharge: what the patient took before the admission against what the
// discharge orders say, each line new, changed, stopped or unchanged, with
// how the two were matched. It is pure: the decisions on each line
// (continue, stop, clarify with the prescriber) and who made them are the
// episode's, kept by the store.
package medrec

import (
	"cmp"
	"strings"
	"time"
	"unicode"

	"carepath"
)

// Kinds of line.
const (
	New       = "new"       // on the discharge list only
	Changed   = "changed"   // on both, with another strength, form or dosage
	Stopped   = "stopped"   // on the list before only
	Unchanged = "unchanged" // the same code and dosage on both
)

// Line is one medicine in the comparison.
type Line struct {
	Kind   string
	Before *carepath.Medication // nil for a new one
	After  *carepath.Medication // nil for a stopped one
	Why    string               // how the two were matched, or why not
}

// Compare lines up the lists: first the same code (an RxNorm concept)
// with the same dosage, then the same code, then, for those left, the
// same ingredient (the name before the strength, "lisinopril" in
// "Lisinopril 10 MG Oral Tablet"), so that a new strength is a change, not
// a stop and a start, and a medicine ordered twice at discharge (the old
// dosage continued, another added) is matched by its dosage. Lines come in
// the order of the discharge list, then the stopped ones.
func Compare(before, after []carepath.Medication) []Line {
	usedBefore := make([]bool, len(before))
	// match is the first medicine before not matched yet that is the same.
	match := func(same func(b *carepath.Medication) bool) int {
		for i := range before {
			if !usedBefore[i] && same(&before[i]) {
				return i
			}
		}
		return -1
	}
	matched := make([]bool, len(after))
	lineOf := make([]Line, len(after))
	passes := []func(b, a *carepath.Medication) (bool, Line){
		func(b, a *carepath.Medication) (bool, Line) {
			return b.Code.Code != "" && b.Code.Code == a.Code.Code && normalize(b.Dosage) == normalize(a.Dosage),
				Line{Kind: Unchanged, Why: "the same medicine and dosage (code " + a.Code.Code + ")"}
		},
		func(b, a *carepath.Medication) (bool, Line) {
			return b.Code.Code != "" && b.Code.Code == a.Code.Code, Line{Kind: Changed, Why: "the same medicine (code " + a.Code.Code + "), the dosage changed"}
		},
		func(b, a *carepath.Medication) (bool, Line) {
			ing := ingredient(a.Code.Display)
			return ing != "" && ingredient(b.Code.Display) == ing, Line{Kind: Changed, Why: "the same ingredient (" + ing + "), another strength or form"}
		},
	}
	for _, pass := range passes {
		for j := range after {
			if matched[j] {
				continue
			}
			a := &after[j]
			i := match(func(b *carepath.Medication) bool { ok, _ := pass(b, a); return ok })
			if i < 0 {
				continue
			}
			usedBefore[i], matched[j] = true, true
			_, line := pass(&before[i], a)
			line.Before, line.After = &before[i], a
			lineOf[j] = line
		}
	}
	for j := range after {
		if !matched[j] {
			lineOf[j] = Line{Kind: New, After: &after[j], Why: "not on the list before the admission"}
		}
	}
	lines := lineOf
	for i := range before {
		if !usedBefore[i] {
			lines = append(lines, Line{Kind: Stopped, Before: &before[i], Why: "not on the discharge list"})
		}
	}
	return lines
}

// ingredient is the name of a medicine's ingredient, lower case: the words
// of its name before the strength ("insulin glargine" in "Insulin glargine
// 100 UNT/ML Injectable Solution", "lisinopril" in "Lisinopril 10 MG Oral
// Tablet"), after a leading release time ("24 HR").
func ingredient(name string) string {
	words := strings.Fields(strings.ToLower(name))
	for len(words) > 1 && (startsWithDigit(words[0]) || words[0] == "hr") {
		words = words[1:]
	}
	var out []string
	for _, w := range words {
		if startsWithDigit(w) || w == "(" {
			break
		}
		out = append(out, w)
	}
	return strings.Join(out, " ")
}

func startsWithDigit(w string) bool { return w != "" && unicode.IsDigit(rune(w[0])) }

func normalize(s string) string { return strings.Join(strings.Fields(strings.ToLower(s)), " ") }

// Count is how many lines of each kind.
func Count(lines []Line) map[string]int {
	out := map[string]int{}
	for _, l := range lines {
		out[l.Kind]++
	}
	return out
}

// Kinds lists the kinds in the order a reconciliation shows them.
var Kinds = []string{New, Changed, Stopped, Unchanged}

// Split picks from a patient's medication orders (oldest first) what a
// reconciliation compares: the medicines the patient was on before the
// admission, the latest active order of each authored before admitted (an
// earlier discharge's orders, or a renewal, supersede the ones they
// repeat), and the discharge list, the stay's own orders.
func Split(meds []carepath.Medication, encounterID string, admitted time.Time) (before, after []carepath.Medication) {
	admittedAt := admitted.UTC().Format(time.RFC3339)
	latest := map[string]int{}
	for _, m := range meds {
		switch {
		case m.EncounterID == encounterID:
			after = append(after, m)
		case m.Status == "active" && m.Authored < admittedAt:
			key := cmp.Or(m.Code.Code, strings.ToLower(m.Code.Display))
			if i, ok := latest[key]; ok {
				before[i] = m
				continue
			}
			latest[key] = len(before)
			before = append(before, m)
		}
	}
	return before, after
}

// Lines turns the comparison into an episode's reconciliation lines, each
// still to decide. Without a discharge list on record nothing can be said
// stopped: each medicine before the admission is to confirm.
func Lines(before, after []carepath.Medication) []carepath.MedRecLine {
	dosage := func(m *carepath.Medication) string { return cmp.Or(m.Dosage, "(no dosage recorded)") }
	var lines []carepath.MedRecLine
	if len(after) == 0 {
		for _, m := range before {
			lines = append(lines, carepath.MedRecLine{Kind: carepath.MedRecConfirm, Medicine: m.Code.Display, Code: m.Code.Code,
				Before: dosage(&m), Why: "no discharge list on record: confirm with the patient and the discharge summary"})
		}
		return lines
	}
	for _, l := range Compare(before, after) {
		line := carepath.MedRecLine{Kind: l.Kind, Why: l.Why}
		if l.Before != nil {
			line.Medicine, line.Code, line.Before = l.Before.Code.Display, l.Before.Code.Code, dosage(l.Before)
		}
		if l.After != nil {
			line.Medicine, line.Code, line.After = l.After.Code.Display, l.After.Code.Code, dosage(l.After)
		}
		lines = append(lines, line)
	}
	return lines
}

// Kept are the reconciled list: the lines continued or to clarify.
func Kept(lines []carepath.MedRecLine) []carepath.MedRecLine {
	var kept []carepath.MedRecLine
	for _, l := range lines {
		if l.Decision == carepath.MedContinue || l.Decision == carepath.MedClarify {
			kept = append(kept, l)
		}
	}
	return kept
}

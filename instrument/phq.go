package instrument

import "fmt"

// frequency is the answer list LOINC LL358-3 that PHQ and GAD items share:
// how often over the last 2 weeks, scored 0-3.
func frequency() []Option {
	return []Option{
		{Code: "LA6568-5", Display: "Not at all", Points: 0},
		{Code: "LA6569-3", Display: "Several days", Points: 1},
		{Code: "LA6570-1", Display: "More than half the days", Points: 2},
		{Code: "LA6571-9", Display: "Nearly every day", Points: 3},
	}
}

func frequencyItems(texts ...[2]string) []Item {
	items := make([]Item, len(texts))
	for i, t := range texts {
		items[i] = Item{ID: t[0], Text: t[1], Options: frequency()}
	}
	return items
}

const phqSource = "Kroenke K, Spitzer RL, Williams JB. The PHQ-9: validity of a brief depression severity measure. " +
	"J Gen Intern Med 2001;16(9):606-13. Kroenke K, Spitzer RL, Williams JB. The Patient Health Questionnaire-2: " +
	"validity of a two-item depression screener. Med Care 2003;41(11):1284-92. LOINC 44249-1, 55757-9. " +
	"No permission required to reproduce, translate, display or distribute."

const phqIntro = "Over the last 2 weeks, how often have you been bothered by any of the following problems?"

// LOINC codes of the PHQ items that rules read.
const (
	PHQInterest = "44250-9"
	PHQDown     = "44255-8"
	PHQ9Item9   = "44260-8" // thoughts that you would be better off dead, or of hurting yourself
)

// PHQ2 is the two-item depression screen: 3 or more is positive, and
// proposes a PHQ-9.
var PHQ2 = &Instrument{ID: "phq-2", Name: "PHQ-2", Version: "1", Code: "55757-9", TotalCode: "55758-7", Source: phqSource, Intro: phqIntro,
	Items: frequencyItems(
		[2]string{PHQInterest, "Little interest or pleasure in doing things"},
		[2]string{PHQDown, "Feeling down, depressed, or hopeless"}),
	Bands:      []Band{{0, 2, "negative"}, {3, 6, "positive"}},
	PositiveAt: 3,
	rules: func(_ *Instrument, r *Result, _ Answers) {
		if r.Positive {
			r.Findings = append(r.Findings, Finding{Kind: FindingFollowUp, Next: "phq-9",
				Text: fmt.Sprintf("PHQ-2 of %d (3 or more): give the PHQ-9", *r.Total)})
		}
	}}

// PHQ9 is the nine-item depression severity measure. Any answer above "not
// at all" to item 9 calls for a safety evaluation at once, whatever the
// total.
var PHQ9 = &Instrument{ID: "phq-9", Name: "PHQ-9", Version: "1", Code: "44249-1", TotalCode: "44261-6", Source: phqSource, Intro: phqIntro,
	Items: frequencyItems(
		[2]string{PHQInterest, "Little interest or pleasure in doing things"},
		[2]string{PHQDown, "Feeling down, depressed, or hopeless"},
		[2]string{"44259-0", "Trouble falling or staying asleep, or sleeping too much"},
		[2]string{"44254-1", "Feeling tired or having little energy"},
		[2]string{"44251-7", "Poor appetite or overeating"},
		[2]string{"44258-2", "Feeling bad about yourself, or that you are a failure, or have let yourself or your family down"},
		[2]string{"44252-5", "Trouble concentrating on things, such as reading the newspaper or watching television"},
		[2]string{"44253-3", "Moving or speaking so slowly that other people could have noticed; or the opposite, being so fidgety or restless that you have been moving around a lot more than usual"},
		[2]string{PHQ9Item9, "Thoughts that you would be better off dead, or of hurting yourself in some way"}),
	Bands: []Band{{0, 4, "minimal"}, {5, 9, "mild"}, {10, 14, "moderate"}, {15, 19, "moderately severe"}, {20, 27, "severe"}},
	// 10 or more: the usual cut-off for major depression (sensitivity and
	// specificity 88%, Kroenke 2001).
	PositiveAt: 10,
	rules: func(_ *Instrument, r *Result, a Answers) {
		for _, p := range r.Points {
			if p.ItemID == PHQ9Item9 && p.Points > 0 {
				r.Findings = append(r.Findings, Finding{Kind: FindingSafety,
					Text: fmt.Sprintf("PHQ-9 item 9 (thoughts of being better off dead or of self-harm) answered %q: evaluate safety now, whatever the total", p.Answer)})
			}
		}
	}}

// GAD7 is the seven-item anxiety measure: 10 or more calls for further
// evaluation.
var GAD7 = &Instrument{ID: "gad-7", Name: "GAD-7", Version: "1", Code: "69737-5", TotalCode: "70274-6",
	Source: "Spitzer RL, Kroenke K, Williams JB, Löwe B. A brief measure for assessing generalized anxiety disorder: the GAD-7. " +
		"Arch Intern Med 2006;166(10):1092-7. LOINC 69737-5. No permission required to reproduce, translate, display or distribute.",
	Intro: phqIntro,
	Items: frequencyItems(
		[2]string{"69725-0", "Feeling nervous, anxious, or on edge"},
		[2]string{"68509-9", "Not being able to stop or control worrying"},
		[2]string{"69733-4", "Worrying too much about different things"},
		[2]string{"69734-2", "Trouble relaxing"},
		[2]string{"69735-9", "Being so restless that it is hard to sit still"},
		[2]string{"69689-8", "Becoming easily annoyed or irritable"},
		[2]string{"69736-7", "Feeling afraid, as if something awful might happen"}),
	Bands:      []Band{{0, 4, "minimal"}, {5, 9, "mild"}, {10, 14, "moderate"}, {15, 21, "severe"}},
	PositiveAt: 10,
	rules: func(_ *Instrument, r *Result, _ Answers) {
		if r.Positive {
			r.Findings = append(r.Findings, Finding{Kind: FindingFollowUp,
				Text: fmt.Sprintf("GAD-7 of %d (10 or more): evaluate further for an anxiety disorder", *r.Total)})
		}
	}}

package instrument

import "fmt"

// CodeSystemCarepath holds the codes of instruments that LOINC does not
// code item by item.
const CodeSystemCarepath = "https://carepath.example/fhir/CodeSystem/instrument"

// independence is a Katz item's two answers.
func independence(independent, dependent string) []Option {
	return []Option{{Code: "independent", Display: "Independent: " + independent, Points: 1},
		{Code: "dependent", Display: "Dependent: " + dependent, Points: 0}}
}

// KatzADL is the Katz Index of Independence in Activities of Daily Living:
// six functions, each independent (1) or dependent (0).
var KatzADL = &Instrument{ID: "katz-adl", Name: "Katz ADL", Version: "1", Code: "katz-adl", TotalCode: "katz-adl-total",
	CodeSystem: CodeSystemCarepath,
	Source: "Katz S, Ford AB, Moskowitz RW, Jackson BA, Jaffe MW. Studies of illness in the aged. The index of ADL. JAMA " +
		"1963;185:914-9. Scoring as in Shelkey M, Wallace M, Try This: Katz Index of Independence in Activities of Daily " +
		"Living (Hartford Institute for Geriatric Nursing): 6 full function, 4 moderate impairment, 2 or less severe " +
		"functional impairment; Carepath counts 3 and 5 with 4.",
	Intro: "For each activity, is the person independent (no supervision, direction or personal help) or dependent?",
	Items: []Item{
		{ID: "katz-bathing", Text: "Bathing", Options: independence("bathes self completely, or needs help with only one part of the body", "needs help with more than one part of the body, or getting in or out of the tub or shower")},
		{ID: "katz-dressing", Text: "Dressing", Options: independence("gets clothes and dresses completely, without help (help with tying shoes allowed)", "needs help with dressing, or to be completely dressed")},
		{ID: "katz-toileting", Text: "Toileting", Options: independence("goes to the toilet, gets on and off, arranges clothes, cleans without help", "needs help to transfer to the toilet or to clean, or uses a bedpan or commode")},
		{ID: "katz-transferring", Text: "Transferring", Options: independence("moves in and out of bed or a chair unassisted (mechanical aids allowed)", "needs help moving from bed to chair, or a complete transfer")},
		{ID: "katz-continence", Text: "Continence", Options: independence("full control of urination and defecation", "partly or wholly incontinent of bowel or bladder")},
		{ID: "katz-feeding", Text: "Feeding", Options: independence("gets food from plate into mouth without help (preparation by another allowed)", "needs partial or total help with feeding, or parenteral feeding")},
	},
	Bands: []Band{{0, 2, "severe impairment"}, {3, 5, "moderate impairment"}, {6, 6, "full function"}},
	rules: func(_ *Instrument, r *Result, _ Answers) {
		// A low score is the finding here: dependence in daily living.
		r.Positive = *r.Total <= 5
		if *r.Total <= 2 {
			r.Findings = append(r.Findings, Finding{Kind: FindingFollowUp,
				Text: fmt.Sprintf("Katz ADL of %d (2 or less): severe functional impairment; review home support and caregiver", *r.Total)})
		}
	}}

// CaregiverStrain is the Caregiver Strain Index: thirteen yes-or-no
// statements from the caregiver; 7 or more "yes" is a high level of strain.
var CaregiverStrain = &Instrument{ID: "caregiver-strain", Name: "Caregiver Strain Index", Version: "1", Code: "caregiver-strain-index",
	TotalCode: "caregiver-strain-index-total", CodeSystem: CodeSystemCarepath,
	Source: "Robinson BC. Validation of a Caregiver Strain Index. J Gerontol 1983;38(3):344-8. Thirteen items, one point " +
		"each; 7 or more indicates a high level of stress. (The MCC eCare Plan questionnaire lists twelve of them.)",
	Intro: "I am going to read a list of things which other people have found to be difficult in helping out after " +
		"somebody comes home from the hospital. Would you tell me whether any of these apply to you?",
	Items: func() []Item {
		var items []Item
		for i, text := range []string{
			"Sleep is disturbed (e.g., because the person is in and out of bed or wanders around at night)",
			"It is inconvenient (e.g., because helping takes so much time or it's a long drive over to help)",
			"It is a physical strain (e.g., because of lifting in and out of a chair; effort or concentration is required)",
			"It is confining (e.g., helping restricts free time or cannot go visiting)",
			"There have been family adjustments (e.g., because helping has disrupted routine; there has been no privacy)",
			"There have been changes in personal plans (e.g., had to turn down a job; could not go on vacation)",
			"There have been other demands on my time (e.g., from other family members)",
			"There have been emotional adjustments (e.g., because of severe arguments)",
			"Some behavior is upsetting (e.g., because of incontinence; the person has trouble remembering things; or accuses people of taking things)",
			"It is upsetting to find the person has changed so much from his/her former self (e.g., he/she is a different person than he/she used to be)",
			"There have been work adjustments (e.g., because of having to take time off)",
			"It is a financial strain",
			"Feeling completely overwhelmed (e.g., because of worry about the person; concerns about how you will manage)",
		} {
			items = append(items, Item{ID: fmt.Sprintf("csi-%d", i+1), Text: text,
				Options: []Option{{Code: "yes", Display: "Yes", Points: 1}, {Code: "no", Display: "No", Points: 0}}})
		}
		return items
	}(),
	Bands:      []Band{{0, 6, "lower strain"}, {7, 13, "high strain"}},
	PositiveAt: 7,
	rules: func(_ *Instrument, r *Result, _ Answers) {
		if r.Positive {
			r.Findings = append(r.Findings, Finding{Kind: FindingFollowUp,
				Text: fmt.Sprintf("Caregiver Strain Index of %d (7 or more): high strain; offer caregiver support and respite resources", *r.Total)})
		}
	}}

// lawton builds an IADL item: the answers in order with their points.
func lawton(id, text string, answers ...string) Item {
	it := Item{ID: id, Text: text}
	for i, a := range answers {
		points := 0
		if a[0] == '+' {
			points, a = 1, a[1:]
		}
		it.Options = append(it.Options, Option{Code: fmt.Sprintf("%s-%d", id, i+1), Display: a, Points: points})
	}
	return it
}

// LawtonIADL is the Lawton Instrumental Activities of Daily Living scale:
// eight areas, each scored 1 for the answers that show the person manages
// it, for a total from 0 (low function, dependent) to 8 (high function,
// independent). It has no published bands: the total is followed over time.
var LawtonIADL = &Instrument{ID: "lawton-iadl", Name: "Lawton IADL", Version: "1", Code: "lawton-iadl", TotalCode: "lawton-iadl-total",
	CodeSystem: CodeSystemCarepath,
	Source: "Lawton MP, Brody EM. Assessment of older people: self-maintaining and instrumental activities of daily living. " +
		"Gerontologist 1969;9(3):179-86. Items and scoring as in Graf C, Try This: The Lawton Instrumental Activities of Daily " +
		"Living Scale (Hartford Institute for Geriatric Nursing): 0 low function, dependent; 8 high function, independent.",
	Intro: "For each area, choose the description that is closest to the person's highest level of functioning.",
	Items: []Item{
		lawton("iadl-telephone", "Ability to use the telephone", "+Operates the telephone on own initiative; looks up and dials numbers",
			"+Dials a few well-known numbers", "+Answers the telephone, but does not dial", "Does not use the telephone at all"),
		lawton("iadl-shopping", "Shopping", "+Takes care of all shopping needs independently", "Shops independently for small purchases",
			"Needs to be accompanied on any shopping trip", "Completely unable to shop"),
		lawton("iadl-food", "Food preparation", "+Plans, prepares and serves adequate meals independently",
			"Prepares adequate meals if supplied with ingredients", "Heats and serves prepared meals, or prepares meals but does not maintain an adequate diet",
			"Needs to have meals prepared and served"),
		lawton("iadl-housekeeping", "Housekeeping", "+Maintains the house alone, or with occasional help (heavy work)",
			"+Performs light daily tasks such as dishwashing and bed making", "+Performs light daily tasks, but cannot keep an acceptable level of cleanliness",
			"+Needs help with all home maintenance tasks", "Does not take part in any housekeeping tasks"),
		lawton("iadl-laundry", "Laundry", "+Does personal laundry completely", "+Launders small items", "All laundry must be done by others"),
		lawton("iadl-transport", "Mode of transportation", "+Travels independently on public transportation, or drives own car",
			"+Arranges own travel by taxi, but does not otherwise use public transportation", "+Travels on public transportation when accompanied by another",
			"Travel limited to taxi or car with the help of another", "Does not travel at all"),
		lawton("iadl-medications", "Responsibility for own medications", "+Takes medications in the correct doses at the correct times",
			"Takes responsibility if medication is prepared in advance in separate doses", "Is not capable of dispensing own medication"),
		lawton("iadl-finances", "Ability to handle finances", "+Manages financial matters independently (budgets, writes checks, pays bills, goes to the bank)",
			"+Manages day-to-day purchases, but needs help with banking and major purchases", "Incapable of handling money"),
	}}

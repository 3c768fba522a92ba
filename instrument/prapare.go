package instrument

// PRAPARE needs beyond the AHC's (which it shares: housing, food,
// transportation, utilities, interpersonal safety).
const (
	DomainMaterial  = "material security"
	DomainIsolation = "social isolation"
	DomainStress    = "stress"
	DomainEmploy    = "employment"
	DomainEducation = "education"
	DomainInsurance = "insurance"
)

// PRAPARE's answers, most of them LOINC's.
var (
	prapareDecline = Option{Code: "LA30122-8", Display: "I choose not to answer this question"}
	prapareYes     = Option{Code: "LA33-6", Display: "Yes"}
	prapareNo      = Option{Code: "LA32-8", Display: "No"}
)

func prapareYesNo(yesIsRisk bool) []Option {
	yes := prapareYes
	yes.Risk = yesIsRisk
	return []Option{yes, prapareNo, prapareDecline}
}

// PRAPARE is the Protocol for Responding to and Assessing Patients'
// Assets, Risks, and Experiences: 17 core questions in four parts and 4
// optional ones. It has no total here. A need is positive by its risk
// answers (see Source for which); the personal characteristics (ethnicity,
// race, farm work, veteran status, language) are recorded, not screened.
// Income and household size are recorded; whether they fall under the
// poverty guideline is not computed.
var PRAPARE = &Instrument{ID: "prapare", Name: "PRAPARE", Version: "1", Code: "93025-5", Category: "sdoh",
	Source: "National Association of Community Health Centers, PRAPARE: Protocol for Responding to and Assessing " +
		"Patients' Assets, Risks, and Experiences (2016), and its FHIR Questionnaire (LOINC 93025-5, as published " +
		"with MyCarePlanner). Risk answers, Carepath's reading of the PRAPARE Implementation and Action Toolkit: " +
		"no housing or worried about losing it; unable to get food, utilities, clothing, child care, health care, " +
		"a phone or other needs; transportation kept from appointments or daily needs; seeing people one feels " +
		"close to twice a week or less; stress quite a bit or very much; not (or unsure of) feeling safe, or " +
		"afraid of a partner; unemployed; less than high school; uninsured.",
	Intro: "These questions help us understand your needs and connect you with resources. " +
		"You may choose not to answer any of them.",
	Items: []Item{
		{ID: "56051-6", Section: "Personal characteristics", Text: "Are you Hispanic or Latino?", Options: prapareYesNo(false)},
		{ID: "32624-9", Section: "Personal characteristics", Text: "Which race(s) are you?", Multiple: true, Options: []Option{
			{Code: "LA6156-9", Display: "Asian"}, {Code: "LA14045-1", Display: "Native Hawaiian"},
			{Code: "LA30187-1", Display: "Pacific Islander"}, {Code: "LA14042-8", Display: "Black/African American"},
			{Code: "LA4457-3", Display: "White"}, {Code: "LA4-4", Display: "American Indian/Alaskan Native"},
			{Code: "LA46-8", Display: "Other"}, prapareDecline}},
		{ID: "93035-4", Section: "Personal characteristics", Options: prapareYesNo(false),
			Text: "At any point in the past 2 years, has season or migrant farm work been your or your family's main source of income?"},
		{ID: "93034-7", Section: "Personal characteristics", Text: "Have you been discharged from the armed forces of the United States?",
			Options: prapareYesNo(false)},
		{ID: "54899-0", Section: "Personal characteristics", Text: "What language are you most comfortable speaking?", Options: []Option{
			{Code: "LA43-5", Display: "English"}, {Code: "LA30188-9", Display: "Language other than English"}, prapareDecline}},

		{ID: "63512-8", Section: "Family and home", Type: Integer, Min: 1, Max: 99, Unit: "people", Optional: true,
			Text: "How many family members, including yourself, do you currently live with?"},
		{ID: "71802-3", Section: "Family and home", Domain: DomainHousing, Text: "What is your housing situation today?", Options: []Option{
			{Code: "LA30189-7", Display: "I have housing"},
			{Code: "LA30190-5", Display: "I do not have housing (staying with others, in a hotel, in a shelter, living outside on the street, on a beach, in a car, or in a park)", Risk: true},
			prapareDecline}},
		{ID: "93033-9", Section: "Family and home", Domain: DomainHousing, Text: "Are you worried about losing your housing?", Options: prapareYesNo(true)},
		{ID: "56799-0", Section: "Family and home", Type: Text, Optional: true, Text: "What address do you live at?"},

		{ID: "82589-3", Section: "Money and resources", Domain: DomainEducation, Text: "What is the highest level of school that you have finished?", Options: []Option{
			{Code: "LA30191-3", Display: "Less than high school degree", Risk: true}, {Code: "LA30192-1", Display: "High school diploma or GED"},
			{Code: "LA30193-9", Display: "More than high school"}, prapareDecline}},
		{ID: "67875-5", Section: "Money and resources", Domain: DomainEmploy, Text: "What is your current work situation?", Options: []Option{
			{Code: "LA17956-6", Display: "Unemployed", Risk: true}, {Code: "LA30138-4", Display: "Part-time or temporary work"},
			{Code: "LA30136-8", Display: "Full-time work"},
			{Code: "LA30137-6", Display: "Otherwise unemployed but not seeking work (ex: student, retired, disabled, unpaid primary care giver)"},
			prapareDecline}},
		{ID: "76437-3", Section: "Money and resources", Domain: DomainInsurance, Text: "What is your main insurance?", Options: []Option{
			{Code: "LA30194-7", Display: "None/uninsured", Risk: true}, {Code: "LA17849-3", Display: "Medicaid"},
			{Code: "LA30195-4", Display: "CHIP Medicaid"}, {Code: "LA15652-3", Display: "Medicare"},
			{Code: "LA30196-2", Display: "Other public insurance (not CHIP)"}, {Code: "LA30197-0", Display: "Other public insurance (CHIP)"},
			{Code: "LA6350-8", Display: "Private insurance"}}},
		{ID: "63586-2", Section: "Money and resources", Type: Decimal, Min: 0, Max: 100_000_000, Unit: "US dollars", Optional: true,
			Text: "During the past year, what was the total combined income for you and the family members you live with? This information will help us determine if you are eligible for any benefits."},
		{ID: "93031-3", Section: "Money and resources", Domain: DomainMaterial, Multiple: true,
			Text: "In the past year, have you or any family members you live with been unable to get any of the following when it was really needed?",
			Options: []Option{
				{Code: "LA30125-1", Display: "Food", Risk: true, Domain: DomainFood},
				{Code: "LA30126-9", Display: "Clothing", Risk: true},
				{Code: "LA30124-4", Display: "Utilities", Risk: true, Domain: DomainUtilities},
				{Code: "LA30127-7", Display: "Child care", Risk: true},
				{Code: "LA30128-5", Display: "Medicine or Any Health Care (Medical, Dental, Mental Health, Vision)", Risk: true},
				{Code: "LA30129-3", Display: "Phone", Risk: true},
				{Code: "LA46-8", Display: "Other", Risk: true},
				prapareDecline}},
		{ID: "93030-5", Section: "Money and resources", Domain: DomainTransportation,
			Text: "Has lack of transportation kept you from medical appointments, meetings, work, or from getting things needed for daily living?",
			Options: []Option{
				{Code: "LA30133-5", Display: "Yes, it has kept me from medical appointments or from getting my medications", Risk: true},
				{Code: "LA30134-3", Display: "Yes, it has kept me from non-medical meetings, appointments, work, or from getting things that I need", Risk: true},
				prapareNo, prapareDecline}},

		{ID: "93029-7", Section: "Social and emotional health", Domain: DomainIsolation,
			Text: "How often do you see or talk to people that you care about and feel close to (for example: talking to friends on the phone, visiting friends or family, going to church or club meetings)?",
			Options: []Option{
				{Code: "LA27722-0", Display: "Less than once a week", Risk: true}, {Code: "LA30130-1", Display: "1 or 2 times a week", Risk: true},
				{Code: "LA30131-9", Display: "3 to 5 times a week"}, {Code: "LA30132-7", Display: "5 or more times a week"}, prapareDecline}},
		{ID: "93038-8", Section: "Social and emotional health", Domain: DomainStress,
			Text: "Stress is when someone feels tense, nervous, anxious or can't sleep at night because their mind is troubled. How stressed are you?",
			Options: []Option{
				{Code: "LA6568-5", Display: "Not at all"}, {Code: "LA13863-8", Display: "A little bit"}, {Code: "LA13909-9", Display: "Somewhat"},
				{Code: "LA13902-4", Display: "Quite a bit", Risk: true}, {Code: "LA13914-9", Display: "Very much", Risk: true}, prapareDecline}},

		{ID: "93028-9", Section: "Optional questions", Optional: true, Options: prapareYesNo(false),
			Text: "In the past year, have you spent more than 2 nights in a row in a jail, prison, detention center, or juvenile correctional facility?"},
		{ID: "93027-1", Section: "Optional questions", Optional: true, Text: "Are you a refugee?", Options: prapareYesNo(false)},
		{ID: "93026-3", Section: "Optional questions", Optional: true, Domain: DomainSafety,
			Text: "Do you feel physically and emotionally safe where you currently live?", Options: []Option{
				prapareYes, {Code: "LA32-8", Display: "No", Risk: true}, {Code: "LA14072-5", Display: "Unsure", Risk: true}, prapareDecline}},
		{ID: "76501-6", Section: "Optional questions", Optional: true, Domain: DomainSafety,
			Text: "In the past year, have you been afraid of your partner or ex-partner?", Options: []Option{
				{Code: "LA33-6", Display: "Yes", Risk: true}, prapareNo}},
	},
	rules: func(in *Instrument, r *Result, a Answers) {
		screenDomains(in, r, a, []string{DomainHousing, DomainFood, DomainUtilities, DomainMaterial, DomainTransportation,
			DomainIsolation, DomainStress, DomainSafety, DomainEmploy, DomainEducation, DomainInsurance})
	},
}

package instrument

// WhatMatters is the "what matters to you" conversation: what the patient
// cares about and wants, in their own words, and which of Patient
// Priorities Care's four values matter most to them. It is not scored; its
// goals are the care plan's starting point, written as the patient said
// them.
var WhatMatters = &Instrument{ID: "what-matters", Name: "What matters to you", Version: "1", Code: "what-matters",
	CodeSystem: CodeSystemCarepath,
	Source: "Institute for Healthcare Improvement, Age-Friendly Health Systems: Guide to Using the 4Ms in the Care of " +
		"Older Adults (2020), \"What Matters\"; Patient Priorities Care (Tinetti ME, Naik AD, Dindo L, et al. JAMA " +
		"Intern Med 2019;179(12):1688-97; patientprioritiescare.org), its values connecting, functioning, managing " +
		"health and enjoying life, and its health outcome goals and care preferences.",
	Intro: "This is the patient's own view, in their words. Write down what they say, not a summary in clinical terms; " +
		"the goals go to the care plan as written.",
	Items: []Item{
		{ID: "what-matters-most", Type: Text, Text: "What matters most to you in your life right now?"},
		{ID: "values", Multiple: true, Optional: true, Text: "Which of these matter most to you?", Options: []Option{
			{Code: "connecting", Display: "Connecting: the people, places and spiritual practices that give my life meaning"},
			{Code: "functioning", Display: "Functioning: looking after myself and staying independent"},
			{Code: "managing-health", Display: "Managing health: how I feel day to day, weighed against living longer"},
			{Code: "enjoying-life", Display: "Enjoying life: the things I like to do"}}},
		{ID: "goal-1", Type: Text, Text: "What is the one thing you most want to be able to do, or to work on, in the coming months?"},
		{ID: "goal-2", Type: Text, Optional: true, Text: "What else would you like to work on?"},
		{ID: "goal-3", Type: Text, Optional: true, Text: "And is there a third thing?"},
		{ID: "worries", Type: Text, Optional: true, Text: "What worries you most about your health?"},
		{ID: "care-preferences", Type: Text, Optional: true,
			Text: "Is there any care, test, medicine or visit that you find too hard, or would rather not have?"},
		{ID: "support", Type: Text, Optional: true, Text: "Who helps you, and whom would you like involved in your care?"},
	},
}

// Package risk computes readmission and comorbidity scores (LACE,
// HOSPITAL, Charlson) from the facts of a record: every component with
// the points it gave and the facts behind them, and a component whose
// data is missing says so instead of scoring 0 in silence. It is pure (no
// I/O) and table-tested against the published definitions.
package risk

import (
	"slices"
	"strings"

	"carepath"
	"carepath/codeset"
)

// Category is a comorbidity of the Charlson index, with its weights in
// the Charlson index and in LACE's C, and the codes that name it: ICD-10
// prefixes (Quan et al. 2005) and SNOMED CT concepts (Carepath's map of the
// concepts sources send most).
type Category struct {
	ID       string
	Name     string
	Charlson int
	LACE     int
	// Group ranks tiers of one disease (liver, diabetes, tumour): a patient
	// with both counts only the higher.
	Group  string
	ICD10  []string
	SNOMED []string
}

// CodeSource names where the code sets come from.
const CodeSource = "ICD-10: Quan H, Sundararajan V, Halfon P, et al. Coding algorithms for defining comorbidities in ICD-9-CM and " +
	"ICD-10 administrative data. Med Care 2005;43(11):1130-9. SNOMED CT: Carepath's map of the concepts Synthea and US Core examples send " +
	"(shared with the rules and templates where they name the same condition: package codeset)."

// Categories are the Charlson comorbidities. Weights: Charlson ME et al., J
// Chronic Dis 1987;40(5):373-83; LACE: van Walraven C et al., CMAJ
// 2010;182(6):551-7 (as in the domain reference).
var Categories = []Category{
	{ID: "mi", Name: "myocardial infarction", Charlson: 1, LACE: 1, ICD10: []string{"I21", "I22", "I25.2"},
		SNOMED: []string{"22298006", "401303003", "401314000", "399211009"}},
	{ID: "chf", Name: "heart failure", Charlson: 1, LACE: 2, ICD10: []string{"I09.9", "I11.0", "I13.0", "I13.2", "I25.5", "I42.0", "I42.5", "I42.6", "I42.7", "I42.8", "I42.9", "I43", "I50", "P29.0"},
		SNOMED: codeset.HeartFailure.SNOMED},
	{ID: "pvd", Name: "peripheral vascular disease", Charlson: 1, LACE: 1, ICD10: []string{"I70", "I71", "I73.1", "I73.8", "I73.9", "I77.1", "I79.0", "I79.2", "K55.1", "K55.8", "K55.9", "Z95.8", "Z95.9"},
		SNOMED: []string{"400047006", "840580004"}},
	{ID: "cvd", Name: "cerebrovascular disease", Charlson: 1, LACE: 1, ICD10: []string{"G45", "G46", "H34.0", "I60", "I61", "I62", "I63", "I64", "I65", "I66", "I67", "I68", "I69"},
		SNOMED: []string{"230690007", "266257000", "422504002"}},
	{ID: "dementia", Name: "dementia", Charlson: 1, LACE: 3, ICD10: []string{"F00", "F01", "F02", "F03", "F05.1", "G30", "G31.1"},
		SNOMED: codeset.Dementia.SNOMED},
	{ID: "cpd", Name: "chronic pulmonary disease", Charlson: 1, LACE: 2, ICD10: []string{"I27.8", "I27.9", "J40", "J41", "J42", "J43", "J44", "J45", "J46", "J47", "J60", "J61", "J62", "J63", "J64", "J65", "J66", "J67", "J68.4", "J70.1", "J70.3"},
		// COPD, and emphysema and asthma, which Charlson counts too.
		SNOMED: slices.Concat(codeset.COPD.SNOMED, []string{"87433001", "195967001", "233678006"})},
	{ID: "ctd", Name: "connective tissue disease", Charlson: 1, LACE: 3, ICD10: []string{"M05", "M06", "M31.5", "M32", "M33", "M34", "M35.1", "M35.3", "M36.0"},
		SNOMED: []string{"69896004", "55464009"}},
	{ID: "pud", Name: "peptic ulcer disease", Charlson: 1, LACE: 0, ICD10: []string{"K25", "K26", "K27", "K28"}, SNOMED: []string{"13200003"}},
	{ID: "liver-mild", Name: "mild liver disease", Charlson: 1, LACE: 2, Group: "liver",
		ICD10:  []string{"B18", "K70.0", "K70.1", "K70.2", "K70.3", "K70.9", "K71.3", "K71.4", "K71.5", "K71.7", "K73", "K74", "K76.0", "K76.2", "K76.3", "K76.4", "K76.8", "K76.9", "Z94.4"},
		SNOMED: []string{"19943007", "128302006"}},
	{ID: "diabetes", Name: "diabetes without complications", Charlson: 1, LACE: 1, Group: "diabetes",
		ICD10: []string{"E10.0", "E10.1", "E10.6", "E10.8", "E10.9", "E11.0", "E11.1", "E11.6", "E11.8", "E11.9", "E13.0", "E13.1", "E13.6", "E13.8", "E13.9"},
		// Type 2 diabetes, type 1 (46635009) and unspecified (73211009).
		SNOMED: slices.Concat(codeset.Type2Diabetes.SNOMED, []string{"46635009", "73211009"})},
	{ID: "diabetes-complicated", Name: "diabetes with end-organ damage", Charlson: 2, LACE: 2, Group: "diabetes",
		ICD10:  []string{"E10.2", "E10.3", "E10.4", "E10.5", "E10.7", "E11.2", "E11.3", "E11.4", "E11.5", "E11.7", "E13.2", "E13.3", "E13.4", "E13.5", "E13.7"},
		SNOMED: []string{"127013003", "4855003", "422034002", "1551000119108", "368581000119106"}},
	{ID: "hemiplegia", Name: "hemiplegia or paraplegia", Charlson: 2, LACE: 0, ICD10: []string{"G04.1", "G11.4", "G80.1", "G80.2", "G81", "G82", "G83.0", "G83.1", "G83.2", "G83.3", "G83.4", "G83.9"},
		SNOMED: []string{"50582007", "60389000"}},
	{ID: "renal", Name: "moderate or severe renal disease", Charlson: 2, LACE: 2,
		ICD10:  []string{"I12.0", "I13.1", "N03.2", "N03.3", "N03.4", "N03.5", "N03.6", "N03.7", "N05.2", "N05.3", "N05.4", "N05.5", "N05.6", "N05.7", "N18", "N19", "N25.0", "Z49.0", "Z49.1", "Z49.2", "Z94.0", "Z99.2"},
		SNOMED: []string{"433144002", "431857002", "46177005"}},
	{ID: "tumor", Name: "any tumour (solid, leukaemia, lymphoma), not metastatic", Charlson: 2, LACE: 2, Group: "tumour",
		ICD10: []string{"C00", "C01", "C02", "C03", "C04", "C05", "C06", "C07", "C08", "C09", "C10", "C11", "C12", "C13", "C14", "C15", "C16", "C17", "C18", "C19", "C20", "C21", "C22", "C23", "C24", "C25", "C26",
			"C30", "C31", "C32", "C33", "C34", "C37", "C38", "C39", "C40", "C41", "C43", "C45", "C46", "C47", "C48", "C49", "C50", "C51", "C52", "C53", "C54", "C55", "C56", "C57", "C58",
			"C60", "C61", "C62", "C63", "C64", "C65", "C66", "C67", "C68", "C69", "C70", "C71", "C72", "C73", "C74", "C75", "C76", "C81", "C82", "C83", "C84", "C85", "C88", "C90", "C91", "C92", "C93", "C94", "C95", "C96", "C97"},
		SNOMED: []string{"254837009", "254637007", "363406005", "93761005", "363358000", "109838007"}},
	{ID: "liver-severe", Name: "moderate or severe liver disease", Charlson: 3, LACE: 4, Group: "liver",
		ICD10:  []string{"I85.0", "I85.9", "I86.4", "I98.2", "K70.4", "K71.1", "K72.1", "K72.9", "K76.5", "K76.6", "K76.7"},
		SNOMED: []string{"34742003"}},
	{ID: "metastatic", Name: "metastatic solid tumour", Charlson: 6, LACE: 6, Group: "tumour", ICD10: []string{"C77", "C78", "C79", "C80"},
		SNOMED: []string{"128462008"}},
	{ID: "aids", Name: "AIDS/HIV", Charlson: 6, LACE: 4, ICD10: []string{"B20", "B21", "B22", "B24"}, SNOMED: []string{"62479008", "86406008"}},
}

// Finding is a comorbidity found on the problem list, and the condition
// that shows it.
type Finding struct {
	Category    Category
	ConditionID string
	Display     string
}

// Comorbidities finds the Charlson categories among the patient's
// conditions that are not resolved, each once (its first condition), and
// within a group (liver, diabetes, tumour) only the highest tier.
func Comorbidities(conditions []carepath.Condition) []Finding {
	var found []Finding
	for _, cat := range Categories {
		for _, c := range conditions {
			if c.ClinicalStatus == "resolved" || c.ClinicalStatus == "inactive" || c.ClinicalStatus == "remission" {
				continue
			}
			if matches(cat, c.Code) {
				found = append(found, Finding{Category: cat, ConditionID: c.ID, Display: c.Code.Display})
				break
			}
		}
	}
	return slices.DeleteFunc(found, func(f Finding) bool {
		if f.Category.Group == "" {
			return false
		}
		for _, g := range found {
			if g.Category.Group == f.Category.Group && g.Category.Charlson > f.Category.Charlson {
				return true
			}
		}
		return false
	})
}

// matches reports whether a condition's code names the category: ICD-10
// (or ICD-10-CM) by prefix, with or without the dot; SNOMED CT by concept.
func matches(cat Category, c carepath.Coding) bool {
	sys := strings.ToLower(c.System)
	if strings.Contains(sys, "icd-10") || strings.Contains(sys, "icd10") {
		code := strings.ReplaceAll(strings.ToUpper(c.Code), ".", "")
		for _, p := range cat.ICD10 {
			if strings.HasPrefix(code, strings.ReplaceAll(p, ".", "")) {
				return true
			}
		}
		return false
	}
	return slices.Contains(cat.SNOMED, c.Code)
}

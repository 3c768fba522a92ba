// Package codeset holds the clinical code sets Carepath's rules select
// conditions by (SNOMED CT concepts and ICD-10-CM prefixes), as data with
// their source, so that a rule, a template and a score name a condition
// the same way.
package codeset

import "carepath"

// The code sets. Each SNOMED CT list is the concept and the descendants
// the sources in use send most (Synthea, US Core examples); each ICD-10-CM
// prefix takes its children.
var (
	// HeartFailure: 84114007 and descendants; ICD-10-CM I50.
	HeartFailure = carepath.ConditionMatch{
		SNOMED:        []string{"84114007", "42343007", "88805009", "85232009", "10633002", "703272007", "446221000", "417996009", "128404006"},
		ICD10Prefixes: []string{"I50"}}
	// Depression: depressive disorder (35489007), major depressive
	// disorder and its episodes; ICD-10-CM F32, F33.
	Depression = carepath.ConditionMatch{
		SNOMED:        []string{"35489007", "370143000", "36923009", "66344007"},
		ICD10Prefixes: []string{"F32", "F33"}}
	// Type2Diabetes: 44054006 and its common descendants, diabetic CKD
	// (771000119108, type 2 diabetes with diabetic chronic kidney disease:
	// both conditions, and the eligibility words left the diabetes out);
	// ICD-10-CM E11.
	Type2Diabetes = carepath.ConditionMatch{SNOMED: []string{"44054006", "190388001", "313436004", "771000119108"}, ICD10Prefixes: []string{"E11"}}
	// Hypertension: 38341003, essential hypertension 59621000; I10.
	Hypertension = carepath.ConditionMatch{SNOMED: []string{"38341003", "59621000"}, ICD10Prefixes: []string{"I10"}}
	// COPD: 13645005, and 185086009 (chronic obstructive bronchitis); J44.
	COPD = carepath.ConditionMatch{SNOMED: []string{"13645005", "185086009"}, ICD10Prefixes: []string{"J44"}}
	// Dementia: 52448006, Alzheimer's disease 26929004 (and its familial
	// early onset, 230265002); F03, G30.
	Dementia = carepath.ConditionMatch{SNOMED: []string{"52448006", "26929004", "230265002"}, ICD10Prefixes: []string{"F03", "G30"}}
	// ChronicKidneyDisease: 709044004 and its stages (3: 433144002, with
	// 3a 700378005, 3b 700379002; 4: 431857002; 5: 433146000), diabetic
	// CKD 771000119108; N18.
	ChronicKidneyDisease = carepath.ConditionMatch{SNOMED: []string{"709044004", "433144002", "700378005", "700379002", "431857002", "433146000",
		"771000119108"}, ICD10Prefixes: []string{"N18"}}
	// CoronaryDisease: coronary arteriosclerosis 53741008, ischemic heart
	// disease 414545008; I20, I25.
	CoronaryDisease = carepath.ConditionMatch{SNOMED: []string{"53741008", "414545008"}, ICD10Prefixes: []string{"I20", "I25"}}
	// AtrialFibrillation: 49436004; I48.
	AtrialFibrillation = carepath.ConditionMatch{SNOMED: []string{"49436004"}, ICD10Prefixes: []string{"I48"}}
	// Hyperlipidemia: 55822004; E78.
	Hyperlipidemia = carepath.ConditionMatch{SNOMED: []string{"55822004"}, ICD10Prefixes: []string{"E78"}}
	// Asthma: 195967001; J45.
	Asthma = carepath.ConditionMatch{SNOMED: []string{"195967001"}, ICD10Prefixes: []string{"J45"}}
	// Anxiety: anxiety disorder 197480006, generalized 21897009; F41.
	Anxiety = carepath.ConditionMatch{SNOMED: []string{"197480006", "21897009"}, ICD10Prefixes: []string{"F41"}}
	// Osteoarthritis: 396275006; M15-M19.
	Osteoarthritis = carepath.ConditionMatch{SNOMED: []string{"396275006"}, ICD10Prefixes: []string{"M15", "M16", "M17", "M18", "M19"}}
	// Type1Diabetes: 46635009; E10.
	Type1Diabetes = carepath.ConditionMatch{SNOMED: []string{"46635009"}, ICD10Prefixes: []string{"E10"}}
)

// Chronic is a chronic condition the programs count, with what it is for
// them: behavioral (BHI and CoCM) or measured at home by a device (RPM).
type Chronic struct {
	Name        string
	Match       carepath.ConditionMatch
	Behavioral  bool
	Physiologic bool // a device measures it: blood pressure, weight, glucose, oxygen saturation
}

// ChronicConditions are the conditions expected to last 12 months or more
// that count toward care management (after the CMS Chronic Conditions
// Data Warehouse's list of chronic conditions, 2024).
var ChronicConditions = []Chronic{
	{Name: "heart failure", Match: HeartFailure, Physiologic: true},
	{Name: "hypertension", Match: Hypertension, Physiologic: true},
	{Name: "type 2 diabetes", Match: Type2Diabetes, Physiologic: true},
	{Name: "type 1 diabetes", Match: Type1Diabetes, Physiologic: true},
	{Name: "COPD", Match: COPD, Physiologic: true},
	{Name: "asthma", Match: Asthma, Physiologic: true},
	{Name: "chronic kidney disease", Match: ChronicKidneyDisease},
	{Name: "coronary artery disease", Match: CoronaryDisease},
	{Name: "atrial fibrillation", Match: AtrialFibrillation},
	{Name: "hyperlipidemia", Match: Hyperlipidemia},
	{Name: "osteoarthritis", Match: Osteoarthritis},
	{Name: "depression", Match: Depression, Behavioral: true},
	{Name: "anxiety", Match: Anxiety, Behavioral: true},
	{Name: "dementia", Match: Dementia, Behavioral: true},
}

// ChronicSource names where the list comes from.
const ChronicSource = "CMS Chronic Conditions Data Warehouse, chronic condition categories (2024); CMS MLN909188 (CCM: conditions expected to last at least 12 months)"

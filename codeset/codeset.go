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
	// Type2Diabetes: 44054006 and its common descendants; ICD-10-CM E11.
	Type2Diabetes = carepath.ConditionMatch{SNOMED: []string{"44054006", "190388001", "313436004"}, ICD10Prefixes: []string{"E11"}}
	// Hypertension: 38341003, essential hypertension 59621000; I10.
	Hypertension = carepath.ConditionMatch{SNOMED: []string{"38341003", "59621000"}, ICD10Prefixes: []string{"I10"}}
	// COPD: 13645005, and 185086009 (chronic obstructive bronchitis); J44.
	COPD = carepath.ConditionMatch{SNOMED: []string{"13645005", "185086009"}, ICD10Prefixes: []string{"J44"}}
	// Dementia: 52448006, Alzheimer's disease 26929004 (and its familial
	// early onset, 230265002); F03, G30.
	Dementia = carepath.ConditionMatch{SNOMED: []string{"52448006", "26929004", "230265002"}, ICD10Prefixes: []string{"F03", "G30"}}
)

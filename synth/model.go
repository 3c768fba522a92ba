// Package synth generates a synthetic adult primary-care population as FHIR
// R4 transaction bundles, deterministic for a seed and an as-of date. It is
// how Carepath is tested at 100,000 patients and more, and where the demo
// gets its data. Nothing in it is real: names, addresses and identifiers are
// made up, and clinical codes are standard (SNOMED CT, ICD-10-CM, LOINC,
// RxNorm) so that rules downstream can read them.
package synth

// condition is a chronic condition the generator can give a patient, with
// the codes a real record would carry and the medications usually started
// for it.
type condition struct {
	key     string
	snomed  string
	icd10   string
	display string
	meds    []medication
}

type medication struct {
	rxnorm  string
	display string
	dosage  string
}

var (
	condHypertension = condition{"hypertension", "38341003", "I10", "Essential hypertension",
		[]medication{{"314076", "lisinopril 10 MG Oral Tablet", "1 tablet by mouth daily"},
			{"197361", "amlodipine 5 MG Oral Tablet", "1 tablet by mouth daily"}}}
	condHyperlipidemia = condition{"hyperlipidemia", "55822004", "E78.5", "Hyperlipidemia",
		[]medication{{"617310", "atorvastatin 20 MG Oral Tablet", "1 tablet by mouth at bedtime"}}}
	condObesity  = condition{"obesity", "414916001", "E66.9", "Obesity", nil}
	condDiabetes = condition{"diabetes", "44054006", "E11.9", "Type 2 diabetes mellitus",
		[]medication{{"861007", "metformin hydrochloride 500 MG Oral Tablet", "1 tablet by mouth twice daily with meals"}}}
	condDiabetesCKD = condition{"diabetes", "771000119108", "E11.22", "Type 2 diabetes mellitus with diabetic chronic kidney disease",
		[]medication{{"311041", "insulin glargine 100 UNT/ML Injectable Solution", "20 units under the skin at bedtime"}}}
	condCKD = condition{"ckd", "433144002", "N18.30", "Chronic kidney disease stage 3", nil}
	condHF  = condition{"heart_failure", "84114007", "I50.9", "Heart failure",
		[]medication{{"197417", "furosemide 40 MG Oral Tablet", "1 tablet by mouth every morning"},
			{"200031", "carvedilol 6.25 MG Oral Tablet", "1 tablet by mouth twice daily"}}}
	condCAD = condition{"cad", "53741008", "I25.10", "Coronary arteriosclerosis",
		[]medication{{"243670", "aspirin 81 MG Oral Tablet", "1 tablet by mouth daily"}}}
	condAFib = condition{"afib", "49436004", "I48.91", "Atrial fibrillation",
		[]medication{{"1364445", "apixaban 5 MG Oral Tablet", "1 tablet by mouth twice daily"}}}
	condCOPD = condition{"copd", "13645005", "J44.9", "Chronic obstructive pulmonary disease",
		[]medication{{"745679", "albuterol 0.09 MG/ACTUAT Metered Dose Inhaler", "2 puffs every 4 hours as needed"},
			{"1552002", "tiotropium 0.0025 MG/ACTUAT Inhalation Spray", "2 puffs once daily"}}}
	condAsthma = condition{"asthma", "195967001", "J45.909", "Asthma",
		[]medication{{"745679", "albuterol 0.09 MG/ACTUAT Metered Dose Inhaler", "2 puffs every 4 hours as needed"}}}
	condDepression = condition{"depression", "370143000", "F32.9", "Major depressive disorder",
		[]medication{{"312940", "sertraline 50 MG Oral Tablet", "1 tablet by mouth daily"}}}
	condAnxiety = condition{"anxiety", "197480006", "F41.9", "Anxiety disorder",
		[]medication{{"349332", "escitalopram 10 MG Oral Tablet", "1 tablet by mouth daily"}}}
	condDementia = condition{"dementia", "52448006", "F03.90", "Dementia",
		[]medication{{"997223", "donepezil hydrochloride 10 MG Oral Tablet", "1 tablet by mouth at bedtime"}}}
	condOsteoarthritis = condition{"osteoarthritis", "396275006", "M19.90", "Osteoarthritis",
		[]medication{{"198440", "acetaminophen 500 MG Oral Tablet", "2 tablets by mouth every 8 hours as needed"}}}
)

// Prevalence is the share of generated patients expected to have a
// condition, with the bounds the generator's tests hold it to. The targets
// follow US adult primary-care figures (CDC NHANES and BRFSS, 2017-2022):
// hypertension near 45% of adults, diagnosed diabetes near 12%, heart
// failure 2-3%, COPD about 6%, CKD stage 3+ near 10%, depression diagnosed in
// about 15-18%, dementia a few percent of all adults.
type Prevalence struct {
	Condition string
	Min, Max  float64
}

// ExpectedPrevalence lists the bounds for an adult panel. They are wide
// enough for 2,000 patients and tight enough to catch a broken model.
var ExpectedPrevalence = []Prevalence{
	{"hypertension", 0.32, 0.50},
	{"hyperlipidemia", 0.20, 0.38},
	{"obesity", 0.30, 0.45},
	{"diabetes", 0.09, 0.17},
	{"ckd", 0.05, 0.15},
	{"heart_failure", 0.015, 0.06},
	{"cad", 0.04, 0.11},
	{"afib", 0.015, 0.06},
	{"copd", 0.04, 0.10},
	{"asthma", 0.05, 0.11},
	{"depression", 0.12, 0.22},
	{"anxiety", 0.08, 0.17},
	{"dementia", 0.01, 0.05},
	{"osteoarthritis", 0.10, 0.22},
}

var femaleNames = []string{"Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah",
	"Karen", "Lisa", "Nancy", "Betty", "Sandra", "Margaret", "Ashley", "Kimberly", "Emily", "Donna", "Michelle", "Carol",
	"Amanda", "Melissa", "Deborah", "Stephanie", "Dorothy", "Rebecca", "Sharon", "Laura", "Cynthia", "Amy", "Kathleen",
	"Angela", "Shirley", "Brenda", "Emma", "Anna", "Pamela", "Nicole", "Samantha", "Katherine", "Christine", "Helen",
	"Debra", "Rachel", "Carolyn", "Janet", "Maria", "Catherine", "Heather", "Diane", "Olivia", "Julie", "Joyce",
	"Victoria", "Ruth", "Virginia", "Lauren", "Kelly", "Christina", "Joan", "Evelyn", "Judith", "Andrea", "Hannah",
	"Megan", "Cheryl", "Jacqueline", "Martha", "Madison", "Teresa", "Gloria", "Sara", "Janice", "Ann", "Kathryn",
	"Abigail", "Sophia", "Frances", "Jean", "Alice", "Judy", "Isabella", "Julia", "Grace", "Amber", "Denise", "Danielle",
	"Marilyn", "Beverly", "Charlotte", "Natalie", "Theresa", "Diana", "Brittany", "Doris", "Kayla", "Alexis", "Lori",
	"Guadalupe", "Rosa", "Mei", "Linh", "Fatima", "Aisha", "Yolanda", "Esperanza", "Nadia", "Priya"}

var maleNames = []string{"James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas",
	"Christopher", "Charles", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Andrew", "Paul", "Joshua",
	"Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Jason", "Edward", "Jeffrey", "Ryan", "Jacob", "Gary",
	"Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon", "Benjamin", "Samuel", "Gregory",
	"Alexander", "Patrick", "Frank", "Raymond", "Jack", "Dennis", "Jerry", "Tyler", "Aaron", "Jose", "Adam", "Nathan",
	"Henry", "Zachary", "Douglas", "Peter", "Kyle", "Noah", "Ethan", "Jeremy", "Walter", "Christian", "Keith", "Roger",
	"Terry", "Austin", "Sean", "Gerald", "Carl", "Harold", "Dylan", "Arthur", "Lawrence", "Jordan", "Jesse", "Bryan",
	"Billy", "Bruce", "Gabriel", "Joe", "Logan", "Alan", "Juan", "Albert", "Willie", "Elijah", "Wayne", "Randy",
	"Vincent", "Mason", "Roy", "Ralph", "Bobby", "Russell", "Bradley", "Philip", "Eugene", "Carlos", "Luis", "Wei",
	"Minh", "Omar", "Ahmed", "Dmitri", "Jean-Pierre", "Rahul"}

var familyNames = []string{"Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez",
	"Martinez", "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
	"Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson", "Walker", "Young",
	"Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores", "Green", "Adams", "Nelson", "Baker", "Hall",
	"Rivera", "Campbell", "Mitchell", "Carter", "Roberts", "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker",
	"Cruz", "Edwards", "Collins", "Reyes", "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez",
	"Ortiz", "Morgan", "Cooper", "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward",
	"Richardson", "Watson", "Brooks", "Chavez", "Wood", "James", "Bennett", "Gray", "Mendoza", "Ruiz", "Hughes", "Price",
	"Alvarez", "Castillo", "Sanders", "Patel", "Myers", "Long", "Ross", "Foster", "Jimenez", "Chen", "Tran", "Wang",
	"Pham", "Okafor", "Haddad", "Ivanova", "Silva", "Pierre", "O'Brien", "Kowalski", "Nakamura", "Singh", "Murray"}

type place struct{ city, zip string }

var places = []place{{"Springfield", "01103"}, {"Worcester", "01608"}, {"Lowell", "01852"}, {"Brockton", "02301"},
	{"Quincy", "02169"}, {"Lynn", "01901"}, {"New Bedford", "02740"}, {"Fall River", "02720"}, {"Lawrence", "01840"},
	{"Framingham", "01702"}, {"Haverhill", "01830"}, {"Malden", "02148"}, {"Waltham", "02451"}, {"Chelsea", "02150"}}

var streets = []string{"Main St", "Elm St", "Oak Ave", "Maple St", "Washington St", "Pleasant St", "Park Ave",
	"Highland Ave", "School St", "Church St", "Union St", "Summer St", "Water St", "Prospect St", "Chestnut St"}

// language is a preferred language with its share of the panel.
type language struct {
	code, display string
	share         float64
}

var languages = []language{{"en", "English", 0.82}, {"es", "Spanish", 0.11}, {"zh", "Chinese", 0.015},
	{"vi", "Vietnamese", 0.012}, {"pt", "Portuguese", 0.012}, {"ht", "Haitian Creole", 0.01}, {"ru", "Russian", 0.008},
	{"ar", "Arabic", 0.008}, {"ko", "Korean", 0.005}}

// disposition is where an inpatient goes at discharge
// (http://terminology.hl7.org/CodeSystem/discharge-disposition), with its
// share of adult medical discharges.
type disposition struct {
	code, display string
	share         float64
}

var dispositions = []disposition{{"home", "Home", 0.70}, {"snf", "Skilled nursing facility", 0.10},
	{"rehab", "Rehabilitation", 0.05}, {"other-hcf", "Other healthcare facility", 0.03}, {"hosp", "Hospice", 0.03},
	{"long", "Long-term care", 0.02}, {"aadvice", "Left against advice", 0.02}, {"alt-home", "Alternative home", 0.03},
	{"exp", "Expired", 0.02}}

// Package billing is Carepath's billing engine for care management
// programs (Medicare's CCM, PCM, TCM, BHI and CoCM, RPM, APCM): the codes
// as dated data with their sources, and a pure function that turns one
// patient's calendar month (enrollments, consents, time, reading days,
// transitions) into the billable lines and, for everything not billable,
// why not. It does no I/O.
package billing

import (
	"cmp"
	"time"
)

// Programs.
const (
	CCM  = "CCM"  // chronic care management (complex CCM is CCM with its own codes)
	PCM  = "PCM"  // principal care management
	TCM  = "TCM"  // transitional care management
	BHI  = "BHI"  // general behavioral health integration
	CoCM = "CoCM" // psychiatric collaborative care
	RPM  = "RPM"  // remote physiologic monitoring
	APCM = "APCM" // advanced primary care management
)

// Programs lists them in the order reports show them.
var Programs = []string{CCM, PCM, TCM, BHI, CoCM, RPM, APCM}

// Staff says whose time counts toward a code.
type Staff string

const (
	// ClinicalStaff is time of clinical staff directed by the billing
	// practitioner; the practitioner's own time counts as clinical staff
	// time when they do that work themselves (CMS CCM FAQ, 2017).
	ClinicalStaff Staff = "clinical staff"
	// Practitioner is time the physician or other qualified health care
	// professional spends personally.
	Practitioner Staff = "practitioner"
)

// Sources cited by the codes.
const (
	srcCCM      = "CMS MLN909188, Chronic Care Management Services (2025); CY 2022 PFS final rule (CMS-1751-F)"
	srcCCM2021  = "CY 2021 PFS final rule (CMS-1734-F): 99439 replaces G2058, at most twice a month"
	srcPCM      = "CY 2022 PFS final rule (CMS-1751-F): 99424-99427 replace G2064/G2065; not with CCM by the same practitioner in a month"
	srcTCM      = "CMS MLN908628, Transitional Care Management Services (2024)"
	srcBHI      = "CMS MLN909432, Behavioral Health Integration Services (2025); CPT 2025: time rules at the midpoint"
	srcG2214    = "CY 2021 PFS final rule (CMS-1734-F): G2214, the first 30 minutes of CoCM in a month"
	srcRPM      = "CY 2021 PFS final rule (CMS-1734-F) and CY 2024 (CMS-1784-F): readings on at least 16 days of 30, 20-minute management with an interactive communication"
	srcRPM2026  = "CY 2026 PFS final rule (CMS-1832-F): 99445 (2-15 days of readings) and 99470 (first 10 minutes)"
	srcAPCM     = "CY 2025 PFS final rule (CMS-1807-F): G0556-G0558, monthly, no time threshold; CCM, PCM and TCM bundled for the same practitioner"
	srcAPCM2026 = "CY 2026 PFS final rule (CMS-1832-F): G0568-G0570, behavioral health add-ons to APCM mirroring 99492, 99493, 99484"
)

// Code is a billing code as dated data: what program it belongs to, whose
// minutes count and how many, the units a month allows, when it is in
// effect and where that is written.
type Code struct {
	Code    string
	Program string
	Name    string
	Staff   Staff // whose minutes count ("" for codes not billed by time)
	// First is the minutes the code needs (a base code), or, for an
	// add-on (AddOnTo set), the minutes past the base that the first unit
	// needs; Each the minutes each further unit needs.
	First, Each int
	AddOnTo     string
	// Full is a base code's full time when it is reportable from fewer
	// minutes (CoCM's midpoints): its add-on counts past Full. 0: First.
	Full int
	// Mirrors is the code an APCM add-on stands for when the APCM
	// practitioner bills that code.
	Mirrors  string
	MaxUnits int    // a month; 0: no cap
	From     string // YYYY-MM-DD, the first day in effect
	Until    string // YYYY-MM-DD, the last day in effect; "" still in effect
	Source   string
}

// InEffect reports whether the code is in effect on the first day of a
// month (codes change on 1 January).
func (c Code) InEffect(m Month) bool {
	day := time.Date(m.Year, m.Month, 1, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
	return day >= c.From && (c.Until == "" || day <= c.Until)
}

// Codes are the codes the engine bills, with their dates and sources.
var Codes = []Code{
	// Chronic care management, per calendar month.
	{Code: "99490", Program: CCM, Name: "CCM, first 20 minutes of clinical staff time", Staff: ClinicalStaff, First: 20, MaxUnits: 1, From: "2015-01-01", Source: srcCCM},
	{Code: "99439", Program: CCM, Name: "CCM, each further 20 minutes of clinical staff time", Staff: ClinicalStaff, AddOnTo: "99490", First: 20, Each: 20, MaxUnits: 2, From: "2021-01-01", Source: srcCCM2021},
	{Code: "99491", Program: CCM, Name: "CCM, first 30 minutes personally by the practitioner", Staff: Practitioner, First: 30, MaxUnits: 1, From: "2019-01-01", Source: srcCCM},
	{Code: "99437", Program: CCM, Name: "CCM, each further 30 minutes personally by the practitioner", Staff: Practitioner, AddOnTo: "99491", First: 30, Each: 30, From: "2022-01-01", Source: srcCCM},
	{Code: "99487", Program: CCM, Name: "Complex CCM, first 60 minutes of clinical staff time, moderate or high complexity, plan established or substantially revised", Staff: ClinicalStaff, First: 60, MaxUnits: 1, From: "2015-01-01", Source: srcCCM},
	{Code: "99489", Program: CCM, Name: "Complex CCM, each further 30 minutes of clinical staff time", Staff: ClinicalStaff, AddOnTo: "99487", First: 30, Each: 30, From: "2015-01-01", Source: srcCCM},
	// Principal care management.
	{Code: "99424", Program: PCM, Name: "PCM, first 30 minutes personally by the practitioner", Staff: Practitioner, First: 30, MaxUnits: 1, From: "2022-01-01", Source: srcPCM},
	{Code: "99425", Program: PCM, Name: "PCM, each further 30 minutes personally by the practitioner", Staff: Practitioner, AddOnTo: "99424", First: 30, Each: 30, From: "2022-01-01", Source: srcPCM},
	{Code: "99426", Program: PCM, Name: "PCM, first 30 minutes of clinical staff time", Staff: ClinicalStaff, First: 30, MaxUnits: 1, From: "2022-01-01", Source: srcPCM},
	{Code: "99427", Program: PCM, Name: "PCM, each further 30 minutes of clinical staff time", Staff: ClinicalStaff, AddOnTo: "99426", First: 30, Each: 30, From: "2022-01-01", Source: srcPCM},
	// Transitional care management, once per 30-day period.
	{Code: "99495", Program: TCM, Name: "TCM, at least moderate complexity, face-to-face visit within 14 days", MaxUnits: 1, From: "2013-01-01", Source: srcTCM},
	{Code: "99496", Program: TCM, Name: "TCM, high complexity, face-to-face visit within 7 days", MaxUnits: 1, From: "2013-01-01", Source: srcTCM},
	// Behavioral health: general BHI, and CoCM with its midpoint rules
	// (70 minutes reportable from 36, 60 from 31, each further 30 from 16).
	{Code: "99484", Program: BHI, Name: "General BHI, at least 20 minutes of clinical staff time", Staff: ClinicalStaff, First: 20, MaxUnits: 1, From: "2018-01-01", Source: srcBHI},
	{Code: "99492", Program: CoCM, Name: "CoCM, first month, 70 minutes (reportable from 36)", Staff: ClinicalStaff, First: 36, Full: 70, MaxUnits: 1, From: "2018-01-01", Source: srcBHI},
	{Code: "99493", Program: CoCM, Name: "CoCM, later months, 60 minutes (reportable from 31)", Staff: ClinicalStaff, First: 31, Full: 60, MaxUnits: 1, From: "2018-01-01", Source: srcBHI},
	{Code: "99494", Program: CoCM, Name: "CoCM, each further 30 minutes (reportable from 16 past the base's full time)", Staff: ClinicalStaff, First: 16, Each: 30, From: "2018-01-01", Source: srcBHI},
	{Code: "G2214", Program: CoCM, Name: "CoCM, the first 30 minutes in a month (reportable from 16), when 99492 or 99493 is not met", Staff: ClinicalStaff, First: 16, MaxUnits: 1, From: "2021-01-01", Source: srcG2214},
	// Remote physiologic monitoring.
	{Code: "99453", Program: RPM, Name: "RPM set-up and education, once per episode of care", MaxUnits: 1, From: "2019-01-01", Source: srcRPM},
	{Code: "99454", Program: RPM, Name: "RPM device supply with readings on 16-30 days", MaxUnits: 1, From: "2019-01-01", Source: srcRPM},
	{Code: "99445", Program: RPM, Name: "RPM device supply with readings on 2-15 days", MaxUnits: 1, From: "2026-01-01", Source: srcRPM2026},
	{Code: "99457", Program: RPM, Name: "RPM treatment management, first 20 minutes, with an interactive communication", Staff: ClinicalStaff, First: 20, MaxUnits: 1, From: "2019-01-01", Source: srcRPM},
	{Code: "99458", Program: RPM, Name: "RPM treatment management, each further 20 minutes", Staff: ClinicalStaff, AddOnTo: "99457", First: 20, Each: 20, From: "2020-01-01", Source: srcRPM},
	{Code: "99470", Program: RPM, Name: "RPM treatment management, first 10 minutes, with an interactive communication", Staff: ClinicalStaff, First: 10, MaxUnits: 1, From: "2026-01-01", Source: srcRPM2026},
	// Advanced primary care management, monthly, by level.
	{Code: "G0556", Program: APCM, Name: "APCM, level 1 (0-1 chronic condition)", MaxUnits: 1, From: "2025-01-01", Source: srcAPCM},
	{Code: "G0557", Program: APCM, Name: "APCM, level 2 (2 or more chronic conditions)", MaxUnits: 1, From: "2025-01-01", Source: srcAPCM},
	{Code: "G0558", Program: APCM, Name: "APCM, level 3 (2 or more chronic conditions, Qualified Medicare Beneficiary)", MaxUnits: 1, From: "2025-01-01", Source: srcAPCM},
	{Code: "G0568", Program: APCM, Name: "APCM add-on mirroring 99492 (CoCM, first month)", Mirrors: "99492", MaxUnits: 1, From: "2026-01-01", Source: srcAPCM2026},
	{Code: "G0569", Program: APCM, Name: "APCM add-on mirroring 99493 (CoCM, later months)", Mirrors: "99493", MaxUnits: 1, From: "2026-01-01", Source: srcAPCM2026},
	{Code: "G0570", Program: APCM, Name: "APCM add-on mirroring 99484 (general BHI)", Mirrors: "99484", MaxUnits: 1, From: "2026-01-01", Source: srcAPCM2026},
}

// FindCode returns a code's definition.
func FindCode(code string) (Code, bool) {
	for _, c := range Codes {
		if c.Code == code {
			return c, true
		}
	}
	return Code{}, false
}

// progressCodes are the codes whose thresholds a program's minutes are
// shown against: its clinical staff base code and add-on.
var progressCodes = map[string][2]string{CCM: {"99490", "99439"}, PCM: {"99426", "99427"}, BHI: {"99484", ""},
	CoCM: {"99493", "99494"}, RPM: {"99457", "99458"}}

// Progress is where a program's minutes of a month stand: the next
// threshold (minutes) and the code it reaches, or done when the last
// billable threshold is passed. CoCM's first month counts toward 99492.
func Progress(program string, minutes int, m Month, firstMonth bool) (next int, code string, done bool) {
	pair, ok := progressCodes[program]
	if !ok {
		return 0, "", true
	}
	if program == CoCM && firstMonth {
		pair[0] = "99492"
	}
	base, _ := FindCode(pair[0])
	if minutes < base.First {
		return base.First, base.Code, false
	}
	add, ok := FindCode(pair[1])
	if !ok || !add.InEffect(m) {
		return 0, "", true
	}
	full := cmp.Or(base.Full, base.First)
	for unit := 1; add.MaxUnits == 0 || unit <= add.MaxUnits; unit++ {
		if at := full + add.First + (unit-1)*add.Each; minutes < at {
			return at, add.Code, false
		}
	}
	return 0, "", true
}

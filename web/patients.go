package web

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"carepath"
)

const patientsPerPage = 40

type patientListData struct {
	Query        string
	CareManager  string // "all", or a user id
	Condition    string
	Sort         carepath.PatientSort
	CareManagers []carepath.CaseloadCount
	Conditions   []carepath.ConditionCount
	Mine         bool // the list is the viewer's own caseload
	Patients     []*carepath.Patient
	Total        int
	From, To     int
	PrevURL      string
	NextURL      string
	SortURL      map[string]string // column -> link that sorts by it
	Filtered     bool
}

// handlePatientList is the panel. A care manager's (nurse's, social
// worker's) default view is their own caseload; everyone may widen it to
// all the organization's patients or another care manager's.
func (s *Server) handlePatientList(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	q := r.URL.Query()
	d := patientListData{Query: q.Get("q"), CareManager: q.Get("cm"), Condition: q.Get("cond"), Sort: carepath.PatientSort(q.Get("sort"))}
	if d.CareManager == "" {
		d.CareManager = "all"
		if v.User.Role.HasCaseload() {
			d.CareManager = v.User.ID
		}
	}
	offset, _ := strconv.Atoi(q.Get("offset"))
	offset = max(offset, 0)
	f := carepath.PatientFilter{Query: d.Query, ConditionCode: d.Condition, Sort: d.Sort, Offset: offset, Limit: patientsPerPage}
	if d.CareManager != "all" {
		f.CareManagerID = d.CareManager
	}
	d.Mine = f.CareManagerID == v.User.ID
	d.Filtered = d.Query != "" || d.Condition != "" || f.CareManagerID != ""
	var err error
	if d.Patients, d.Total, err = s.Patients.FindPatients(r.Context(), f); err != nil {
		s.renderError(w, r, err)
		return
	}
	if d.CareManagers, err = s.Patients.FindCareManagers(r.Context()); err != nil {
		s.renderError(w, r, err)
		return
	}
	if d.Conditions, err = s.commonConditions(r.Context(), v.Org.ID); err != nil {
		s.renderError(w, r, err)
		return
	}
	d.From, d.To = offset+1, offset+len(d.Patients)
	link := func(off int, sort carepath.PatientSort) string {
		u := url.Values{}
		for k, val := range map[string]string{"q": d.Query, "cond": d.Condition, "sort": string(sort)} {
			if val != "" {
				u.Set(k, val)
			}
		}
		u.Set("cm", d.CareManager)
		if off > 0 {
			u.Set("offset", strconv.Itoa(off))
		}
		return "/patients?" + u.Encode()
	}
	if offset > 0 {
		d.PrevURL = link(max(offset-patientsPerPage, 0), d.Sort)
	}
	if offset+len(d.Patients) < d.Total {
		d.NextURL = link(offset+patientsPerPage, d.Sort)
	}
	flip := func(asc, desc carepath.PatientSort) string {
		if d.Sort == asc || asc == carepath.SortByName && d.Sort == "" {
			return link(0, desc)
		}
		return link(0, asc)
	}
	d.SortURL = map[string]string{"name": flip(carepath.SortByName, carepath.SortByNameDesc),
		"birth": flip(carepath.SortByBirthDate, carepath.SortByAgeDesc)}
	s.render(w, r, http.StatusOK, "patients.html", "Patients", d)
}

// conditionCache keeps each organization's common conditions for a few
// minutes: counting them reads the whole condition table.
type conditionCache struct {
	at   time.Time
	list []carepath.ConditionCount
}

var conditionsTTL = 5 * time.Minute

func (s *Server) commonConditions(ctx context.Context, org string) ([]carepath.ConditionCount, error) {
	if c, ok := s.conditions.Load(org); ok && time.Since(c.(*conditionCache).at) < conditionsTTL {
		return c.(*conditionCache).list, nil
	}
	list, err := s.Patients.FindCommonConditions(ctx, 25)
	if err != nil {
		return nil, err
	}
	s.conditions.Store(org, &conditionCache{at: time.Now(), list: list})
	return list, nil
}

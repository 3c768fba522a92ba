package staff

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
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
	// The filters' choices count over whole tables: they are kept a
	// little while per organization (the counts shown may lag by that).
	// The loads run with the viewer's actor (for scoping) but outlive the
	// request when they refresh in the background.
	actor := carepath.NewContextWithActor(context.Background(), carepath.ActorFromContext(r.Context()))
	d.CareManagers, err = s.caseloads(r)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d.Conditions, err = cachedFor(&s.conditions, v.Org.ID, 5*time.Minute, func(context.Context) ([]carepath.ConditionCount, error) {
		return s.Patients.FindCommonConditions(actor, 25)
	})
	if err != nil {
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

// caseloads are the organization's staff with caseloads and their sizes,
// cached for a minute (a count over every care team).
func (s *Server) caseloads(r *http.Request) ([]carepath.CaseloadCount, error) {
	actor := carepath.NewContextWithActor(context.Background(), carepath.ActorFromContext(r.Context()))
	return cachedFor(&s.careManagers, viewerFrom(r.Context()).Org.ID, time.Minute, func(context.Context) ([]carepath.CaseloadCount, error) {
		return s.Patients.FindCareManagers(actor)
	})
}

// cached is a value and when it was loaded.
type cached[T any] struct {
	at         time.Time
	v          T
	refreshing *atomic.Bool // one background refresh at a time
}

// cachedFor returns m's value for key. A value older than ttl is still
// returned while a background refresh replaces it, so that only the very
// first request waits for the load (a count over 220,000 conditions took
// 0.9 s at 100,000 patients).
func cachedFor[T any](m *sync.Map, key string, ttl time.Duration, load func(ctx context.Context) (T, error)) (T, error) {
	if c, ok := m.Load(key); ok {
		c := c.(cached[T])
		if time.Since(c.at) >= ttl && c.refreshing.CompareAndSwap(false, true) {
			go func() {
				defer c.refreshing.Store(false)
				if v, err := load(context.Background()); err == nil {
					m.Store(key, cached[T]{at: time.Now(), v: v, refreshing: c.refreshing})
				}
			}()
		}
		return c.v, nil
	}
	v, err := load(context.Background())
	if err != nil {
		return v, err
	}
	m.Store(key, cached[T]{at: time.Now(), v: v, refreshing: new(atomic.Bool)})
	return v, nil
}

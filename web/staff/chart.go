package staff

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/instrument"
)

// chartData is the chart page's view. The chart is a named field, not an
// embedded one: text/template finds a promoted field by searching the
// embedded structs (reflect's FieldByNameFunc, which allocates) on every
// lookup; naming it made the page render a third faster
// (BenchmarkRenderChart).
type chartData struct {
	Chart                         *carepath.Chart
	Age                           string
	Primary                       *carepath.CareTeamMember
	ActiveProblems, OtherProblems []carepath.Condition
	ActiveMeds, PastMeds          []carepath.Medication
	HospitalStays, EDVisits       int           // in the last 12 months
	Charts                        []seriesChart // small multiples
	Latest                        []carepath.ObservationSeries
	EncounterRows                 template.HTML // the encounters table's rows
	TaskRows                      []taskRow
	CanWrite                      bool            // may add tasks
	Queues                        []carepath.Role // a new task's queues
	DefaultDue                    string          // YYYY-MM-DD
	// Programs are the patient's enrolled programs with this month's
	// minutes toward their next threshold.
	Programs []programRow
}

// seriesChart is one small multiple: an SVG and its text alternative.
type seriesChart struct {
	Title string
	SVG   template.HTML
	Alt   string
}

// taskQueues are the queues a task added from a chart may wait in: the
// roles that work patients' tasks.
var taskQueues = func() []carepath.Role {
	var qs []carepath.Role
	for _, role := range carepath.Roles {
		if role.HasCaseload() || role == carepath.RoleNurse || role == carepath.RoleSupervisor || role == carepath.RolePharmacist {
			qs = append(qs, role)
		}
	}
	return qs
}()

// chartedCodes are the series drawn as small multiples, in this order;
// every other series is listed with its latest value.
var chartedCodes = []struct {
	title string
	codes []string // LOINC
	// together draws every code as its own line (blood pressure's two);
	// otherwise the codes are alternatives (eGFR by several methods) and
	// the first the patient has is drawn.
	together bool
}{
	{"Blood pressure (mmHg)", []string{"8480-6", "8462-4"}, true},
	{"Weight", []string{"29463-7"}, false},
	{"BMI", []string{"39156-5"}, false},
	{"Heart rate", []string{"8867-4"}, false},
	{"Hemoglobin A1c", []string{"4548-4"}, false},
	{"eGFR", []string{"33914-3", "62238-1", "98979-8"}, false},
	{"LDL cholesterol", []string{"18262-6", "2089-1", "13457-7"}, false},
	{"Oxygen saturation", []string{"59408-5", "2708-6", "2710-2"}, false},
	{"PHQ-9 (depression)", []string{"44261-6"}, false},
	{"GAD-7 (anxiety)", []string{"70274-6"}, false},
	{"PHQ-2 (depression screen)", []string{"55758-7"}, false},
}

func (s *Server) handleChart(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	now := time.Now().In(v.Loc)
	// The chart and the header's month of program time are one view: read
	// together, audited once.
	c, progs, err := s.Charts.FindChartWithPrograms(r.Context(), r.PathValue("id"), now.Format("2006-01"), carepath.ProgramsEnrolled)
	if err != nil {
		s.renderError(w, r, err)
		return
	}
	d := chartData{Chart: c, Age: formatBirth(now, c.Patient.BirthDate), CanWrite: v.User.Role.CanWriteClinical(), Queues: taskQueues,
		DefaultDue: now.AddDate(0, 0, 1).Format(time.DateOnly)}
	for _, t := range c.Tasks {
		d.TaskRows = append(d.TaskRows, s.taskRow(v, t, r.URL.Path))
	}
	d.EncounterRows = encounterRows(v.Loc, c.Encounters)
	d.Programs = enrolledRows(progs, now)
	d.Primary = carepath.PrimaryCareManager(c.Patient.CareTeam)
	for _, p := range c.Conditions {
		switch p.ClinicalStatus {
		case "active", "recurrence", "relapse":
			d.ActiveProblems = append(d.ActiveProblems, p)
		default:
			d.OtherProblems = append(d.OtherProblems, p)
		}
	}
	for _, m := range c.Medications {
		if m.Status == "active" {
			d.ActiveMeds = append(d.ActiveMeds, m)
		} else {
			d.PastMeds = append(d.PastMeds, m)
		}
	}
	yearAgo := now.AddDate(-1, 0, 0).UTC().Format("2006-01-02")
	for _, e := range c.Encounters {
		if e.PeriodStart.String() < yearAgo {
			continue
		}
		switch e.Class {
		case carepath.EncounterInpatient:
			d.HospitalStays++
		case carepath.EncounterEmergency:
			d.EDVisits++
		}
	}
	byCode := map[string]carepath.ObservationSeries{}
	for _, s := range c.Series {
		byCode[s.Code.Code] = s
	}
	charted := map[string]bool{}
	for _, want := range chartedCodes {
		var lines []carepath.ObservationSeries
		for _, code := range want.codes {
			if s, ok := byCode[code]; ok && len(s.Points) > 0 {
				lines = append(lines, s)
				charted[code] = true
				if !want.together {
					break
				}
			}
		}
		if len(lines) > 0 {
			title := want.title
			if !strings.Contains(title, "(") && lines[0].Unit != "" {
				title += " (" + lines[0].Unit + ")"
			}
			var bands []instrument.Band
			if in, ok := instrument.ByTotalCode(lines[0].Code.Code); ok {
				title += scoreTrend(in, lines[0].Points)
				bands = in.Bands
			}
			d.Charts = append(d.Charts, drawSeries(title, lines, bands...))
		}
	}
	for _, s := range c.Series {
		if !charted[s.Code.Code] {
			d.Latest = append(d.Latest, s)
		}
	}
	s.render(w, r, http.StatusOK, "chart.html", c.Patient.Name(), d)
}

// scoreTrend says where an instrument's totals stand: the latest with its
// band, and the change since the one before.
func scoreTrend(in *instrument.Instrument, points []carepath.ObservationPoint) string {
	n := len(points)
	if n == 0 {
		return ""
	}
	last := int(math.Round(points[n-1].Value))
	s := fmt.Sprintf(": latest %d, %s", last, in.BandOf(last))
	if n > 1 {
		s += "; " + in.Change(int(math.Round(points[n-2].Value)), last)
	}
	return s
}

// drawSeries draws one or two series over time as a small SVG line chart,
// with its first and last dates, its range, and each point's value on hover
// (a title element, which screen readers read too).
//
// An instrument's score is drawn over its whole range with its bands
// shaded behind the line (every other band), each named on hover.
func drawSeries(title string, lines []carepath.ObservationSeries, bands ...instrument.Band) seriesChart {
	const w, h, left, right, top, bottom = 280.0, 90.0, 34.0, 8.0, 8.0, 18.0
	var first, last time.Time
	lo, hi := math.Inf(1), math.Inf(-1)
	// Each point's time, read once (a chart holds up to 60 per line).
	at := make([][]time.Time, len(lines))
	for i, s := range lines {
		at[i] = make([]time.Time, len(s.Points))
		for j, p := range s.Points {
			t := carepath.ParseEffective(p.Effective)
			at[i][j] = t
			if first.IsZero() || t.Before(first) {
				first = t
			}
			if t.After(last) {
				last = t
			}
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
	}
	if len(bands) > 0 {
		lo, hi = float64(bands[0].Min), float64(bands[len(bands)-1].Max)
	}
	if hi == lo {
		hi, lo = hi+1, lo-1
	}
	span := last.Sub(first).Seconds()
	x := func(t time.Time) float64 {
		if span == 0 {
			return left + (w-left-right)/2
		}
		return left + t.Sub(first).Seconds()/span*(w-left-right)
	}
	y := func(v float64) float64 { return top + (hi-v)/(hi-lo)*(h-top-bottom) }
	// Written with strconv rather than fmt: the chart page draws several
	// of these on every view.
	points := 0
	for _, s := range lines {
		points += len(s.Points)
	}
	var b strings.Builder
	b.Grow(1024 + 200*points)
	var scratch [32]byte
	num := func(v float64) { b.Write(strconv.AppendFloat(scratch[:0], v, 'g', -1, 64)) }
	tenth := func(v float64) { b.Write(strconv.AppendFloat(scratch[:0], v, 'f', 1, 64)) }
	str := func(ss ...string) {
		for _, s := range ss {
			b.WriteString(s)
		}
	}
	str(`<svg class="spark" viewBox="0 0 `)
	num(w)
	str(" ")
	num(h)
	str(`" width="`)
	num(w)
	str(`" height="`)
	num(h)
	str(`" role="img" aria-label="`, html.EscapeString(title), `">`)
	for i, band := range bands {
		// A band covers its totals: from half a point below its lowest to
		// half a point above its highest, within the axis.
		top, bot := y(math.Min(float64(band.Max)+0.5, hi)), y(math.Max(float64(band.Min)-0.5, lo))
		str(`<rect class="band`, strconv.Itoa(i%2), `" x="`)
		num(left)
		str(`" y="`)
		tenth(top)
		str(`" width="`)
		num(w - left - right)
		str(`" height="`)
		tenth(bot - top)
		str(`"><title>`, html.EscapeString(band.Name), ": ", strconv.Itoa(band.Min), "-", strconv.Itoa(band.Max), `</title></rect>`)
	}
	str(`<line class="axis" x1="`)
	num(left)
	str(`" y1="`)
	num(h - bottom)
	str(`" x2="`)
	num(w - right)
	str(`" y2="`)
	num(h - bottom)
	str(`"/>`)
	tick := func(x, y float64, anchor, text string) {
		str(`<text class="tick" x="`)
		num(x)
		str(`" y="`)
		num(y)
		str(`"`, anchor, `>`, text, `</text>`)
	}
	tick(left-4, top+4, ` text-anchor="end"`, formatValue(hi))
	tick(left-4, h-bottom, ` text-anchor="end"`, formatValue(lo))
	tick(left, h-4, "", first.Format("Jan 2006"))
	tick(w-right, h-4, ` text-anchor="end"`, last.Format("Jan 2006"))
	var alt []string
	for i, s := range lines {
		class := strconv.Itoa(i)
		str(`<polyline class="line`, class, `" points="`)
		for j, p := range s.Points {
			if j > 0 {
				str(" ")
			}
			tenth(x(at[i][j]))
			str(",")
			tenth(y(p.Value))
		}
		str(`"/>`)
		display, unit := html.EscapeString(s.Code.Display), html.EscapeString(s.Unit)
		for j, p := range s.Points {
			str(`<circle class="dot`, class, `" cx="`)
			tenth(x(at[i][j]))
			str(`" cy="`)
			tenth(y(p.Value))
			str(`" r="2.5"><title>`, display, ": ", formatValue(p.Value), " ", unit, " on ", at[i][j].Format("2 Jan 2006"), `</title></circle>`)
		}
		l := s.Latest()
		alt = append(alt, fmt.Sprintf("%s latest %s %s on %s, %d values", s.Code.Display, formatValue(l.Value), s.Unit, at[i][len(s.Points)-1].Format("2 Jan 2006"), len(s.Points)))
	}
	str(`</svg>`)
	// The SVG holds only numbers, dates and escaped text.
	return seriesChart{Title: title, SVG: template.HTML(b.String()), Alt: strings.Join(alt, "; ")}
}

func formatValue(v float64) string {
	if v == math.Trunc(v) && math.Abs(v) < 1e6 {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strings.TrimRight(strings.TrimRight(strconv.FormatFloat(v, 'f', 1, 64), "0"), ".")
}

// handleExportRecord downloads the patient's record as a FHIR bundle.
func (s *Server) handleExportRecord(w http.ResponseWriter, r *http.Request) {
	s.ServeRecord(w, r, s.renderError)
}

// handleAddPatientTask adds a task for the patient from the chart: the
// viewer's own, or waiting in a role's queue, due at the end of the chosen
// day in the organization's time zone.
func (s *Server) handleAddPatientTask(w http.ResponseWriter, r *http.Request) {
	v := viewerFrom(r.Context())
	id := r.PathValue("id")
	day, err := time.ParseInLocation(time.DateOnly, r.PostFormValue("due"), v.Loc)
	if err != nil {
		s.refill(w, r, "task", carepath.Invalid("A task needs", carepath.FieldError{Field: "due", Message: "the day it is due by"}), s.handleChart, "")
		return
	}
	t := &carepath.Task{PatientID: id, Kind: "general", Title: r.PostFormValue("title"), Due: calendar.EndOfDay(day),
		Priority: carepath.TaskPriority(r.PostFormValue("priority")), Origin: carepath.TaskOrigin{Reason: strings.TrimSpace(r.PostFormValue("why"))}}
	if who := r.PostFormValue("who"); who == "me" || who == "" {
		t.OwnerID = v.User.ID
	} else {
		t.Queue = carepath.Role(who)
	}
	if _, err := s.Tasks.CreateTask(r.Context(), t); err != nil {
		s.refill(w, r, "task", err, s.handleChart, "")
		return
	}
	http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"#h-tasks", http.StatusSeeOther)
}

// handleScheduleStatus pauses, resumes or stops one of the patient's
// recurring check-ins, from the chart.
func (s *Server) handleScheduleStatus(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.Schedules.SetScheduleStatus(r.Context(), r.PathValue("sid"), r.PostFormValue("status")); err != nil {
		s.refill(w, r, "schedule:"+r.PathValue("sid"), err, s.handleChart, "")
		return
	}
	http.Redirect(w, r, "/patients/"+url.PathEscape(id)+"#h-tasks", http.StatusSeeOther)
}

// encounterRows writes the encounters table's rows: hospital stays and ED
// visits stand out. They are written here, escaped by html.EscapeString,
// rather than by the template: a chart lists up to 100 encounters, and the
// template's dozen reflective calls per row were the largest part of a
// chart's rendering (measured: BENCHMARKS.md).
func encounterRows(loc *time.Location, encounters []carepath.Encounter) template.HTML {
	var b strings.Builder
	for _, e := range encounters {
		esc := html.EscapeString
		b.WriteString("<tr")
		if e.Class == carepath.EncounterInpatient || e.Class == carepath.EncounterEmergency {
			b.WriteString(` class="stand-out"`)
		}
		start := formatDate(loc, e.PeriodStart.String())
		b.WriteString("><td>" + esc(start))
		if !e.PeriodEnd.IsZero() {
			if end := formatDate(loc, e.PeriodEnd.String()); end != start {
				b.WriteString(" – " + esc(end))
			}
		}
		kind := esc(encounterClass(e.Class))
		switch e.Class {
		case carepath.EncounterInpatient:
			kind = `<span class="badge danger">` + kind + `</span>`
		case carepath.EncounterEmergency:
			kind = `<span class="badge warn">` + kind + `</span>`
		}
		what := e.Type.Display
		if what == "" {
			what = e.Reason.Display
		}
		b.WriteString("</td><td>" + kind + "</td><td>" + esc(what) + "</td><td>" + esc(e.ServiceProviderName) +
			"</td><td>" + esc(e.DischargeDisposition.Display) + "</td></tr>\n")
	}
	return template.HTML(b.String())
}

// encounterClass names an encounter class for people.
func encounterClass(class string) string {
	if l, ok := encounterClasses[class]; ok {
		return l
	}
	return class
}

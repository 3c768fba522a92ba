package instrument

import (
	"strings"
	"testing"

	"carepath"
)

// frequencyAnswers answers items with the given points (0-3) in order.
func frequencyAnswers(in *Instrument, points ...int) Answers {
	codes := []string{"LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"}
	a := Answers{}
	for i, p := range points {
		a[in.Items[i].ID] = []string{codes[p]}
	}
	return a
}

func TestSummedScoresAndBands(t *testing.T) {
	for _, c := range []struct {
		in       *Instrument
		points   []int
		total    int
		band     string
		positive bool
		findings string
	}{
		{PHQ2, []int{0, 0}, 0, "negative", false, ""},
		{PHQ2, []int{1, 1}, 2, "negative", false, ""},
		{PHQ2, []int{2, 1}, 3, "positive", true, "follow-up:phq-9"},
		{PHQ2, []int{3, 3}, 6, "positive", true, "follow-up:phq-9"},
		{PHQ9, []int{0, 0, 0, 0, 0, 0, 0, 0, 0}, 0, "minimal", false, ""},
		{PHQ9, []int{1, 1, 1, 1, 0, 0, 0, 0, 0}, 4, "minimal", false, ""},
		{PHQ9, []int{1, 1, 1, 1, 1, 0, 0, 0, 0}, 5, "mild", false, ""},
		{PHQ9, []int{1, 1, 1, 1, 1, 1, 1, 1, 1}, 9, "mild", false, "safety"},
		{PHQ9, []int{2, 2, 2, 2, 2, 0, 0, 0, 0}, 10, "moderate", true, ""},
		{PHQ9, []int{2, 2, 2, 2, 2, 2, 2, 0, 0}, 14, "moderate", true, ""},
		{PHQ9, []int{3, 3, 3, 3, 3, 0, 0, 0, 0}, 15, "moderately severe", true, ""},
		{PHQ9, []int{3, 3, 3, 3, 3, 2, 2, 0, 0}, 19, "moderately severe", true, ""},
		{PHQ9, []int{3, 3, 3, 3, 3, 3, 2, 0, 0}, 20, "severe", true, ""},
		{PHQ9, []int{3, 3, 3, 3, 3, 3, 3, 3, 3}, 27, "severe", true, "safety"},
		// Item 9 alone: a total of 1, minimal, and still an urgent safety finding.
		{PHQ9, []int{0, 0, 0, 0, 0, 0, 0, 0, 1}, 1, "minimal", false, "safety"},
		{GAD7, []int{0, 0, 0, 0, 0, 0, 0}, 0, "minimal", false, ""},
		{GAD7, []int{1, 1, 1, 1, 0, 0, 0}, 4, "minimal", false, ""},
		{GAD7, []int{1, 1, 1, 1, 1, 0, 0}, 5, "mild", false, ""},
		{GAD7, []int{2, 2, 2, 2, 1, 0, 0}, 9, "mild", false, ""},
		{GAD7, []int{2, 2, 2, 2, 2, 0, 0}, 10, "moderate", true, "follow-up:"},
		{GAD7, []int{2, 2, 2, 2, 2, 2, 2}, 14, "moderate", true, "follow-up:"},
		{GAD7, []int{3, 3, 3, 2, 2, 2, 0}, 15, "severe", true, "follow-up:"},
		{GAD7, []int{3, 3, 3, 3, 3, 3, 3}, 21, "severe", true, "follow-up:"},
	} {
		r, err := c.in.Score(frequencyAnswers(c.in, c.points...))
		if err != nil {
			t.Fatalf("%s %v: %v", c.in.Name, c.points, err)
		}
		var findings []string
		for _, f := range r.Findings {
			s := f.Kind
			if f.Kind == FindingFollowUp {
				s += ":" + f.Next
			}
			findings = append(findings, s)
		}
		if r.Total == nil || *r.Total != c.total || r.Band != c.band || r.Positive != c.positive || strings.Join(findings, ",") != c.findings {
			t.Errorf("%s %v: total %v band %q positive %v findings %v; want %d %q %v %q", c.in.Name, c.points, r.Total, r.Band, r.Positive, findings,
				c.total, c.band, c.positive, c.findings)
		}
		// Each answer says what it gave.
		sum := 0
		for _, p := range r.Points {
			sum += p.Points
		}
		if len(r.Points) != len(c.in.Items) || sum != c.total {
			t.Errorf("%s %v: %d item points summing to %d", c.in.Name, c.points, len(r.Points), sum)
		}
	}
}

func TestPHQ9SafetyFindingSaysWhy(t *testing.T) {
	r, err := PHQ9.Score(frequencyAnswers(PHQ9, 0, 0, 0, 0, 0, 0, 0, 0, 2))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Findings) != 1 || !strings.Contains(r.Findings[0].Text, `answered "More than half the days"`) || !strings.Contains(r.Findings[0].Text, "whatever the total") {
		t.Errorf("findings: %+v", r.Findings)
	}
}

func TestAHCDomains(t *testing.T) {
	none := Answers{"71802-3": {"LA31993-1"}, "96778-6": {"LA9-3"}, "88122-7": {"LA28398-8"}, "88123-5": {"LA28398-8"},
		"93030-5": {"LA32-8"}, "96779-4": {"LA32-8"}, "95618-5": {"LA6270-8"}, "95617-7": {"LA6270-8"}, "95616-9": {"LA6270-8"}, "95615-1": {"LA6270-8"}}
	with := func(changes Answers) Answers { return withChanges(none, changes) }
	for _, c := range []struct {
		name     string
		answers  Answers
		positive string // the positive domains
	}{
		{"no needs", none, ""},
		// The example response shipped with the MyCarePlanner questionnaires,
		// its other items answered "no" and "never".
		{"the MyCarePlanner example", with(Answers{"71802-3": {"LA31995-6"}, "88122-7": {"LA6729-3"}, "88123-5": {"LA28397-0"}, "95616-9": {"LA10082-8"}}),
			"housing,food"},
		{"worried about losing housing", with(Answers{"71802-3": {"LA31994-9"}}), "housing"},
		{"mold and water leaks", with(Answers{"96778-6": {"LA28580-1", "LA32001-2"}}), "housing"},
		{"food: sometimes true once", with(Answers{"88123-5": {"LA6729-3"}}), "food"},
		{"transportation", with(Answers{"93030-5": {"LA33-6"}}), "transportation"},
		{"utilities already shut off", with(Answers{"96779-4": {"LA32002-0"}}), "utilities"},
		// Safety: 1-5 each, positive at 11 or more.
		{"safety 10", with(Answers{"95618-5": {"LA10082-8"}, "95617-7": {"LA10082-8"}, "95616-9": {"LA10066-1"}, "95615-1": {"LA10066-1"}}), ""},
		{"safety 11", with(Answers{"95618-5": {"LA10082-8"}, "95617-7": {"LA10082-8"}, "95616-9": {"LA10082-8"}, "95615-1": {"LA10066-1"}}), "interpersonal safety"},
		{"safety 20", with(Answers{"95618-5": {"LA6482-9"}, "95617-7": {"LA6482-9"}, "95616-9": {"LA6482-9"}, "95615-1": {"LA6482-9"}}), "interpersonal safety"},
	} {
		r, err := AHCHRSN.Score(c.answers)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if pos := positiveDomains(t, c.name, r); pos != c.positive || r.Positive != (c.positive != "") || r.Total != nil {
			t.Errorf("%s: positive domains %q (screen %v, total %v), want %q", c.name, pos, r.Positive, r.Total, c.positive)
		}
	}
}

func TestBadAnswersAreRefused(t *testing.T) {
	ok := frequencyAnswers(PHQ2, 1, 1)
	for _, c := range []struct {
		name string
		in   *Instrument
		a    Answers
		want string
	}{
		{"an answer not among the options", PHQ2, Answers{PHQInterest: {"LA6571-9"}, PHQDown: {"LA9-3"}}, "item 44255-8 has no answer LA9-3"},
		{"a required item left out", PHQ2, Answers{PHQInterest: {"LA6571-9"}}, "item 44255-8 (Feeling down, depressed, or hopeless) is not answered"},
		{"two answers to a single choice", PHQ2, Answers{PHQInterest: {"LA6571-9", "LA6568-5"}, PHQDown: ok[PHQDown]}, "item 44250-9 takes one answer"},
		{"an item the instrument lacks", PHQ2, Answers{PHQInterest: ok[PHQInterest], PHQDown: ok[PHQDown], PHQ9Item9: {"LA6568-5"}}, "there is no item 44260-8"},
	} {
		_, err := c.in.Score(c.a)
		if carepath.ErrorCode(err) != carepath.EINVALID || !strings.Contains(carepath.ErrorMessage(err), c.want) {
			t.Errorf("%s: %v, want EINVALID naming %q", c.name, err, c.want)
		}
	}
}

func TestChange(t *testing.T) {
	for _, c := range []struct {
		in         *Instrument
		prev, last int
		want       string
	}{
		{PHQ9, 18, 9, "-9 since the one before (-50%): response (down by half or more)"},
		{PHQ9, 18, 10, "-8 since the one before (-44%)"},
		{PHQ9, 12, 4, "-8 since the one before (-67%): remission (under 5)"},
		{PHQ9, 6, 5, "-1 since the one before (-17%)"},
		{PHQ9, 4, 4, "no change since the one before: remission (under 5)"},
		{PHQ9, 0, 7, "+7 since the one before"},
		{PHQ9, 10, 15, "+5 since the one before"},
		{PHQ9, 1, 11, "+10 since the one before"}, // "+10 (+1000%)" before
		{PHQ9, 3, 0, "-3 since the one before (-100%): remission (under 5)"},
		{GAD7, 16, 8, "-8 since the one before (-50%)"}, // response and remission are the PHQ-9's
	} {
		if got := c.in.Change(c.prev, c.last); got != c.want {
			t.Errorf("%s %d -> %d: %q, want %q", c.in.Name, c.prev, c.last, got, c.want)
		}
	}
}

func TestKatzAndCaregiverStrain(t *testing.T) {
	katz := func(dependent int) Answers {
		a := Answers{}
		for i, it := range KatzADL.Items {
			a[it.ID] = []string{"independent"}
			if i < dependent {
				a[it.ID] = []string{"dependent"}
			}
		}
		return a
	}
	csi := func(yes int) Answers {
		a := Answers{}
		for i, it := range CaregiverStrain.Items {
			a[it.ID] = []string{"no"}
			if i < yes {
				a[it.ID] = []string{"yes"}
			}
		}
		return a
	}
	for _, c := range []struct {
		in       *Instrument
		a        Answers
		total    int
		band     string
		positive bool
		findings int
	}{
		{KatzADL, katz(0), 6, "full function", false, 0},
		{KatzADL, katz(1), 5, "moderate impairment", true, 0},
		{KatzADL, katz(2), 4, "moderate impairment", true, 0},
		{KatzADL, katz(3), 3, "moderate impairment", true, 0},
		{KatzADL, katz(4), 2, "severe impairment", true, 1},
		{KatzADL, katz(6), 0, "severe impairment", true, 1},
		{CaregiverStrain, csi(0), 0, "lower strain", false, 0},
		{CaregiverStrain, csi(6), 6, "lower strain", false, 0},
		{CaregiverStrain, csi(7), 7, "high strain", true, 1},
		{CaregiverStrain, csi(13), 13, "high strain", true, 1},
	} {
		r, err := c.in.Score(c.a)
		if err != nil {
			t.Fatal(err)
		}
		if *r.Total != c.total || r.Band != c.band || r.Positive != c.positive || len(r.Findings) != c.findings {
			t.Errorf("%s: total %d band %q positive %v findings %v; want %d %q %v %d", c.in.Name, *r.Total, r.Band, r.Positive, r.Findings,
				c.total, c.band, c.positive, c.findings)
		}
	}
	if len(CaregiverStrain.Items) != 13 || len(KatzADL.Items) != 6 || KatzADL.System() != CodeSystemCarepath || PHQ9.System() != LOINC {
		t.Errorf("items: %d CSI, %d Katz; systems %s %s", len(CaregiverStrain.Items), len(KatzADL.Items), KatzADL.System(), PHQ9.System())
	}
}

func TestLawtonIADL(t *testing.T) {
	pick := func(choice ...int) Answers {
		a := Answers{}
		for i, c := range choice {
			a[LawtonIADL.Items[i].ID] = []string{LawtonIADL.Items[i].Options[c-1].Code}
		}
		return a
	}
	for _, c := range []struct {
		choices []int
		total   int
	}{
		{[]int{1, 1, 1, 1, 1, 1, 1, 1}, 8},
		// The third telephone answer still scores, the second shopping
		// answer does not (Lawton's scoring is not the answer's rank).
		{[]int{3, 2, 1, 4, 2, 3, 1, 2}, 7},
		{[]int{4, 4, 4, 5, 3, 5, 3, 3}, 0},
		{[]int{4, 1, 2, 1, 3, 4, 2, 3}, 2},
	} {
		r, err := LawtonIADL.Score(pick(c.choices...))
		if err != nil {
			t.Fatal(err)
		}
		if *r.Total != c.total || r.Band != "" || r.Positive {
			t.Errorf("choices %v: total %d band %q positive %v, want %d", c.choices, *r.Total, r.Band, r.Positive, c.total)
		}
	}
}

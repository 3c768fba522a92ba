package api

import (
	"net/http"
	"time"

	"carepath"
	"carepath/web"
)

type apiRiskComponent struct {
	Name    string   `json:"name"`
	Points  int      `json:"points"`
	Why     string   `json:"why"`
	Facts   []string `json:"facts,omitempty"`
	Missing bool     `json:"missing,omitempty"`
}

type apiRiskScore struct {
	Name        string             `json:"name"`
	Variant     string             `json:"variant"`
	Version     string             `json:"version"`
	Source      string             `json:"source"`
	EncounterID string             `json:"encounter_id"`
	Total       int                `json:"total"`
	Band        string             `json:"band,omitempty"`
	Complete    bool               `json:"complete"` // false: a component's data was missing, and total is a floor
	Components  []apiRiskComponent `json:"components"`
	Computed    time.Time          `json:"computed"`
}

// handleAPIRisk answers the patient's latest scores (LACE, HOSPITAL,
// Charlson), each with its components, their points and facts.
func (s *Server) handleAPIRisk(w http.ResponseWriter, r *http.Request) {
	scores, err := s.Risk.FindRiskScores(r.Context(), r.PathValue("id"))
	if err != nil {
		s.WriteProblem(w, r, err)
		return
	}
	out := struct {
		Scores []apiRiskScore `json:"scores"`
	}{Scores: []apiRiskScore{}}
	for _, sc := range scores {
		out.Scores = append(out.Scores, toAPIRiskScore(sc))
	}
	web.WriteJSON(w, out)
}

func toAPIRiskScore(sc carepath.RiskScore) apiRiskScore {
	a := apiRiskScore{Name: sc.Name, Variant: sc.Variant, Version: sc.Version, Source: sc.Source, EncounterID: sc.EncounterID, Total: sc.Total,
		Band: sc.Band, Complete: sc.Complete, Computed: sc.Computed.UTC(), Components: []apiRiskComponent{}}
	for _, c := range sc.Components {
		a.Components = append(a.Components, apiRiskComponent(c))
	}
	return a
}

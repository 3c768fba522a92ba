package jobs

import (
	"context"
	"log/slog"

	"carepath"
)

// Intake records what outside systems report and runs the work rules on
// the events a report makes at once, in the same way whoever reports it
// (the JSON API today; an HL7 v2 feed or a FHIR client tomorrow): a
// reported discharge's episode and tasks exist when the call returns. Only
// the report's own events are processed, not the organization's backlog.
// Should the rules fail, the report stays recorded and its events wait for
// the sweep, the safety net for whatever an intake leaves.
type Intake struct {
	Encounters carepath.EncounterService // the store, which records
	Sweeper    *Sweeper
	Logger     *slog.Logger
}

// RecordEncounter implements carepath.EncounterService.
func (in *Intake) RecordEncounter(ctx context.Context, e *carepath.Encounter) error {
	if err := in.Encounters.RecordEncounter(ctx, e); err != nil {
		return err
	}
	// A stay makes an admission event while open and a discharge event once
	// ended; whichever this report recorded is pending.
	keys := []carepath.EventKey{carepath.EncounterEventKey(e.ID, carepath.StayDischarge), carepath.EncounterEventKey(e.ID, carepath.StayAdmission)}
	if err := in.Sweeper.ProcessEventsByKey(ctx, e.OrgID, keys); err != nil {
		logger := in.Logger
		if logger == nil {
			logger = slog.Default()
		}
		logger.Error("intake: the work rules failed; the sweep will run them", "encounter", e.ID, "err", err)
	}
	return nil
}

package jobs

import (
	"context"
	"time"

	"carepath"
	"carepath/calendar"
	"carepath/rules"
)

// escalate sends tasks more than the margin late to the supervisors and
// raises their priority, one batch in one transaction.
func (s *Sweeper) escalate(ctx context.Context, cal *calendar.Calendar) (int, error) {
	now := s.now()
	// Everything due before yesterday at this hour is a candidate; the rule
	// decides in business days.
	candidates, err := s.Store.FindTasksToEscalate(ctx, now.Add(-24*time.Hour), rules.OverdueEscalation.ID, s.batch())
	if err != nil {
		return 0, err
	}
	var escalations []carepath.Escalation
	for _, late := range candidates {
		if rules.ShouldEscalate(late, cal, now) {
			e := rules.PlanEscalation(late, cal, now)
			escalations = append(escalations, carepath.Escalation{Late: late, Task: &e})
		}
	}
	if len(escalations) == 0 {
		return 0, nil
	}
	return s.Store.EscalateTasks(ctx, escalations)
}

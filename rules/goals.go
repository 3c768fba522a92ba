package rules

import (
	"fmt"
	"time"

	"carepath"
	"carepath/calendar"
)

// KindGoalReview is the kind of the tasks TreatToTarget makes.
const KindGoalReview = "goal-review"

// TreatToTarget reviews care-plan goals that are not getting there.
var TreatToTarget = Rule{ID: "goal-treat-to-target", Version: 1, Name: "Treat to target",
	Description: "On an active care-plan goal's review day, if the goal is neither achieved nor improving (worsening, no " +
		"change, not achieved, or no recent measurement), the clinician responsible for it (or the care managers' queue) " +
		"gets a task to review the plan, due within 3 business days, with the numbers as the reason.",
	On:     "sweep",
	Source: "AIMS Center, Collaborative Care: treat to target (adjust treatment when a measure is not improving); ADA Standards of Care 2025 and 2017 ACC/AHA blood pressure guideline: intensify when not at goal at follow-up"}

// PlanGoalReview is the review task for a goal that needs one, made at now:
// for ownerID (the goal's responsible clinician) or the care managers'
// queue, one per goal and review day.
func PlanGoalReview(g carepath.GoalForReview, ownerID string, cal *calendar.Calendar, now time.Time) carepath.Task {
	t := carepath.Task{PatientID: g.PatientID, Kind: KindGoalReview, Title: "Review the goal: " + g.Goal.Description,
		Priority: carepath.PriorityRoutine, Due: cal.BusinessDaysAfter(now, 3), OwnerID: ownerID,
		Origin: carepath.TaskOrigin{By: "rule", RuleID: TreatToTarget.ID, RuleVersion: TreatToTarget.Version,
			EventKey: carepath.EventKey{Type: "Goal", ID: g.Goal.ID, What: g.Goal.ReviewBy},
			Reason:   fmt.Sprintf("Review day %s (%s): %s; %s", g.Goal.ReviewBy, g.Problem, g.Goal.Achievement, g.Goal.AchievementWhy),
			Facts: map[string]string{"goal": g.Goal.ID, "plan": g.PlanID, "achievement": g.Goal.Achievement, "review_by": g.Goal.ReviewBy,
				"measure": g.Goal.Measure}}}
	if ownerID == "" {
		t.Queue = carepath.RoleCareManager
	}
	return t
}

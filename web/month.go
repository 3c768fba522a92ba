package web

import (
	"cmp"
	"net/http"
	"time"

	"carepath"
	"carepath/billing"
)

// ReportMonth is the month a billing page asks for: ?month=, else the
// month before the current one (the one to close).
func ReportMonth(r *http.Request, loc *time.Location) (billing.Month, error) {
	month := cmp.Or(r.PathValue("month"), r.URL.Query().Get("month"))
	if month == "" {
		now := time.Now().In(loc)
		month = time.Date(now.Year(), now.Month()-1, 1, 0, 0, 0, 0, loc).Format("2006-01")
	}
	m, err := billing.ParseMonth(month, loc)
	if err != nil {
		return m, carepath.Errorf(carepath.EINVALID, "The month %q is not YYYY-MM.", month)
	}
	return m, nil
}

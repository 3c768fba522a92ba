package main

import (
	"context"
	"fmt"
	"io"
	"maps"
	"slices"
	"text/tabwriter"
	"time"

	"carepath"
)

const billingSummary = `Usage: carepath billing report|close --month YYYY-MM [--db DSN] [--org ORG]

report prints the month's billing report: per status, how many patients;
per code, how many lines and units. close freezes an ended month's lines
and reasons (as the billing page's "Close" does), acting as the operator;
time logged afterwards shows as adjustments.`

func runBilling(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	sub, args, err := subcommand(args, billingSummary, stderr)
	if sub == "" {
		return err
	}
	fs := newFlagSet("billing "+sub, billingSummary, stderr)
	dsn := dbFlag(fs)
	orgName := orgFlag(fs, "organization (env CAREPATH_ORG; default: the only one)")
	month := fs.String("month", "", "the month, YYYY-MM")
	cpuProfile := cpuProfileFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	if sub != "report" && sub != "close" || *month == "" {
		fmt.Fprintln(stderr, billingSummary)
		return errUsage
	}
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	db, _, actx, err := openAsOperator(ctx, *dsn, *orgName, false, "billing "+sub)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	var rep *carepath.BillingReport
	if sub == "close" {
		fmt.Fprintf(stderr, "closing %s...\n", *month)
		rep, err = db.CloseBillingMonth(actx, *month)
	} else {
		rep, err = db.FindBillingReport(actx, *month)
	}
	if err != nil {
		return err
	}
	took := time.Since(start)
	statuses := map[string]int{}
	codes := map[string][2]int{}
	for _, row := range rep.Rows {
		statuses[row.Status]++
		for _, l := range row.Lines {
			c := codes[l.Code]
			codes[l.Code] = [2]int{c[0] + 1, c[1] + l.Units}
		}
	}
	state := "open"
	if rep.Closed {
		state = "closed " + rep.ClosedAt.Format(time.RFC3339)
	}
	fmt.Fprintf(stdout, "%s (%s): %d patients in %s\n", rep.Month, state, len(rep.Rows), took.Round(time.Millisecond))
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	for _, s := range []string{"ready", "needs sign-off", "missing consent", "below threshold"} {
		fmt.Fprintf(tw, "  %s\t%d\n", s, statuses[s])
	}
	for _, code := range slices.Sorted(maps.Keys(codes)) {
		fmt.Fprintf(tw, "  %s\t%d lines\t%d units\n", code, codes[code][0], codes[code][1])
	}
	return tw.Flush()
}

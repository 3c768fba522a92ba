package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"carepath/jobs"
)

const sweepSummary = `Usage: carepath sweep [--db DSN] [--enroll-every D] [--cpuprofile FILE]

Runs the work rules once over every organization, as "serve" does every
minute: the rules on new events (discharges, readings), the check-ins and
screenings that are due, the escalation of late tasks; and, once an
--enroll-every (as the server, whichever ran last), the enrollment of
patients in check-ins and screenings. For cron-style runs beside a server
started with --sweep-every 0. Safe to run at any time and any number of
times: what is done once is not done again.`

func runSweep(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("sweep", sweepSummary, stderr)
	dsn := dbFlag(fs)
	enrollEvery := fs.Duration("enroll-every", time.Hour, "enroll patients in schedules when the last enrollment is this old (0: now)")
	cpuProfile := cpuProfileFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	r, err := (&jobs.Sweeper{Store: db, EnrollEvery: *enrollEvery}).RunOnce(ctx)
	fmt.Fprintf(stdout, "sweep of %s in %s: %s\n", db.DSN, time.Since(start).Round(time.Millisecond), r)
	return err
}

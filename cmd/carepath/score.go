package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"carepath"
	"carepath/jobs"
)

const scoreSummary = `Usage: carepath score [--db DSN]

Scores every ended inpatient and observation stay on record, in every
organization, as the work rules score each new discharge: LACE, HOSPITAL
and Charlson, each with its components and the facts behind them. For a
first import of history (the rules score only discharges of the last 30
days) or after a score's definition changes; a stay scored again keeps one
score of each. Shows its progress (count, rate, ETA).`

func runScore(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("score", scoreSummary, stderr)
	dsn := dbFlag(fs)
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
	orgs, err := db.FindOrganizations(carepath.NewContextWithActor(ctx, carepath.SystemActor("", "score", "score")))
	if err != nil {
		return err
	}
	s := &jobs.Sweeper{Store: db}
	for _, org := range orgs {
		start := time.Now()
		line := newRateLine(stderr, "scoring "+org.ID, "stays", 0)
		n, err := s.ScoreStays(ctx, org.ID, func(done, total int) {
			line.total = total // known with the first batch
			line.update(done)
		})
		line.finish()
		took := time.Since(start)
		fmt.Fprintf(stdout, "%s: scored %d stays in %s (%.0f stays/s)\n", org.ID, n, took.Round(time.Millisecond), float64(n)/max(took.Seconds(), 1e-9))
		if err != nil {
			return err
		}
	}
	return nil
}

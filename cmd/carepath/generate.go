package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"carepath/synth"
)

const generateSummary = `Usage: carepath generate --patients N [--seed S] [--as-of YYYY-MM-DD] --out DIR

Writes a synthetic adult primary-care population as FHIR R4 transaction
bundles, one patient per line in NDJSON files of 1,000 patients. The same
seed and as-of date always give the same bytes. Import the result with
"carepath import DIR".`

func runGenerate(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("generate", generateSummary, stderr)
	n := fs.Int("patients", 1000, "number of patients")
	seed := fs.Uint64("seed", 1, "random seed")
	asOf := fs.String("as-of", time.Now().Format("2006-01-02"), "day the generated histories end")
	out := fs.String("out", "", "folder to write into (required)")
	if err := parse(fs, args); err != nil {
		return err
	}
	day, err := time.Parse("2006-01-02", *asOf)
	if *out == "" || *n <= 0 || err != nil {
		fmt.Fprintln(stderr, "carepath generate: --out DIR and --patients N > 0 are required; --as-of is YYYY-MM-DD")
		return errUsage
	}
	start := time.Now()
	p := newRateLine(stderr, "generate", "patients", *n)
	files, err := synth.New(*seed, day).WriteNDJSON(ctx, *out, *n, p.update)
	p.finish()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Wrote %d patients in %d files to %s in %.1fs.\n", *n, len(files), *out, time.Since(start).Seconds())
	return nil
}

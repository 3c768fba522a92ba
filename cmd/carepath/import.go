package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"
	"strings"

	"carepath/fhirimport"
)

const importSummary = `Usage: carepath import [--db DSN] [--org NAME] PATH...

Imports FHIR R4 data: JSON files holding a resource or a Bundle (transaction,
batch or collection), NDJSON files (one resource or Bundle per line), folders
of them, and .tar.gz archives. Each bundle is written whole or not at all; a
bundle that fails is reported with its file, entry and reason, and the others
go on. Importing the same data again changes nothing. The exit code is 1 if
any bundle failed.`

func runImport(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("import", importSummary, stderr)
	dsn := dbFlag(fs)
	orgName := orgFlag(fs, "organization to import into, created if new (env CAREPATH_ORG; default: the only one)")
	batch := fs.Int("batch", 20000, "resources per write transaction")
	workers := fs.Int("workers", 0, "parallel parsers (default: one per CPU)")
	every := fs.Int("progress-every", 100, "without a terminal, print a progress line every N bundles")
	cpuProfile := cpuProfileFlag(fs)
	if err := parse(fs, args); err != nil {
		return err
	}
	stop, err := startCPUProfile(*cpuProfile)
	if err != nil {
		return err
	}
	defer stop()
	if fs.NArg() == 0 {
		fmt.Fprintln(stderr, "carepath import: name at least one file or folder to import")
		return errUsage
	}
	db, err := openDB(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	org, err := resolveOrg(ctx, db, *orgName, true)
	if err != nil {
		return err
	}
	fmt.Fprintf(stderr, "Importing into %q (%s) in %s\n", org.Name, org.ID, db.DSN)

	progress := newProgressPrinter(stderr, *every)
	rep, err := fhirimport.Import(cliActor(ctx, org.ID, "import"), db, org.ID, fs.Args(), fhirimport.Options{
		Workers: *workers, BatchResources: *batch, Progress: progress.print,
	})
	if err != nil {
		return err
	}
	if err := db.ImportFinished(ctx); err != nil {
		return fmt.Errorf("finish the import: %w", err)
	}
	for i, f := range rep.Failures {
		if i == 50 {
			fmt.Fprintf(stderr, "... and %d more failures\n", len(rep.Failures)-50)
			break
		}
		fmt.Fprintln(stderr, "FAILED", f)
	}
	secs := rep.Elapsed.Seconds()
	fmt.Fprintf(stdout, "Imported %d bundles, %d resources (%d created, %d updated, %d unchanged) in %.1fs: %.0f resources/s. %d failed.\n",
		rep.Units, rep.Resources, rep.Created, rep.Updated, rep.Unchanged, secs, float64(rep.Resources)/max(secs, 1e-9), len(rep.Failures))
	if len(rep.Failures) > 0 {
		return errPartial
	}
	return nil
}

// progressPrinter shows an import's progress: a bar redrawn in place on a
// terminal, otherwise one line every N bundles.
type progressPrinter struct {
	w        io.Writer
	terminal bool
	every    int
	lastLine int
}

func newProgressPrinter(w io.Writer, every int) *progressPrinter {
	return &progressPrinter{w: w, every: max(every, 1), terminal: isTerminal(w)}
}

func (p *progressPrinter) print(s fhirimport.Progress) {
	rate := float64(s.Resources) / max(s.Elapsed.Seconds(), 1e-9)
	frac := 0.0
	if s.InputTotal > 0 {
		frac = min(float64(s.InputDone)/float64(s.InputTotal), 1)
	}
	eta := "--"
	if !s.Done {
		eta = formatETA(s.Elapsed, frac)
	}
	if p.terminal {
		const width = 30
		filled := int(frac * width)
		bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
		fmt.Fprintf(p.w, "\r[%s] %3.0f%%  %d bundles  %d resources  %.0f/s  %d failed  ETA %s   ",
			bar, frac*100, s.Units, s.Resources, rate, s.Failed, eta)
		if s.Done {
			fmt.Fprintln(p.w)
		}
		return
	}
	if s.Units/p.every > p.lastLine/p.every || s.Done && s.Units != p.lastLine {
		p.lastLine = s.Units
		fmt.Fprintf(p.w, "import: %d bundles, %d resources, %.0f resources/s, %d failed, %.0f%% of input, ETA %s\n",
			s.Units, s.Resources, rate, s.Failed, frac*100, eta)
	}
}

// cpuProfileFlag is the --cpuprofile flag of the commands worth profiling.
func cpuProfileFlag(fs *flag.FlagSet) *string {
	return fs.String("cpuprofile", "", "write a CPU profile to this file (for performance work)")
}

// startCPUProfile profiles the process into path until stop; no path, no
// profile.
func startCPUProfile(path string) (stop func(), err error) {
	if path == "" {
		return func() {}, nil
	}
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

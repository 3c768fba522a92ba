// Package fhirimport imports FHIR R4 data from files: single resources and
// Bundles (transaction, batch, collection) in JSON files, folders, NDJSON
// files and .tar.gz archives. Documents are parsed on every core and written
// in order through one writer in large batches; each bundle is written whole
// or not at all.
package fhirimport

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"time"

	"carepath"
	"carepath/fhir"
)

// Options tune an import.
type Options struct {
	// Workers parse documents in parallel; 0 means one per CPU but one,
	// which the writer has to itself.
	Workers int
	// BatchResources is how many resources one write transaction carries at
	// most; 0 means 20,000.
	BatchResources int
	// Progress, when set, is called about five times a second and once at
	// the end with the import's state.
	Progress func(Progress)
}

// Progress is the state of a running import.
type Progress struct {
	Units, Failed int
	Resources     int
	// InputDone is how much input has been parsed and queued for writing
	// (bytes of files, or documents for ImportDocuments); the pipeline
	// keeps it at most a few batches ahead of what is written.
	InputDone  int64
	InputTotal int64
	Elapsed    time.Duration
	Done       bool
}

// Failure is a unit that was not imported, and why.
type Failure struct {
	Source string
	Entry  int // -1 when the unit as a whole is at fault
	Reason string
}

func (f Failure) String() string {
	if f.Entry < 0 {
		return f.Source + ": " + f.Reason
	}
	return fmt.Sprintf("%s: entry %d: %s", f.Source, f.Entry, f.Reason)
}

// Report is what an import did.
type Report struct {
	Units     int // units (bundles, NDJSON lines) imported
	Resources int // resources in them
	Created   int
	Updated   int
	Unchanged int
	Failures  []Failure
	Elapsed   time.Duration
}

// defaultBatchResources is Options.BatchResources when it is 0.
const defaultBatchResources = 20000

// firstBatchShare is the first batch's share of a full batch: 1/16.
const firstBatchShare = 16

// maxBatchBytes bounds the JSON one write transaction carries, so that
// memory stays bounded whatever the size of the resources.
const maxBatchBytes = 32 << 20

// heapLimit is the soft limit on the Go heap during an import. The live data
// is bounded by the pipeline (a batch being written, one queued, one being
// collected, a few documents being parsed); without a limit the collector
// lets the heap grow to twice that, which with SQLite's page caches crossed
// 500 MB of RSS (measured on synthea-300: 525 MB without, 415 MB with).
const heapLimit = 256 << 20

// maxDeferredBytes bounds the units held back for a second try because
// what they point to had not been imported yet.
const maxDeferredBytes = 256 << 20

type parsed struct {
	doc  document
	unit *carepath.ImportUnit
	err  error
}

// Import reads the files and folders at paths and writes what they hold into
// the organization orgID through importer. A unit that fails is reported in
// the Report and the others go on; the returned error is for failures that
// stop the import itself (no such path, database gone, cancelled).
func Import(ctx context.Context, importer carepath.ClinicalImporter, orgID string, paths []string, opt Options) (*Report, error) {
	files, total, err := inputFiles(paths)
	if err != nil {
		return nil, err
	}
	return run(ctx, importer, orgID, total, opt, func(ctx context.Context, out chan<- document, fail func(string, error)) {
		readInputs(ctx, files, out, fail)
	})
}

// Documents yields JSON documents to import: it calls emit for each, in
// order, and stops when emit returns false.
type Documents func(emit func(source string, data []byte) bool)

// ImportDocuments imports documents that come from memory rather than
// files, such as a generated population; n is how many there are, for
// progress. Everything else is as for Import.
func ImportDocuments(ctx context.Context, importer carepath.ClinicalImporter, orgID string, n int, docs Documents, opt Options) (*Report, error) {
	return run(ctx, importer, orgID, int64(n), opt, func(ctx context.Context, out chan<- document, fail func(string, error)) {
		defer close(out)
		seq := 0
		docs(func(source string, data []byte) bool {
			seq++
			select {
			case out <- document{seq: seq - 1, source: source, data: data, inputPos: int64(seq)}:
				return true
			case <-ctx.Done():
				return false
			}
		})
	})
}

func run(ctx context.Context, importer carepath.ClinicalImporter, orgID string, total int64, opt Options,
	read func(ctx context.Context, out chan<- document, fail func(string, error))) (*Report, error) {
	if opt.Workers <= 0 {
		// The single writer is what the import waits on: a parser on every
		// core preempted it every time slice, for about 0.9 s of a 4.7 s
		// import on 2 cores (scheduler delay in an execution trace), 0.45 s
		// with one core left to it.
		opt.Workers = max(runtime.GOMAXPROCS(0)-1, 1)
	}
	if opt.BatchResources <= 0 {
		opt.BatchResources = defaultBatchResources
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	if prev := debug.SetMemoryLimit(-1); prev > heapLimit {
		debug.SetMemoryLimit(heapLimit)
		defer debug.SetMemoryLimit(prev)
	}

	w := &writer{importer: importer, org: orgID, opt: opt, report: &Report{}, start: time.Now(), total: total}
	docs := make(chan document, opt.Workers*2)
	results := make(chan parsed, 16)
	var mu sync.Mutex
	var readFailures []Failure
	go read(ctx, docs, func(source string, err error) {
		mu.Lock()
		readFailures = append(readFailures, Failure{Source: source, Entry: -1, Reason: err.Error()})
		mu.Unlock()
	})
	var wg sync.WaitGroup
	for range opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for doc := range docs {
				unit, err := fhir.Parse(doc.data, doc.source)
				putBuffer(doc.data)
				doc.data = nil
				select {
				case results <- parsed{doc: doc, unit: unit, err: err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	stopProgress := w.startProgress()
	err := w.run(ctx, results)
	stopProgress()
	if err != nil {
		return w.report, err
	}
	mu.Lock()
	w.report.Failures = append(readFailures, w.report.Failures...)
	mu.Unlock()
	w.report.Elapsed = time.Since(w.start)
	return w.report, nil
}

// writer receives parsed units in any order, puts them back in input order
// and writes them in batches.
type writer struct {
	importer carepath.ClinicalImporter
	org      string
	opt      Options
	report   *Report
	start    time.Time
	total    int64

	mu       sync.Mutex // guards report and inputPos, which progress reads
	inputPos int64

	// Only the goroutine that writes the database touches these.
	deferred      []parsed
	deferredBytes int
}

func (w *writer) run(ctx context.Context, results <-chan parsed) error {
	// The database is written by its own goroutine so that parsing the next
	// batch overlaps with writing this one.
	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	batches := make(chan []parsed, 1)
	written := make(chan struct{})
	go func() {
		defer close(written)
		for b := range batches {
			if err := w.write(ctx, b, true); err != nil {
				cancel(err)
				for range batches {
				}
				return
			}
		}
	}()

	pending := map[int]parsed{}
	next := 0
	var batch []parsed
	resources, bytes := 0, 0
	// The first batches are small and each is twice the one before, up to
	// the full size: the writer, which the whole import waits on, starts
	// as soon as a few documents are parsed instead of after a full batch
	// (measured on synthea-300: the first write began after 0.5 s).
	ramp := firstBatchShare
	send := func() {
		if len(batch) > 0 {
			select {
			case batches <- batch:
			case <-ctx.Done():
			}
			ramp = max(ramp/2, 1)
		}
		batch, resources, bytes = nil, 0, 0
	}
	for p := range results {
		pending[p.doc.seq] = p
		for q, ok := pending[next]; ok; q, ok = pending[next] {
			delete(pending, next)
			next++
			if q.err != nil {
				w.fail(q.doc.source, q.err)
				w.advance(q.doc.inputPos)
				continue
			}
			batch = append(batch, q)
			w.advance(q.doc.inputPos)
			resources += len(q.unit.Resources)
			bytes += unitBytes(q.unit)
			if resources >= max(w.opt.BatchResources/ramp, 1) || bytes >= maxBatchBytes/ramp {
				send()
			}
		}
	}
	send()
	close(batches)
	<-written
	if err := context.Cause(ctx); err != nil {
		return err
	}
	return w.retryDeferred(ctx)
}

// write imports one batch. Units rejected only for references to resources
// not yet stored are held back (when canDefer) to be tried again at the end.
//
// A cancelled import writes no further batch, but the batch being written
// is finished rather than interrupted: its statements run with a context
// that cannot be cancelled, for the SQLite driver starts a goroutine to
// watch every statement's cancellable context, and those goroutines took
// the writer's turn on the CPU (a batch takes well under a second).
func (w *writer) write(ctx context.Context, batch []parsed, canDefer bool) error {
	if len(batch) == 0 {
		return nil
	}
	if err := context.Cause(ctx); err != nil {
		return err
	}
	units := make([]*carepath.ImportUnit, len(batch))
	for i, p := range batch {
		units[i] = p.unit
	}
	results, err := w.importer.ImportUnits(context.WithoutCancel(ctx), w.org, units)
	if err != nil {
		return err
	}
	for i, res := range results {
		p := batch[i]
		switch {
		case res.Err == nil:
			w.mu.Lock()
			w.report.Units++
			w.report.Resources += len(p.unit.Resources)
			w.report.Created += res.Created
			w.report.Updated += res.Updated
			w.report.Unchanged += res.Unchanged
			w.mu.Unlock()
		case res.Dangling && canDefer && w.deferredBytes < maxDeferredBytes:
			w.deferred = append(w.deferred, p)
			w.deferredBytes += unitBytes(p.unit)
		default:
			w.fail(p.doc.source, res.Err)
		}
	}
	return nil
}

// retryDeferred tries the held-back units again until a round makes no
// progress; what is still dangling then is reported.
func (w *writer) retryDeferred(ctx context.Context) error {
	for len(w.deferred) > 0 {
		round := w.deferred
		w.deferred, w.deferredBytes = nil, 0
		w.mu.Lock()
		before := w.report.Units
		w.mu.Unlock()
		if err := w.write(ctx, round, true); err != nil {
			return err
		}
		w.mu.Lock()
		progressed := w.report.Units > before
		w.mu.Unlock()
		if !progressed {
			last := w.deferred
			w.deferred = nil
			return w.write(ctx, last, false)
		}
	}
	return nil
}

func unitBytes(u *carepath.ImportUnit) int {
	n := 0
	for _, r := range u.Resources {
		n += len(r.JSON)
	}
	return n
}

func (w *writer) fail(source string, err error) {
	f := Failure{Source: source, Entry: -1, Reason: carepath.ErrorMessage(err)}
	var ue *fhir.UnitError
	if errors.As(err, &ue) {
		f.Entry, f.Reason = ue.Entry, ue.Reason
	} else if carepath.ErrorCode(err) == carepath.EINTERNAL {
		f.Reason = err.Error()
	}
	w.mu.Lock()
	w.report.Failures = append(w.report.Failures, f)
	w.mu.Unlock()
}

func (w *writer) advance(pos int64) {
	w.mu.Lock()
	if pos > w.inputPos {
		w.inputPos = pos
	}
	w.mu.Unlock()
}

func (w *writer) snapshot(done bool) Progress {
	w.mu.Lock()
	defer w.mu.Unlock()
	return Progress{Units: w.report.Units, Failed: len(w.report.Failures), Resources: w.report.Resources,
		InputDone: w.inputPos, InputTotal: w.total, Elapsed: time.Since(w.start), Done: done}
}

func (w *writer) startProgress() (stop func()) {
	if w.opt.Progress == nil {
		return func() {}
	}
	quit, finished := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				w.opt.Progress(w.snapshot(false))
			case <-quit:
				w.opt.Progress(w.snapshot(true))
				return
			}
		}
	}()
	return func() { close(quit); <-finished }
}

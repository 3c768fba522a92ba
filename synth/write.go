package synth

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// PatientsPerFile is how many bundles one NDJSON file holds.
const PatientsPerFile = 1000

// FileName names the NDJSON file that holds patients from index first.
func FileName(first int) string { return fmt.Sprintf("patients-%07d.ndjson", first) }

// WriteNDJSON writes patients 0..n-1 into dir as NDJSON files of
// PatientsPerFile transaction bundles each, one bundle per line, generating
// on every core. progress, if not nil, is called after each patient with the
// number written so far.
func (g *Generator) WriteNDJSON(ctx context.Context, dir string, n int, progress func(done int)) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	type result struct {
		i    int
		data []byte
		err  error
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan int)
	results := make(chan result, 64)
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				b, err := g.Bundle(i)
				select {
				case results <- result{i, b, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for i := 0; i < n; i++ {
			select {
			case jobs <- i:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var files []string
	var f *os.File
	var w *bufio.Writer
	closeFile := func() error {
		if f == nil {
			return nil
		}
		if err := w.Flush(); err != nil {
			return err
		}
		err := f.Close()
		f = nil
		return err
	}
	pending := map[int][]byte{}
	next := 0
	for res := range results {
		if res.err != nil {
			return files, res.err
		}
		pending[res.i] = res.data
		for b, ok := pending[next]; ok; b, ok = pending[next] {
			delete(pending, next)
			if next%PatientsPerFile == 0 {
				if err := closeFile(); err != nil {
					return files, err
				}
				path := filepath.Join(dir, FileName(next))
				var err error
				if f, err = os.Create(path); err != nil {
					return files, err
				}
				w = bufio.NewWriterSize(f, 1<<20)
				files = append(files, path)
			}
			w.Write(b)
			if err := w.WriteByte('\n'); err != nil {
				return files, err
			}
			next++
			if progress != nil {
				progress(next)
			}
		}
	}
	if err := ctx.Err(); err != nil {
		return files, err
	}
	return files, closeFile()
}

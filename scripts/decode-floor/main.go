// Command decode-floor is the yardstick of an import's speed: it reads the
// JSON files of folders and decodes each with encoding/json into generic
// values, on every core, as fhirimport's BenchmarkDecodeFloor does, and
// prints how many bundle entries it found. Any importer of the same files
// must at least do this; time `carepath import` against it, alternated:
//
//	go build -o /tmp/decode-floor ./scripts/decode-floor
//	/tmp/decode-floor /tmp/carepath-bench-synthea-300/synthea-300
package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
)

func main() {
	var files []string
	for _, dir := range os.Args[1:] {
		found, err := filepath.Glob(filepath.Join(dir, "*.json"))
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		files = append(files, found...)
	}
	if len(files) == 0 {
		fmt.Fprintln(os.Stderr, "usage: decode-floor FOLDER... (of .json files)")
		os.Exit(2)
	}
	var next, entries atomic.Int64
	var failed atomic.Bool
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(files)); i = next.Add(1) - 1 {
				data, err := os.ReadFile(files[i])
				var v struct{ Entry []any }
				if err == nil {
					err = json.Unmarshal(data, &v)
				}
				if err != nil {
					fmt.Fprintln(os.Stderr, files[i], err)
					failed.Store(true)
					return
				}
				entries.Add(int64(len(v.Entry)))
			}
		}()
	}
	wg.Wait()
	if failed.Load() {
		os.Exit(1)
	}
	fmt.Printf("%d files, %d entries\n", len(files), entries.Load())
}

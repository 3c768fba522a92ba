// Package decodefloor is the yardstick of an import's speed: reading FHIR
// bundle files and decoding each with encoding/json into generic values, on
// every core. Any importer of the same files must at least do this. The
// import benchmark and scripts/decode-floor (which times it from outside,
// beside `carepath import`) both run this one function.
package decodefloor

import (
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"sync"
	"sync/atomic"
)

// Decode reads and decodes files, as many at once as there are cores, and
// returns how many bundle entries they hold. It stops at the first file it
// cannot read or decode.
func Decode(files []string) (entries int64, err error) {
	var next, count atomic.Int64
	var first atomic.Value // error
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(len(files)) && first.Load() == nil; i = next.Add(1) - 1 {
				data, err := os.ReadFile(files[i])
				var v struct{ Entry []any }
				if err == nil {
					err = json.Unmarshal(data, &v)
				}
				if err != nil {
					first.CompareAndSwap(nil, fmt.Errorf("%s: %w", files[i], err))
					return
				}
				count.Add(int64(len(v.Entry)))
			}
		}()
	}
	wg.Wait()
	if e, _ := first.Load().(error); e != nil {
		return 0, e
	}
	return count.Load(), nil
}

// Command decode-floor times the yardstick of an import's speed from
// outside: it reads and decodes the JSON files of folders as fhirimport's
// BenchmarkDecodeFloor does (package internal/decodefloor), and prints how
// many bundle entries it found. Time `carepath import` against it,
// alternated:
//
//	go build -o /tmp/decode-floor ./scripts/decode-floor
//	/tmp/decode-floor /tmp/carepath-bench-synthea-300/synthea-300
package main

import (
	"fmt"
	"os"
	"path/filepath"

	"carepath/internal/decodefloor"
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
	entries, err := decodefloor.Decode(files)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Printf("%d files, %d entries\n", len(files), entries)
}

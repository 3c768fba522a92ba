//go:build ignore

// compact copies FHIR JSON files with their whitespace removed
// (encoding/json.Compact: every token is kept byte for byte), so the test
// fixtures stay small. Used once to make this folder from ../shared:
//
//	go run compact.go DEST FILE...
package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

func main() {
	if len(os.Args) < 3 {
		fmt.Fprintln(os.Stderr, "usage: go run compact.go DEST FILE...")
		os.Exit(2)
	}
	dest := os.Args[1]
	if err := os.MkdirAll(dest, 0o755); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	for _, f := range os.Args[2:] {
		b, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		var out bytes.Buffer
		if err := json.Compact(&out, b); err != nil {
			fmt.Fprintf(os.Stderr, "%s: %v\n", f, err)
			os.Exit(1)
		}
		out.WriteByte('\n')
		if err := os.WriteFile(filepath.Join(dest, filepath.Base(f)), out.Bytes(), 0o644); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
	}
}

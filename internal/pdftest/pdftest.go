// Package pdftest reads PDFs back for tests, as a reader would: with
// poppler's pdftotext and pdfinfo, which CI installs (.ci/run). That they
// read a PDF at all is the check that it renders. Without them a test
// skips, except in CI, where it fails.
package pdftest

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"carepath/internal/testenv"
)

// Text is the PDF's text (pdftotext -layout).
func Text(t testing.TB, pdf []byte) string {
	t.Helper()
	return string(run(t, pdf, "pdftotext", "-layout", "FILE", "-"))
}

// Info is what pdfinfo says of the PDF (its pages, its title...).
func Info(t testing.TB, pdf []byte) string {
	t.Helper()
	return string(run(t, pdf, "pdfinfo", "FILE"))
}

// run writes the PDF to a file and runs a poppler tool on it, FILE in args
// standing for the file.
func run(t testing.TB, pdf []byte, tool string, args ...string) []byte {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		testenv.Skip(t, "poppler's "+tool, "install Debian's poppler-utils")
	}
	path := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	for i, a := range args {
		if a == "FILE" {
			args[i] = path
		}
	}
	out, err := exec.Command(tool, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, out)
	}
	return out
}

// Package safecsv writes CSV that a spreadsheet opens as data: a cell that
// a spreadsheet would run as a formula (=HYPERLINK(...), +cmd, -2+3, @SUM)
// is written with a leading apostrophe, which spreadsheets take as "text"
// (OWASP, CSV Injection). Every CSV Carepath writes goes through it.
package safecsv

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"
)

// Writer is an encoding/csv Writer whose cells are neutralised.
type Writer struct {
	w   *csv.Writer
	buf []string
}

// NewWriter returns a Writer to w.
func NewWriter(w io.Writer) *Writer { return &Writer{w: csv.NewWriter(w)} }

// Write writes one record, each cell neutralised.
func (w *Writer) Write(record []string) error {
	w.buf = w.buf[:0]
	for _, cell := range record {
		w.buf = append(w.buf, Neutralize(cell))
	}
	return w.w.Write(w.buf)
}

// Flush writes what is buffered and returns the first error of any write.
func (w *Writer) Flush() error {
	w.w.Flush()
	return w.w.Error()
}

// Neutralize returns cell as a spreadsheet must read it as text: with an
// apostrophe before it when its first character, or its first after
// leading spaces, is one a spreadsheet starts a formula with (= + - @), or
// a tab or carriage return. A number ("-3", "+1.5") is left alone: it is
// read as the number, not run.
func Neutralize(cell string) string {
	if cell == "" {
		return cell
	}
	if _, err := strconv.ParseFloat(cell, 64); err == nil {
		return cell
	}
	first := strings.TrimLeft(cell, " ")
	if first == "" {
		first = cell
	}
	switch first[0] {
	case '=', '+', '-', '@', '\t', '\r', '\n':
		return "'" + cell
	}
	switch cell[0] {
	case '\t', '\r', '\n':
		return "'" + cell
	}
	return cell
}

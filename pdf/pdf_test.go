package pdf

import (
	"bytes"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"carepath/internal/pdftest"
)

func TestWrap(t *testing.T) {
	for _, c := range []struct {
		text string
		n    int
		want string
	}{
		{"one two three", 7, "one two|three"},
		{"one two three", 100, "one two three"},
		{"abcdefghij", 4, "abcd|efgh|ij"},
		{"first\nsecond line", 20, "first|second line"},
		{"", 10, ""},
	} {
		if got := strings.Join(wrap(c.text, c.n), "|"); got != c.want {
			t.Errorf("wrap(%q, %d) = %q, want %q", c.text, c.n, got, c.want)
		}
	}
	// The dash between a goal and its day, and quotes, print as themselves
	// (an em dash printed as "?" on the first patient copies).
	if got := escape("a(b)\\ café • 日本 — “x”"); got != `a\(b\)\\ caf\351 \225 ?? \227 \223x\224` {
		t.Errorf("escape: %s", got)
	}
}

// TestDocument: the cross-reference table points at every object, the
// pages are counted, and a reader (poppler's pdftotext, as CI installs it)
// reads the words back, accents and all, over more than one page.
func TestDocument(t *testing.T) {
	d := New("My care plan")
	d.Heading("My care plan", 20)
	d.Para("Goals in my own words (mis metas, en mis palabras): caminar a la iglesia — by Friday.")
	for i := range 80 {
		d.Bullet("Line " + strconv.Itoa(i) + " of a long list that runs onto a second page")
	}
	b := d.Bytes()
	if !bytes.HasPrefix(b, []byte("%PDF-1.4\n")) || !bytes.HasSuffix(b, []byte("%%EOF\n")) {
		t.Fatal("not a PDF's head and tail")
	}
	start, _ := strconv.Atoi(string(regexp.MustCompile(`startxref\n(\d+)`).FindSubmatch(b)[1]))
	if !bytes.HasPrefix(b[start:], []byte("xref\n")) {
		t.Fatalf("startxref %d does not point at the xref table", start)
	}
	for i, m := range regexp.MustCompile(`(\d{10}) 00000 n `).FindAllSubmatch(b[start:], -1) {
		off, _ := strconv.Atoi(string(m[1]))
		if want := strconv.Itoa(i+1) + " 0 obj"; !bytes.HasPrefix(b[off:], []byte(want)) {
			t.Errorf("xref entry %d points at %q", i+1, b[off:off+12])
		}
	}
	if !bytes.Contains(b, []byte("/Count 2")) {
		t.Error("80 bullets should make 2 pages")
	}
	text := pdftest.Text(t, b)
	for _, want := range []string{"My care plan", "caminar a la iglesia —", "Line 0 of a long list", "Line 79 of a long list"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if info := pdftest.Info(t, b); !regexp.MustCompile(`Pages:\s+2\n`).MatchString(info) || strings.Contains(info, "Syntax Error") {
		t.Errorf("pdfinfo:\n%s", info)
	}
}

// Package pdf writes simple text documents as PDF 1.4: headings,
// paragraphs and bulleted lines on US Letter pages, in the standard
// Helvetica fonts (which every reader has), with lines wrapped to the page
// and pages added as the text runs on. It is what Carepath needs to hand a
// patient a printable copy without a browser or a dependency; it does not
// do images, tables or fonts of its own. Text is written in
// WinAnsiEncoding: Latin-1 letters (Spanish, French...) print, other
// characters print as "?".
package pdf

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"
)

const (
	pageWidth  = 612.0 // US Letter, in points
	pageHeight = 792.0
	margin     = 64.0
)

// Document is a PDF being written, top to bottom.
type Document struct {
	pages []*bytes.Buffer
	y     float64
	title string
}

// New starts a document with a title (its metadata).
func New(title string) *Document {
	d := &Document{title: title}
	d.newPage()
	return d
}

func (d *Document) newPage() {
	d.pages = append(d.pages, &bytes.Buffer{})
	d.y = pageHeight - margin
}

// Heading writes a bold line (or lines) of size points, with space above.
func (d *Document) Heading(text string, size float64) {
	d.y -= size * 0.6
	d.lines("F2", size, 0, text)
}

// Para writes a paragraph of 11-point text.
func (d *Document) Para(text string) { d.lines("F1", 11, 0, text); d.y -= 4 }

// Bullet writes a bulleted paragraph of 11-point text, indented.
func (d *Document) Bullet(text string) { d.lines("F1", 11, 14, "• "+text) }

// Space leaves points of blank space.
func (d *Document) Space(points float64) { d.y -= points }

// lines wraps text to the page width and writes it.
func (d *Document) lines(font string, size, indent float64, text string) {
	// Helvetica averages about half an em a character; 0.52 keeps lines
	// inside the margin for ordinary text.
	perLine := int((pageWidth - 2*margin - indent) / (size * 0.52))
	for _, line := range wrap(text, perLine) {
		if d.y < margin+size {
			d.newPage()
		}
		d.y -= size * 1.25
		fmt.Fprintf(d.pages[len(d.pages)-1], "BT /%s %.1f Tf %.1f %.1f Td (%s) Tj ET\n", font, size, margin+indent, d.y, escape(line))
	}
}

// wrap breaks text into lines of at most n characters, at spaces where it
// can.
func wrap(text string, n int) []string {
	var out []string
	for _, para := range strings.Split(text, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			for utf8.RuneCountInString(word) > n {
				r := []rune(word)
				if line != "" {
					out, line = append(out, line), ""
				}
				out, word = append(out, string(r[:n])), string(r[n:])
			}
			switch {
			case line == "":
				line = word
			case utf8.RuneCountInString(line)+1+utf8.RuneCountInString(word) <= n:
				line += " " + word
			default:
				out, line = append(out, line), word
			}
		}
		out = append(out, line)
	}
	return out
}

// escape writes a line as a PDF string in WinAnsiEncoding.
func escape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '(' || r == ')' || r == '\\':
			b.WriteByte('\\')
			b.WriteRune(r)
		case winAnsi[r] != "":
			b.WriteString(winAnsi[r])
		case r >= 32 && r < 127:
			b.WriteRune(r)
		case r >= 160 && r <= 255:
			fmt.Fprintf(&b, `\%03o`, r)
		default:
			b.WriteByte('?')
		}
	}
	return b.String()
}

// winAnsi is where WinAnsiEncoding puts the punctuation it has beyond
// Latin-1 (its 0x80-0x9F), as PDF string escapes.
var winAnsi = map[rune]string{'€': `\200`, '‚': `\202`, '„': `\204`, '…': `\205`, '‘': `\221`, '’': `\222`,
	'“': `\223`, '”': `\224`, '•': `\225`, '–': `\226`, '—': `\227`, '™': `\231`}

// Bytes is the finished document.
func (d *Document) Bytes() []byte {
	var out bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, out.Len())
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	out.WriteString("%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
	n := len(d.pages)
	// 1 catalog, 2 pages, 3-4 fonts, 5 info; then a page and its content
	// stream for each page.
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	kids := make([]string, n)
	for i := range d.pages {
		kids[i] = fmt.Sprintf("%d 0 R", 6+2*i)
	}
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>")
	obj(fmt.Sprintf("<< /Title (%s) /Producer (Carepath) >>", escape(d.title)))
	for i, p := range d.pages {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %.0f %.0f] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents %d 0 R >>",
			pageWidth, pageHeight, 7+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", p.Len(), p.String()))
	}
	xref := out.Len()
	fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, o := range offsets {
		fmt.Fprintf(&out, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R /Info 5 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return out.Bytes()
}

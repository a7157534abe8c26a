package reports

import (
	"strings"
)

// Colours of the label cells and rules.
const (
	labelGray = 235
	ruleGray  = 190
	padY      = 1.0 // space above and below the text of a cell
	minRowH   = 7.0
)

// wrap breaks s into lines that fit width at the current font size, leaving
// room for the cell margin on both sides.
func (d *doc) wrap(s string, width float64) []string {
	s = strings.ReplaceAll(s, "\r\n", "\n")
	return WrapLines(d.width, s, width-2*d.pdf.GetCellMargin())
}

// line writes one line of text at (x, y) in a cell of width w.
func (d *doc) line(x, y, w float64, s, align string) {
	d.pdf.SetXY(x, y)
	d.text(w, lineH, s, 0, align)
}

// paragraph draws text wrapped to width w starting at the left margin plus
// indent, one line per CellFormat, adding pages when it runs out of room.
func (d *doc) paragraph(indent float64, text string) {
	w := contentW - indent
	for _, ln := range d.wrap(text, w) {
		d.ensure(lineH)
		d.line(margin+indent, d.pdf.GetY(), w, ln, "L")
		d.pdf.SetY(d.pdf.GetY() + lineH)
	}
}

// title draws the document title centred, with an optional note at the
// right (a record number, a date), and leaves the cursor below it.
func (d *doc) title(s, note string) {
	y := d.pdf.GetY()
	d.font(titleSize)
	d.pdf.SetXY(margin, y)
	d.text(contentW, 9, s, 0, "C")
	d.font(smallSize)
	if note != "" {
		d.pdf.SetXY(margin, y+1.5)
		d.text(contentW, 6, note, 0, "R")
	}
	d.font(bodySize)
	d.pdf.SetY(y + 11)
}

// heading draws a section heading as a grey bar across the content width.
func (d *doc) heading(s string) {
	d.ensure(minRowH + lineH)
	y := d.pdf.GetY()
	d.pdf.SetFillColor(labelGray, labelGray, labelGray)
	d.pdf.Rect(margin, y, contentW, 6.5, "F")
	d.line(margin, y+0.6, contentW, s, "L")
	d.pdf.SetY(y + 7.5)
}

// gap moves the cursor down by h millimetres.
func (d *doc) gap(h float64) { d.pdf.SetY(d.pdf.GetY() + h) }

// ruledBox draws an empty box of height h with light lines to write on by
// hand, starting a new page first when it does not fit.
func (d *doc) ruledBox(h float64) {
	d.ensure(h)
	y := d.pdf.GetY()
	d.pdf.SetDrawColor(ruleGray, ruleGray, ruleGray)
	for ly := y + 7; ly < y+h-1; ly += 7 {
		d.pdf.Line(margin+2, ly, margin+contentW-2, ly)
	}
	d.pdf.SetDrawColor(0, 0, 0)
	d.pdf.Rect(margin, y, contentW, h, "D")
	d.pdf.SetY(y + h)
}

// signatureLine draws "label ＿＿＿＿ suffix" at x on the current line.
func (d *doc) signatureLine(x float64, label, suffix string) {
	y := d.pdf.GetY()
	d.line(x, y, 30, label, "L")
	d.pdf.Line(x+30, y+lineH, x+78, y+lineH)
	d.line(x+79, y, 8, suffix, "L")
}

package reports

// cell is one cell of a grid or table row: a grey label, plain text, or a
// flow of check boxes.
type cell struct {
	w     float64
	text  string
	label bool     // grey background
	align string   // "L" (default), "C" or "R"
	boxes []choice // drawn instead of text when not nil
	mark  bool     // an empty box to tick by hand, centred
	bar   float64  // with text "", a bar this fraction (0..1) of the cell wide
}

// lbl returns a label cell of width w.
func lbl(w float64, s string) cell { return cell{w: w, text: s, label: true} }

// val returns a text cell of width w.
func val(w float64, s string) cell { return cell{w: w, text: s} }

// rowLayout is a row's cells broken into lines, ready to draw in chunks.
type rowLayout struct {
	cells []cell
	lines [][]string
	boxes [][]placed
	boxH  float64 // height of the tallest check-box flow
	n     int     // most text lines in a cell
}

// layoutRow wraps every text cell and lays out every check-box cell.
func (d *doc) layoutRow(cells []cell) rowLayout {
	rl := rowLayout{cells: cells, lines: make([][]string, len(cells)), boxes: make([][]placed, len(cells))}
	for i, c := range cells {
		if c.boxes != nil {
			var h float64
			rl.boxes[i], h = d.layoutChoices(c.boxes, c.w)
			rl.boxH = max(rl.boxH, h)
			continue
		}
		rl.lines[i] = d.wrap(c.text, c.w)
		rl.n = max(rl.n, len(rl.lines[i]))
	}
	return rl
}

// rowH is the height of a row chunk holding k text lines and, on its first
// chunk, check boxes of height boxH.
func rowH(k int, boxH float64) float64 {
	return max(float64(k)*lineH+2*padY, boxH+2*padY, minRowH)
}

// row draws one row of cells from the left margin. A row that does not fit
// moves to a new page; a row taller than a third of a page is split across
// pages instead, so no text is ever lost.
func (d *doc) row(cells ...cell) {
	rl := d.layoutRow(cells)
	boxH := rl.boxH
	for start := 0; ; {
		k := d.chunkLines(rl.n-start, boxH)
		if k < 0 {
			d.newPage()
			continue
		}
		d.drawChunk(rl, start, k, boxH)
		start += k
		boxH = 0
		if start >= rl.n {
			return
		}
		d.newPage()
	}
}

// chunkLines tells how many of the rest text lines go on this page, or -1
// when the row should start on a new page.
func (d *doc) chunkLines(rest int, boxH float64) int {
	if d.room(rowH(rest, boxH)) {
		return rest
	}
	fit := int((bottomY - d.pdf.GetY() - 2*padY) / lineH)
	atTop := d.pdf.GetY() <= d.top+0.01
	if (rowH(rest, boxH) < (bottomY-contentTop)/3 || fit < 1 || !d.room(boxH+2*padY)) && !atTop {
		return -1
	}
	return max(1, min(fit, rest))
}

// drawChunk draws lines start..start+k of every cell of the row, and the
// check boxes when boxH is not zero, then moves the cursor below.
func (d *doc) drawChunk(rl rowLayout, start, k int, boxH float64) {
	y := d.pdf.GetY()
	h := rowH(k, boxH)
	x := margin
	for i, c := range rl.cells {
		d.cellFrame(x, y, c.w, h, c.label)
		switch {
		case c.boxes != nil:
			if boxH > 0 {
				d.drawChoices(rl.boxes[i], x, y+padY)
			}
		case c.mark:
			d.checkBox(x+(c.w-boxSize)/2, y+(h-lineH)/2, false)
		case c.bar > 0:
			d.barIn(x, y, c.w, h, c.bar)
		default:
			d.cellText(x, y, c, rl.lines[i], start, k, h)
		}
		x += c.w
	}
	d.pdf.SetXY(margin, y+h)
}

// cellFrame draws a cell's border, grey filled for a label.
func (d *doc) cellFrame(x, y, w, h float64, label bool) {
	style := "D"
	if label {
		d.pdf.SetFillColor(labelGray, labelGray, labelGray)
		style = "FD"
	}
	d.pdf.Rect(x, y, w, h, style)
}

// cellText writes lines start..start+k of a text cell, centred vertically.
func (d *doc) cellText(x, y float64, c cell, lines []string, start, k int, h float64) {
	if start >= len(lines) {
		return
	}
	lines = lines[start:min(len(lines), start+k)]
	ty := y + (h-float64(len(lines))*lineH)/2
	align := c.align
	if align == "" {
		align = "L"
	}
	for j, ln := range lines {
		d.line(x, ty+float64(j)*lineH, c.w, ln, align)
	}
}

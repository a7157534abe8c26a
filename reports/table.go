package reports

// column is one column of a table.
type column struct {
	title string
	w     float64
	align string // of the values: "L" (default), "C" or "R"
}

// header draws the column titles as grey label cells.
func (d *doc) header(cols []column) {
	cells := make([]cell, len(cols))
	for i, c := range cols {
		cells[i] = cell{w: c.w, text: c.title, label: true, align: "C"}
	}
	d.row(cells...)
}

// tableRow draws one row of values under cols.
func (d *doc) tableRow(cols []column, vals ...string) {
	cells := make([]cell, len(cols))
	for i, c := range cols {
		cells[i] = cell{w: c.w, align: c.align}
		if i < len(vals) {
			cells[i].text = vals[i]
		}
	}
	d.row(cells...)
}

// startTable draws a table's header and makes every following page repeat
// the page title (with note at its right), the line sub when not empty, and
// the header.
func (d *doc) startTable(title, note, sub string, cols []column) {
	d.ensure(3 * minRowH)
	d.cont = func() {
		d.title(title, note)
		if sub != "" {
			d.paragraph(1, sub)
		}
		d.header(cols)
	}
	d.header(cols)
}

// titleCont makes every following page start with the page title only,
// ending the repeated header of a table that is finished.
func (d *doc) titleCont(title, note string) {
	d.cont = func() { d.title(title, note) }
}

// barIn draws a horizontal bar of fraction f (0..1) of a cell's inner width.
func (d *doc) barIn(x, y, w, h, f float64) {
	inner := w - 4
	d.pdf.SetFillColor(120, 120, 120)
	d.pdf.Rect(x+2, y+h/2-1.6, inner*min(f, 1), 3.2, "F")
}

// none writes a line saying a list is empty.
func (d *doc) none(s string) {
	d.gap(2)
	d.paragraph(2, s)
}

package reports

// choice is one item of a check-box group. A heading is plain text that
// starts a new line (the level of a support program, for instance).
type choice struct {
	label   string
	on      bool
	heading bool
	br      bool // start a new line
}

// placed is a piece of a laid-out check-box group.
type placed struct {
	x, y   float64 // relative to the cell's top left corner
	text   string
	box    bool // draw a box at x
	on     bool // tick the box
	indent bool // text starts after the box column
}

// Check-box geometry.
const (
	boxSize = 3.2
	boxGap  = 1.0 // between a box and its label
	itemGap = 4.0 // between two items on a line
)

// choicesOf makes a group from labels, ticking those in on.
func choicesOf(labels []string, on ...string) []choice {
	set := make(map[string]bool, len(on))
	for _, s := range on {
		set[s] = true
	}
	out := make([]choice, 0, len(labels))
	for _, l := range labels {
		out = append(out, choice{label: l, on: set[l]})
	}
	return out
}

// flow is the state of laying out check boxes line by line.
type flow struct {
	x, y, w float64
	out     []placed
}

// newline moves the flow to the start of the next line if the current one
// has something on it.
func (f *flow) newline() {
	if f.x > 0 {
		f.x, f.y = 0, f.y+lineH
	}
}

// layoutChoices places the items of a group in a cell of width w, flowing
// them left to right and wrapping an item that is wider than the cell. It
// returns the pieces and the height they take.
func (d *doc) layoutChoices(items []choice, w float64) ([]placed, float64) {
	cm := d.pdf.GetCellMargin()
	f := &flow{w: w - 2*cm}
	for _, it := range items {
		if it.heading {
			f.newline()
			f.out = append(f.out, placed{x: cm, y: f.y, text: it.label})
			f.x = d.width(it.label) + boxGap
			continue
		}
		if it.br {
			f.newline()
		}
		d.placeItem(f, it, cm)
	}
	if len(f.out) == 0 {
		return nil, 0
	}
	return f.out, f.y + lineH
}

// placeItem puts one box and its label on the flow.
func (d *doc) placeItem(f *flow, it choice, cm float64) {
	textW := d.width(it.label) + 2*cm
	need := boxSize + boxGap + textW
	if f.x > 0 && f.x+need > f.w {
		f.newline()
	}
	lines := []string{it.label}
	if need > f.w-f.x {
		lines = WrapLines(d.width, it.label, f.w-f.x-boxSize-boxGap-2*cm)
	}
	x := f.x + cm
	f.out = append(f.out, placed{x: x, y: f.y, text: lines[0], box: true, on: it.on, indent: true})
	for _, ln := range lines[1:] {
		f.y += lineH
		f.out = append(f.out, placed{x: x, y: f.y, text: ln, indent: true})
	}
	f.x += need + itemGap
	if len(lines) > 1 {
		f.newline()
	}
}

// drawChoices draws laid-out pieces relative to (x, y).
func (d *doc) drawChoices(ps []placed, x, y float64) {
	cm := d.pdf.GetCellMargin()
	for _, p := range ps {
		tx := x + p.x
		if p.box {
			d.checkBox(tx, y+p.y, p.on)
		}
		if p.indent {
			tx += boxSize + boxGap
		}
		d.line(tx-cm, y+p.y, d.width(p.text)+2*cm, p.text, "L")
	}
}

// checkBox draws a box at the start of a text line at (x, y), with a tick
// when on. IPAex Gothic has no ☐ (U+2610) or ☑ (U+2611), so the box is a
// rectangle; the tick is the font's ✓ (U+2713), which pdftotext reads back.
func (d *doc) checkBox(x, y float64, on bool) {
	by := y + (lineH-boxSize)/2
	d.pdf.SetLineWidth(0.25)
	d.pdf.Rect(x, by, boxSize, boxSize, "D")
	d.pdf.SetLineWidth(0.2)
	if on {
		d.pdf.SetXY(x-0.3, y)
		d.text(boxSize+0.6, lineH, "✓", 0, "C")
	}
}

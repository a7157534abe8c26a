package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Columns lays objects out in one row: the first len(widths) objects get
// those widths, the last one takes what is left. Lists use it so that their
// rows line up like a table while still holding buttons. The widths are
// those at the medium font size; they grow and shrink with the font-size
// setting, so a value that fits at 中 still fits at 大.
type Columns struct{ Widths []float32 }

// mediumTextSize is the text size at the medium font-size setting.
const mediumTextSize = 14

// width returns column i's width at the theme's text size.
func (c *Columns) width(i int) float32 { return c.Widths[i] * theme.TextSize() / mediumTextSize }

// Layout implements fyne.Layout.
func (c *Columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := size.Width - x
		if i < len(c.Widths) {
			w = c.width(i)
		}
		h := o.MinSize().Height
		o.Move(fyne.NewPos(x, (size.Height-h)/2))
		o.Resize(fyne.NewSize(w, h))
		x += w
	}
}

// MinSize implements fyne.Layout.
func (c *Columns) MinSize(objs []fyne.CanvasObject) fyne.Size {
	var w, h float32
	for i, o := range objs {
		m := o.MinSize()
		if i < len(c.Widths) {
			w += c.width(i)
		} else {
			w += m.Width
		}
		h = max(h, m.Height)
	}
	return fyne.NewSize(w, h)
}

// ColumnWidth returns a Columns width (at the medium font size) that
// holds the widest of values as a label shows it, and at least least.
// Screens pass the longest values a column can hold (such as
// 「13:06–14:00 飛込」), in the window's language.
func ColumnWidth(least float32, values ...string) float32 {
	w := least
	for _, v := range values {
		w = max(w, labelWidth(v)*mediumTextSize/theme.TextSize())
	}
	return w
}

// labelWidth is the width a label needs to show s whole at the theme's
// text size (a cut-off label of exactly its minimum width still cuts off
// the last characters: the pixel of rounding).
func labelWidth(s string) float32 { return widget.NewLabel(s).MinSize().Width + 1 }

// TruncLabel is a label that cuts off with "…" instead of growing its column.
func TruncLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// HoverLabel is a label that cuts off with "…" instead of growing its
// column and shows its whole text beside the pointer while the pointer
// rests on a cut value.
type HoverLabel struct {
	widget.Label
	tip *widget.PopUp
}

// NewHoverLabel returns a cut-off label with text.
func NewHoverLabel(text string) *HoverLabel {
	l := &HoverLabel{}
	l.Text = text
	l.Truncation = fyne.TextTruncateEllipsis
	l.ExtendBaseWidget(l)
	return l
}

// Cut reports whether the label is too narrow for its whole text.
func (l *HoverLabel) Cut() bool { return labelWidth(l.Text) > l.Size().Width+0.5 }

// MouseIn implements desktop.Hoverable: a cut value shows whole.
func (l *HoverLabel) MouseIn(*desktop.MouseEvent) {
	c := fyne.CurrentApp().Driver().CanvasForObject(l)
	if c == nil || !l.Cut() {
		return
	}
	l.tip = widget.NewPopUp(&tipText{Label: widget.Label{Text: l.Text}}, c)
	pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(l)
	l.tip.ShowAtPosition(pos.AddXY(0, l.Size().Height))
}

// MouseMoved implements desktop.Hoverable.
func (l *HoverLabel) MouseMoved(*desktop.MouseEvent) {}

// MouseOut implements desktop.Hoverable.
func (l *HoverLabel) MouseOut() {
	if l.tip != nil {
		l.tip.Hide()
		l.tip = nil
	}
}

// tipText is the text of a HoverLabel's pop-up.
type tipText struct{ widget.Label }

// IsTip reports whether the overlay o is a HoverLabel's pop-up, which
// neither takes the window's shortcuts nor closes with Esc.
func IsTip(o fyne.CanvasObject) bool {
	p, ok := o.(*widget.PopUp)
	if !ok {
		return false
	}
	_, ok = p.Content.(*tipText)
	return ok
}

// TopOverlay returns the topmost overlay of c (a dialog) that is not a
// HoverLabel's pop-up, or nil.
func TopOverlay(c fyne.Canvas) fyne.CanvasObject {
	ov := c.Overlays().List()
	for i := len(ov) - 1; i >= 0; i-- {
		if !IsTip(ov[i]) {
			return ov[i]
		}
	}
	return nil
}

// NewFlow is a container that lays objects out in a row and starts a new
// row where the next one would pass the width it is given, instead of
// making the window wider (filter bars with two date fields).
func NewFlow(objs ...fyne.CanvasObject) *fyne.Container {
	return container.New(&flowLayout{gap: theme.Padding()}, objs...)
}

// LabelledGrid lays objects out in rows of cols cells: the first column
// (the row labels, such as times) as wide as its widest cell, the others
// sharing the rest equally. Unlike Fyne's grid, whose every column is as
// wide as its widest cell anywhere, the label column does not widen the
// others (a week of slots fits the window at the large font).
type LabelledGrid struct{ Cols int }

// cells returns the widest label cell, the widest other cell and the
// height of each row.
func (g *LabelledGrid) cells(objs []fyne.CanvasObject) (label, cell float32, rows []float32) {
	for i, o := range objs {
		m := o.MinSize()
		if i%g.Cols == 0 {
			label = max(label, m.Width)
			rows = append(rows, 0)
		} else {
			cell = max(cell, m.Width)
		}
		rows[len(rows)-1] = max(rows[len(rows)-1], m.Height)
	}
	return label, cell, rows
}

// Layout implements fyne.Layout.
func (g *LabelledGrid) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	label, _, rows := g.cells(objs)
	pad := theme.Padding()
	cell := (size.Width - label - pad*float32(g.Cols-1)) / float32(g.Cols-1)
	y := float32(0)
	for i, o := range objs {
		col, row := i%g.Cols, i/g.Cols
		if col == 0 && row > 0 {
			y += rows[row-1] + pad
		}
		x, w := float32(0), label
		if col > 0 {
			x, w = label+pad+float32(col-1)*(cell+pad), cell
		}
		o.Move(fyne.NewPos(x, y))
		o.Resize(fyne.NewSize(w, rows[row]))
	}
}

// MinSize implements fyne.Layout.
func (g *LabelledGrid) MinSize(objs []fyne.CanvasObject) fyne.Size {
	label, cell, rows := g.cells(objs)
	pad := theme.Padding()
	h := float32(0)
	for _, r := range rows {
		h += r + pad
	}
	return fyne.NewSize(label+float32(g.Cols-1)*(cell+pad), max(0, h-pad))
}

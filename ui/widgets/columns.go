package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/widget"
)

// Columns lays objects out in one row: the first len(widths) objects get
// those widths, the last one takes what is left. Lists use it so that their
// rows line up like a table while still holding buttons.
type Columns struct{ Widths []float32 }

// Layout implements fyne.Layout.
func (c *Columns) Layout(objs []fyne.CanvasObject, size fyne.Size) {
	x := float32(0)
	for i, o := range objs {
		w := size.Width - x
		if i < len(c.Widths) {
			w = c.Widths[i]
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
			w += c.Widths[i]
		} else {
			w += m.Width
		}
		h = max(h, m.Height)
	}
	return fyne.NewSize(w, h)
}

// TruncLabel is a label that cuts off with "…" instead of growing its column.
func TruncLabel(text string) *widget.Label {
	l := widget.NewLabel(text)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

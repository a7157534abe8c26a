package counter

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// drawDay draws the 日 view: one column per venue (会場別) or consultant
// (相談員別), side by side, with a line saying why a closed day takes no
// reservations.
func (w *weekScreen) drawDay() {
	day := w.day.Date()
	if c, ok := w.closed[day.Format("2006-01-02")]; ok {
		kind := tr("休業日")
		if c.Holiday {
			kind = tr("祝日")
		}
		w.notice.SetText(tr("%d/%d（%s）は%s（%s）のため、予約を受け付けません。", day.Month(), day.Day(), weekdayJP(day), kind, closureName(c)))
		w.notice.Show()
	} else {
		w.notice.Hide()
	}
	cols := w.current()
	head := []fyne.CanvasObject{w.dayLabel(day)}
	for _, name := range cols.Labels {
		head = append(head, boldTrunc(name))
	}
	var body []fyne.CanvasObject
	w.rows(func(start, end int) {
		for _, id := range cols.IDs {
			body = append(body, w.cell(day, start, end, id))
		}
	}, &body)
	if len(cols.IDs) == 0 {
		body = []fyne.CanvasObject{widget.NewLabel(tr("会場または相談員が登録されていません。"))}
		head = nil
	}
	w.setGrid(max(len(head), 1), head, body)
}

// boldTrunc is a bold label cut with "…" when its column is narrow; the
// whole text shows where there is room.
func boldTrunc(s string) *widget.Label {
	l := widgets.BoldLabel(s)
	l.Truncation = fyne.TextTruncateEllipsis
	return l
}

// slotGrid lays out the calendar's rows: the first column (the times)
// as wide as its widest cell, the others sharing the rest equally; rows
// share the height, never lower than their tallest cell. The header row
// uses the same layout, so its columns line up with the slots.
type slotGrid struct {
	cols int
	// peer is the other container of the pair (the header's for the
	// slots, the slots' for the header): the first column fits both.
	peer *fyne.Container
}

func (g *slotGrid) sizes(objects []fyne.CanvasObject) (first, cell, row float32) {
	for i, o := range objects {
		m := o.MinSize()
		if i%g.cols == 0 {
			first = max(first, m.Width)
		} else {
			cell = max(cell, m.Width)
		}
		row = max(row, m.Height)
	}
	if g.peer != nil {
		for i, o := range g.peer.Objects {
			if i%g.cols == 0 {
				first = max(first, o.MinSize().Width)
			}
		}
	}
	return first, cell, row
}

// narrowCell is the width a slot may shrink to, so that a day with many
// venues still fits the window (the names are cut to fit, see cellText).
const narrowCell = 80

// MinSize implements fyne.Layout.
func (g *slotGrid) MinSize(objects []fyne.CanvasObject) fyne.Size {
	first, cell, row := g.sizes(objects)
	cell = min(cell, narrowCell)
	rows := (len(objects) + g.cols - 1) / g.cols
	pad := theme.Padding()
	return fyne.NewSize(first+float32(g.cols-1)*(cell+pad), float32(rows)*row+float32(max(rows-1, 0))*pad)
}

// Layout implements fyne.Layout.
func (g *slotGrid) Layout(objects []fyne.CanvasObject, size fyne.Size) {
	first, _, row := g.sizes(objects)
	rows := (len(objects) + g.cols - 1) / g.cols
	pad := theme.Padding()
	cell := first
	if g.cols > 1 {
		cell = (size.Width - first - float32(g.cols-1)*pad) / float32(g.cols-1)
	}
	if rows > 0 {
		row = max(row, (size.Height-float32(rows-1)*pad)/float32(rows))
	}
	for i, o := range objects {
		c, r := i%g.cols, i/g.cols
		x, w := float32(0), first
		if c > 0 {
			x, w = first+pad+float32(c-1)*(cell+pad), cell
		}
		o.Move(fyne.NewPos(x, float32(r)*(row+pad)))
		o.Resize(fyne.NewSize(w, row))
	}
}

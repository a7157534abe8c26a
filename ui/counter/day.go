package counter

import (
	"fmt"

	"fyne.io/fyne/v2"
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
	head := []fyne.CanvasObject{widgets.BoldLabel(fmt.Sprintf("%d/%d（%s）", day.Month(), day.Day(), weekdayJP(day)))}
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

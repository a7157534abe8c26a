package casework

import (
	"context"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// refreshVisited lists today's reservations whose visitor came (来所) and
// that have no record yet, each with 相談記録を作成 and 空欄の相談票.
func (sc *consultScreen) refreshVisited() {
	rs, err := sc.ctx.Office().VisitedWithoutRecord(sc.ctx.Context(), sc.ctx.Session(), widgets.ISOToday(sc.ctx))
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	sc.visited.RemoveAll()
	if len(rs) == 0 {
		sc.visited.Add(widget.NewLabel(tr("記録を待っている来所済みの予約はありません。")))
		return
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.BusinessID
	}
	biz, staff := widgets.BusinessNames(sc.ctx, ids), widgets.Names(sc.ctx)
	for _, r := range rs {
		sc.visited.Add(sc.visitedRow(r, biz[r.BusinessID], staff[r.ConsultantID]))
	}
}

func (sc *consultScreen) visitedRow(r record.Reservation, bizName, staffName string) fyne.CanvasObject {
	id := r.ID
	draft := widget.NewButtonWithIcon(tr("相談記録を作成"), theme.DocumentCreateIcon(), func() { sc.fromReservation(id) })
	draft.Importance = widget.HighImportance
	blank := widget.NewButtonWithIcon(tr("空欄の相談票"), theme.DocumentPrintIcon(), func() {
		sc.ctx.SavePDF(office.FileName("相談票（記入用）", bizName, office.FileDate(r.Date)), func(rc context.Context) ([]byte, error) {
			return sc.ctx.Office().PrintBlankSheet(rc, sc.ctx.Session(), id)
		})
	})
	text := tr("%s〜%s　%s　（%s）", r.Start, r.End, bizName, staffName)
	return container.NewBorder(nil, nil, nil, container.NewHBox(draft, blank), widget.NewLabel(text))
}

// fromReservation opens a new record filled from a reservation.
func (sc *consultScreen) fromReservation(reservationID string) {
	c, err := sc.ctx.Office().DraftFromReservation(sc.ctx.Context(), sc.ctx.Session(), reservationID)
	if err != nil {
		sc.ctx.ShowError(err)
		return
	}
	sc.show(c)
}

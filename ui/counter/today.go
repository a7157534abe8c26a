package counter

import (
	"context"
	"slices"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/layout"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// todayScreen is 今日の予定: one day's reservations by time and venue, with
// check-in, cancellation and no-show, walk-ins and the printed schedule.
type todayScreen struct {
	ctx   Host
	date  *widgets.DateField
	list  *widget.List
	rows  []record.Reservation
	biz   map[string]string
	names map[string]string
	count *widget.Label
	// sheets prints the session sheets of the day's active reservations;
	// it is disabled when there are none.
	sheets *widget.Button
	cols   []float32 // the column widths (todayColumns)
}

// todayColumns are the widths of the columns 時間, 会場, 事業者, 相談員 and
// 状態: each holds its longest value whole (a walk-in's 「13:06–14:00 飛込」,
// the venue and staff names, the statuses) in the window's language.
func todayColumns(names map[string]string) []float32 {
	var all []string
	for _, n := range names {
		all = append(all, n)
	}
	statuses := []string{tr("状態")}
	for _, st := range record.ReservationStatuses() {
		statuses = append(statuses, tr(st))
	}
	name := min(widgets.ColumnWidth(110, all...), 220)
	cols := []float32{
		widgets.ColumnWidth(110, tr("時間"), "00:00–00:00 "+tr("飛込")),
		max(130, name), 0, name,
		widgets.ColumnWidth(90, statuses...),
	}
	// 事業者 gives up what the others need beyond their usual widths (a
	// cut name shows whole on hover), so the buttons keep their place.
	cols[2] = max(150, 210-(cols[0]-110)-(cols[1]-130)-(cols[3]-110)-(cols[4]-90))
	return cols
}

func newTodayScreen(ctx Host) *todayScreen {
	t := &todayScreen{ctx: ctx, count: widget.NewLabel("")}
	t.sheets = widget.NewButtonWithIcon(tr("相談票を一括印刷"), theme.DocumentPrintIcon(), t.printSheets)
	t.date = widgets.NewDateField(ctx.Today(), 1, func(time.Time) { t.reload() })
	t.list = widget.NewList(func() int { return len(t.rows) }, t.newRow, t.updateRow)
	t.names = widgets.Names(ctx)
	t.cols = todayColumns(t.names)
	t.reload()
	return t
}

func (t *todayScreen) object() fyne.CanvasObject {
	today := widget.NewButton(tr("今日"), func() { t.date.SetDate(t.ctx.Today()) })
	walkIn := widget.NewButtonWithIcon(tr("飛び込み受付"), theme.ContentAddIcon(), t.walkIn)
	walkIn.Importance = widget.HighImportance
	print := widget.NewButtonWithIcon(tr("予定表を印刷"), theme.DocumentPrintIcon(), t.print)
	bar := container.NewHBox(t.date.Object(), today, layout.NewSpacer(), walkIn)
	prints := container.NewHBox(t.count, layout.NewSpacer(), print, t.sheets)
	head := container.New(&widgets.Columns{Widths: t.cols},
		widgets.BoldLabel(tr("時間")), widgets.BoldLabel(tr("会場")), widgets.BoldLabel(tr("事業者")), widgets.BoldLabel(tr("相談員")), widgets.BoldLabel(tr("状態")), widgets.BoldLabel(tr("操作")))
	top := container.NewVBox(widgets.Heading(tr("今日の予定")), bar, prints, head, widget.NewSeparator())
	return widgets.WithShortcuts(container.NewBorder(top, nil, nil, nil, t.list), map[string]func(){
		widgets.ShortcutSearch: func() { t.ctx.Window().Canvas().Focus(t.date.Entry) },
		widgets.ShortcutNew:    t.walkIn,
		widgets.ShortcutPrint:  t.print,
	})
}

// reload reads the day's reservations again.
func (t *todayScreen) reload() {
	rs, err := t.ctx.Office().ReservationsOn(t.ctx.Context(), t.ctx.Session(), t.date.ISO())
	if err != nil {
		t.ctx.ShowError(err)
		return
	}
	ids := make([]string, len(rs))
	for i, r := range rs {
		ids[i] = r.BusinessID
	}
	biz, err := t.ctx.Office().BusinessNames(t.ctx.Context(), t.ctx.Session(), ids)
	if err != nil {
		t.ctx.ShowError(err)
		return
	}
	t.rows, t.biz = rs, biz
	t.count.SetText(tr("予約 %d 件", len(rs)))
	if slices.ContainsFunc(rs, sheetReservation) {
		t.sheets.Enable()
	} else {
		t.sheets.Disable()
	}
	t.list.Refresh()
}

func (t *todayScreen) newRow() fyne.CanvasObject {
	visit := widget.NewButton(tr("来所"), nil)
	visit.Importance = widget.HighImportance
	cancel := widget.NewButton(tr("キャンセル"), nil)
	noShow := widget.NewButton(tr("無断キャンセル"), nil)
	undo := widget.NewButton(tr("来所を取り消す"), nil)
	undo.Hide() // shown in place of the three on a 来所 row: the row is as wide as those three
	return container.New(&widgets.Columns{Widths: t.cols},
		widgets.TruncLabel(""), widgets.TruncLabel(""), widgets.NewHoverLabel(""), widgets.TruncLabel(""), widget.NewLabel(""),
		container.NewHBox(visit, cancel, noShow, undo))
}

func (t *todayScreen) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	r := t.rows[i]
	cells := o.(*fyne.Container).Objects
	when := r.Start + "–" + r.End
	if r.WalkIn {
		when += " " + tr("飛込")
	}
	cells[0].(*widget.Label).SetText(when)
	cells[1].(*widget.Label).SetText(t.names[r.VenueID])
	cells[2].(*widgets.HoverLabel).SetText(t.biz[r.BusinessID])
	cells[3].(*widget.Label).SetText(t.names[r.ConsultantID])
	status := cells[4].(*widget.Label)
	status.SetText(tr(r.Status))
	status.Importance = statusImportance(r.Status)
	status.Refresh()
	buttons := cells[5].(*fyne.Container).Objects
	for j, st := range []string{record.ResVisited, record.ResCanceled, record.ResNoShow} {
		b := buttons[j].(*widget.Button)
		st := st
		b.OnTapped = func() { t.setStatus(r, st) }
		if r.Status == record.ResBooked {
			b.Enable()
		} else {
			b.Disable()
		}
		showIf(b, r.Status != record.ResVisited) // 来所を取り消す takes their place
	}
	undo := buttons[3].(*widget.Button)
	undo.OnTapped = func() { t.askUndoVisit(r) }
	showIf(undo, r.Status == record.ResVisited)
	cells[5].Refresh()
}

// showIf shows o when on, else hides it.
func showIf(o fyne.CanvasObject, on bool) {
	if on {
		o.Show()
	} else {
		o.Hide()
	}
}

// askUndoVisit takes back a 来所 recorded by mistake, asking for the
// reason from a list (the access log keeps it; typed text could carry a
// name into the log).
func (t *todayScreen) askUndoVisit(r record.Reservation) {
	reasons := record.UndoVisitReasons()
	labels := make([]string, len(reasons))
	for i, x := range reasons {
		labels[i] = tr(x)
	}
	reason := widget.NewSelect(labels, nil)
	reason.PlaceHolder = tr("選んでください")
	msg := widget.NewLabel(tr("%s %s–%s の来所を取り消し、予約に戻します。", t.biz[r.BusinessID], r.Start, r.End))
	msg.Wrapping = fyne.TextWrapWord
	items := []*widget.FormItem{widget.NewFormItem("", msg), widget.NewFormItem(tr("理由"), reason)}
	d := dialog.NewForm(tr("来所を取り消す"), tr("取り消す"), tr("戻る"), items, func(ok bool) {
		if !ok {
			return
		}
		why := ""
		if i := reason.SelectedIndex(); i >= 0 {
			why = reasons[i]
		}
		if _, err := t.ctx.Office().UndoVisit(t.ctx.Context(), t.ctx.Session(), r.ID, why); err != nil {
			t.ctx.ShowError(err)
		}
		t.reload()
	}, t.ctx.Window())
	d.Resize(fyne.NewSize(520, 260))
	d.Show()
	t.ctx.Window().Canvas().Focus(reason)
}

func statusImportance(st string) widget.Importance {
	switch st {
	case record.ResVisited:
		return widget.SuccessImportance
	case record.ResCanceled:
		return widget.LowImportance
	case record.ResNoShow:
		return widget.WarningImportance
	}
	return widget.MediumImportance
}

// setStatus records 来所 at once and asks before a cancellation.
func (t *todayScreen) setStatus(r record.Reservation, status string) {
	apply := func() {
		if _, err := t.ctx.Office().SetReservationStatus(t.ctx.Context(), t.ctx.Session(), r.ID, status); err != nil {
			t.ctx.ShowError(err)
		}
		t.reload()
	}
	if status == record.ResVisited {
		apply()
		return
	}
	msg := tr("%s %s–%s の予約を「%s」にします。よろしいですか。", t.biz[r.BusinessID], r.Start, r.End, tr(status))
	dialog.ShowConfirm(tr(status), msg, func(ok bool) {
		if ok {
			apply()
		}
	}, t.ctx.Window())
}

func (t *todayScreen) walkIn() {
	showWalkIn(t.ctx, t.reload)
}

func (t *todayScreen) print() {
	date := t.date.ISO()
	t.ctx.SavePDF(office.FileName("予定表", office.FileDate(date)), func(rc context.Context) ([]byte, error) {
		return t.ctx.Office().PrintSchedule(rc, t.ctx.Session(), date)
	})
}

// printSheets prints, in one PDF, the session sheet (相談票) of each of the
// day's reservations that is still booked or has come.
func (t *todayScreen) printSheets() {
	date := t.date.ISO()
	t.ctx.SavePDF(office.FileName("相談票（記入用）", office.FileDate(date)), func(rc context.Context) ([]byte, error) {
		return t.ctx.Office().PrintDaySheets(rc, t.ctx.Session(), date)
	})
}

// sheetReservation reports whether PrintDaySheets prints a sheet for r
// (予約 or 来所).
func sheetReservation(r record.Reservation) bool {
	return r.Status == record.ResBooked || r.Status == record.ResVisited
}

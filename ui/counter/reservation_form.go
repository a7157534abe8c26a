package counter

import (
	"context"
	"fmt"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// reservationForm is the reservation form of 別紙1: date, time, venue,
// consultant, business, channel, 受付日/受付者 and the 確認事項. Saving
// refuses a double booking with the reason next to the form.
type reservationForm struct {
	ctx        Host
	r          record.Reservation
	form       *widgets.FieldForm
	date       *widgets.DateField
	start, end *widget.Entry
	venues     widgets.Choices
	staff      widgets.Choices
	venue      *widget.Select
	consultant *widget.Select
	picker     *businessPicker
	channels   widgets.Choices
	channel    *widget.Select
	answers    widgets.Choices
	subsidy    *widget.Select
	loan       *widget.Select
	wanted     *widget.Entry
	visit      *widget.Select
	note       *widget.Entry
	print      *widget.Button
	cancel     *widget.Button // 予約を取り消す, on a booked reservation
	dlg        *widgets.FormDialog
	onSaved    func(*record.Reservation)
	// base is what the form held when it opened or was last saved.
	base record.Reservation
}

// showReservationForm opens r (new when r.ID is empty) in a dialog;
// onSaved runs after each successful save.
func showReservationForm(ctx Host, r record.Reservation, onSaved func(*record.Reservation)) *reservationForm {
	f := &reservationForm{ctx: ctx, r: r, form: widgets.NewFieldForm(), onSaved: onSaved}
	f.build()
	f.fill()
	f.base = f.current()
	f.print = widget.NewButtonWithIcon(tr("予約内容を印刷"), theme.DocumentPrintIcon(), f.printSheet)
	f.cancel = widget.NewButtonWithIcon(tr("予約を取り消す"), theme.DeleteIcon(), f.askCancel)
	f.cancel.Importance = widget.DangerImportance
	title := tr("予約の登録")
	if r.ID != "" {
		title = tr("予約の変更：%s", f.picker.pick.Title)
	}
	if r.ID == "" || r.Status != record.ResBooked {
		f.cancel.Hide()
	}
	f.dlg = widgets.NewFormDialog(ctx.Window(), title, tr("保存"), f.form.Object(), f.save, f.cancel, f.print)
	f.dlg.SetDirty(f)
	f.dlg.On(widgets.ShortcutPrint, f.printSheet)
	f.dlg.On(widgets.ShortcutSearch, func() { ctx.Window().Canvas().Focus(f.picker.entry) })
	f.updatePrint()
	f.dlg.Show(fyne.NewSize(760, 720))
	ctx.Window().Canvas().Focus(f.picker.entry)
	return f
}

func (f *reservationForm) build() {
	f.date = widgets.NewDateField(f.ctx.Today(), 1, nil)
	f.start, f.end = widgets.NewClockField(""), widgets.NewClockField("")
	f.venues, _ = widgets.VenueChoices(f.ctx)
	f.staff, _ = widgets.ConsultantChoices(f.ctx)
	f.venue, f.consultant = f.venues.NewSelect(nil), f.staff.NewSelect(nil)
	f.picker = newBusinessPicker(f.ctx, nil)
	f.channels, f.answers = widgets.TextChoices(record.Channels()), widgets.TextChoices(record.CheckAnswers())
	f.channel = f.channels.NewSelect(nil)
	f.subsidy, f.loan = f.answers.NewSelect(nil), f.answers.NewSelect(nil)
	f.wanted = widget.NewEntry()
	f.visit = widget.NewSelect(visitLabels(), nil)
	f.note = widgets.NewMultiLine(3)
	f.form.Add("予約日", f.date.Object())
	f.form.Add("開始時刻", f.start)
	f.form.Add("終了時刻", f.end)
	f.form.Add("会場", f.venue)
	f.form.Add("相談員", f.consultant)
	f.form.Add("事業者", f.picker.object(120))
	f.form.Add("受付方法", f.channel)
	f.form.Add("受付", widget.NewLabel(f.receivedText()))
	f.form.Add("給付金・補助金の申請状況", f.subsidy)
	f.form.Add("融資の利用状況", f.loan)
	f.form.Add("特に相談したい制度", f.wanted)
	f.form.Add("来所回数", f.visit)
	f.form.Add("備考", f.note)
}

// fill puts f.r into the widgets.
func (f *reservationForm) fill() {
	r := f.r
	if r.Date != "" {
		if d, err := record.ParseDate("", r.Date); err == nil {
			f.date.SetDate(d)
		}
	}
	f.start.SetText(r.Start)
	f.end.SetText(r.End)
	f.venues.SelectID(f.venue, r.VenueID)
	f.staff.SelectID(f.consultant, r.ConsultantID)
	if r.BusinessID != "" {
		n, _ := f.ctx.Office().BusinessNames(f.ctx.Context(), f.ctx.Session(), []string{r.BusinessID})
		f.picker.set(r.BusinessID, n[r.BusinessID])
	}
	if r.Channel == "" {
		r.Channel = record.Channels()[0]
	}
	f.channels.SelectID(f.channel, r.Channel)
	f.answers.SelectID(f.subsidy, r.Checks.Subsidy)
	f.answers.SelectID(f.loan, r.Checks.Loan)
	f.wanted.SetText(r.Checks.WantedProgram)
	f.visit.SetSelectedIndex(min(max(r.Checks.VisitCount, 1), len(visitLabels())) - 1)
	f.note.SetText(r.Note)
}

func (f *reservationForm) receivedText() string {
	on, by := f.r.ReceivedOn, f.r.ReceivedBy
	if on == "" {
		on = f.ctx.Today().Format("2006-01-02")
	}
	if by == "" {
		by = f.ctx.Session().Login()
	}
	return tr("受付日 %s　受付者 %s", on, widgets.PersonName(f.ctx, by))
}

// collect reads the widgets into f.r.
func (f *reservationForm) collect() {
	r := &f.r
	r.Date = f.date.ISO()
	r.Start, r.End = widgets.NormalClock(f.start.Text), widgets.NormalClock(f.end.Text)
	r.VenueID = f.venues.ID(f.venue.Selected)
	r.ConsultantID = f.staff.ID(f.consultant.Selected)
	r.BusinessID = f.picker.id()
	r.Channel = f.channels.ID(f.channel.Selected)
	r.Checks = record.ReservationChecks{
		Subsidy: f.answers.ID(f.subsidy.Selected), Loan: f.answers.ID(f.loan.Selected),
		WantedProgram: strings.TrimSpace(f.wanted.Text), VisitCount: f.visit.SelectedIndex() + 1,
	}
	r.Note = f.note.Text
}

// current is what the widgets hold, read without changing f.r.
func (f *reservationForm) current() record.Reservation {
	kept := f.r
	f.collect()
	cur := f.r
	f.r = kept
	return cur
}

// Unsaved implements widgets.Dirty.
func (f *reservationForm) Unsaved() bool { return f.current() != f.base }

// Save implements widgets.Dirty: 保存 of the dialog.
func (f *reservationForm) Save(done func(ok bool)) { done(f.dlg.Run()) }

// save stores the reservation; a refusal (double booking, a missing
// field) stays in the form with its reason. It reports success.
func (f *reservationForm) save() bool {
	f.form.ClearErrors()
	f.collect()
	saved := f.r
	if err := f.ctx.Office().SaveReservation(f.ctx.Context(), f.ctx.Session(), &saved); err != nil {
		f.form.ShowErrors(err)
		return false
	}
	f.r = saved
	f.base = f.current()
	f.ctx.Notify(tr("予約を保存しました：%s　%s %s〜%s", f.picker.pick.Title, widgets.DateLabel(saved.Date), saved.Start, saved.End))
	f.updatePrint()
	if f.onSaved != nil {
		f.onSaved(&saved)
	}
	return true
}

// askCancel asks, then cancels the reservation (キャンセル): it leaves the
// calendar's taken slots and stays in the business's history.
func (f *reservationForm) askCancel() {
	msg := tr("%s %s %s–%s の予約をキャンセルします。よろしいですか。", f.picker.pick.Title, f.r.Date, f.r.Start, f.r.End)
	dialog.ShowConfirm(tr("予約を取り消す"), msg, func(ok bool) {
		if ok {
			f.cancelBooking()
		}
	}, f.ctx.Window())
}

// cancelBooking stores the cancellation and closes the form.
func (f *reservationForm) cancelBooking() {
	r, err := f.ctx.Office().SetReservationStatus(f.ctx.Context(), f.ctx.Session(), f.r.ID, record.ResCanceled)
	if err != nil {
		f.form.ShowErrors(err)
		return
	}
	f.r = *r
	f.base = f.current()
	f.dlg.Dialog.Hide()
	if f.onSaved != nil {
		f.onSaved(r)
	}
}

func (f *reservationForm) updatePrint() {
	if f.r.ID == "" {
		f.print.Disable()
	} else {
		f.print.Enable()
	}
}

func (f *reservationForm) printSheet() {
	if f.r.ID == "" {
		return
	}
	id, biz := f.r.ID, f.r.BusinessID
	name := office.FileName("予約内容", widgets.BusinessNames(f.ctx, []string{biz})[biz], office.FileDate(f.r.Date))
	f.ctx.SavePDF(name, func(rc context.Context) ([]byte, error) {
		return f.ctx.Office().PrintReservation(rc, f.ctx.Session(), id)
	})
}

// visitLabels are 初回, 2回目 … 10回目 for the visit count.
func visitLabels() []string {
	out := []string{tr("初回")}
	for n := 2; n <= 10; n++ {
		out = append(out, tr("%s回目", fmt.Sprint(n)))
	}
	return out
}

package counter

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// walkInForm takes a visitor without a reservation (飛び込み): type part of
// the name, Enter picks the first hit, the venue is preselected, Ctrl+S
// books from now, already checked in.
type walkInForm struct {
	ctx        Host
	form       *widgets.FieldForm
	picker     *businessPicker
	venues     widgets.Choices
	staff      widgets.Choices
	venue      *widget.Select
	consultant *widget.Select
	minutes    widgets.Choices
	length     *widget.Select
	dlg        *widgets.FormDialog
	done       func()
}

// showWalkIn opens the walk-in dialog; done runs after a booking.
func showWalkIn(ctx Host, done func()) *walkInForm {
	f := &walkInForm{ctx: ctx, form: widgets.NewFieldForm(), done: done}
	f.venues, _ = widgets.VenueChoices(ctx)
	f.staff, _ = widgets.ConsultantChoices(ctx)
	f.picker = newBusinessPicker(ctx, nil)
	f.venue = f.venues.NewSelect(nil)
	if len(f.venues.IDs) > 0 {
		f.venue.SetSelectedIndex(0)
	}
	f.consultant = f.staff.NewSelect(nil)
	f.minutes = widgets.Choices{IDs: []string{"30", "60", "90"}, Labels: []string{tr("30 分"), tr("60 分"), tr("90 分")}}
	f.length = f.minutes.NewSelect(nil)
	f.length.SetSelectedIndex(1)
	f.form.Add("事業者", f.picker.object(150))
	f.form.Add("会場", f.venue)
	f.form.Add("相談員", f.consultant)
	f.form.Add("相談時間@length", f.length)
	newBiz := widget.NewButtonWithIcon(tr("事業者を新規登録"), theme.ContentAddIcon(), f.newBusiness)
	f.dlg = widgets.NewFormDialog(ctx.Window(), tr("飛び込み受付"), tr("受付する"), f.form.Object(), f.take, newBiz)
	f.dlg.Show(fyne.NewSize(640, 600))
	ctx.Window().Canvas().Focus(f.picker.entry)
	return f
}

// take books the walk-in; it reports whether the dialog may close.
func (f *walkInForm) take() bool {
	f.form.ClearErrors()
	w := office.WalkIn{BusinessID: f.picker.id(), VenueID: f.venues.ID(f.venue.Selected),
		ConsultantID: f.staff.ID(f.consultant.Selected), Minutes: minutesOf(f.minutes.ID(f.length.Selected))}
	if w.BusinessID == "" {
		f.form.ShowErrors(&record.FieldError{Field: "事業者", Msg: tr("事業者を検索して選んでください。")})
		return false
	}
	r, err := f.ctx.Office().TakeWalkIn(f.ctx.Context(), f.ctx.Session(), w)
	if err != nil {
		f.form.ShowErrors(err)
		return false
	}
	f.ctx.Notify(tr("飛び込みを受け付けました：%s　%s〜%s", f.picker.pick.Title, r.Start, r.End))
	if f.done != nil {
		f.done()
	}
	return true
}

func (f *walkInForm) newBusiness() {
	showBusinessForm(f.ctx, nil, func(b *record.Business) { f.picker.set(b.ID, b.Name) })
}

func minutesOf(s string) int {
	switch s {
	case "30":
		return 30
	case "90":
		return 90
	}
	return 60
}

package ui

import (
	"context"
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// walkInForm takes a visitor without a reservation (飛び込み): type part of
// the name, Enter picks the first hit, the venue is preselected, Ctrl+S
// books from now, already checked in.
type walkInForm struct {
	ctx        *Context
	form       *fieldForm
	picker     *businessPicker
	venues     choices
	staff      choices
	venue      *widget.Select
	consultant *widget.Select
	minutes    choices
	length     *widget.Select
	dlg        *formDialog
	done       func()
}

// showWalkIn opens the walk-in dialog; done runs after a booking.
func showWalkIn(ctx *Context, done func()) *walkInForm {
	f := &walkInForm{ctx: ctx, form: newFieldForm(), done: done}
	f.venues, _ = venueChoices(ctx)
	f.staff, _ = consultantChoices(ctx)
	f.picker = newBusinessPicker(ctx, nil)
	f.venue = f.venues.newSelect(nil)
	if len(f.venues.ids) > 0 {
		f.venue.SetSelectedIndex(0)
	}
	f.consultant = f.staff.newSelect(nil)
	f.minutes = choices{ids: []string{"30", "60", "90"}, labels: []string{tr("30 分"), tr("60 分"), tr("90 分")}}
	f.length = f.minutes.newSelect(nil)
	f.length.SetSelectedIndex(1)
	f.form.add("事業者", f.picker.object(150))
	f.form.add("会場", f.venue)
	f.form.add("相談員", f.consultant)
	f.form.add("相談時間@length", f.length)
	newBiz := widget.NewButtonWithIcon(tr("事業者を新規登録"), theme.ContentAddIcon(), f.newBusiness)
	f.dlg = newFormDialog(ctx.Window, tr("飛び込み受付"), tr("受付する"), f.form.object(), f.take, newBiz)
	f.dlg.show(fyne.NewSize(640, 600))
	ctx.Window.Canvas().Focus(f.picker.entry)
	return f
}

// take books the walk-in; it reports whether the dialog may close.
func (f *walkInForm) take() bool {
	f.form.clearErrors()
	w := office.WalkIn{BusinessID: f.picker.id(), VenueID: f.venues.id(f.venue.Selected),
		ConsultantID: f.staff.id(f.consultant.Selected), Minutes: minutesOf(f.minutes.id(f.length.Selected))}
	if w.BusinessID == "" {
		f.form.showErrors(&record.FieldError{Field: "事業者", Msg: tr("事業者を検索して選んでください。")})
		return false
	}
	if _, err := f.ctx.Office.TakeWalkIn(context.Background(), f.ctx.Session, w); err != nil {
		f.form.showErrors(err)
		return false
	}
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

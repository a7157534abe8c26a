package casework

import (
	"context"
	"strconv"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// applicationsView lists a seminar's applications with an 出席 toggle each
// and a short form to take a new application.
type applicationsView struct {
	ctx                          Host
	sem                          *record.Seminar
	apps                         []record.Application
	list                         *widget.List
	summary, msg                 *widget.Label
	ff                           *widgets.FieldForm
	bizName, person, phone, mail *widget.Entry
}

func newApplicationsView(ctx Host, sem *record.Seminar) *applicationsView {
	v := &applicationsView{ctx: ctx, sem: sem, summary: widget.NewLabel(""), msg: widget.NewLabel(""), ff: widgets.NewFieldForm(),
		bizName: widget.NewEntry(), person: widget.NewEntry(), phone: widget.NewEntry(), mail: widget.NewEntry()}
	v.msg.Wrapping = fyne.TextWrapWord
	v.list = widget.NewList(func() int { return len(v.apps) }, v.newRow, v.updateRow)
	v.ff.Add("事業所名", v.bizName)
	v.ff.Add("氏名", v.person)
	v.ff.Add("電話番号", v.phone)
	v.ff.Add("メールアドレス", v.mail)
	v.refresh()
	return v
}

var appCols = []float32{40, 220, 150, 140, 130}

func (v *applicationsView) object() fyne.CanvasObject {
	head := container.New(&widgets.Columns{Widths: appCols}, widget.NewLabel("No."), widget.NewLabel(tr("事業所名")),
		widget.NewLabel(tr("氏名")), widget.NewLabel(tr("申込日")), widget.NewLabel(tr("状態")), widget.NewLabel(tr("出席")))
	title := tr("%s　%s %s〜%s", v.sem.Title, widgets.DateLabel(v.sem.Date), v.sem.Start, v.sem.End)
	top := container.NewVBox(widgets.Heading(title), v.summary, head)
	add := widget.NewButtonWithIcon(tr("申込を受け付ける"), theme.ContentAddIcon(), v.add)
	add.Importance = widget.HighImportance
	form := container.NewVBox(widget.NewSeparator(), widgets.Heading(tr("申込の受付")), v.ff.Object(), container.NewHBox(add), v.msg)
	return container.NewBorder(top, form, nil, nil, v.list)
}

func (v *applicationsView) newRow() fyne.CanvasObject {
	return container.New(&widgets.Columns{Widths: appCols}, widgets.TruncLabel(""), widgets.TruncLabel(""), widgets.TruncLabel(""), widgets.TruncLabel(""),
		widgets.TruncLabel(""), widget.NewCheck(tr("出席"), nil))
}

func (v *applicationsView) updateRow(i widget.ListItemID, o fyne.CanvasObject) {
	a := v.apps[i]
	objs := o.(*fyne.Container).Objects
	for j, s := range []string{strconv.Itoa(i + 1), a.BusinessName, a.PersonName, widgets.DateLabel(a.AppliedOn), tr(a.Status)} {
		objs[j].(*widget.Label).SetText(s)
	}
	c := objs[5].(*widget.Check)
	c.OnChanged = nil
	c.SetChecked(a.Status == record.AppAttended)
	if a.Status == record.AppWaiting || a.Status == record.AppCanceled {
		c.Disable()
	} else {
		c.Enable()
	}
	id := a.ID
	c.OnChanged = func(on bool) { v.mark(id, on) }
}

func (v *applicationsView) refresh() {
	apps, err := v.ctx.Office().Applications(v.ctx.Context(), v.ctx.Session(), v.sem.ID)
	if err != nil {
		v.ctx.ShowError(err)
	}
	v.apps = apps
	counts := map[string]int{}
	for _, a := range apps {
		counts[a.Status]++
	}
	v.summary.SetText(tr("定員 %d 名　申込 %d　出席 %d　欠席 %d　キャンセル待ち %d", v.sem.Capacity,
		counts[record.AppApplied], counts[record.AppAttended], counts[record.AppAbsent], counts[record.AppWaiting]))
	v.list.Refresh()
}

// mark records 出席 (on) or 欠席 (off).
func (v *applicationsView) mark(id string, on bool) {
	if err := v.ctx.Office().MarkAttendance(v.ctx.Context(), v.ctx.Session(), id, on); err != nil {
		v.ctx.ShowError(err)
	}
	v.refresh()
}

// Unsaved implements widgets.Dirty: an application typed and not taken.
func (v *applicationsView) Unsaved() bool {
	for _, e := range v.entries() {
		if e.Text != "" {
			return true
		}
	}
	return false
}

// Save implements widgets.Dirty: 申込を受け付ける.
func (v *applicationsView) Save(done func(ok bool)) { done(v.take()) }

func (v *applicationsView) entries() []*widget.Entry {
	return []*widget.Entry{v.bizName, v.person, v.phone, v.mail}
}

// add is 申込を受け付ける.
func (v *applicationsView) add() { v.take() }

// take takes a new application (over capacity it becomes キャンセル待ち)
// and reports whether it did.
func (v *applicationsView) take() bool {
	a := &record.Application{SeminarID: v.sem.ID, BusinessName: widgets.Trimmed(v.bizName), PersonName: widgets.Trimmed(v.person),
		Phone: widgets.Trimmed(v.phone), Email: widgets.Trimmed(v.mail)}
	if err := v.ctx.Office().SaveApplication(v.ctx.Context(), v.ctx.Session(), a); err != nil {
		v.ff.ShowErrors(err)
		return false
	}
	v.ff.ClearErrors()
	for _, e := range v.entries() {
		e.SetText("")
	}
	if a.Status == record.AppWaiting {
		v.msg.Importance = widget.WarningImportance
		v.msg.SetText(tr("定員に達しているため、%s さんをキャンセル待ちで受け付けました。", a.PersonName))
	} else {
		v.msg.Importance = widget.SuccessImportance
		v.msg.SetText(tr("%s さんの申込を受け付けました。", a.PersonName))
	}
	v.refresh()
	v.focus()
	return true
}

func (v *applicationsView) focus() { v.ctx.Window().Canvas().Focus(v.bizName) }

// print renders the セミナー出席者名簿.
func (v *applicationsView) print() {
	id := v.sem.ID
	v.ctx.SavePDF(office.FileName("出席者名簿", v.sem.Title, office.FileDate(v.sem.Date)), func(rc context.Context) ([]byte, error) {
		return v.ctx.Office().PrintAttendance(rc, v.ctx.Session(), id)
	})
}

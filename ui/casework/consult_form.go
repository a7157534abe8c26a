package casework

import (
	"context"
	"errors"
	"reflect"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// consultForm is the 相談記録 form for one record: every field of 別紙2,
// 下書き保存, 確定, the version history and printing the 相談票.
type consultForm struct {
	ctx      Host
	rec      *record.Consultation
	f        *consultFields
	ff       *widgets.FieldForm
	title    *widget.Label
	notice   *widget.Label
	readOnly bool
	// base is what the form held when it was filled or last saved; the
	// form has unsaved changes while it differs (Unsaved).
	base formState
	// onSaved runs after each successful save; back (may be nil) closes the form.
	onSaved, back func()
}

// newConsultForm builds the form showing rec. readOnly shows it without
// editing (approval, old versions).
func newConsultForm(ctx Host, rec *record.Consultation, readOnly bool) (*consultForm, error) {
	f, err := newConsultFields(ctx, rec)
	if err != nil {
		return nil, err
	}
	cf := &consultForm{ctx: ctx, rec: rec, f: f, ff: widgets.NewFieldForm(), title: widgets.Heading(""), notice: widget.NewLabel(""), readOnly: readOnly}
	cf.notice.Wrapping = fyne.TextWrapWord
	cf.notice.Hide()
	f.addRows(cf.ff)
	f.fill(rec)
	cf.base = cf.state()
	cf.showState()
	return cf, nil
}

// formState is what the widgets hold: the record they make and the typed
// amount (which may not be a number yet).
type formState struct {
	rec    record.Consultation
	amount string
}

// state reads the widgets.
func (cf *consultForm) state() formState {
	c := record.Consultation{Case: &record.ConsultationCase{}}
	_ = cf.f.collect(&c) // a malformed amount shows in the amount text
	return formState{rec: c, amount: cf.f.amount.Text}
}

// Unsaved implements widgets.Dirty.
func (cf *consultForm) Unsaved() bool {
	return !cf.readOnly && !reflect.DeepEqual(cf.state(), cf.base)
}

// Save implements widgets.Dirty: it saves a draft (下書き保存), or in
// the record's own state when it is past the draft.
func (cf *consultForm) Save(done func(ok bool)) {
	status := cf.rec.Status
	if status == "" || status == record.StReturned {
		status = record.StDraft
	}
	done(cf.save(status))
}

// showState writes the title line and the review comment, if any.
func (cf *consultForm) showState() {
	what := tr("新規@id")
	if id := cf.rec.BusinessID; cf.rec.ID != "" && id != "" { // a saved record, named by its business and day
		what = widgets.BusinessNames(cf.ctx, []string{id})[id] + "　" + widgets.DateLabel(cf.rec.Date)
	}
	cf.title.SetText(tr("相談記録 %s（%s）", what, tr(cf.rec.Status)))
	if k := cf.rec.Case; k != nil && k.ReviewComment != "" && cf.rec.Status == record.StReturned {
		cf.setNotice(tr("差戻しの理由：%s", k.ReviewComment), widget.WarningImportance)
	}
}

func (cf *consultForm) setNotice(text string, imp widget.Importance) {
	cf.notice.SetText(text)
	cf.notice.Importance = imp
	cf.notice.Hidden = text == ""
	cf.notice.Refresh()
}

// object is the form with its title and buttons.
func (cf *consultForm) object() fyne.CanvasObject {
	top := container.NewVBox(cf.title, cf.notice)
	body := cf.ff.Object()
	if cf.readOnly {
		body = consultSheet(cf.ctx, cf.rec)
	}
	return widgets.WithDirty(container.NewBorder(top, widgets.Opaque(cf.buttons()), nil, nil, widgets.VScroll(body)), cf)
}

func (cf *consultForm) buttons() fyne.CanvasObject {
	var bs []*widget.Button
	if !cf.readOnly {
		bs = append(bs,
			widget.NewButtonWithIcon(tr("確定@button"), theme.ConfirmIcon(), func() { cf.save(record.StConfirmed) }),
			widget.NewButtonWithIcon(tr("下書き保存"), theme.DocumentSaveIcon(), func() { cf.save(record.StDraft) }))
	}
	bs = append(bs,
		widget.NewButtonWithIcon(tr("履歴"), theme.HistoryIcon(), cf.showHistory),
		widget.NewButtonWithIcon(tr("相談票を印刷"), theme.DocumentPrintIcon(), cf.print))
	if cf.back != nil {
		bs = append(bs, widget.NewButtonWithIcon(tr("戻る"), theme.NavigateBackIcon(), cf.back))
	}
	return widgets.Buttons(bs...)
}

// keys are the form's shortcuts: Ctrl+S saves a draft, Ctrl+P prints.
func (cf *consultForm) keys() map[string]func() {
	k := map[string]func(){widgets.ShortcutPrint: cf.print, widgets.ShortcutSearch: func() { widgets.Focus(cf.ctx, cf.f.biz.query) }}
	if !cf.readOnly {
		k[widgets.ShortcutSave] = func() { cf.save(record.StDraft) }
	}
	return k
}

// save stores the form as a draft (下書き) or confirmed (確定, checked in
// full). Problems are shown next to their fields; it reports success.
func (cf *consultForm) save(status string) bool {
	c := *cf.rec
	if cf.rec.Case != nil {
		k := *cf.rec.Case
		c.Case = &k
	}
	if err := cf.f.collect(&c); err != nil {
		cf.failed(err)
		return false
	}
	c.Status = status
	if err := cf.ctx.Office().SaveConsultation(cf.ctx.Context(), cf.ctx.Session(), &c); err != nil {
		cf.failed(err)
		return false
	}
	cf.rec = &c
	cf.base = cf.state()
	cf.ff.ClearErrors()
	cf.showState()
	cf.setNotice(tr("「%s」として保存しました。", tr(status)), widget.SuccessImportance)
	if cf.onSaved != nil {
		cf.onSaved()
	}
	return true
}

func (cf *consultForm) failed(err error) {
	cf.ff.ShowErrors(err)
	var p record.Problems
	if errors.As(err, &p) {
		cf.setNotice(tr("入力内容を確かめてください（%d件）。", len(p)), widget.DangerImportance)
		return
	}
	cf.setNotice(widgets.ErrText(err), widget.DangerImportance)
}

// print renders the filled 相談票 of the saved record.
func (cf *consultForm) print() {
	if cf.rec.ID == "" {
		cf.setNotice(tr("印刷する前に保存してください。"), widget.WarningImportance)
		return
	}
	id, biz := cf.rec.ID, cf.rec.BusinessID
	name := office.FileName("相談票", widgets.BusinessNames(cf.ctx, []string{biz})[biz], office.FileDate(cf.rec.Date))
	cf.ctx.SavePDF(name, func(rc context.Context) ([]byte, error) {
		return cf.ctx.Office().PrintSheet(rc, cf.ctx.Session(), id)
	})
}

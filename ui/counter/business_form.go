package counter

import (
	"strconv"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// businessForm registers or edits a business's contact data (never the
// case part: the counter form has no date of birth). While the name or
// phone is typed it warns about similar businesses; on save a duplicate is
// shown with the choice to use the existing one or register anyway.
type businessForm struct {
	ctx     Host
	b       record.Business
	form    *widgets.FieldForm
	entries map[string]*widget.Entry
	selects map[string]*widget.Select
	similar *widget.Label
	dlg     *widgets.FormDialog
	onSaved func(*record.Business)
	// base is what the form held when it opened or was last saved.
	base record.Business
}

// businessEntries are the text fields: label and how to read/write them.
var businessEntries = []struct {
	label string
	get   func(*record.Business) *string
}{
	{"事業所名", func(b *record.Business) *string { return &b.Name }},
	{"フリガナ", func(b *record.Business) *string { return &b.Kana }},
	{"電話番号", func(b *record.Business) *string { return &b.Phone }},
	{"メールアドレス", func(b *record.Business) *string { return &b.Email }},
	{"郵便番号", func(b *record.Business) *string { return &b.Postal }},
	{"市区町村", func(b *record.Business) *string { return &b.City }},
	{"所在地", func(b *record.Business) *string { return &b.Address }},
	{"行政区", func(b *record.Business) *string { return &b.Ward }},
	{"代表者氏名", func(b *record.Business) *string { return &b.RepName }},
	{"代表者フリガナ", func(b *record.Business) *string { return &b.RepKana }},
	{"担当者名", func(b *record.Business) *string { return &b.Contact }},
}

// businessSelects are the choice fields.
var businessSelects = []struct {
	label  string
	values func() []string
	get    func(*record.Business) *string
}{
	{"法人・個人の別", record.Forms, func(b *record.Business) *string { return &b.Form }},
	{"相談者区分", record.Categories, func(b *record.Business) *string { return &b.Category }},
	{"業種", record.Industries, func(b *record.Business) *string { return &b.Industry }},
	{"都道府県", record.Prefectures, func(b *record.Business) *string { return &b.Prefecture }},
}

// showBusinessForm opens b (nil for a new business) in a dialog.
func showBusinessForm(ctx Host, b *record.Business, onSaved func(*record.Business)) *businessForm {
	f := &businessForm{ctx: ctx, form: widgets.NewFieldForm(), entries: map[string]*widget.Entry{},
		selects: map[string]*widget.Select{}, onSaved: onSaved}
	if b != nil {
		f.b = *b
	}
	f.build()
	f.base = f.collect()
	title := tr("事業者の登録")
	if f.b.ID != "" {
		title = tr("事業者の変更：%s", f.b.Name)
	}
	f.dlg = widgets.NewFormDialog(ctx.Window(), title, tr("保存"), f.layout(), f.save)
	f.dlg.SetDirty(f)
	f.dlg.Show(fyne.NewSize(760, 720))
	ctx.Window().Canvas().Focus(f.entries["事業所名"])
	return f
}

func (f *businessForm) build() {
	for i, e := range businessEntries {
		w := widget.NewEntry()
		w.SetText(*e.get(&f.b))
		f.entries[e.label] = w
		f.form.Add(e.label, w)
		if i == 3 {
			f.addSelects()
		}
	}
	emp := widget.NewEntry()
	if f.b.Employees > 0 {
		emp.SetText(strconv.Itoa(f.b.Employees))
	}
	f.entries["従業員数"] = emp
	f.form.Add("従業員数", emp)
	note := widgets.NewMultiLine(3)
	note.SetText(f.b.Note)
	f.entries["備考"] = note
	f.form.Add("備考", note)
	f.similar = widget.NewLabel("")
	f.similar.Wrapping = fyne.TextWrapWord
	f.similar.Importance = widget.WarningImportance
	f.entries["事業所名"].OnChanged = func(string) { f.checkSimilar() }
	f.entries["電話番号"].OnChanged = func(string) { f.checkSimilar() }
}

func (f *businessForm) addSelects() {
	for _, s := range businessSelects {
		c := widgets.TextChoices(s.values())
		w := c.NewSelect(nil)
		c.SelectID(w, *s.get(&f.b))
		f.selects[s.label] = w
		f.form.Add(s.label, w)
	}
	if f.b.Prefecture == "" {
		f.selects["都道府県"].SetSelected(tr("東京都"))
	}
}

func (f *businessForm) layout() fyne.CanvasObject {
	return container.NewVBox(f.similar, f.form.Object())
}

// collect reads the widgets into a copy of the business.
func (f *businessForm) collect() record.Business {
	b := f.b
	for _, e := range businessEntries {
		*e.get(&b) = strings.TrimSpace(f.entries[e.label].Text)
	}
	for _, s := range businessSelects {
		*s.get(&b) = widgets.TextChoices(s.values()).ID(f.selects[s.label].Selected)
	}
	b.Employees = 0
	if t := strings.TrimSpace(f.entries["従業員数"].Text); t != "" {
		n, err := strconv.Atoi(t)
		if err != nil {
			n = -1 // record's check words the message
		}
		b.Employees = n
	}
	b.Note = f.entries["備考"].Text
	return b
}

// checkSimilar warns, while typing, about businesses with the same name or
// phone number.
func (f *businessForm) checkSimilar() {
	b := f.collect()
	if b.Name == "" && b.Phone == "" {
		f.similar.SetText("")
		return
	}
	matches, err := f.ctx.Office().SimilarBusinesses(f.ctx.Context(), f.ctx.Session(), &b)
	if err != nil || len(matches) == 0 {
		f.similar.SetText("")
		return
	}
	f.similar.SetText(tr("同じ名前または電話番号の事業者が登録済みです: %s", summaryNames(matches)))
}

func summaryNames(ms []office.BusinessSummary) string {
	out := make([]string, len(ms))
	for i, m := range ms {
		out[i] = m.Name + "（" + m.Phone + "）"
	}
	return strings.Join(out, "、")
}

// save stores the business; a duplicate opens the choice dialog.
func (f *businessForm) save() bool {
	return f.store(false)
}

func (f *businessForm) store(allowDuplicate bool) bool {
	f.form.ClearErrors()
	b := f.collect()
	err := f.ctx.Office().SaveBusiness(f.ctx.Context(), f.ctx.Session(), &b, office.SaveBusinessOptions{AllowDuplicate: allowDuplicate})
	var dup *office.DuplicateError
	switch {
	case widgets.AsDuplicate(err, &dup):
		f.showDuplicates(dup)
		return false
	case err != nil:
		f.form.ShowErrors(err)
		return false
	}
	f.b = b
	f.base = f.collect()
	f.ctx.Notify(tr("事業者を保存しました：%s", b.Name))
	if f.onSaved != nil {
		f.onSaved(&b)
	}
	return true
}

// Unsaved implements widgets.Dirty.
func (f *businessForm) Unsaved() bool { return f.collect() != f.base }

// Save implements widgets.Dirty: 保存 of the dialog (a similar business
// asks first and keeps the form open).
func (f *businessForm) Save(done func(ok bool)) { done(f.dlg.Run()) }

// showDuplicates lets the person pick an existing business or register
// the new one anyway. The safe choice, using the (first) existing
// business, is highlighted and has the focus, so Enter takes it.
func (f *businessForm) showDuplicates(dup *office.DuplicateError) {
	var d dialog.Dialog
	box := container.NewVBox(widget.NewLabel(widgets.ErrText(dup)))
	var safe *enterButton
	for _, m := range dup.Matches {
		m := m
		b := newEnterButton(tr("この事業者を使う: %s", m.Name+"　"+m.Kana+"　"+m.Phone+"　"+m.City), func() {
			d.Hide()
			f.useExisting(m)
		})
		if safe == nil {
			safe = b
			b.Importance = widget.HighImportance
		}
		box.Add(b)
	}
	anyway := widget.NewButton(tr("別の事業者として登録"), func() {
		d.Hide()
		if f.store(true) {
			f.dlg.Dialog.Hide()
		}
	})
	anyway.Importance = widget.WarningImportance
	box.Add(anyway)
	d = dialog.NewCustom(tr("似た事業者があります"), tr("戻る"), box, f.ctx.Window())
	d.Show()
	if safe != nil {
		f.ctx.Window().Canvas().Focus(safe)
	}
}

// enterButton is a button that Enter presses too (a plain one takes only
// Space): the default choice of a dialog.
type enterButton struct{ widget.Button }

func newEnterButton(label string, tapped func()) *enterButton {
	b := &enterButton{}
	b.Text, b.OnTapped = label, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey implements fyne.Focusable: Enter and Return press the button.
func (b *enterButton) TypedKey(ev *fyne.KeyEvent) {
	if ev.Name == fyne.KeyReturn || ev.Name == fyne.KeyEnter {
		b.Tapped(nil)
		return
	}
	b.Button.TypedKey(ev)
}

func (f *businessForm) useExisting(m office.BusinessSummary) {
	f.dlg.Dialog.Hide()
	if f.onSaved == nil {
		return
	}
	b, err := f.ctx.Office().BusinessContact(f.ctx.Context(), f.ctx.Session(), m.ID)
	if err != nil {
		f.ctx.ShowError(err)
		return
	}
	f.onSaved(b)
}

package widgets

import (
	"errors"
	"image/color"
	"log"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// FieldForm is a two-column form whose rows can show a validation message
// under their field. Rows are keyed by their Japanese label, which is also
// record.FieldError.Field, so record.Problems land next to their fields.
//
// A save that fails shows what is wrong at the top of the form (General:
// the errors without a field, and which fields to correct), scrolls the
// form's VScroll there and gives the first field with a problem the
// focus, so that a message is never out of sight below the fold.
type FieldForm struct {
	Form    *widget.Form
	Errs    map[string]*widget.Label
	General *widget.Label
	// fields are the rows' widgets by Japanese label, keys their
	// translation keys, order the labels in the form's order.
	fields map[string]fyne.CanvasObject
	keys   map[string]string
	order  []string
	scroll *container.Scroll // the VScroll the form is in, if any
}

// NewFieldForm returns an empty form.
func NewFieldForm() *FieldForm {
	general := widget.NewLabel("")
	general.Wrapping = fyne.TextWrapWord
	general.Importance = widget.DangerImportance
	general.Hide()
	return &FieldForm{Form: widget.NewForm(), Errs: map[string]*widget.Label{}, General: general,
		fields: map[string]fyne.CanvasObject{}, keys: map[string]string{}}
}

// Add appends a row with the translated label and a slot for its message.
// label is a translation key; the message slot is keyed by its Japanese
// text (see ContextMark), the field name record.FieldError carries.
func (f *FieldForm) Add(label string, w fyne.CanvasObject) {
	msg := widget.NewLabel("")
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	msg.Hide()
	jp := JapaneseText(label)
	f.Errs[jp] = msg
	f.fields[jp], f.keys[jp] = w, label
	f.order = append(f.order, jp)
	f.Form.Append(tr(label), container.NewVBox(w, msg))
}

// Object is the form with the message line at its top.
func (f *FieldForm) Object() fyne.CanvasObject {
	b := &formBox{ff: f, box: container.NewVBox(f.General, f.Form)}
	b.ExtendBaseWidget(b)
	return b
}

// formBox is a FieldForm's object; VScroll finds the form through it.
type formBox struct {
	widget.BaseWidget
	ff  *FieldForm
	box *fyne.Container
}

// CreateRenderer implements fyne.Widget.
func (b *formBox) CreateRenderer() fyne.WidgetRenderer { return widget.NewSimpleRenderer(b.box) }

// VScroll scrolls content vertically; a FieldForm in content (inside
// containers) scrolls its problems into view with it.
func VScroll(content fyne.CanvasObject) *container.Scroll {
	s := container.NewVScroll(content)
	walkContainers(content, func(o fyne.CanvasObject) {
		if b, ok := o.(*formBox); ok {
			b.ff.scroll = s
		}
	})
	return s
}

// walkContainers visits o and what its containers (and shortcut boxes)
// hold, not widget internals.
func walkContainers(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			walkContainers(c, fn)
		}
	case *shortcutBox:
		walkContainers(x.content, fn)
	}
}

// ClearErrors hides every message.
func (f *FieldForm) ClearErrors() {
	for _, l := range f.Errs {
		l.SetText("")
		l.Hide()
	}
	f.General.SetText("")
	f.General.Hide()
}

// ShowErrors puts each *record.FieldError of err next to its field, in the
// window's language, and everything else (or a field the form lacks) on
// the general line, as ErrText words it.
func (f *FieldForm) ShowErrors(err error) {
	f.ClearErrors()
	var general []string
	wrong := map[string]bool{}
	for _, e := range flatten(err) {
		var fe *record.FieldError
		if errors.As(e, &fe) {
			if l, ok := f.Errs[fe.Field]; ok {
				l.SetText(fe.In(OfficeLang() == office.English))
				l.Show()
				wrong[fe.Field] = true
				continue
			}
		}
		general = append(general, ErrText(e))
	}
	var first fyne.CanvasObject
	var names []string
	for _, label := range f.order {
		if wrong[label] {
			names = append(names, tr(f.keys[label]))
			if first == nil {
				first = f.fields[label]
			}
		}
	}
	if len(names) > 0 {
		general = append(general, tr("次の項目を確認してください：%s", strings.Join(names, "、")))
	}
	if len(general) > 0 {
		f.General.SetText(strings.Join(general, "\n"))
		f.General.Show()
	}
	f.reveal(first)
}

// reveal scrolls the form to its top, where General now says what is
// wrong, and gives the focus to the first field with a problem.
func (f *FieldForm) reveal(field fyne.CanvasObject) {
	if f.scroll != nil {
		f.scroll.ScrollToTop()
	}
	if field == nil {
		return
	}
	var target, entry fyne.Focusable // an entry comes first (a picker's search)
	walkContainers(field, func(o fyne.CanvasObject) {
		fo, ok := o.(fyne.Focusable)
		if !ok || !o.Visible() {
			return
		}
		if _, isEntry := o.(*widget.Entry); isEntry && entry == nil {
			entry = fo
		}
		if target == nil {
			target = fo
		}
	})
	if entry != nil {
		target = entry
	}
	if target == nil {
		return
	}
	if c := fyne.CurrentApp().Driver().CanvasForObject(f.Form); c != nil {
		c.Focus(target)
	}
}

// flatten splits record.Problems into their errors.
func flatten(err error) []error {
	var p record.Problems
	if errors.As(err, &p) {
		return p
	}
	return []error{err}
}

// ShowError tells the person what went wrong in a sentence of the window's
// language (ErrText) and logs the full error (which never holds record
// content).
func ShowError(win fyne.Window, err error) {
	log.Printf("ui: %v", err)
	if errors.Is(err, office.ErrSessionEnded) {
		return // the window locked or logged out under the work: nothing to tell
	}
	d := dialog.NewInformation(tr("できませんでした"), ErrText(err), win)
	d.Show()
}

// ErrText is what the window says about err, in its language: the office's
// message and, for an error that message cannot explain (office.Class
// Logged), where the support log now holds the full error.
func ErrText(err error) string {
	lang := OfficeLang()
	msg := office.MessageIn(lang, err)
	if err == nil || !office.ClassOf(err).Logged() {
		return msg
	}
	path, lerr := office.SupportLogPath()
	if lerr == nil {
		lerr = office.SupportLog{Path: path}.Record("window", err)
	}
	if lerr != nil {
		log.Printf("ui: %v", lerr)
		return msg
	}
	return msg + "\n" + office.LogHint(lang, path)
}

// Sized gives o at least width.
func Sized(o fyne.CanvasObject, width float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(width, 0))
	return container.NewStack(r, o)
}

// Heading is a bold title line for a screen.
func Heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = "subHeadingText"
	return l
}

// NewMultiLine returns a multi-line entry of a few rows.
func NewMultiLine(rows int) *widget.Entry {
	e := widget.NewMultiLineEntry()
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(rows)
	return e
}

// SizedHeight is an invisible spacer of the given height.
func SizedHeight(h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return r
}

// AsDuplicate is errors.As for a *office.DuplicateError.
func AsDuplicate(err error, dup **office.DuplicateError) bool {
	return err != nil && errors.As(err, dup)
}

// Scroll is the VScroll the form is in, or nil.
func (f *FieldForm) Scroll() *container.Scroll { return f.scroll }

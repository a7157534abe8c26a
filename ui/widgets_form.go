package ui

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

// fieldForm is a two-column form whose rows can show a validation message
// under their field. Rows are keyed by their Japanese label, which is also
// record.FieldError.Field, so record.Problems land next to their fields.
type fieldForm struct {
	form    *widget.Form
	errs    map[string]*widget.Label
	general *widget.Label
}

// newFieldForm returns an empty form.
func newFieldForm() *fieldForm {
	general := widget.NewLabel("")
	general.Wrapping = fyne.TextWrapWord
	general.Importance = widget.DangerImportance
	general.Hide()
	return &fieldForm{form: widget.NewForm(), errs: map[string]*widget.Label{}, general: general}
}

// add appends a row with the translated label and a slot for its message.
// label is a translation key; the message slot is keyed by its Japanese
// text (see ContextMark), the field name record.FieldError carries.
func (f *fieldForm) add(label string, w fyne.CanvasObject) {
	msg := widget.NewLabel("")
	msg.Wrapping = fyne.TextWrapWord
	msg.Importance = widget.DangerImportance
	msg.Hide()
	f.errs[JapaneseText(label)] = msg
	f.form.Append(tr(label), container.NewVBox(w, msg))
}

// object is the form with the general message line under it.
func (f *fieldForm) object() fyne.CanvasObject {
	return container.NewVBox(f.form, f.general)
}

// clearErrors hides every message.
func (f *fieldForm) clearErrors() {
	for _, l := range f.errs {
		l.SetText("")
		l.Hide()
	}
	f.general.SetText("")
	f.general.Hide()
}

// showErrors puts each *record.FieldError of err next to its field and
// everything else (or a field the form lacks) on the general line, as
// office.Message words it.
func (f *fieldForm) showErrors(err error) {
	f.clearErrors()
	var general []string
	for _, e := range flatten(err) {
		var fe *record.FieldError
		if errors.As(e, &fe) {
			if l, ok := f.errs[fe.Field]; ok {
				l.SetText(fe.Msg)
				l.Show()
				continue
			}
		}
		general = append(general, office.Message(e))
	}
	if len(general) > 0 {
		f.general.SetText(strings.Join(general, "\n"))
		f.general.Show()
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

// showError tells the person what went wrong in one Japanese sentence and
// logs the full error (which never holds record content).
func showError(win fyne.Window, err error) {
	log.Printf("ui: %v", err)
	if errors.Is(err, office.ErrSessionEnded) {
		return // the window locked or logged out under the work: nothing to tell
	}
	d := dialog.NewInformation(tr("できませんでした"), office.Message(err), win)
	d.Show()
}

// sized gives o at least width.
func sized(o fyne.CanvasObject, width float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(width, 0))
	return container.NewStack(r, o)
}

// heading is a bold title line for a screen.
func heading(text string) *widget.Label {
	l := widget.NewLabelWithStyle(text, fyne.TextAlignLeading, fyne.TextStyle{Bold: true})
	l.SizeName = "subHeadingText"
	return l
}

// newMultiLine returns a multi-line entry of a few rows.
func newMultiLine(rows int) *widget.Entry {
	e := widget.NewMultiLineEntry()
	e.Wrapping = fyne.TextWrapWord
	e.SetMinRowsVisible(rows)
	return e
}

// sizedHeight is an invisible spacer of the given height.
func sizedHeight(h float32) fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(0, h))
	return r
}

// asDuplicate is errors.As for a *office.DuplicateError.
func asDuplicate(err error, dup **office.DuplicateError) bool {
	return err != nil && errors.As(err, dup)
}

package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// Dirty is a form that may hold what a person typed and has not saved
// yet. The shell asks the open form through it before it leaves the
// screen (another screen in the navigation, ロック, ログアウト): with
// unsaved changes the person chooses 保存, 破棄 or 戻る. A form only
// implements it and marks where it sits with WithDirty or
// FormDialog.SetDirty; the shell finds it in the open dialogs and the
// current screen. The idle lock never asks (nobody is there to answer):
// it keeps a form with unsaved changes, widgets and all, in the window's
// memory until the same person unlocks.
type Dirty interface {
	// Unsaved reports whether the form holds changes not saved yet.
	Unsaved() bool
	// Save saves the form as its own save button does and calls done on
	// the UI goroutine with whether it succeeded; after a failure the
	// form shows why and stays open.
	Save(done func(ok bool))
}

// DirtyHolder is an object of the window that carries a form (a screen's
// view made with WithDirty, the content of a FormDialog). Form returns
// nil when it carries none.
type DirtyHolder interface {
	Form() Dirty
}

// dirtyBox wraps a view that shows a form.
type dirtyBox struct {
	widget.BaseWidget
	content fyne.CanvasObject
	form    Dirty
}

// WithDirty wraps content, the view of form, so that the shell finds the
// form (DirtyHolder).
func WithDirty(content fyne.CanvasObject, form Dirty) fyne.CanvasObject {
	b := &dirtyBox{content: content, form: form}
	b.ExtendBaseWidget(b)
	return b
}

// Form implements DirtyHolder.
func (b *dirtyBox) Form() Dirty { return b.form }

// Content is the wrapped view.
func (b *dirtyBox) Content() fyne.CanvasObject { return b.content }

// CreateRenderer implements fyne.Widget.
func (b *dirtyBox) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(b.content)
}

// Form implements DirtyHolder for the content of a FormDialog.
func (b *shortcutBox) Form() Dirty { return b.form }

// Content is the wrapped content.
func (b *shortcutBox) Content() fyne.CanvasObject { return b.content }

// Closer is the content of a dialog that closes in its own way when the
// window's Esc asks it to (a FormDialog asks about unsaved changes first).
type Closer interface {
	// RequestClose closes the dialog, or asks first; it reports whether
	// it handled the request.
	RequestClose() bool
}

// RequestClose implements Closer for the content of a FormDialog.
func (b *shortcutBox) RequestClose() bool {
	if b.close == nil {
		return false
	}
	b.close()
	return true
}

// KeyButton is a button that also answers Enter (Fyne's buttons only
// answer the space bar) and calls OnEscape for Esc, so that a question
// can be answered from the keyboard alone.
type KeyButton struct {
	widget.Button
	OnEscape func()
}

// NewKeyButton returns a KeyButton.
func NewKeyButton(label string, icon fyne.Resource, tapped, escape func()) *KeyButton {
	b := &KeyButton{OnEscape: escape}
	b.Text, b.Icon, b.OnTapped = label, icon, tapped
	b.ExtendBaseWidget(b)
	return b
}

// TypedKey implements fyne.Focusable: Enter taps the button, Esc calls
// OnEscape.
func (b *KeyButton) TypedKey(ev *fyne.KeyEvent) {
	switch ev.Name {
	case fyne.KeyReturn, fyne.KeyEnter:
		b.Tapped(nil)
	case fyne.KeyEscape:
		if b.OnEscape != nil {
			b.OnEscape()
		}
	default:
		b.Button.TypedKey(ev)
	}
}

// Choice is the person's answer to AskUnsaved.
type Choice int

// The answers to 「保存されていない変更があります」.
const (
	ChoiceBack    Choice = iota // 戻る: stay on the form
	ChoiceSave                  // 保存: save, then continue
	ChoiceDiscard               // 破棄: drop the changes and continue
)

// UnsavedQuestion is the open 「保存されていない変更があります」 dialog.
type UnsavedQuestion struct {
	Dialog  *dialog.CustomDialog
	Save    *KeyButton
	Discard *KeyButton
	Back    *KeyButton
	answer  func(Choice)
	done    bool
}

// AskUnsaved asks what to do with a form's unsaved changes: 保存, 破棄 or
// 戻る. 戻る has the focus, so Enter (and Esc, from any of the buttons)
// keeps the person on the form: the safe answer. answer runs once.
func AskUnsaved(win fyne.Window, answer func(Choice)) *UnsavedQuestion {
	q := &UnsavedQuestion{answer: answer}
	back := func() { q.Answer(ChoiceBack) }
	q.Save = NewKeyButton(tr("保存"), theme.DocumentSaveIcon(), func() { q.Answer(ChoiceSave) }, back)
	q.Discard = NewKeyButton(tr("破棄"), theme.DeleteIcon(), func() { q.Answer(ChoiceDiscard) }, back)
	q.Discard.Importance = widget.DangerImportance
	q.Back = NewKeyButton(tr("戻る"), theme.NavigateBackIcon(), back, back)
	q.Back.Importance = widget.HighImportance
	msg := widget.NewLabel(tr("入力した内容はまだ保存されていません。保存してから移りますか。"))
	msg.Wrapping = fyne.TextWrapWord
	q.Dialog = dialog.NewCustomWithoutButtons(tr("保存されていない変更があります"), Sized(container.NewVBox(msg), 420), win)
	q.Dialog.SetButtons([]fyne.CanvasObject{q.Save, q.Discard, q.Back})
	q.Dialog.Show()
	win.Canvas().Focus(q.Back)
	return q
}

// Answer closes the question with c (the first answer counts).
func (q *UnsavedQuestion) Answer(c Choice) {
	if q.done {
		return
	}
	q.done = true
	q.Dialog.Hide()
	q.answer(c)
}

// Leave is a form's own 戻る: it runs proceed at once when form has no
// unsaved changes, else asks (AskUnsaved) and runs it after 保存 (once the
// save succeeded) or 破棄; 戻る in the question keeps the form.
func Leave(win fyne.Window, form Dirty, proceed func()) {
	if !form.Unsaved() {
		proceed()
		return
	}
	AskUnsaved(win, func(c Choice) {
		switch c {
		case ChoiceSave:
			form.Save(func(ok bool) {
				if ok {
					proceed()
				}
			})
		case ChoiceDiscard:
			proceed()
		}
	})
}

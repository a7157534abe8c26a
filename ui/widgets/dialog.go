package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// FormDialog is a dialog around a form whose main button does not close it
// until the action succeeds (a refused booking keeps the form open with
// the reason shown). Ctrl+S runs the main action; more shortcuts can be
// added with on.
type FormDialog struct {
	Dialog *dialog.CustomDialog
	OK     *widget.Button
	keys   *shortcutBox
	action func() bool
	win    fyne.Window
}

// NewFormDialog builds the dialog; action returns true when the dialog may
// close. extra buttons go between 閉じる and the main button.
func NewFormDialog(win fyne.Window, title, okLabel string, content fyne.CanvasObject, action func() bool, extra ...fyne.CanvasObject) *FormDialog {
	d := &FormDialog{action: action, win: win}
	d.OK = widget.NewButtonWithIcon(okLabel, theme.DocumentSaveIcon(), d.run)
	d.OK.Importance = widget.HighImportance
	d.keys = WithShortcuts(VScroll(content), map[string]func(){ShortcutSave: d.run}).(*shortcutBox)
	d.keys.close = d.Close
	d.Dialog = dialog.NewCustomWithoutButtons(title, d.keys, win)
	buttons := []fyne.CanvasObject{widget.NewButtonWithIcon(tr("閉じる"), theme.CancelIcon(), d.Close)}
	buttons = append(buttons, extra...)
	d.Dialog.SetButtons(append(buttons, d.OK))
	return d
}

// SetDirty tells the shell which form the dialog shows, so that leaving
// the screen asks about its unsaved changes (Dirty).
func (d *FormDialog) SetDirty(form Dirty) { d.keys.form = form }

// Run runs the main action as the main button does and reports whether
// the dialog closed.
func (d *FormDialog) Run() bool {
	if d.action() {
		d.Dialog.Hide()
		return true
	}
	return false
}

// Close is 閉じる: with unsaved changes in the form (SetDirty) it asks
// first, 保存 / 破棄 / 戻る.
func (d *FormDialog) Close() {
	f := d.keys.form
	if f == nil || !f.Unsaved() {
		d.Dialog.Hide()
		return
	}
	AskUnsaved(d.win, func(c Choice) {
		switch c {
		case ChoiceSave:
			f.Save(func(bool) {}) // the form's save closes the dialog when it succeeds
		case ChoiceDiscard:
			d.Dialog.Hide()
		}
	})
}

// On adds a shortcut handler (such as Ctrl+P) to the dialog.
func (d *FormDialog) On(name string, h func()) { d.keys.handlers[name] = h }

func (d *FormDialog) run() { d.Run() }

// Show opens the dialog at size.
func (d *FormDialog) Show(size fyne.Size) {
	d.Dialog.Resize(size)
	d.Dialog.Show()
}

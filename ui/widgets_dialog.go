package ui

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
)

// formDialog is a dialog around a form whose main button does not close it
// until the action succeeds (a refused booking keeps the form open with
// the reason shown). Ctrl+S runs the main action; more shortcuts can be
// added with on.
type formDialog struct {
	dlg    *dialog.CustomDialog
	ok     *widget.Button
	keys   *shortcutBox
	action func() bool
}

// newFormDialog builds the dialog; action returns true when the dialog may
// close. extra buttons go between 閉じる and the main button.
func newFormDialog(win fyne.Window, title, okLabel string, content fyne.CanvasObject, action func() bool, extra ...fyne.CanvasObject) *formDialog {
	d := &formDialog{action: action}
	d.ok = widget.NewButtonWithIcon(okLabel, theme.DocumentSaveIcon(), d.run)
	d.ok.Importance = widget.HighImportance
	d.keys = withShortcuts(container.NewVScroll(content), map[string]func(){ShortcutSave: d.run}).(*shortcutBox)
	d.dlg = dialog.NewCustomWithoutButtons(title, d.keys, win)
	buttons := []fyne.CanvasObject{widget.NewButtonWithIcon(tr("閉じる"), theme.CancelIcon(), d.dlg.Hide)}
	buttons = append(buttons, extra...)
	d.dlg.SetButtons(append(buttons, d.ok))
	return d
}

// on adds a shortcut handler (such as Ctrl+P) to the dialog.
func (d *formDialog) on(name string, h func()) { d.keys.handlers[name] = h }

func (d *formDialog) run() {
	if d.action() {
		d.dlg.Hide()
	}
}

// show opens the dialog at size.
func (d *formDialog) show(size fyne.Size) {
	d.dlg.Resize(size)
	d.dlg.Show()
}

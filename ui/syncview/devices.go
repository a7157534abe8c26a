package syncview

import (
	"context"
	"strings"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// devicesScreen is the administrator's 端末 screen: the office's enrolled
// PCs, issuing an enrollment code for a new one and revoking one.
type devicesScreen struct {
	ctx      Host
	table    *widgets.Table
	devices  []syncagent.Device
	selected int
	revoke   *widget.Button
	issue    *widget.Button
	progress *widgets.Progress
	// code is the dialog of the code just issued, if shown.
	code *codeView
}

// buildDevices builds the 端末 screen.
func buildDevices(ctx Host) fyne.CanvasObject { return newDevicesScreen(ctx).object() }

func newDevicesScreen(ctx Host) *devicesScreen {
	sc := &devicesScreen{ctx: ctx, selected: -1}
	sc.table = widgets.NewTable([]string{"端末名", "この端末", "登録日", "最終接続", "状態"}, []float32{220, 90, 150, 150}, sc.choose)
	sc.issue = widget.NewButtonWithIcon(tr("登録コードを発行"), theme.ContentAddIcon(), sc.askIssue)
	sc.issue.Importance = widget.HighImportance
	sc.revoke = widget.NewButtonWithIcon(tr("この端末を無効化"), theme.DeleteIcon(), sc.askRevoke)
	sc.revoke.Importance = widget.DangerImportance
	sc.revoke.Disable()
	sc.progress = widgets.NewProgress()
	sc.refresh()
	return sc
}

func (sc *devicesScreen) object() fyne.CanvasObject {
	hint := widget.NewLabel(tr("この窓口に登録されたパソコンです。行を選ぶと無効化できます。"))
	hint.Wrapping = fyne.TextWrapWord
	reload := widget.NewButtonWithIcon(tr("最新の状態にする"), theme.ViewRefreshIcon(), sc.refresh)
	top := container.NewVBox(widgets.Heading(tr("端末")), hint, container.NewHBox(sc.issue, sc.revoke, reload), sc.progress)
	return widgets.WithShortcuts(container.NewBorder(top, nil, nil, nil, sc.table.Object()),
		map[string]func(){widgets.ShortcutNew: sc.askIssue, widgets.ShortcutSearch: func() { widgets.Focus(sc.ctx, sc.table.List) }})
}

// refresh lists the devices through the runner (the agent asks the
// server).
func (sc *devicesScreen) refresh() {
	agent := sc.ctx.Agent()
	widgets.Run(sc.ctx.Runner(), func(ctx context.Context) ([]syncagent.Device, error) {
		return agent.Devices(ctx)
	}, func(ds []syncagent.Device, err error) {
		if err != nil {
			sc.showError(err)
		}
		sc.show(ds)
	}, widgets.WithProgress(sc.progress))
}

func (sc *devicesScreen) showError(err error) {
	d := dialog.NewInformation(tr("できませんでした"), sc.ctx.SyncMessage(err), sc.ctx.Window())
	d.Show()
}

func (sc *devicesScreen) show(ds []syncagent.Device) {
	sc.devices = ds
	sc.selected = -1
	sc.revoke.Disable()
	rows := make([][]string, len(ds))
	for i, d := range ds {
		this, state := "", tr("有効")
		if d.This {
			this = tr("この端末")
		}
		if d.Revoked {
			state = tr("無効")
		}
		rows[i] = []string{d.Name, this, dateTime(d.Created), dateTime(d.LastContact), state}
	}
	sc.table.Set(rows)
}

// dateTime is t in Japan as 2006-01-02 15:04, or － for a zero time.
func dateTime(t time.Time) string {
	if t.IsZero() {
		return "－"
	}
	return t.In(record.JST()).Format("2006-01-02 15:04")
}

// choose selects device i for 無効化 (not this PC, not a revoked one).
func (sc *devicesScreen) choose(i int) {
	sc.selected = i
	d := sc.devices[i]
	if d.This || d.Revoked {
		sc.revoke.Disable()
		return
	}
	sc.revoke.Enable()
	sc.revoke.SetText(tr("この端末を無効化: %s", d.Name))
}

// askRevoke confirms revoking the selected device, saying what follows.
func (sc *devicesScreen) askRevoke() {
	if sc.selected < 0 || sc.selected >= len(sc.devices) {
		return
	}
	d := sc.devices[sc.selected]
	msg := widget.NewLabel(tr("「%s」を無効にします。", d.Name) + "\n" +
		tr("次に接続したとき、このパソコンの窓口データは消去されます。記録はサーバーとほかのパソコンに残ります。"))
	msg.Wrapping = fyne.TextWrapWord
	c := dialog.NewCustomConfirm(tr("この端末を無効化"), tr("無効化する"), tr("やめる"), widgets.Sized(msg, 460), func(ok bool) {
		if ok {
			sc.doRevoke(d.ID)
		}
	}, sc.ctx.Window())
	c.Show()
}

func (sc *devicesScreen) doRevoke(id string) {
	agent := sc.ctx.Agent()
	widgets.Run(sc.ctx.Runner(), func(ctx context.Context) (struct{}, error) {
		return struct{}{}, agent.Revoke(ctx, id)
	}, func(_ struct{}, err error) {
		if err != nil {
			sc.showError(err)
		}
		sc.refresh()
	}, widgets.WithProgress(sc.progress))
}

// codeExpiries are the choices of a code's validity.
var codeExpiries = []struct {
	label string
	d     time.Duration
}{
	{"1 時間", time.Hour},
	{"24 時間", 24 * time.Hour},
	{"7 日", 7 * 24 * time.Hour},
}

// askIssue asks how long the new code stays valid, then issues it.
func (sc *devicesScreen) askIssue() {
	labels := make([]string, len(codeExpiries))
	for i, e := range codeExpiries {
		labels[i] = tr(e.label)
	}
	choice := widget.NewRadioGroup(labels, nil)
	choice.SetSelected(labels[1])
	choice.Required = true
	hint := widget.NewLabel(tr("新しいパソコンで「既存の窓口に参加」を選び、このコードを入力します。コードは一度だけ使えます。"))
	hint.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(widget.NewFormItem(tr("有効期限"), choice))
	d := dialog.NewCustomConfirm(tr("登録コードを発行"), tr("発行する"), tr("やめる"), widgets.Sized(container.NewVBox(hint, form), 460), func(ok bool) {
		if !ok {
			return
		}
		exp := codeExpiries[1].d
		for i, l := range labels {
			if l == choice.Selected {
				exp = codeExpiries[i].d
			}
		}
		sc.doIssue(exp)
	}, sc.ctx.Window())
	d.Show()
}

func (sc *devicesScreen) doIssue(expires time.Duration) {
	agent := sc.ctx.Agent()
	sc.issue.Disable()
	widgets.Run(sc.ctx.Runner(), func(ctx context.Context) (syncagent.IssuedCode, error) {
		return agent.IssueCode(ctx, expires)
	}, func(c syncagent.IssuedCode, err error) {
		sc.issue.Enable()
		if err != nil {
			sc.showError(err)
			return
		}
		sc.code = newCodeView(sc.ctx.Window(), c, func() { sc.printCode(c) })
		sc.code.dialog.Show()
	}, widgets.WithProgress(sc.progress))
}

// pdfSaver is how the window saves a printed document: the shell's host
// renders it through its runner and asks where to save it (the hosts of the
// other screens have SavePDF in their interface; tests keep the PDF).
type pdfSaver interface {
	SavePDF(name string, render func(context.Context) ([]byte, error))
}

// printCode renders the sheet of an issued code (端末の登録コード, with its
// QR code) and saves it as the window saves every PDF.
func (sc *devicesScreen) printCode(c syncagent.IssuedCode) {
	o, s := sc.ctx.Office(), sc.ctx.Session()
	sheet := office.EnrollmentSheet{Server: c.Server, Code: c.Code, Pin: GroupPin(c.Pin), Expires: c.Expires}
	// Printed by the office: an administrator only, in the ledger (管理簿)
	// and the access log like every document.
	render := func(ctx context.Context) ([]byte, error) { return o.PrintEnrollmentSheet(ctx, s, sheet) }
	name := "登録コード_" + c.Expires.In(record.JST()).Format("20060102-1504") + ".pdf"
	if p, ok := sc.ctx.(pdfSaver); ok {
		p.SavePDF(name, render)
		return
	}
	win := sc.ctx.Window()
	widgets.RenderPDF(win, sc.ctx.Runner(), name, render, sc.ctx.ShowError, func(pdf []byte) { widgets.AskSavePDF(win, name, pdf) })
}

// codeView shows an issued code: the code in a selectable entry with a copy
// button, the office's name on the server, the pin and the expiry, and
// prints it as a sheet with its QR code.
type codeView struct {
	dialog *dialog.CustomDialog
	code   *widget.Entry
	copy   *widget.Button
	print  *widget.Button
}

func newCodeView(win fyne.Window, c syncagent.IssuedCode, onPrint func()) *codeView {
	v := &codeView{}
	v.code = widget.NewEntry()
	v.code.SetText(c.Code)
	v.code.OnChanged = func(string) { v.code.SetText(c.Code) } // read-only, yet selectable
	v.copy = widget.NewButtonWithIcon(tr("コピー"), theme.ContentCopyIcon(), func() {
		fyne.CurrentApp().Clipboard().SetContent(c.Code)
	})
	pin := widget.NewLabel(GroupPin(c.Pin))
	pin.Selectable = true
	hint := widget.NewLabel(tr("新しいパソコンに表示されるサーバーの指紋が、この指紋と同じことを確かめてから参加してください。"))
	hint.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(tr("登録コード"), container.NewBorder(nil, nil, nil, v.copy, v.code)),
		widget.NewFormItem(tr("窓口（サーバー）"), widget.NewLabel(c.Server)),
		widget.NewFormItem(tr("サーバーの指紋"), pin),
		widget.NewFormItem(tr("有効期限"), widget.NewLabel(dateTime(c.Expires))),
	)
	v.print = widget.NewButtonWithIcon(tr("PDFで印刷"), theme.DocumentPrintIcon(), onPrint)
	v.dialog = dialog.NewCustom(tr("登録コード"), tr("閉じる"), widgets.Sized(container.NewVBox(form, hint), 620), win)
	v.dialog.SetButtons([]fyne.CanvasObject{v.print, widget.NewButton(tr("閉じる"), v.dialog.Hide)})
	return v
}

// GroupPin splits a hex pin into groups of four, eight groups a line, for
// reading aloud (the 端末 screen and the join dialog show it so).
func GroupPin(pin string) string {
	var b strings.Builder
	for i := 0; i < len(pin); i++ {
		switch {
		case i > 0 && i%32 == 0:
			b.WriteByte('\n')
		case i > 0 && i%4 == 0:
			b.WriteByte(' ')
		}
		b.WriteByte(pin[i])
	}
	return b.String()
}

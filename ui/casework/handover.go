package casework

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/handover"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// handoverExt is the file name extension of a hand-over file.
const handoverExt = ".mdgh"

// maxHandover is the largest hand-over file the window reads (it reads the
// whole file to check it before taking anything).
const maxHandover = 1 << 30

// handoverScreen is the 引き渡し screen: hand a business's records over as
// an encrypted file with its パスワード通知書 (coordinators and
// supervisors), and take in a file another office sent (everyone who may
// write the records it holds).
type handoverScreen struct {
	ctx   Host
	pager *widgets.Pager

	// Export.
	pick      *businessPick
	recipient *widget.Entry
	method    *widget.Entry
	pass      string
	passShown *widget.Label
	export    *widget.Button
	notice    *widget.Button
	exported  *widget.Label
	last      *office.ExportResult
	lastPass  string

	// Receive.
	file     fyne.URI
	fileName *widget.Label
	passIn   *widget.Entry
	receive  *widget.Button
	received *widget.Label

	// saveTo and openFrom ask where to write and what to read (file
	// dialogs in the window; tests give files).
	saveTo   func(name string, done func(fyne.URIWriteCloser))
	openFrom func(done func(fyne.URIReadCloser))
}

// buildHandover builds the 引き渡し screen.
func buildHandover(ctx Host) fyne.CanvasObject { return newHandoverScreen(ctx).pager }

func handoverAllowed(s *office.Session) bool {
	return s.May(office.PermExport) || s.May(office.PermFrontDesk)
}

func newHandoverScreen(ctx Host) *handoverScreen {
	sc := &handoverScreen{ctx: ctx}
	sc.saveTo = sc.askSave
	sc.openFrom = sc.askOpen
	var parts []fyne.CanvasObject
	if ctx.Session().May(office.PermExport) {
		parts = append(parts, sc.exportCard())
	}
	parts = append(parts, sc.receiveCard())
	sc.pager = widgets.NewPager(container.NewVScroll(container.NewVBox(parts...)), nil)
	return sc
}

func (sc *handoverScreen) exportCard() fyne.CanvasObject {
	sc.pick = newBusinessPick(sc.ctx, func(string) {})
	sc.recipient = widget.NewEntry()
	sc.recipient.SetPlaceHolder(tr("例: さくら区 産業振興課"))
	sc.method = widget.NewEntry()
	sc.method.SetPlaceHolder(tr("例: USBメモリで手渡し"))
	sc.passShown = widget.NewLabel("")
	sc.passShown.TextStyle.Monospace = true
	sc.newPassphrase()
	again := widget.NewButton(tr("作り直す"), sc.newPassphrase)
	sc.export = widget.NewButton(tr("暗号化ファイルを保存…"), sc.doExport)
	sc.export.Importance = widget.HighImportance
	sc.notice = widget.NewButton(tr("パスワード通知書を印刷"), sc.printNotice)
	sc.notice.Disable()
	sc.exported = widget.NewLabel("")
	sc.exported.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(tr("事業者"), sc.pick.object()),
		widget.NewFormItem(tr("相手先"), sc.recipient),
		widget.NewFormItem(tr("送付方法"), sc.method),
		widget.NewFormItem(tr("パスワード"), container.NewHBox(sc.passShown, again)),
	)
	note := widget.NewLabel(tr("事業者の予約・相談記録・専門家派遣をすべて含めて暗号化します。パスワードはファイルとは別の経路でお渡しください（パスワード通知書を印刷できます）。相手先と方法は管理簿に記録されます。"))
	note.Wrapping = fyne.TextWrapWord
	return widget.NewCard(tr("暗号化ファイルで引き渡す"), "", container.NewVBox(note, form,
		container.NewHBox(sc.export, sc.notice), sc.exported))
}

func (sc *handoverScreen) receiveCard() fyne.CanvasObject {
	sc.fileName = widget.NewLabel(tr("（未選択）"))
	choose := widget.NewButton(tr("ファイルを選ぶ…"), sc.chooseFile)
	sc.passIn = widget.NewEntry()
	sc.passIn.SetPlaceHolder(tr("パスワード通知書のパスワード"))
	sc.receive = widget.NewButton(tr("取り込む"), sc.doReceive)
	sc.receive.Importance = widget.HighImportance
	sc.passIn.OnSubmitted = func(string) { sc.doReceive() }
	sc.received = widget.NewLabel("")
	sc.received.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(tr("暗号化ファイル"), container.NewHBox(choose, sc.fileName)),
		widget.NewFormItem(tr("パスワード"), sc.passIn),
	)
	note := widget.NewLabel(tr("ほかの窓口から届いた暗号化ファイルの記録を取り込みます。ファイル全体を確かめてから取り込み、この窓口にすでにある記録は取り込みません。"))
	note.Wrapping = fyne.TextWrapWord
	return widget.NewCard(tr("暗号化ファイルの受け取り"), "", container.NewVBox(note, form, sc.receive, sc.received))
}

// newPassphrase makes a fresh passphrase for the next export.
func (sc *handoverScreen) newPassphrase() {
	sc.pass = handover.NewPassphrase()
	sc.passShown.SetText(sc.pass)
}

// doExport asks where to save, then exports off the UI goroutine and
// writes the file there.
func (sc *handoverScreen) doExport() {
	switch {
	case sc.pick.id == "":
		sc.ctx.ShowError(fmt.Errorf("export: no business: %w", office.ErrInvalid))
		return
	case strings.TrimSpace(sc.recipient.Text) == "":
		sc.ctx.ShowError(office.ErrNoRecipient)
		return
	}
	req := office.ExportRequest{BusinessID: sc.pick.id, Recipient: sc.recipient.Text, Method: sc.method.Text}
	pass := sc.pass
	name := strings.TrimSuffix(office.FileName("引き渡し", sc.pick.shown.Text, sc.ctx.Today().Format("20060102")), ".pdf") + handoverExt
	sc.saveTo(name, func(w fyne.URIWriteCloser) {
		progress := widgets.NewProgress()
		wait := dialog.NewCustomWithoutButtons(tr("暗号化しています…"), progress, sc.ctx.Window())
		wait.Show()
		widgets.Run(sc.ctx.Runner(), func(c context.Context) (office.ExportResult, error) {
			var buf bytes.Buffer
			res, err := sc.ctx.Office().Export(c, sc.ctx.Session(), req, []byte(pass), &buf)
			if err != nil {
				_ = w.Close()
				return res, err
			}
			return res, writeProtected(w, buf.Bytes())
		}, func(res office.ExportResult, err error) {
			wait.Hide()
			if err != nil {
				sc.ctx.ShowError(err)
				return
			}
			sc.exported.SetText(tr("%s に保存しました（%s）。管理簿に記録しました（%s）。パスワードはファイルとは別にお渡しください。",
				w.URI().Name(), countsLabel(res.Counts), res.DocID))
			sc.last, sc.lastPass = &res, pass
			sc.notice.Enable()
			sc.newPassphrase() // the next file gets its own
		}, widgets.WithProgress(progress))
	})
}

// printNotice prints the パスワード通知書 of the last export.
func (sc *handoverScreen) printNotice() {
	if sc.last == nil {
		return
	}
	res, pass := *sc.last, sc.lastPass
	name := office.FileName("パスワード通知書", res.Recipient, res.At.In(record.JST()).Format("20060102"))
	sc.ctx.SavePDF(name, func(c context.Context) ([]byte, error) {
		return sc.ctx.Office().PrintPasswordNotice(c, sc.ctx.Session(), res, pass)
	})
}

func (sc *handoverScreen) chooseFile() {
	sc.openFrom(func(r fyne.URIReadCloser) {
		_ = r.Close()
		sc.file = r.URI()
		sc.fileName.SetText(r.URI().Name())
	})
}

// doReceive reads the chosen file and takes it in off the UI goroutine.
func (sc *handoverScreen) doReceive() {
	if sc.file == nil {
		sc.ctx.ShowError(fmt.Errorf("receive: no file: %w", office.ErrInvalid))
		return
	}
	uri, pass := sc.file, strings.TrimSpace(sc.passIn.Text)
	progress := widgets.NewProgress()
	wait := dialog.NewCustomWithoutButtons(tr("暗号化ファイルを確かめています…"), progress, sc.ctx.Window())
	wait.Show()
	widgets.Run(sc.ctx.Runner(), func(c context.Context) (office.ReceiveResult, error) {
		data, err := readAll(uri)
		if err != nil {
			return office.ReceiveResult{}, err
		}
		return sc.ctx.Office().ReceiveHandover(c, sc.ctx.Session(), bytes.NewReader(data), []byte(pass))
	}, func(res office.ReceiveResult, err error) {
		wait.Hide()
		if err != nil {
			sc.ctx.ShowError(err)
			return
		}
		msg := tr("%s さんからの %d 件を取り込みました。管理簿に記録しました。", res.Header.ByName, res.Imported)
		if len(res.Skipped) > 0 {
			msg += " " + tr("この窓口にすでにある %d 件は取り込んでいません。", len(res.Skipped))
		}
		sc.received.SetText(msg)
		sc.passIn.SetText("")
	}, widgets.WithProgress(progress))
}

func (sc *handoverScreen) askSave(name string, done func(fyne.URIWriteCloser)) {
	d := dialog.NewFileSave(func(w fyne.URIWriteCloser, err error) {
		if err != nil {
			sc.ctx.ShowError(err)
			return
		}
		if w != nil {
			done(w)
		}
	}, sc.ctx.Window())
	d.SetFileName(name)
	d.SetFilter(storage.NewExtensionFileFilter([]string{handoverExt}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

func (sc *handoverScreen) askOpen(done func(fyne.URIReadCloser)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if err != nil {
			sc.ctx.ShowError(err)
			return
		}
		if r != nil {
			done(r)
		}
	}, sc.ctx.Window())
	d.SetFilter(storage.NewExtensionFileFilter([]string{handoverExt}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// writeProtected writes data where w points and, for a local file, makes it
// readable by its owner only.
func writeProtected(w fyne.URIWriteCloser, data []byte) error {
	if w.URI().Scheme() == "file" {
		if err := os.Chmod(w.URI().Path(), 0o600); err != nil {
			_ = w.Close()
			return fmt.Errorf("protect %s: %w", w.URI(), err)
		}
	}
	_, err := w.Write(data)
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write %s: %w", w.URI(), err)
	}
	return nil
}

// readAll reads a chosen file, up to maxHandover bytes.
func readAll(uri fyne.URI) ([]byte, error) {
	r, err := storage.Reader(uri)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", uri, err)
	}
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, maxHandover+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", uri, err)
	}
	if len(data) > maxHandover {
		return nil, fmt.Errorf("read %s: larger than %d bytes: %w", uri, maxHandover, office.ErrDamagedHandover)
	}
	return data, nil
}

// countsLabel says "事業者 1 件、相談記録 2 件" in the window's language.
func countsLabel(counts map[record.Kind]int) string {
	var parts []string
	for _, k := range record.Kinds() {
		if n := counts[k]; n > 0 {
			parts = append(parts, tr("%s %d 件", tr(record.Describe(k)), n))
		}
	}
	return strings.Join(parts, tr("、"))
}

package ui

import (
	"context"
	"errors"
	"io"
	"log"
	"os"
	"strings"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/dialog"
	"fyne.io/fyne/v2/storage"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/ui/syncview"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// firstStart reports whether the window starts on the first-start screen:
// the PC may join an office (Options.Join) and has no vault yet.
func (u *App) firstStart() bool {
	return u.opt.Join != nil && u.opt.Preview != nil && !office.Exists(u.opt.VaultDir)
}

// firstStartView is the first-start screen of a PC without a vault: join
// an office that syncs with a server, or create a new office here.
type firstStartView struct {
	app    *App
	join   *widget.Button
	create *widget.Button
	// joining and creating are the open dialogs, if any.
	joining  *joinDialog
	creating *createDialog
}

// showFirstStart shows the first-start screen.
func (u *App) showFirstStart() {
	u.discardLock()
	u.login = nil
	u.win.SetMainMenu(nil)
	v := &firstStartView{app: u}
	v.join = widget.NewButtonWithIcon(tr("既存の窓口に参加"), theme.LoginIcon(), v.openJoin)
	v.join.Importance = widget.HighImportance
	v.create = widget.NewButtonWithIcon(tr("新しい窓口を作る"), theme.ContentAddIcon(), v.openCreate)
	title := canvas.NewText(tr("窓口@product"), theme.Color(theme.ColorNamePrimary))
	title.TextSize = theme.TextHeadingSize() * 1.6
	title.TextStyle.Bold = true
	intro := widget.NewLabel(tr("このパソコンには、まだ窓口のデータがありません。"))
	intro.Wrapping = fyne.TextWrapWord
	joinHint := widget.NewLabel(tr("ほかのパソコンと同期している窓口に、このパソコンを加えます。管理者が発行した登録コードが必要です。"))
	joinHint.Wrapping = fyne.TextWrapWord
	createHint := widget.NewLabel(tr("このパソコンで新しい窓口を始めます。最初の管理者のアカウントを作ります。"))
	createHint.Wrapping = fyne.TextWrapWord
	folder := widget.NewLabel(tr("データの場所: %s", u.opt.VaultDir))
	folder.Wrapping = fyne.TextWrapBreak
	box := container.NewVBox(title, intro, widget.NewSeparator(), v.join, joinHint, widgets.SizedHeight(8), v.create, createHint, folder)
	card := widget.NewCard("", "", container.NewPadded(box))
	u.win.SetContent(container.NewPadded(container.NewVBox(layoutSpacer(), container.NewCenter(widgets.Sized(card, 640)))))
	u.win.Canvas().SetOnTypedKey(func(k *fyne.KeyEvent) {
		if k.Name == fyne.KeyEscape {
			widgets.CloseTopOverlay(u.win.Canvas())
		}
	})
	u.win.Canvas().Focus(v.join)
	u.first = v
}

// leaveFirstStart shows the login screen after the vault was made.
func (v *firstStartView) leaveFirstStart(id string) {
	u := v.app
	u.first = nil
	u.win.Canvas().SetOnTypedKey(nil)
	u.office = nil
	u.showLogin(id, "")
}

// joinDialog enrolls this PC with an office: the code, then the server's
// address and pin to check (Preview), then Join with an activity bar.
type joinDialog struct {
	v       *firstStartView
	dialog  *dialog.CustomDialog
	code    *widget.Entry
	name    *widget.Entry
	check   *widget.Button
	qr      *widget.Button
	join    *widget.Button
	cancel  *widget.Button
	addr    *widget.Label
	pin     *widget.Label
	info    *fyne.Container
	busy    *widget.ProgressBarInfinite
	message *widget.Label
	preview *syncagent.CodeInfo // the checked code's server, nil until checked
	// pickImage asks for an image file and calls done with it opened (nil
	// when the person cancels); tests give the file without a dialog.
	pickImage func(done func(io.ReadCloser, error))
}

func (v *firstStartView) openJoin() {
	u := v.app
	j := &joinDialog{v: v}
	j.code = widget.NewEntry()
	j.code.SetPlaceHolder(tr("登録コードを貼り付けるか入力"))
	j.code.OnChanged = func(string) { j.reset() }
	j.code.OnSubmitted = func(string) { j.submit() }
	j.name = widget.NewEntry()
	host, _ := os.Hostname()
	j.name.SetText(host)
	j.name.OnSubmitted = func(string) { j.submit() }
	j.check = widget.NewButtonWithIcon(tr("確認"), theme.SearchIcon(), j.doPreview)
	j.check.Importance = widget.HighImportance
	j.qr = widget.NewButtonWithIcon(tr("QR画像から読み取る"), theme.FileImageIcon(), j.pickQR)
	j.pickImage = func(done func(io.ReadCloser, error)) { openImage(u.win, done) }
	j.join = widget.NewButtonWithIcon(tr("参加する"), theme.ConfirmIcon(), j.doJoin)
	j.join.Importance = widget.HighImportance
	j.join.Hide()
	j.addr = widget.NewLabel("")
	j.addr.Selectable = true
	j.pin = widget.NewLabel("")
	j.pin.Selectable = true
	pinHint := widget.NewLabel(tr("この指紋が、管理者のパソコンに表示された指紋と同じことを確かめてください。違うときは参加しないでください。"))
	pinHint.Wrapping = fyne.TextWrapWord
	j.info = container.NewVBox(widget.NewForm(
		widget.NewFormItem(tr("サーバー"), j.addr),
		widget.NewFormItem(tr("サーバーの指紋"), j.pin)), pinHint)
	j.info.Hide()
	j.busy = widget.NewProgressBarInfinite()
	j.busy.Stop()
	j.busy.Hide()
	j.message = widget.NewLabel("")
	j.message.Wrapping = fyne.TextWrapWord
	j.message.Importance = widget.DangerImportance
	hint := widget.NewLabel(tr("管理者が「端末」画面で発行した登録コードを入力し、このパソコンの名前を確かめてください。"))
	hint.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(tr("登録コード"), container.NewBorder(nil, nil, nil, j.qr, j.code)),
		widget.NewFormItem(tr("このパソコンの名前"), j.name))
	content := container.NewVBox(hint, form, j.info, j.busy, j.message)
	j.dialog = dialog.NewCustomWithoutButtons(tr("既存の窓口に参加"), widgets.Sized(content, 620), u.win)
	j.cancel = widget.NewButtonWithIcon(tr("やめる"), theme.CancelIcon(), j.dialog.Hide)
	j.dialog.SetButtons([]fyne.CanvasObject{j.cancel, j.check, j.join})
	j.dialog.SetOnClosed(func() {
		if v.joining == j {
			v.joining = nil
		}
	})
	v.joining = j
	j.dialog.Show()
	u.win.Canvas().Focus(j.code)
}

// reset forgets a checked code when the code changes.
func (j *joinDialog) reset() {
	if j.preview == nil {
		return
	}
	j.preview = nil
	j.info.Hide()
	j.join.Hide()
	j.check.Show()
	j.relayout()
}

// relayout fits the dialog to its content after a part showed or hid.
func (j *joinDialog) relayout() {
	j.dialog.Refresh()
	j.dialog.Resize(j.dialog.MinSize())
}

// submit is Enter: check the code, or join once it is checked.
func (j *joinDialog) submit() {
	if j.preview == nil {
		j.doPreview()
		return
	}
	j.doJoin()
}

func (j *joinDialog) setBusy(on bool) {
	if on {
		j.message.SetText("")
		j.check.Disable()
		j.qr.Disable()
		j.join.Disable()
		j.busy.Show()
		j.busy.Start()
		j.relayout()
		return
	}
	j.check.Enable()
	j.qr.Enable()
	j.join.Enable()
	j.busy.Stop()
	j.busy.Hide()
	j.relayout()
}

// doPreview reads the code (off the UI goroutine) and shows its server.
func (j *joinDialog) doPreview() {
	u := j.v.app
	code := strings.TrimSpace(j.code.Text)
	if code == "" {
		j.message.SetText(tr("登録コードを入力してください。"))
		return
	}
	j.setBusy(true)
	widgets.Run(u.run, func(context.Context) (syncagent.CodeInfo, error) {
		return u.opt.Preview(code)
	}, func(ci syncagent.CodeInfo, err error) {
		j.setBusy(false)
		if err != nil {
			log.Printf("ui: enrollment code: %v", err)
			j.message.SetText(u.syncMessage(err))
			return
		}
		j.preview = &ci
		j.addr.SetText(ci.Addr)
		j.pin.SetText(syncview.GroupPin(ci.Pin))
		j.info.Show()
		j.check.Hide()
		j.join.Show()
		j.relayout()
		u.win.Canvas().Focus(j.join)
	})
}

// openImage asks for a PNG or JPEG file and calls done with it opened, or
// with nil when the person cancels.
func openImage(win fyne.Window, done func(io.ReadCloser, error)) {
	d := dialog.NewFileOpen(func(r fyne.URIReadCloser, err error) {
		if r == nil || err != nil {
			done(nil, err)
			return
		}
		done(r, nil)
	}, win)
	d.SetFilter(storage.NewExtensionFileFilter([]string{".png", ".jpg", ".jpeg", ".PNG", ".JPG", ".JPEG"}))
	d.Resize(fyne.NewSize(800, 560))
	d.Show()
}

// pickQR reads the code from an image of its QR code (the printed sheet
// photographed or scanned): the image is read off the UI goroutine, the
// code put in the field and checked as 確認 does.
func (j *joinDialog) pickQR() {
	u := j.v.app
	j.pickImage(func(r io.ReadCloser, err error) {
		if err != nil {
			log.Printf("ui: open the QR image: %v", err)
			j.message.SetText(tr("画像を読み込めませんでした。PNG または JPEG の画像を選んでください。"))
			return
		}
		if r == nil {
			return // cancelled
		}
		j.setBusy(true)
		widgets.Run(u.run, func(context.Context) (string, error) {
			defer r.Close()
			return syncagent.CodeFromImage(r)
		}, func(code string, err error) {
			j.setBusy(false)
			if err != nil {
				log.Printf("ui: QR image: %v", err)
				j.message.SetText(qrMessage(err))
				return
			}
			j.code.SetText(code)
			j.doPreview()
		})
	})
}

// qrMessage is the sentence for an image CodeFromImage could not read.
func qrMessage(err error) string {
	switch {
	case errors.Is(err, syncagent.ErrNoQRCode):
		return tr("画像にQRコードが見つかりませんでした。QRコード全体がはっきり写った画像を選んでください。")
	case errors.Is(err, syncagent.ErrNotCodeQR):
		return tr("このQRコードは窓口の登録コードではありません。管理者が印刷した「端末の登録コード」の用紙のQRコードを使ってください。")
	}
	return tr("画像を読み込めませんでした。PNG または JPEG の画像を選んでください。")
}

// doJoin enrolls the PC (off the UI goroutine) and then shows the login.
func (j *joinDialog) doJoin() {
	u := j.v.app
	code, name := strings.TrimSpace(j.code.Text), strings.TrimSpace(j.name.Text)
	if name == "" {
		j.message.SetText(tr("このパソコンの名前を入力してください。"))
		return
	}
	j.setBusy(true)
	dir := u.opt.VaultDir
	widgets.Run(u.run, func(ctx context.Context) (string, error) {
		return u.opt.Join(ctx, dir, code, name)
	}, func(server string, err error) {
		j.setBusy(false)
		if err != nil {
			log.Printf("ui: join: %v", err)
			j.message.SetText(u.syncMessage(err))
			return
		}
		j.dialog.Hide()
		j.v.leaveFirstStart("")
		if u.login != nil {
			u.login.notice.SetText(tr("「%s」に参加しました。管理者から伝えられたログインIDとパスワードでログインしてください。", server))
		}
	})
}

// createDialog creates a new office in this PC's vault folder with its
// first administrator (office.Init), as `madoguchi init` does.
type createDialog struct {
	v       *firstStartView
	form    *widgets.FormDialog
	login   *widget.Entry
	name    *widget.Entry
	pw1     *widget.Entry
	pw2     *widget.Entry
	busy    *widget.ProgressBarInfinite
	message *widget.Label
}

func (v *firstStartView) openCreate() {
	u := v.app
	c := &createDialog{v: v}
	c.login = widget.NewEntry()
	c.login.SetPlaceHolder(tr("例: yamada"))
	c.name = widget.NewEntry()
	c.pw1 = widget.NewPasswordEntry()
	c.pw2 = widget.NewPasswordEntry()
	next := func(e fyne.Focusable) func(string) { return func(string) { u.win.Canvas().Focus(e) } }
	c.login.OnSubmitted = next(c.name)
	c.name.OnSubmitted = next(c.pw1)
	c.pw1.OnSubmitted = next(c.pw2)
	c.pw2.OnSubmitted = func(string) { c.submit() }
	c.busy = widget.NewProgressBarInfinite()
	c.busy.Stop()
	c.busy.Hide()
	c.message = widget.NewLabel("")
	c.message.Wrapping = fyne.TextWrapWord
	c.message.Importance = widget.DangerImportance
	hint := widget.NewLabel(tr("最初の管理者は、システム管理者と監督者の役割を持ちます。"))
	hint.Wrapping = fyne.TextWrapWord
	form := widget.NewForm(
		widget.NewFormItem(tr("ログインID"), c.login),
		widget.NewFormItem(tr("氏名"), c.name),
		widget.NewFormItem(tr("パスワード"), c.pw1),
		widget.NewFormItem(tr("パスワード（確認）"), c.pw2))
	c.form = widgets.NewFormDialog(u.win, tr("新しい窓口を作る"), tr("作成する"), container.NewVBox(hint, form, c.busy, c.message), func() bool {
		c.submit()
		return false
	})
	c.form.Dialog.SetOnClosed(func() {
		if v.creating == c {
			v.creating = nil
		}
	})
	v.creating = c
	c.form.Show(fyne.NewSize(560, 420))
	u.win.Canvas().Focus(c.login)
}

// submit checks the form and creates the vault off the UI goroutine (the
// password's key derivation is slow on purpose).
func (c *createDialog) submit() {
	u := c.v.app
	login, name := strings.TrimSpace(c.login.Text), strings.TrimSpace(c.name.Text)
	if err := office.CheckLogin(login); err != nil {
		c.message.SetText(widgets.ErrText(err))
		return
	}
	if c.pw1.Text != c.pw2.Text {
		c.message.SetText(tr("確認のパスワードが一致しません。"))
		return
	}
	if name == "" {
		name = login
	}
	pw := []byte(c.pw1.Text)
	c.message.SetText("")
	c.form.OK.Disable()
	c.busy.Show()
	c.busy.Start()
	dir, opt := u.opt.VaultDir, u.opt.Office
	widgets.Run(u.run, func(context.Context) (struct{}, error) {
		defer clear(pw)
		return struct{}{}, office.Init(dir, login, name, pw, opt)
	}, func(_ struct{}, err error) {
		c.form.OK.Enable()
		c.busy.Stop()
		c.busy.Hide()
		if err != nil {
			if !errors.Is(err, office.ErrWeakPassword) {
				log.Printf("ui: create vault: %v", err)
			}
			c.message.SetText(widgets.ErrText(err))
			return
		}
		c.form.Dialog.Hide()
		c.v.leaveFirstStart(login)
		if u.login != nil {
			u.login.notice.SetText(tr("窓口のデータを作りました。設定したパスワードでログインしてください。"))
		}
	})
}

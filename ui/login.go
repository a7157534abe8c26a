package ui

import (
	"context"
	"errors"
	"image/color"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// loginForm is the login screen: the vault folder, login id, password,
// the button, the message line and, in demo mode, the demo accounts.
type loginForm struct {
	app      *App
	id       *widget.Entry
	password *widget.Entry
	button   *widget.Button
	message  *widget.Label
	notice   *widget.Label
	busy     *widget.ProgressBarInfinite
	// body holds the login card (and the demo card beside it), centred
	// in the window.
	body *fyne.Container
}

// showLogin shows the login screen with id filled in and notice (such as
// "画面をロックしました") above the form.
// It ends a lock: the locked person's draft is dropped (discardLock).
func (u *App) showLogin(id, notice string) {
	u.discardLock()
	u.win.SetMainMenu(nil)
	f := newLoginForm(u, id, notice)
	u.win.SetContent(f.layout())
	focus := fyne.Focusable(f.id)
	if id != "" {
		focus = f.password
	}
	u.win.Canvas().Focus(focus)
	u.login = f
}

func newLoginForm(u *App, id, notice string) *loginForm {
	f := &loginForm{app: u}
	f.id = widget.NewEntry()
	f.id.SetPlaceHolder(tr("例: yamada"))
	f.id.SetText(id)
	f.password = widget.NewPasswordEntry()
	f.id.OnSubmitted = func(string) { u.win.Canvas().Focus(f.password) }
	f.password.OnSubmitted = func(string) { f.submit() }
	f.button = widget.NewButtonWithIcon(tr("ログイン"), theme.LoginIcon(), f.submit)
	f.button.Importance = widget.HighImportance
	f.message = widget.NewLabel("")
	f.message.Wrapping = fyne.TextWrapWord
	f.message.Importance = widget.DangerImportance
	f.notice = widget.NewLabel(tr(notice))
	f.notice.Wrapping = fyne.TextWrapWord
	f.notice.Importance = widget.SuccessImportance
	f.busy = widget.NewProgressBarInfinite()
	f.busy.Hide()
	f.busy.Stop()
	if _, err := u.openOffice(); err != nil {
		f.message.SetText(widgets.ErrText(err))
	}
	return f
}

func (f *loginForm) layout() fyne.CanvasObject {
	title := canvas.NewText(tr("窓口@product"), theme.Color(theme.ColorNamePrimary))
	title.TextSize = theme.TextHeadingSize() * 1.6
	title.TextStyle.Bold = true
	sub := widget.NewLabel(tr("経営相談窓口の予約・相談記録"))
	folder := widget.NewLabel(tr("データの場所: %s", f.app.opt.VaultDir))
	folder.Wrapping = fyne.TextWrapBreak
	form := widget.NewForm(
		widget.NewFormItem(tr("ログインID"), f.id),
		widget.NewFormItem(tr("パスワード"), f.password),
	)
	box := container.NewVBox(title, sub, folder, f.notice, form, f.button, f.busy, f.message)
	card := widgets.Sized(widget.NewCard("", "", container.NewPadded(box)), loginCardWidth)
	f.body = container.NewHBox(card)
	if len(f.app.demo) > 0 {
		f.body.Add(widgets.Sized(f.demoCard(), loginCardWidth))
	}
	// The cards sit in the middle of the window; a window lower than
	// they are scrolls.
	return container.NewVScroll(container.NewCenter(container.NewPadded(f.body)))
}

// loginCardWidth is the width of the login card and of the demo accounts
// beside it (their texts wrap within it).
const loginCardWidth = 440

// demoCard lists the demo accounts; tapping one fills the form.
func (f *loginForm) demoCard() fyne.CanvasObject {
	rows := container.NewVBox()
	rows.Add(container.NewGridWithColumns(3, widgets.BoldLabel(tr("ログインID")), widgets.BoldLabel(tr("パスワード")), widgets.BoldLabel(tr("役割"))))
	for _, d := range f.app.demo {
		d := d
		use := widget.NewButton(d.Login, func() {
			f.id.SetText(d.Login)
			f.password.SetText(d.Password)
			f.app.win.Canvas().Focus(f.button)
		})
		rows.Add(container.NewGridWithColumns(3, use, widget.NewLabel(d.Password), widget.NewLabel(tr(d.Role.Label()))))
	}
	hint := widget.NewLabel(tr("架空の事業者のデモ用データです。IDを押すと入力欄に入ります。"))
	hint.Wrapping = fyne.TextWrapWord
	return widget.NewCard(tr("デモ用アカウント"), "", container.NewVBox(hint, rows))
}

// submit logs in off the UI goroutine (the password hash is slow on
// purpose) and then shows the shell or the reason it failed.
func (f *loginForm) submit() {
	id, pw := f.id.Text, []byte(f.password.Text)
	if id == "" || len(pw) == 0 {
		f.message.SetText(tr("ログインIDとパスワードを入力してください。"))
		return
	}
	o, err := f.app.openOffice()
	if err != nil {
		f.message.SetText(widgets.ErrText(err))
		return
	}
	f.setBusy(true)
	agent, pending := f.app.agent, f.app.lockSynced()
	widgets.Run(f.app.run, func(ctx context.Context) (*office.Session, error) {
		defer clear(pw)
		if err := waitLockSync(ctx, pending); err != nil {
			return nil, err
		}
		sess, err := o.Login(ctx, id, pw)
		if err == nil && agent != nil {
			agent.Start(sess, sess.Login(), pw) // it derives what it needs; pw is cleared after
		}
		return sess, err
	}, func(sess *office.Session, err error) {
		f.setBusy(false)
		if err != nil {
			f.fail(err)
			return
		}
		f.app.loggedIn(sess)
	})
}

func (f *loginForm) setBusy(on bool) {
	if on {
		f.message.SetText("")
		f.button.Disable()
		f.busy.Show()
		f.busy.Start()
		return
	}
	f.button.Enable()
	f.busy.Stop()
	f.busy.Hide()
}

func (f *loginForm) fail(err error) {
	log.Printf("ui: login: %v", err)
	f.message.SetText(widgets.ErrText(err))
	f.password.SetText("")
	if errors.Is(err, office.ErrWrongPassword) {
		f.app.win.Canvas().Focus(f.password)
	}
}

// openOffice opens the vault folder once (it only reads the keyring) and
// makes its sync agent (Options.NewSyncAgent).
func (u *App) openOffice() (*office.Office, error) {
	if u.office != nil {
		return u.office, nil
	}
	o, err := office.Open(u.opt.VaultDir, u.opt.Office)
	if err != nil {
		return nil, err
	}
	u.office = o
	u.agent = nil
	if u.opt.NewSyncAgent != nil {
		u.agent = u.opt.NewSyncAgent(o)
	}
	u.subscribeSync()
	return o, nil
}

// showPreparing shows a progress bar while Options.Prepare runs, then the
// login screen.
func (u *App) showPreparing() {
	bar := widget.NewProgressBar()
	label := widget.NewLabel(tr("デモ用のデータを作成しています…"))
	u.win.SetContent(container.NewCenter(widgets.Sized(container.NewVBox(label, bar), 480)))
	widgets.Run(u.run, func(context.Context) ([]DemoLogin, error) {
		return u.opt.Prepare(func(done, total int) {
			if total > 0 {
				v := float64(done) / float64(total)
				fyne.Do(func() { bar.SetValue(v) })
			}
		})
	}, func(logins []DemoLogin, err error) {
		if err != nil {
			log.Printf("ui: prepare: %v", err)
			label.SetText(tr("デモ用のデータを作成できませんでした: %s", widgets.ErrText(err)))
			return
		}
		u.demo = logins
		u.showLogin("", "")
	})
}

func layoutSpacer() fyne.CanvasObject {
	r := canvas.NewRectangle(color.Transparent)
	r.SetMinSize(fyne.NewSize(1, 24))
	return r
}

package ui

import (
	"context"
	"errors"
	"log"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// lockState is the locked window: who locked it, the screen they were on
// and, after an idle lock that found unsaved changes, their draft.
type lockState struct {
	login, name string
	key         string
	draft       *draft
}

// draft is what a person had typed into an open form when the idle lock
// ended their session, kept for them until they unlock.
//
// It is the form itself: the shell with its screens and the dialogs that
// held the form, taken out of the window while the lock screen shows. The
// window process keeps their widgets in memory, as it kept them while the
// person typed; nothing is written anywhere. A copy on disk would either
// be plaintext outside the vault or need the vault's keys, which the lock
// zeroes; keeping the widgets needs neither and gives the person back the
// same screen with the cursor where it was. Only the person who locked
// can unlock it: 「別の職員でログイン」, a logout, a revocation or the
// window's closing drop the draft (discardLock), and nothing refers to its
// widgets any more. (Go strings cannot be overwritten in place; dropping
// every reference is how the window forgets typed text, the same as when
// a form closes.)
type draft struct {
	shell    *shell
	content  fyne.CanvasObject
	overlays []fyne.CanvasObject
	focus    fyne.Focusable // the focused field, given back at unlock
}

// lockView is the lock screen: the locked person's name and login id, the
// password, ロック解除 and 別の職員でログイン.
type lockView struct {
	app      *App
	password *widget.Entry
	unlock   *widget.Button
	other    *widget.Button
	message  *widget.Label
	busy     *widget.ProgressBarInfinite
}

// showLock shows the lock screen of u.locked, the password focused.
func (u *App) showLock() {
	st := u.locked
	u.login = nil
	u.win.SetMainMenu(nil)
	v := &lockView{app: u}
	v.password = widget.NewPasswordEntry()
	v.password.OnSubmitted = func(string) { v.submit() }
	v.unlock = widget.NewButtonWithIcon(tr("ロック解除"), theme.LoginIcon(), v.submit)
	v.unlock.Importance = widget.HighImportance
	v.other = widget.NewButtonWithIcon(tr("別の職員でログイン"), theme.AccountIcon(), u.otherStaff)
	v.message = widget.NewLabel("")
	v.message.Wrapping = fyne.TextWrapWord
	v.message.Importance = widget.DangerImportance
	v.busy = widget.NewProgressBarInfinite()
	v.busy.Stop()
	v.busy.Hide()

	title := canvas.NewText(tr("窓口@product"), theme.Color(theme.ColorNamePrimary))
	title.TextSize = theme.TextHeadingSize() * 1.6
	title.TextStyle.Bold = true
	heading := widgets.Heading(tr("画面をロックしました"))
	who := widget.NewForm(
		widget.NewFormItem(tr("氏名"), widgets.BoldLabel(st.name)),
		widget.NewFormItem(tr("ログインID"), widget.NewLabel(st.login)),
		widget.NewFormItem(tr("パスワード"), v.password),
	)
	hint := widget.NewLabel(tr("続けるにはパスワードを入力してください。"))
	hint.Wrapping = fyne.TextWrapWord
	box := container.NewVBox(title, heading, hint, who)
	if st.draft != nil {
		kept := widget.NewLabel(tr("入力中の内容は、ロックを解除すると元に戻ります。"))
		kept.Wrapping = fyne.TextWrapWord
		kept.Importance = widget.WarningImportance
		box.Add(kept)
	}
	box.Add(container.NewHBox(v.unlock, v.other))
	box.Add(v.busy)
	box.Add(v.message)
	card := widget.NewCard("", "", container.NewPadded(box))
	u.win.SetContent(container.NewPadded(container.NewVBox(layoutSpacer(), container.NewCenter(widgets.Sized(card, 560)))))
	u.win.Canvas().Focus(v.password)
	u.lockView = v
}

// submit unlocks off the UI goroutine (the password hash is slow on
// purpose), starting the sync agent as a login does.
func (v *lockView) submit() {
	u := v.app
	st := u.locked
	if st == nil {
		return
	}
	pw := []byte(v.password.Text)
	if len(pw) == 0 {
		v.message.SetText(tr("パスワードを入力してください。"))
		u.win.Canvas().Focus(v.password)
		return
	}
	o, err := u.openOffice()
	if err != nil {
		v.message.SetText(widgets.ErrText(err))
		return
	}
	v.setBusy(true)
	agent, login, pending := u.agent, st.login, u.lockSynced()
	widgets.Run(u.run, func(ctx context.Context) (*office.Session, error) {
		defer clear(pw)
		if err := waitLockSync(ctx, pending); err != nil {
			return nil, err
		}
		sess, err := o.Login(ctx, login, pw)
		if err == nil && agent != nil {
			agent.Start(sess, sess.Login(), pw) // it derives what it needs; pw is cleared after
		}
		return sess, err
	}, func(sess *office.Session, err error) {
		v.setBusy(false)
		if u.lockView != v || u.locked != st {
			return // the window moved on meanwhile (a revocation)
		}
		if err != nil {
			log.Printf("ui: unlock: %v", err)
			v.message.SetText(widgets.ErrText(err))
			v.password.SetText("")
			if errors.Is(err, office.ErrWrongPassword) {
				u.win.Canvas().Focus(v.password)
			}
			return
		}
		u.unlocked(sess)
	})
}

func (v *lockView) setBusy(on bool) {
	if on {
		v.message.SetText("")
		v.unlock.Disable()
		v.other.Disable()
		v.busy.Show()
		v.busy.Start()
		return
	}
	v.unlock.Enable()
	v.other.Enable()
	v.busy.Stop()
	v.busy.Hide()
}

// otherStaff is 別の職員でログイン: the locked person's session stays
// ended, their draft is dropped unseen, and the ordinary login screen
// shows.
func (u *App) otherStaff() {
	u.showLogin("", "")
}

// discardLock forgets the locked state and its draft (see draft).
func (u *App) discardLock() {
	u.locked = nil
	u.lockView = nil
}

// unlocked resumes the locked person's work with their new session: the
// kept draft as it was, with a notice, or else the screen they were on.
func (u *App) unlocked(s *office.Session) {
	st := u.locked
	u.discardLock()
	if st.draft == nil {
		u.loggedInAt(s, st.key)
		return
	}
	d := st.draft
	u.beginSession(s)
	sh := d.shell
	sh.ctx.session, sh.ctx.runner = s, u.sessRun
	u.shell = sh
	u.win.SetContent(d.content)
	u.win.SetMainMenu(sh.menu())
	u.win.Canvas().SetOnTypedKey(sh.typedKey)
	u.win.Canvas().SetOnTypedRune(func(rune) { u.touch() })
	for _, o := range d.overlays {
		if _, ok := o.(*widget.PopUp); !ok {
			u.win.Canvas().Overlays().Add(o)
		}
		o.Show()
	}
	if d.focus != nil {
		u.win.Canvas().Focus(d.focus)
	}
	sh.setNotice(tr("ロック前の入力を復元しました。まだ保存されていません。"))
	u.startIdle()
	if u.agent != nil {
		u.onSyncStatus(u.agent.Status())
	}
}

// keepDraft takes the shell and the dialogs that hold its open form out of
// the window, for the person who locks it (see draft). Other dialogs
// close with the session.
func (u *App) keepDraft() *draft {
	sh := u.shell
	sh.cancelQuestion()
	c := u.win.Canvas()
	d := &draft{shell: sh, content: u.win.Content(), focus: c.Focused()}
	for _, o := range c.Overlays().List() {
		if findDirty(o, 0) != nil {
			d.overlays = append(d.overlays, o)
		}
	}
	for _, o := range d.overlays {
		o.Hide()
		if _, ok := o.(*widget.PopUp); !ok {
			c.Overlays().Remove(o)
		}
	}
	return d
}

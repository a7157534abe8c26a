package ui

import (
	"context"
	"fmt"
	"log"
	"reflect"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/driver/desktop"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// idleLock locks the window after a time without input. Fyne has no
// global input hook, so activity is gathered from several places: the
// canvas key handlers (keys typed while no widget has the focus), mouse
// movement over the window's background (activityArea), navigation and
// button actions of the shell (touch), and a poll of the focused widget:
// when the focus moved or the focused entry's text or cursor changed since
// the last tick, the person was typing. Every method runs on the UI
// goroutine; the session's runner ticks it (widgets.Runner.Every).
type idleLock struct {
	limit  time.Duration
	now    func() time.Time
	last   time.Time
	seen   string
	onLock func()
	stop   func()
}

// idleTick is how often the idle lock looks at the window.
const idleTick = 15 * time.Second

func newIdleLock(minutes int, now func() time.Time, onLock func()) *idleLock {
	l := &idleLock{now: now, onLock: onLock}
	l.setLimit(minutes)
	l.last = now()
	return l
}

func (l *idleLock) setLimit(minutes int) {
	if minutes <= 0 {
		minutes = DefaultIdleMinutes
	}
	l.limit = time.Duration(minutes) * time.Minute
}

// touch records activity now.
func (l *idleLock) touch() { l.last = l.now() }

// tick takes the current focus fingerprint and locks when the limit has
// passed without activity. It reports whether it locked.
func (l *idleLock) tick(fingerprint string) bool {
	if fingerprint != l.seen {
		l.seen = fingerprint
		l.touch()
	}
	if l.now().Sub(l.last) < l.limit {
		return false
	}
	l.onLock()
	return true
}

// run ticks every idleTick, through r, until halted or r stops.
func (l *idleLock) run(r *widgets.Runner, c fyne.Canvas) {
	l.stop = r.Every(idleTick, func() { l.tick(focusFingerprint(c)) })
}

func (l *idleLock) halt() {
	if l.stop != nil {
		l.stop()
		l.stop = nil
	}
}

// focusFingerprint describes the focused widget and, for an entry (or a
// widget embedding one), its text length and cursor.
func focusFingerprint(c fyne.Canvas) string {
	f := c.Focused()
	if f == nil {
		return fmt.Sprintf("none|%d", overlayCount(c))
	}
	fp := fmt.Sprintf("%p|%d", f, overlayCount(c))
	v := reflect.ValueOf(f)
	if v.Kind() != reflect.Pointer || v.Elem().Kind() != reflect.Struct {
		return fp
	}
	e := v.Elem()
	for _, name := range []string{"Text", "CursorRow", "CursorColumn"} {
		if fv := e.FieldByName(name); fv.IsValid() {
			switch fv.Kind() {
			case reflect.String:
				fp += fmt.Sprintf("|%d:%x", fv.Len(), fv.String())
			case reflect.Int:
				fp += fmt.Sprintf("|%d", fv.Int())
			}
		}
	}
	return fp
}

func overlayCount(c fyne.Canvas) int { return len(c.Overlays().List()) }

// startIdle starts the idle lock of the logged-in session.
func (u *App) startIdle() {
	u.stopIdle()
	u.idle = newIdleLock(u.settings.IdleMinutes, time.Now, u.lockIdle)
	u.idle.run(u.sessRun, u.win.Canvas())
}

func (u *App) stopIdle() {
	if u.idle != nil {
		u.idle.halt()
		u.idle = nil
	}
}

// touch records activity for the idle lock.
func (u *App) touch() {
	if u.idle != nil {
		u.idle.touch()
	}
}

// lockNow locks the window at once, dropping what an open form holds:
// the ロック button asks about unsaved changes first (shell.leave), the
// idle lock keeps them (lockIdle).
func (u *App) lockNow() { u.lock(nil) }

// lockIdle is the idle lock: it never asks (nobody is there to answer),
// it keeps an open form with unsaved changes as a draft for the person's
// unlock instead (see draft).
func (u *App) lockIdle() {
	var d *draft
	if sh := u.shell; sh != nil {
		if f := sh.openForm(); f != nil && f.Unsaved() {
			d = u.keepDraft()
		}
	}
	u.lock(d)
}

// lock shows the lock screen of the person at once, keeping d (may be
// nil) for their unlock, and ends the session (the office zeroes the
// keys). On a PC that syncs, the session ends after the agent's last
// sync (bounded by stopTimeout, off the UI goroutine), so that what was
// saved before the lock reaches the server; a login waits for it
// (lockSynced).
func (u *App) lock(d *draft) {
	if u.sess == nil {
		return
	}
	st := &lockState{login: u.sess.Login(), name: u.sess.Name(), draft: d}
	if u.shell != nil {
		st.key = u.shell.key
	}
	agent, o, timeout := u.agent, u.office, u.stopTimeout
	u.leaveShell()
	u.locked = st
	if agent == nil || o == nil {
		u.logoutOffice()
		u.showLock()
		return
	}
	done := make(chan struct{})
	u.lockSync = done
	u.showLock()
	widgets.Run(u.run, func(ctx context.Context) (struct{}, error) {
		defer close(done)
		ctx, cancel := context.WithTimeout(ctx, timeout)
		defer cancel()
		if err := agent.Stop(ctx); err != nil {
			log.Printf("ui: last sync at lock: %v", err)
		}
		if err := o.Logout(); err != nil {
			log.Printf("ui: logout at lock: %v", err)
		}
		return struct{}{}, nil
	}, func(struct{}, error) {})
}

// lockSynced is closed once no last sync after a lock is pending: a login
// waits for it, since the locked session ends only then.
func (u *App) lockSynced() <-chan struct{} {
	if u.lockSync != nil {
		return u.lockSync
	}
	c := make(chan struct{})
	close(c)
	return c
}

// waitLockSync is what a login's call does first: wait for lockSynced
// (or for its context).
func waitLockSync(ctx context.Context, pending <-chan struct{}) error {
	select {
	case <-pending:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// logout ends the session and shows an empty login screen; on a PC that
// syncs, after the agent's last sync (logoutSyncing).
func (u *App) logout() {
	if u.agent != nil && u.sess != nil {
		u.logoutSyncing()
		return
	}
	u.endSession()
	u.showLogin("", "ログアウトしました。")
}

func (u *App) endSession() {
	u.leaveShell()
	u.logoutOffice()
}

// leaveShell stops what the session's shell runs (the idle lock, its
// calls, the sync dialogs) and forgets the session; the office stays
// logged in until logoutOffice.
func (u *App) leaveShell() {
	u.stopIdle()
	u.stopSessionRunner()
	u.closeSyncDialogs()
	closeAllOverlays(u.win.Canvas())
	u.win.Canvas().SetOnTypedKey(nil)
	u.win.Canvas().SetOnTypedRune(nil)
	u.sess = nil
	u.shell = nil
}

// logoutOffice logs out of the office (closing the store, zeroing keys).
func (u *App) logoutOffice() {
	if u.office != nil {
		if err := u.office.Logout(); err != nil {
			log.Printf("ui: logout: %v", err)
		}
	}
}

func closeAllOverlays(c fyne.Canvas) {
	for widgets.CloseTopOverlay(c) {
	}
}

// activityArea wraps the window content and counts mouse movement over it
// as activity (widgets that track the mouse themselves, like buttons, get
// those events instead; their actions touch the lock).
type activityArea struct {
	widget.BaseWidget
	content fyne.CanvasObject
	touch   func()
}

var _ desktop.Hoverable = (*activityArea)(nil)

func newActivityArea(content fyne.CanvasObject, touch func()) *activityArea {
	a := &activityArea{content: content, touch: touch}
	a.ExtendBaseWidget(a)
	return a
}

// CreateRenderer implements fyne.Widget.
func (a *activityArea) CreateRenderer() fyne.WidgetRenderer {
	return widget.NewSimpleRenderer(a.content)
}

// MouseIn implements desktop.Hoverable.
func (a *activityArea) MouseIn(*desktop.MouseEvent) { a.touch() }

// MouseMoved implements desktop.Hoverable.
func (a *activityArea) MouseMoved(*desktop.MouseEvent) { a.touch() }

// MouseOut implements desktop.Hoverable.
func (a *activityArea) MouseOut() {}

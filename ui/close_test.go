package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/record"

	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// interceptApp is a test app whose windows keep the close intercept the
// window sets, so that a test can press the title bar's × (the test
// driver's window has no way to).
type interceptApp struct {
	fyne.App
	win *interceptWindow
}

func (a *interceptApp) NewWindow(title string) fyne.Window {
	a.win = &interceptWindow{Window: a.App.NewWindow(title)}
	return a.win
}

// interceptWindow records the close intercept and whether it closed.
type interceptWindow struct {
	fyne.Window
	intercept func()
	closed    bool
}

func (w *interceptWindow) SetCloseIntercept(f func()) {
	w.intercept = f
	w.Window.SetCloseIntercept(f)
}

// Close closes once (the test driver's window panics on a second close,
// and the test's cleanup closes it again).
func (w *interceptWindow) Close() {
	if w.closed {
		return
	}
	w.closed = true
	w.Window.Close()
}

// pressClose presses the window's × as the desktop driver does: the
// intercept runs instead of closing, or the window closes without one.
func (w *interceptWindow) pressClose() {
	if w.intercept == nil {
		w.Close()
		return
	}
	w.intercept()
}

// TestWindowCloseAsks: the title bar's × with unsaved changes asks
// 「保存されていない変更があります」; 戻る keeps the window and the form,
// 破棄 closes; 保存 saves the record and closes; without changes (and on
// the login screen) the window closes at once.
func TestWindowCloseAsks(t *testing.T) {
	for _, tc := range []struct {
		name      string
		answer    string // "" when no question is expected
		wantSaved bool
	}{
		{name: "back", answer: "戻る"},
		{name: "discard", answer: "破棄"},
		{name: "save", answer: "保存", wantSaved: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			to := uitest.NewOffice(t, "", uitest.Casework)
			a := &interceptApp{App: test.NewTempApp(t)}
			u := newTestAppOn(t, a, to)
			w := a.win
			openConsultForm(t, u)
			w.pressClose()
			q := u.win.Canvas().Overlays().Top()
			if q == nil || !hasText(q, "保存されていない変更があります") || w.closed {
				t.Fatal("× with unsaved changes did not ask")
			}
			test.Tap(answerButton(t, q, tc.answer))
			u.wait()
			if tc.answer == "戻る" {
				if w.closed || summaryEntry(t, u.shell.current).Text != typedSummary {
					t.Fatal("戻る closed the window or lost the text")
				}
				return
			}
			if !w.closed {
				t.Fatalf("%s did not close the window", tc.answer)
			}
			saved := false
			for _, s := range savedSummaries(t, u) {
				saved = saved || s == typedSummary
			}
			if saved != tc.wantSaved {
				t.Fatalf("after %s the record is saved: %v, want %v", tc.answer, saved, tc.wantSaved)
			}
		})
	}
}

// TestWindowCloseWithoutChanges: no open form, or the login screen: the
// × closes the window without a question.
func TestWindowCloseWithoutChanges(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	for _, login := range []bool{false, true} {
		a := &interceptApp{App: test.NewTempApp(t)}
		u := newTestAppOn(t, a, to)
		u.Start()
		if login {
			logIn(t, u, "soudan", uitest.Password)
		}
		a.win.pressClose()
		if !a.win.closed || u.win.Canvas().Overlays().Top() != nil {
			t.Fatalf("logged in %v: the × did not close at once", login)
		}
		u.Shutdown()
	}
}

// TestNavSwitchAsksForCaseworkForms: the 専門家派遣 form, the セミナー
// form and a seminar's application form with typed text ask before
// another screen opens; 戻る keeps the text.
func TestNavSwitchAsksForCaseworkForms(t *testing.T) {
	focused := func(t *testing.T, u *App) *widget.Entry {
		e, ok := u.win.Canvas().Focused().(*widget.Entry)
		if !ok {
			t.Fatal("no entry has the focus")
		}
		return e
	}
	for _, tc := range []struct {
		name, login, key string
		open             func(t *testing.T, u *App) *widget.Entry // opens the form, returns an entry to type in
	}{
		{name: "dispatch", login: "soudan", key: "dispatches", open: func(t *testing.T, u *App) *widget.Entry {
			test.Tap(uitest.Button(t, u.shell.current, "新規申請"))
			return summaryEntry(t, u.shell.current) // 訪問報告
		}},
		{name: "seminar", login: "coord", key: "seminars", open: func(t *testing.T, u *App) *widget.Entry {
			test.Tap(uitest.Button(t, u.shell.current, "セミナーを登録"))
			return focused(t, u) // タイトル
		}},
		{name: "application", login: "coord", key: "seminars", open: func(t *testing.T, u *App) *widget.Entry {
			must(t, u.office.SaveSeminar(context.Background(), u.sess, &record.Seminar{Title: "創業塾",
				Date: "2026-10-20", Start: "14:00", End: "16:00", Capacity: 10, Online: true}))
			u.shell.openKey("today")
			u.shell.openKey("seminars")
			u.wait()
			uitest.Walk(u.shell.current, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.List); ok {
					l.Select(0)
				}
			})
			return focused(t, u) // 事業所名
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			to := uitest.NewOffice(t, "", uitest.Casework)
			u := newTestApp(t, to)
			u.Start()
			logIn(t, u, tc.login, uitest.Password)
			sh := u.shell
			sh.openKey(tc.key)
			u.wait()
			e := tc.open(t, u)
			if f := sh.openForm(); f == nil || f.Unsaved() {
				t.Fatalf("the empty form is not found or reports changes (%v)", f)
			}
			test.Type(e, "テスト入力")
			sh.nav.Select(0)
			if sh.question == nil || sh.key != tc.key {
				t.Fatal("switching away from a typed form did not ask")
			}
			test.Tap(sh.question.Back)
			if sh.key != tc.key || e.Text != "テスト入力" || !sh.openForm().Unsaved() {
				t.Fatal("戻る did not keep the form")
			}
		})
	}
}

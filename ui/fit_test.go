package ui

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/demo"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// The smallest screen the window must fit (a common office notebook), and
// what a window manager's frame, the title bar and Fyne's menu bar take of
// it.
const (
	screenWidth, screenHeight = 1366, 768
	frameWidth, frameHeight   = 16, 100
)

// fitForm opens a form (or dialog) from the current screen of the shell.
type fitForm struct {
	screen string // the navigation key the form is opened from
	button string // the (Japanese) text of the button that opens it
	dialog bool   // it opens as a dialog over the window
}

// fitForms are the forms and dialogs that once made the window too wide.
var fitForms = map[string]fitForm{
	"consultation form": {screen: "consultations", button: "新規作成"},
	"dispatch form":     {screen: "dispatches", button: "新規申請"},
	"seminar form":      {screen: "seminars", button: "セミナーを登録"},
	"user form":         {screen: "users", button: "利用者を追加"},
	"master form":       {screen: "masters", button: "新規登録"},
	"business form":     {screen: "business", button: "新規登録", dialog: true},
	"reservation form":  {screen: "booking", button: "空き", dialog: true},
	"walk-in form":      {screen: "today", button: "飛び込み受付", dialog: true},
}

// TestEveryScreenFits opens every screen of the shell (the administrator,
// on a PC that syncs, sees them all) and every form, in both languages and
// the three font sizes: the window's minimum width never passes a 1366×768
// screen, so nothing is pushed off it (content scrolls vertically instead).
func TestEveryScreenFits(t *testing.T) {
	to := demoOffice(t)
	for _, lang := range []string{LangJapanese, LangEnglish} {
		for _, size := range []string{widgets.FontSmall, widgets.FontMedium, widgets.FontLarge} {
			t.Run(lang+"/"+size, func(t *testing.T) {
				t.Cleanup(func() { must(t, LoadTranslations(LangJapanese)) })
				a := test.NewTempApp(t)
				a.Preferences().SetString(prefLanguage, lang)
				a.Preferences().SetString(prefFontSize, size)
				sa := newSyncApp(t, to, a)
				u := sa.App
				u.win.Resize(fyne.NewSize(screenWidth-frameWidth, screenHeight-frameHeight))
				u.Start()
				for _, l := range demo.Logins() {
					u.demo = append(u.demo, DemoLogin{Login: l.Login, Password: l.Password, Name: l.Name, Role: l.Role})
				}
				u.showLogin("", "")
				checkFits(t, u, "login", u.win.Content())
				logIn(t, u, "admin", demo.Password)
				sh := u.shell
				for _, sc := range sh.screens {
					sh.openKey(sc.Key)
					u.wait()
					checkFits(t, u, sc.Key, u.win.Content())
				}
				for name, f := range fitForms {
					sh.openKey(f.screen)
					u.wait()
					test.Tap(uitest.FindButton(t, u.win.Content(), tr(f.button)))
					u.wait()
					if f.dialog {
						top := u.win.Canvas().Overlays().Top()
						if top == nil {
							t.Fatalf("%s: no dialog", name)
						}
						checkFits(t, u, name, top)
						widgets.CloseTopOverlay(u.win.Canvas())
						continue
					}
					checkFits(t, u, name, u.win.Content())
					sh.leave(func() {}, nil)
				}
				// The window never shrinks: had any screen or form
				// widened it, the top bar's last buttons would lie past
				// the screen's edge now.
				checkOnScreen(t, u, tr("ロック"), tr("ログアウト"))
			})
		}
	}
}

// checkOnScreen fails when a button of the top bar lies (partly) outside
// the width the screen leaves the window.
func checkOnScreen(t *testing.T, u *App, buttons ...string) {
	t.Helper()
	for _, text := range buttons {
		b := uitest.FindButton(t, u.win.Content(), text)
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(b)
		if right := pos.X + b.Size().Width; right > screenWidth-frameWidth {
			t.Errorf("%s ends %.0f px from the window's left edge; the screen leaves %d", text, right, screenWidth-frameWidth)
		}
	}
}

// demoOffice is a small demo vault (the names, programs and lists the
// demo shows) on the tests' clock.
func demoOffice(t *testing.T) *uitest.Office {
	t.Helper()
	to := &uitest.Office{Dir: filepath.Join(t.TempDir(), "office"), Now: uitest.Now}
	to.Opt = office.Options{KDF: vault.TestKDF(), Now: func() time.Time { return to.Now }}
	_, err := demo.NewVault(context.Background(), to.Dir, demo.Sizes{Businesses: 30, Consultations: 60, Seed: 1}, to.Opt, nil)
	must(t, err)
	return to
}

// checkFits fails when o (the window's content or a dialog) needs more
// width than the screen leaves the window's content.
func checkFits(t *testing.T, u *App, name string, o fyne.CanvasObject) {
	t.Helper()
	if o == nil {
		t.Fatalf("%s: nothing shown", name)
	}
	m := o.MinSize()
	if m.Width > screenWidth-frameWidth {
		t.Errorf("%s is %.0f px wide at least; the screen leaves %d%s", name, m.Width, screenWidth-frameWidth, widest(o))
	}
	if m.Height > screenHeight-frameHeight {
		t.Errorf("%s is %.0f px high at least; the screen leaves %d", name, m.Height, screenHeight-frameHeight)
	}
}

// widest says what drives o's width: the chain of objects, each the widest
// part of the one before, down to where the width is a sum of parts.
func widest(o fyne.CanvasObject) string {
	out := ""
	for depth := 0; o != nil && depth < 40; depth++ {
		w := o.MinSize().Width
		desc := fmt.Sprintf("%T", o)
		if l, ok := o.(*widget.Label); ok {
			desc += "「" + l.Text + "」"
		}
		out += fmt.Sprintf("\n  %s %.0f", desc, w)
		var kids []fyne.CanvasObject
		switch x := o.(type) {
		case *fyne.Container:
			kids = x.Objects
		case fyne.Widget:
			kids = test.WidgetRenderer(x).Objects()
		}
		var next fyne.CanvasObject
		var nw float32
		for _, k := range kids {
			if k.Visible() && k.MinSize().Width > nw {
				next, nw = k, k.MinSize().Width
			}
		}
		if next == nil {
			break
		}
		if nw < w*0.75 {
			for _, k := range kids {
				if k.Visible() {
					out += fmt.Sprintf(" [%T %.0f]", k, k.MinSize().Width)
				}
			}
			break
		}
		o = next
	}
	return out
}

// TestLoginCardCentred: the login card (and the demo accounts beside it)
// sit in the middle of the window, not in its top-left corner (within the
// few pixels of the window's own padding).
func TestLoginCardCentred(t *testing.T) {
	for _, withDemo := range []bool{false, true} {
		to := uitest.NewOffice(t, "", uitest.Counter)
		u := newTestApp(t, to)
		if withDemo {
			for _, l := range demo.Logins() {
				u.demo = append(u.demo, DemoLogin{Login: l.Login, Password: l.Password, Name: l.Name, Role: l.Role})
			}
		}
		u.win.Resize(fyne.NewSize(1350, 668))
		u.Start()
		body := u.login.body
		pos := fyne.CurrentApp().Driver().AbsolutePositionForObject(body)
		win := u.win.Canvas().Size()
		left, right := pos.X, win.Width-pos.X-body.Size().Width
		top, bottom := pos.Y, win.Height-pos.Y-body.Size().Height
		if d := left - right; d < -8 || d > 8 || left < 100 {
			t.Errorf("demo %v: the login card is %.0f px from the left and %.0f px from the right of the window", withDemo, left, right)
		}
		if d := top - bottom; d < -8 || d > 8 || top < 50 {
			t.Errorf("demo %v: the login card is %.0f px from the top and %.0f px from the bottom of the window", withDemo, top, bottom)
		}
	}
}

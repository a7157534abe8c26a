package ui

import (
	"os"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// realWindow, set under the realwindow build tag, runs the real-window
// test of the first start; TestMain calls it on the main goroutine (which
// the OpenGL driver needs) when MADOGUCHI_REAL_SHOT names the screenshot.
var realWindow func() int

func TestMain(m *testing.M) {
	if realWindow != nil && os.Getenv("MADOGUCHI_REAL_SHOT") != "" {
		os.Exit(realWindow())
	}
	uitest.Main(m)
}

func must(t *testing.T, err error) { t.Helper(); uitest.Must(t, err) }

// newTestApp opens the desktop window on the vault in the test driver,
// with the bundled-font theme, a fixed window size and test runners.
func newTestApp(t *testing.T, to *uitest.Office) *App {
	t.Helper()
	return newTestAppOn(t, test.NewTempApp(t), to)
}

// newTestAppOn is newTestApp on a test app the caller prepared (its
// preferences, such as the language).
func newTestAppOn(t *testing.T, a fyne.App, to *uitest.Office) *App {
	t.Helper()
	u := New(a, Options{VaultDir: to.Dir, Office: to.Opt})
	u.newRunner = widgets.NewTestRunner
	u.run = widgets.NewTestRunner()
	u.win.Resize(fyne.NewSize(1100, 720))
	t.Cleanup(func() {
		u.wait()
		u.Shutdown()
		u.win.Close()
	})
	return u
}

// logIn logs in through the login screen's widgets.
func logIn(t *testing.T, u *App, id, pw string) {
	t.Helper()
	f := u.login
	if f == nil {
		t.Fatal("login screen not shown")
	}
	test.Type(f.id, id)
	test.Type(f.password, pw)
	test.Tap(f.button)
	u.wait()
}

// unlock unlocks the lock screen with pw.
func unlock(t *testing.T, u *App, pw string) {
	t.Helper()
	v := u.lockView
	if v == nil {
		t.Fatal("lock screen not shown")
	}
	test.Type(v.password, pw)
	test.Tap(v.unlock)
	u.wait()
}

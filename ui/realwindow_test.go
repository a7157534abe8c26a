//go:build realwindow

package ui

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/demo"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

func init() {
	realWindow = realWindowFirstStart
	if os.Getenv("MADOGUCHI_REAL_SCENE") == "consult" {
		realWindow = realWindowConsultForm
	}
}

// realWindowFirstStart opens the real window (OpenGL on an X display) on
// a PC without a vault that may join an office, opens the join dialog,
// checks a code (the fake agent's options answer) and saves a screenshot
// of the X display (ImageMagick's import) to MADOGUCHI_REAL_SHOT. The script .ci/smoke-first-start.sh runs it
// under Xvfb; TestMain calls it on the main goroutine, where the OpenGL
// driver must run. It returns the exit code.
func realWindowFirstStart() int {
	out := os.Getenv("MADOGUCHI_REAL_SHOT")
	dir, err := os.MkdirTemp("", "madoguchi-real-window-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	a := fyneapp.NewWithID("jp.madoguchi.realwindow-test")
	to := &uitest.Office{Dir: filepath.Join(dir, "office"), Now: uitest.Now}
	to.Opt = office.Options{KDF: vault.TestKDF(), Now: func() time.Time { return to.Now }}
	sa := &syncApp{App: New(a, Options{VaultDir: to.Dir, Office: to.Opt})}
	setSyncOptions(sa, to)
	u := sa.App
	u.win.Resize(fyne.NewSize(1180, 760))
	u.Start()
	failed := ""
	go func() {
		time.Sleep(2 * time.Second)
		fyne.Do(func() {
			if u.first == nil {
				failed = "first start not shown"
				return
			}
			u.first.openJoin()
			u.first.joining.code.SetText(testCode)
			u.first.joining.name.SetText("相談室B ノートPC")
			u.first.joining.doPreview()
		})
		time.Sleep(2 * time.Second)
		checked := make(chan bool)
		fyne.Do(func() {
			j := u.first.joining
			u.win.Canvas().Unfocus()
			checked <- failed == "" && j != nil && j.preview != nil && j.addr.Text == testInfo.Addr
		})
		if !<-checked && failed == "" {
			failed = "the join dialog does not show the checked code's server"
		}
		time.Sleep(500 * time.Millisecond)
		// What the X display shows (the OpenGL canvas cannot be read back
		// under every software renderer).
		if b, err := exec.Command("import", "-window", "root", out).CombinedOutput(); err != nil {
			failed = fmt.Sprintf("screenshot: %v %s", err, b)
		}
		fyne.Do(a.Quit)
	}()
	u.win.ShowAndRun()
	u.Shutdown()
	if failed != "" {
		fmt.Fprintln(os.Stderr, "real window:", failed)
		return 1
	}
	fmt.Println("real window: first start and join dialog captured in", out)
	return 0
}

// realWindowConsultForm opens the real window at 1366×768 on a small demo
// vault, logs the administrator in, opens a new consultation record (the
// form that once widened the window to 1548 px), saves a screenshot of the
// X display to MADOGUCHI_REAL_SHOT and checks with xwininfo that the
// window is still at most 1366 px wide. .ci/smoke-window.sh runs it under
// Xvfb (MADOGUCHI_REAL_SCENE=consult). It returns the exit code.
func realWindowConsultForm() int {
	out := os.Getenv("MADOGUCHI_REAL_SHOT")
	dir, err := os.MkdirTemp("", "madoguchi-real-window-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	now := uitest.Now
	opt := office.Options{KDF: vault.TestKDF(), Now: func() time.Time { return now }}
	vaultDir := filepath.Join(dir, "office")
	if _, err := demo.NewVault(context.Background(), vaultDir, demo.Sizes{Businesses: 30, Consultations: 60, Seed: 1}, opt, nil); err != nil {
		fmt.Fprintln(os.Stderr, "demo vault:", err)
		return 1
	}
	a := fyneapp.NewWithID("jp.madoguchi.realwindow-test")
	u := New(a, Options{VaultDir: vaultDir, Office: opt, Title: realWindowTitle})
	u.win.Resize(fyne.NewSize(1366, 768))
	u.Start()
	failed := ""
	step := func(wait time.Duration, fn func()) {
		time.Sleep(wait)
		done := make(chan struct{})
		fyne.Do(func() { fn(); close(done) })
		<-done
	}
	go func() {
		defer fyne.Do(a.Quit)
		step(2*time.Second, func() {
			if u.login == nil {
				failed = "login screen not shown"
				return
			}
			u.login.id.SetText("admin")
			u.login.password.SetText(demo.Password)
			u.login.submit()
		})
		step(3*time.Second, func() {
			if failed != "" {
				return
			}
			if u.shell == nil {
				failed = "not logged in"
				return
			}
			u.shell.openKey("consultations")
			if b := buttonIn(u.shell.current, tr("新規作成")); b != nil {
				b.OnTapped()
			} else {
				failed = "no 新規作成 button on the consultations screen"
			}
		})
		if failed != "" {
			return
		}
		time.Sleep(2 * time.Second) // the driver draws and settles the window's size
		if b, err := exec.Command("import", "-window", "root", out).CombinedOutput(); err != nil {
			failed = fmt.Sprintf("screenshot: %v %s", err, b)
			return
		}
		w, err := xWindowWidth(realWindowTitle)
		switch {
		case err != nil:
			failed = err.Error()
		case w > 1366:
			failed = fmt.Sprintf("the window is %d px wide with the consultation form open; the screen is 1366", w)
		default:
			fmt.Printf("real window: %d px wide with the consultation form open\n", w)
		}
	}()
	u.win.ShowAndRun()
	u.Shutdown()
	if failed != "" {
		fmt.Fprintln(os.Stderr, "real window:", failed)
		return 1
	}
	fmt.Println("real window: consultation form captured in", out)
	return 0
}

// realWindowTitle names the window so that xwininfo finds it.
const realWindowTitle = "madoguchi-realwindow-test"

// xWindowWidth asks the X server (xwininfo) for the width of the window
// titled title.
func xWindowWidth(title string) (int, error) {
	b, err := exec.Command("xwininfo", "-name", title).CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("xwininfo: %v %s", err, b)
	}
	m := regexp.MustCompile(`(?m)^\s*Width: (\d+)`).FindSubmatch(b)
	if m == nil {
		return 0, fmt.Errorf("xwininfo gave no width: %s", b)
	}
	return strconv.Atoi(string(m[1]))
}

// buttonIn finds the visible button labelled text in o.
func buttonIn(o fyne.CanvasObject, text string) *widget.Button {
	var found *widget.Button
	uitest.Walk(o, func(x fyne.CanvasObject) {
		if b, ok := x.(*widget.Button); ok && found == nil && b.Text == text && b.Visible() {
			found = b
		}
	})
	return found
}

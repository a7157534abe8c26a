//go:build realwindow

package ui

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

func init() { realWindow = realWindowFirstStart }

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

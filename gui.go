//go:build !nogui

package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"syscall"
	"time"

	"fyne.io/fyne/v2"
	fyneapp "fyne.io/fyne/v2/app"

	"github.com/madoguchi-jp/madoguchi/app/demo"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/ui"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// runGUI opens the desktop window. --demo makes a fresh temporary vault
// filled with dummy data (removed on exit); --vault DIR opens another vault
// folder than the default one under the user's config folder.
func runGUI(args []string) int {
	fs := flag.NewFlagSet("madoguchi", flag.ContinueOnError)
	demoMode := fs.Bool("demo", false, "デモ用のデータで試す（終了時に消えます）")
	vaultDir := fs.String("vault", "", "窓口データのフォルダ")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	tuneGC()
	a := fyneapp.NewWithID("jp.madoguchi.desktop")
	opt := ui.Options{VaultDir: *vaultDir, Office: office.Options{ReleaseAfter: releaseAfter}, Open: widgets.SystemOpener}
	if *demoMode {
		dir, err := os.MkdirTemp("", "madoguchi-demo-")
		if err != nil {
			fmt.Fprintln(os.Stderr, "エラー: デモ用の一時フォルダを作れませんでした。")
			return 1
		}
		defer os.RemoveAll(dir)
		setDemo(&opt, filepath.Join(dir, "office"))
	} else {
		if opt.VaultDir == "" {
			opt.VaultDir = defaultVaultDir(a)
		}
		setSync(&opt)
	}
	u := ui.New(a, opt)
	u.Start()
	stop := quitOnSignal(a, u)
	defer stop()
	u.Window().ShowAndRun()
	u.Shutdown()
	return 0
}

// releaseAfter is how long the window's office waits without a use case
// before it gives memory back (office.Options.ReleaseAfter): the store's
// pages that a list read and the Go heap's free room.
const releaseAfter = 30 * time.Second

// gcPercent is the window's GOGC: the Go heap may grow to 1.5 times what
// is live before the collector runs, instead of twice. On the big demo
// vault about 80 MB stay live (the fonts' outlines, Badger's caches and
// memtable, the screens' rows), and the default let the heap reach
// 170 MB with the garbage of a list; this keeps it near 125 MB for some
// more collector work (a soft memory limit low enough to matter sat so
// close to the live heap that the collector ran without pause).
const gcPercent = 50

// memoryLimit is the window's soft memory limit: far above what a day's
// work keeps live (about 125 MB on the big demo vault), so it changes
// nothing then, but a bulk job (a 20,000-row import) collects harder
// near it instead of growing by half again: its peak went from 309–348 MB
// to 224–230 MB resident, for 10–20 % more CPU time.
const memoryLimit = 250 << 20

// tuneGC sets gcPercent and memoryLimit unless GOGC or GOMEMLIMIT is set
// in the environment.
func tuneGC() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(memoryLimit)
	}
}

// setSync makes the window sync a vault enrolled with a central server in
// the background (and offer to join one at the first start).
func setSync(opt *ui.Options) {
	opt.NewSyncAgent = func(o *office.Office) ui.SyncAgent {
		a := syncagent.New(o, syncagent.Options{Logf: func(format string, args ...any) { log.Printf("sync: "+format, args...) }})
		if a.Status().State == syncagent.StateNotEnrolled {
			return nil // a single-PC office: no indicator, no sync screens
		}
		return a
	}
	opt.Message = func(err error) string { return syncagent.MessageIn(widgets.OfficeLang(), err) }
	opt.Preview = syncagent.Preview
	opt.Join = syncagent.Join
}

// setDemo makes opt fill a demo vault in dir before the login screen.
func setDemo(opt *ui.Options, dir string) {
	opt.VaultDir = dir
	opt.Title = "窓口 Madoguchi（デモ）"
	opt.Prepare = func(progress func(done, total int)) ([]ui.DemoLogin, error) {
		logins, err := demo.NewVault(context.Background(), dir, demo.SmallSizes(), office.Options{}, progress)
		out := make([]ui.DemoLogin, len(logins))
		for i, l := range logins {
			out[i] = ui.DemoLogin{Login: l.Login, Password: l.Password, Name: l.Name, Role: l.Role}
		}
		return out, err
	}
}

// defaultVaultDir is madoguchi/office under the user's config folder, or
// under Fyne's storage root when there is none.
func defaultVaultDir(a fyne.App) string {
	if dir, err := os.UserConfigDir(); err == nil {
		return filepath.Join(dir, "madoguchi", "office")
	}
	return filepath.Join(a.Storage().RootURI().Path(), "office")
}

// quitOnSignal logs out and quits on SIGINT or SIGTERM. The returned
// function stops listening.
func quitOnSignal(a fyne.App, u *ui.App) func() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		select {
		case <-ctx.Done():
			log.Print("madoguchi: signal received, logging out")
			fyne.Do(func() {
				u.Shutdown()
				a.Quit()
			})
		case <-done:
		}
	}()
	return func() {
		close(done)
		stop()
	}
}

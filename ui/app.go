package ui

import (
	"context"
	"log"
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/ui/syncview"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// SyncAgent is the background sync of the PC's vault with the central
// server as the window uses it (syncview.Agent).
type SyncAgent = syncview.Agent

// DemoLogin is one demo account that the login screen lists in demo mode.
type DemoLogin struct {
	Login, Password, Name string
	Role                  office.Role
}

// Options say how the desktop window starts.
type Options struct {
	// VaultDir is the vault folder the login screen opens.
	VaultDir string
	// Office configures the office (tests fix the clock and the KDF cost).
	Office office.Options
	// Prepare, when set, runs before the login screen while a progress bar
	// shows (demo mode fills a fresh vault here). It returns the demo
	// accounts to list on the login screen. It runs off the UI goroutine.
	Prepare func(progress func(done, total int)) ([]DemoLogin, error)
	// Title is the window title; empty means "窓口 Madoguchi" ("Madoguchi
	// (窓口)" in English).
	Title string

	// NewSyncAgent makes the sync agent of the opened vault; it returns
	// nil for a vault that is not enrolled with a server. Nil (a single-PC
	// office) shows no sync indicator, no 競合 or 端末 screen, and starts
	// on a missing vault as before (the login screen says there is none).
	NewSyncAgent func(*office.Office) SyncAgent
	// Message is the sentence the window shows for a sync error (the
	// agent's); nil uses the office's messages.
	Message func(error) string
	// Preview reads an enrollment code before joining: the server's
	// address and pin to check. Join enrolls the new PC: it makes the
	// vault in dir with code, naming the PC name, and returns the office's
	// name on the server. With both set and no vault in VaultDir, the
	// window starts on the first-start screen (join an office, or create
	// a new one).
	Preview func(code string) (syncagent.CodeInfo, error)
	Join    func(ctx context.Context, dir, code, name string) (serverName string, err error)

	// Open shows a saved PDF in the system's viewer, from which the person
	// prints it (gui.go: widgets.SystemOpener); nil only saves it.
	Open widgets.Opener
	// Documents is the folder where the dialog that saves a PDF starts;
	// nil means widgets.DocumentsFolder.
	Documents func() string
}

// App is the desktop window: login, the shell with the screens, the idle
// lock and the settings. Create it with New, then Start and show its Window.
type App struct {
	fyne     fyne.App
	win      fyne.Window
	opt      Options
	settings Settings
	office   *office.Office
	demo     []DemoLogin
	sess     *office.Session
	shell    *shell
	login    *loginForm
	// locked is the locked window (nil when it is not locked) and
	// lockView its lock screen.
	locked   *lockState
	lockView *lockView
	first    *firstStartView
	idle     *idleLock
	// run carries the calls made before a session (login, demo data);
	// sessRun those of the logged-in session, stopped when it ends.
	run     *widgets.Runner
	sessRun *widgets.Runner
	// newRunner makes the runners (tests make test runners).
	newRunner func() *widgets.Runner
	// agent syncs the open vault (nil: it does not sync); unsubscribe
	// ends the session's subscription to its status; syncStatus is the
	// last status it reported; sync holds the dialogs that follow a sync.
	agent       SyncAgent
	unsubscribe func()
	syncStatus  syncagent.Status
	sync        syncDialogs
	// stopTimeout bounds the last sync at logout and at a lock; lockSync
	// is closed when the last sync after a lock has ended and the locked
	// session with it (nil: no lock yet).
	stopTimeout time.Duration
	lockSync    chan struct{}
}

// New creates the window of a, with the saved settings (language, font
// size) applied. It does not show it.
func New(a fyne.App, opt Options) *App {
	u := &App{fyne: a, opt: opt, settings: loadSettings(a.Preferences()), newRunner: widgets.NewRunner, stopTimeout: defaultStopTimeout}
	u.run = u.newRunner()
	if err := LoadTranslations(u.settings.Language); err != nil {
		log.Printf("ui: %v", err)
	}
	a.Settings().SetTheme(widgets.NewThemeLook(u.settings.FontSize, u.settings.Look))
	title := opt.Title
	if title == "" {
		title = windowTitle()
	}
	u.win = a.NewWindow(title)
	u.win.Resize(fyne.NewSize(1180, 760))
	u.win.SetMaster()
	u.win.SetCloseIntercept(u.requestClose)
	return u
}

// requestClose is the title bar's ×: with unsaved changes in an open form
// it asks 保存, 破棄 or 戻る first (as leaving a screen does), then closes
// the window; the caller of ShowAndRun then shuts down (the last sync).
func (u *App) requestClose() {
	if u.shell == nil {
		u.win.Close()
		return
	}
	u.shell.leave(u.win.Close, nil)
}

// Window returns the main window.
func (u *App) Window() fyne.Window { return u.win }

// Start shows the first screen: the preparation progress when
// Options.Prepare is set, the first-start screen when the PC may join an
// office (Options.Join) and has no vault yet, else the login screen.
func (u *App) Start() {
	if u.opt.Prepare != nil {
		u.showPreparing()
		return
	}
	if u.firstStart() {
		u.showFirstStart()
		return
	}
	u.showLogin("", "")
}

// Shutdown logs out (closing the store and zeroing the keys) and stops the
// idle lock. It is safe to call more than once; call it on the UI
// goroutine.
func (u *App) Shutdown() {
	select { // a lock's last sync, before the runner that runs it stops
	case <-u.lockSynced():
	case <-time.After(shutdownStopTimeout):
	}
	u.discardLock()
	u.stopIdle()
	u.stopSessionRunner()
	u.run.Stop()
	u.stopSync(shutdownStopTimeout) // waits: the window is closing
	u.sess = nil
	u.shell = nil
	if u.office != nil {
		if err := u.office.Logout(); err != nil {
			log.Printf("ui: logout: %v", err)
		}
	}
}

// stopSessionRunner stops the calls of the session that ends: they stop
// with office.ErrSessionEnded and their results are dropped.
func (u *App) stopSessionRunner() {
	if u.sessRun != nil {
		u.sessRun.Stop()
		u.sessRun = nil
	}
}

// wait blocks until every call of the window's runners has delivered its
// result (tests use it).
func (u *App) wait() {
	u.run.Wait()
	if u.sessRun != nil {
		u.sessRun.Wait()
	}
}

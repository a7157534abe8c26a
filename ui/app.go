package ui

import (
	"log"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

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
	idle     *idleLock
	// run carries the calls made before a session (login, demo data);
	// sessRun those of the logged-in session, stopped when it ends.
	run     *widgets.Runner
	sessRun *widgets.Runner
	// newRunner makes the runners (tests make test runners).
	newRunner func() *widgets.Runner
}

// New creates the window of a, with the saved settings (language, font
// size) applied. It does not show it.
func New(a fyne.App, opt Options) *App {
	u := &App{fyne: a, opt: opt, settings: loadSettings(a.Preferences()), newRunner: widgets.NewRunner}
	u.run = u.newRunner()
	if err := LoadTranslations(u.settings.Language); err != nil {
		log.Printf("ui: %v", err)
	}
	a.Settings().SetTheme(widgets.NewTheme(u.settings.FontSize))
	title := opt.Title
	if title == "" {
		title = windowTitle()
	}
	u.win = a.NewWindow(title)
	u.win.Resize(fyne.NewSize(1180, 760))
	u.win.SetMaster()
	return u
}

// Window returns the main window.
func (u *App) Window() fyne.Window { return u.win }

// Start shows the first screen: the preparation progress when
// Options.Prepare is set, else the login screen.
func (u *App) Start() {
	if u.opt.Prepare != nil {
		u.showPreparing()
		return
	}
	u.showLogin("", "")
}

// Shutdown logs out (closing the store and zeroing the keys) and stops the
// idle lock. It is safe to call more than once; call it on the UI
// goroutine.
func (u *App) Shutdown() {
	u.stopIdle()
	u.stopSessionRunner()
	u.run.Stop()
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

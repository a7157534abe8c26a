package ui

import (
	"log"
	"sync"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
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
	bg       sync.WaitGroup
}

// New creates the window of a, with the saved settings (language, font
// size) applied. It does not show it.
func New(a fyne.App, opt Options) *App {
	u := &App{fyne: a, opt: opt, settings: loadSettings(a.Preferences())}
	if err := LoadTranslations(u.settings.Language); err != nil {
		log.Printf("ui: %v", err)
	}
	a.Settings().SetTheme(NewTheme(u.settings.FontSize))
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
	u.sess = nil
	u.shell = nil
	if u.office != nil {
		if err := u.office.Logout(); err != nil {
			log.Printf("ui: logout: %v", err)
		}
	}
}

// background runs work off the UI goroutine and then done on it.
func (u *App) background(work func(), done func()) {
	u.bg.Add(1)
	go func() {
		defer u.bg.Done()
		work()
		fyne.Do(done)
	}()
}

// wait blocks until every background job has finished (tests use it).
func (u *App) wait() { u.bg.Wait() }

package widgets

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// Env is what the shared widgets need from the window that holds them:
// the screen packages' Host interfaces have these methods, so a host
// passes as an Env.
type Env interface {
	// Office is the open vault; Session the logged-in person.
	Office() *office.Office
	Session() *office.Session
	// Context ends when the session does (logout, the idle lock): the
	// short office calls made on the UI goroutine take it.
	Context() context.Context
	// Runner runs the slow office calls off the UI goroutine.
	Runner() *Runner
	Window() fyne.Window
	// Today is the current time in Japan (tests fix the clock).
	Today() time.Time
	// ShowError tells the person what went wrong (office.Message).
	ShowError(error)
}

// Screen is one entry of the window's navigation, built with the host H
// that its package declares.
type Screen[H any] struct {
	Key     string                     // stable id, e.g. "today"
	Title   string                     // translation key, e.g. "今日の予定"
	Allowed func(*office.Session) bool // whether this session sees the screen
	Build   func(H) fyne.CanvasObject  // builds the screen's content
}

// May returns an Allowed func that asks Session.May(p).
func May(p office.Permission) func(*office.Session) bool {
	return func(s *office.Session) bool { return s.May(p) }
}

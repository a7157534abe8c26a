// Package ui holds the Fyne screens of the desktop application. It talks
// only to app/office (and reports for previews); it never touches Badger or
// keys. Only gui.go in package main creates the Fyne app, so everything here
// runs under Fyne's headless test driver without cgo.
package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// Context is what every screen is built with: the open office, the logged-in
// session and the window.
type Context struct {
	Office  *office.Office
	Session *office.Session
	Window  fyne.Window
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time

	// Runner runs the slow office calls off the UI goroutine; the shell
	// stops it when the session ends.
	Runner *widgets.Runner
	// pdfOut, when set, receives the PDFs savePDF renders instead of the
	// save dialog (tests keep the bytes with it).
	pdfOut func(name string, pdf []byte)
}

// Today returns the current time in Japan.
func (c *Context) Today() time.Time {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	return now().In(record.JST())
}

// wait blocks until the calls started through c.Runner have delivered
// their results (tests use it).
func (c *Context) wait() { c.Runner.Wait() }

// Screen is one entry of the main window's navigation.
type Screen struct {
	Key     string                           // stable id, e.g. "today"
	Title   string                           // translation key, e.g. "今日の予定"
	Allowed func(*office.Session) bool       // whether this session sees the screen
	Build   func(*Context) fyne.CanvasObject // builds the screen's content
}

// screens lists every screen in navigation order.
func screens() []Screen {
	return append(receptionScreens(), workScreens()...)
}

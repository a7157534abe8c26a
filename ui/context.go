// Package ui holds the Fyne screens of the desktop application. It talks
// only to app/office (and reports for previews); it never touches Badger or
// keys. Only gui.go in package main creates the Fyne app, so everything here
// runs under Fyne's headless test driver without cgo.
package ui

import (
	"time"

	"fyne.io/fyne/v2"

	"madoguchi/app/office"
)

// Context is what every screen is built with: the open office, the logged-in
// session and the window.
type Context struct {
	Office  *office.Office
	Session *office.Session
	Window  fyne.Window
	// Now is the clock (tests fix it); nil means time.Now.
	Now func() time.Time
}

// Today returns the current time in Japan.
func (c *Context) Today() time.Time {
	now := time.Now
	if c.Now != nil {
		now = c.Now
	}
	return now().In(office.JST())
}

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

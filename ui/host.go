// Package ui is the shell of the desktop window: the app, the login
// screen, the idle lock, the settings and the translations, and the
// navigation among the screens of the packages below it (counter,
// casework, admin), which it builds with a host (the Host each of them
// declares). It talks only to app/office; it never touches Badger or keys.
// Only gui.go in package main creates the Fyne app, so everything here
// runs under Fyne's headless test driver without cgo.
package ui

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/admin"
	"github.com/madoguchi-jp/madoguchi/ui/casework"
	"github.com/madoguchi-jp/madoguchi/ui/counter"
	"github.com/madoguchi-jp/madoguchi/ui/syncview"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// host is what the shell hands every screen for one session: the open
// office, the logged-in session, the window, the clock, the session's
// runner and saving a PDF. It implements the Host of each screen package.
type host struct {
	office  *office.Office
	session *office.Session
	win     fyne.Window
	now     func() time.Time // nil means time.Now
	runner  *widgets.Runner
	// agent is the PC's sync agent (nil when it does not sync); message
	// the sentence for its errors.
	agent   syncview.Agent
	message func(error) string
	// pdf saves and opens the printed documents (its Runner is runner).
	pdf widgets.PDFSaver
	// notice is the shell's line for what an action did (Notify).
	notice *widgets.Notice
}

var (
	_ counter.Host  = (*host)(nil)
	_ casework.Host = (*host)(nil)
	_ admin.Host    = (*host)(nil)
	_ syncview.Host = (*host)(nil)
)

// Agent implements syncview.Host.
func (h *host) Agent() syncview.Agent { return h.agent }

// SyncMessage implements syncview.Host.
func (h *host) SyncMessage(err error) string { return h.message(err) }

// Office implements the screens' Host.
func (h *host) Office() *office.Office { return h.office }

// Session implements the screens' Host.
func (h *host) Session() *office.Session { return h.session }

// Context implements the screens' Host: it ends when the session does.
func (h *host) Context() context.Context { return h.runner.Context() }

// Runner implements the screens' Host.
func (h *host) Runner() *widgets.Runner { return h.runner }

// Window implements the screens' Host.
func (h *host) Window() fyne.Window { return h.win }

// Today implements the screens' Host: the current time in Japan.
func (h *host) Today() time.Time {
	now := time.Now
	if h.now != nil {
		now = h.now
	}
	return now().In(record.JST())
}

// ShowError implements the screens' Host.
func (h *host) ShowError(err error) { widgets.ShowError(h.win, err) }

// Notify implements the screens' Host: the top bar says text for a few
// seconds.
func (h *host) Notify(text string) {
	if h.notice != nil {
		h.notice.Say(h.runner, text)
	}
}

// SavePDF implements the screens' Host: it renders the document while a
// progress dialog shows, then asks where to save it and opens it.
func (h *host) SavePDF(name string, render func(context.Context) ([]byte, error)) {
	widgets.RenderPDF(h.win, h.runner, name, render, h.ShowError, func(pdf []byte) { h.pdf.Ask(h.win, name, pdf) })
}

// Screen is one entry of the main window's navigation.
type Screen = widgets.Screen[*host]

// screens lists every screen in navigation order: the counter's, then
// casework's, then the office administration's.
func screens() []Screen {
	var out []Screen
	out = append(out, adapt(counter.Screens())...)
	out = append(out, adapt(casework.Screens())...)
	return append(out, adapt(admin.Screens())...)
}

// adapt makes a package's screens build with the shell's host.
func adapt[H any](list []widgets.Screen[H]) []Screen {
	out := make([]Screen, len(list))
	for i, s := range list {
		out[i] = Screen{Key: s.Key, Title: s.Title, Allowed: s.Allowed,
			Build: func(h *host) fyne.CanvasObject { return s.Build(any(h).(H)) }}
	}
	return out
}

// Package counter holds the screens of the front desk (窓口): 今日の予定
// (today's schedule, check-in, walk-ins, the printed schedule and session
// sheets), 予約 (the week's slots and the reservation form) and 事業者
// (businesses and their contact data). Everyone who works the front desk
// sees them; they never show case content.
package counter

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// Host is what the counter's screens need from the window (the shell).
type Host interface {
	Office() *office.Office
	Session() *office.Session
	// Context ends with the session; short office calls take it.
	Context() context.Context
	// Runner runs searches, the week's reservations and prints off the UI
	// goroutine.
	Runner() *widgets.Runner
	Window() fyne.Window
	Today() time.Time
	ShowError(error)
	// Notify says briefly what an action did (saved, approved, …) without
	// a dialog to close.
	Notify(text string)
	// SavePDF renders a printed document and lets the person save it.
	SavePDF(name string, render func(context.Context) ([]byte, error))
}

// Screens are the counter's screens: 今日の予定, 予約, ウェブ予約, 事業者.
func Screens() []widgets.Screen[Host] {
	frontDesk := widgets.May(office.PermFrontDesk)
	return []widgets.Screen[Host]{
		{Key: "today", Title: "今日の予定", Allowed: frontDesk, Build: func(h Host) fyne.CanvasObject { return newTodayScreen(h).object() }},
		{Key: "booking", Title: "予約", Allowed: frontDesk, Build: func(h Host) fyne.CanvasObject { return newWeekScreen(h).object() }},
		{Key: "web", Title: "ウェブ予約", Allowed: frontDesk, Build: func(h Host) fyne.CanvasObject { return newWebScreen(h).object() }},
		{Key: "business", Title: "事業者@screen", Allowed: frontDesk, Build: func(h Host) fyne.CanvasObject { return newBusinessScreen(h).object() }},
	}
}

// tr translates (widgets.T).
func tr(key string, args ...any) string { return widgets.T(key, args...) }

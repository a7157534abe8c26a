// Package casework holds the screens of the consultants, coordinators and
// supervisors, the people who read and write case content: 相談記録
// (consultation records and their form), 専門家派遣 (adviser dispatches),
// セミナー (seminars and their applications) and 承認 (the supervisor's
// approval).
package casework

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// Host is what the casework screens need from the window (the shell).
type Host interface {
	Office() *office.Office
	Session() *office.Session
	// Context ends with the session; short office calls take it.
	Context() context.Context
	// Runner runs searches, the list of records and prints off the UI
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

// Screens are the casework screens: 相談記録, 専門家派遣, セミナー, 承認,
// 引き渡し.
func Screens() []widgets.Screen[Host] {
	return []widgets.Screen[Host]{
		{Key: "consultations", Title: "相談記録", Allowed: widgets.May(office.PermCase), Build: buildConsultations},
		{Key: "dispatches", Title: "専門家派遣", Allowed: widgets.May(office.PermCase), Build: buildDispatches},
		{Key: "seminars", Title: "セミナー", Allowed: seminarAllowed, Build: buildSeminars},
		{Key: "approvals", Title: "承認", Allowed: widgets.May(office.PermApprove), Build: buildApprovals},
		{Key: "handover", Title: "引き渡し", Allowed: handoverAllowed, Build: buildHandover},
	}
}

// seminarAllowed lets in those who edit seminars or take applications.
func seminarAllowed(s *office.Session) bool {
	return s.May(office.PermSeminar) || s.May(office.PermApplications)
}

// tr translates (widgets.T).
func tr(key string, args ...any) string { return widgets.T(key, args...) }

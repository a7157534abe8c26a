// Package admin holds the screens of the office's administration: 統計
// (statistics of a month or a 年度), アクセスログ (the access log, its
// findings and the chain check), アクセスログ分析 (a month of every
// device's log, analysed), 利用者 (accounts and roles), マスタ (venues,
// staff, support programs), 保存期間を過ぎた記録 (retention and erasure),
// バックアップ and 取込 (moving the office's existing lists in, after a
// rehearsal). They serve those who run the office (coordinators,
// supervisors, admins) and show no case content: counts, log events,
// accounts, masters, record ids and dates.
package admin

import (
	"context"
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// Host is what the administration's screens need from the window (the
// shell).
type Host interface {
	Office() *office.Office
	Session() *office.Session
	// Context ends with the session; short office calls take it.
	Context() context.Context
	// Runner runs the statistics, the access log and its check off the UI
	// goroutine.
	Runner() *widgets.Runner
	Window() fyne.Window
	Today() time.Time
	ShowError(error)
	// Notify says briefly what an action did (saved, approved, …) without
	// a dialog to close.
	Notify(text string)
	// SavePDF renders a printed document (the statistics) and lets the
	// person save it.
	SavePDF(name string, render func(context.Context) ([]byte, error))
}

// Screens are the administration's screens: 統計, アクセスログ, アクセスログ分析,
// 利用者, マスタ, 保存期間を過ぎた記録, バックアップ, 取込.
func Screens() []widgets.Screen[Host] {
	return []widgets.Screen[Host]{
		{Key: "stats", Title: "統計", Allowed: widgets.May(office.PermStats), Build: buildStats},
		{Key: "audit", Title: "アクセスログ", Allowed: widgets.May(office.PermAudit), Build: buildAudit},
		{Key: AnalysisKey, Title: "アクセスログ分析", Allowed: widgets.May(office.PermAudit), Build: buildAnalysis},
		{Key: "users", Title: "利用者", Allowed: widgets.May(office.PermUsers), Build: buildUsers},
		{Key: "masters", Title: "マスタ", Allowed: widgets.May(office.PermMasters), Build: buildMasters},
		{Key: "retention", Title: "保存期間切れ", Allowed: widgets.May(office.PermErase), Build: buildRetention},
		{Key: "backup", Title: "バックアップ", Allowed: widgets.May(office.PermBackup), Build: buildBackup},
		{Key: "import", Title: "取込", Allowed: widgets.May(office.PermMigrate), Build: buildImport},
	}
}

// tr translates (widgets.T).
func tr(key string, args ...any) string { return widgets.T(key, args...) }

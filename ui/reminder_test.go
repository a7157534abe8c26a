package ui

import (
	"testing"

	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/ui/admin"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestAnalysisReminder: after logging in, a supervisor is told that last
// month's access-log analysis has not been opened; the button opens it,
// which ends the reminder, also at the next login. A consultant is never
// told.
func TestAnalysisReminder(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "soudan", uitest.Password)
	if u.shell.reminder.Visible() {
		t.Fatal("a consultant is reminded")
	}
	u.logout()
	logIn(t, u, "kantoku", uitest.Password)
	if !u.shell.reminder.Visible() || !hasText(u.shell.reminder, "先月のアクセスログ分析がまだ確認されていません") {
		t.Fatal("no reminder for the supervisor")
	}
	test.Tap(uitest.Button(t, u.shell.reminder, "分析を開く"))
	u.wait()
	if u.shell.key != admin.AnalysisKey || u.shell.reminder.Visible() {
		t.Fatalf("screen %s, reminder shown %v", u.shell.key, u.shell.reminder.Visible())
	}
	u.logout()
	logIn(t, u, "kantoku", uitest.Password)
	if u.shell.reminder.Visible() {
		t.Fatal("reminded again after opening the analysis")
	}
}

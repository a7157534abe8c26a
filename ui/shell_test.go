package ui

import (
	"context"
	"errors"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"fyne.io/fyne/v2/test"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// TestShellRoutesShortcutsToWorkScreens logs a consultant in through the
// real window and checks that the shell's Ctrl+S reaches the consultation
// form opened from the visited reservation.
func TestShellRoutesShortcutsToWorkScreens(t *testing.T) {
	f := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, f)
	u.win.Resize(fyne.NewSize(1100, 760))
	u.Start()
	logIn(t, u, "soudan", uitest.Password)
	sh := u.shell
	sh.openKey("consultations")
	u.wait()
	if sh.key != "consultations" {
		t.Fatalf("consultations not opened: %s", sh.key)
	}
	test.Tap(uitest.Button(t, sh.current, "相談記録を作成"))
	if !sh.shortcut(widgets.ShortcutSave) {
		t.Fatal("Ctrl+S not handled by the form")
	}
	u.wait()
	rows, err := u.office.Consultations(context.Background(), u.sess, office.ConsultationFilter{})
	must(t, err)
	if len(rows) != 1 || rows[0].Status != record.StDraft {
		t.Fatalf("draft not saved through Ctrl+S: %+v", rows)
	}
}

// TestScreensByRole checks which screens each role sees, in order.
func TestScreensByRole(t *testing.T) {
	f := uitest.NewOffice(t, "", uitest.Casework)
	want := map[string]string{
		"uketsuke": "today booking web business seminars handover",
		"soudan":   "today booking web business consultations dispatches handover",
		"coord":    "today booking web business consultations dispatches seminars handover stats masters",
		"kantoku":  "today booking web business consultations dispatches seminars approvals handover stats audit analysis retention import",
		"admin":    "today booking web business consultations dispatches seminars approvals handover stats audit analysis users masters retention backup import",
	}
	for login, keys := range want {
		f.As(login, func(s *office.Session) {
			var got []string
			for _, sc := range allowedScreens(s, false) {
				got = append(got, sc.Key)
			}
			if strings.Join(got, " ") != keys {
				t.Errorf("%s sees %v, want %s", login, got, keys)
			}
		})
	}
}

// TestSyncScreensByRole: on a PC that syncs, everyone sees 競合 and the
// administrator 端末 too, after the other screens.
func TestSyncScreensByRole(t *testing.T) {
	f := uitest.NewOffice(t, "", uitest.Casework)
	want := map[string]string{
		"uketsuke": "handover conflicts",
		"soudan":   "handover conflicts",
		"admin":    "masters retention backup import conflicts devices",
	}
	for login, tail := range want {
		f.As(login, func(s *office.Session) {
			var got []string
			for _, sc := range allowedScreens(s, true) {
				got = append(got, sc.Key)
			}
			if !strings.HasSuffix(strings.Join(got, " "), " "+tail) {
				t.Errorf("%s sees %v, want it to end with %s", login, got, tail)
			}
		})
	}
}

// TestLoginErrors shows the Japanese reason for a wrong password.
func TestLoginErrors(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", "wrong-password")
	if u.shell != nil {
		t.Fatal("logged in with a wrong password")
	}
	if got := u.login.message.Text; got != office.Message(office.ErrWrongPassword) {
		t.Fatalf("message = %q", got)
	}
}

// TestLockShowsLockScreen locks the window: the office session ends and the
// lock screen shows the person's name and login id, never the login screen.
func TestLockShowsLockScreen(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	s := u.sess
	u.lockNow()
	if u.login != nil || u.lockView == nil || !hasText(u.win.Content(), s.Name()) || !hasText(u.win.Content(), "uketsuke") {
		t.Fatal("lock screen not shown with the name and id after lock")
	}
	if u.win.Canvas().Focused() != u.lockView.password {
		t.Fatal("password not focused on the lock screen")
	}
	if _, err := u.office.ReservationsOn(context.Background(), s, "2026-10-01"); !errors.Is(err, office.ErrNotLoggedIn) {
		t.Fatalf("old session still works after lock: %v", err)
	}
}

package ui

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestShellRoutesShortcutsToWorkScreens logs a consultant in through the
// real window and checks that the shell's Ctrl+S reaches the consultation
// form opened from the visited reservation.
func TestShellRoutesShortcutsToWorkScreens(t *testing.T) {
	f := newWorkFixture(t)
	u := New(fyne.CurrentApp(), Options{VaultDir: f.dir, Office: f.opt})
	useTestRunners(u)
	u.win.Resize(fyne.NewSize(1100, 760))
	t.Cleanup(func() { u.wait(); u.Shutdown(); u.win.Close() })
	u.Start()
	logIn(t, u, "soudan", workTestPassword)
	sh := u.shell
	sh.openKey("consultations")
	u.wait()
	if sh.key != "consultations" {
		t.Fatalf("consultations not opened: %s", sh.key)
	}
	test.Tap(workButton(t, sh.current, "相談記録を作成"))
	if !sh.shortcut(ShortcutSave) {
		t.Fatal("Ctrl+S not handled by the form")
	}
	u.wait()
	rows, err := u.office.Consultations(context.Background(), u.sess, office.ConsultationFilter{})
	workMust(t, err)
	if len(rows) != 1 || rows[0].Status != record.StDraft {
		t.Fatalf("draft not saved through Ctrl+S: %+v", rows)
	}
}

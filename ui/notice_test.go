package ui

import (
	"testing"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestNotifyShowsInTheTopBar: what a screen's action did shows under the
// top bar without a dialog, and goes away by itself.
func TestNotifyShowsInTheTopBar(t *testing.T) {
	f := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, f)
	u.win.Resize(fyne.NewSize(1100, 760))
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	u.shell.ctx.Notify("予約を保存しました：テスト商店")
	if !uitest.HasLabel(u.shell.frame, "予約を保存しました：テスト商店") || !u.shell.done.Visible() {
		t.Fatal("the notice is not in the top bar")
	}
	if u.win.Canvas().Overlays().Top() != nil {
		t.Fatal("the notice opened a dialog")
	}
	u.wait() // the notice's time passes
	if u.shell.done.Visible() {
		t.Fatal("the notice stays")
	}
}

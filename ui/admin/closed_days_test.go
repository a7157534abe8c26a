package admin

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// TestClosedDaysMaster: a coordinator enters 年末年始 in the 休業日 master
// (dates as people type them, 令和 included), a last day before the first
// is explained beside its field, and the calendar's closures follow.
func TestClosedDaysMaster(t *testing.T) {
	f := newFixture(t)
	f.As("coord", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		m := newClosedDayTab(ctx)
		m.pager.OnShortcut(widgets.ShortcutNew)
		formEntry(t, m.form.ff, "名称").SetText("年末年始")
		formEntry(t, m.form.ff, "開始日").SetText("令和8年12月29日")
		formEntry(t, m.form.ff, "終了日").SetText("2026-12-28")
		m.pager.OnShortcut(widgets.ShortcutSave)
		if m.form == nil || m.form.ff.Errs["終了日"].Hidden {
			t.Fatal("a last day before the first accepted")
		}
		formEntry(t, m.form.ff, "終了日").SetText("2027/1/3")
		m.pager.OnShortcut(widgets.ShortcutSave)
		if m.form != nil || len(m.table.Rows) != 1 || m.table.Rows[0][0] != "2026-12-29" || m.table.Rows[0][1] != "2027-01-03" {
			t.Fatalf("closed days not saved: %v", m.table.Rows)
		}
		cs, err := f.Office().Closures(context.Background(), s, "2026-12-28", "2026-12-31")
		uitest.Must(t, err)
		if len(cs) != 3 || cs["2026-12-30"].Reason != "年末年始" {
			t.Fatalf("closures %v", cs)
		}
	})
}

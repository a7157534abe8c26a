package casework

import (
	"context"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// TestDispatchRequest: a consultant requests an adviser for the business and
// the form shows the business's count for this 年度.
func TestDispatchRequest(t *testing.T) {
	f := newFixture(t)
	f.As("soudan", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		sc := newDispatchScreen(ctx)
		ctx.Window().SetContent(sc.pager)
		sc.pager.OnShortcut(widgets.ShortcutNew)
		df := sc.form
		df.biz.set(f.Business, "")
		df.advisers.SelectID(df.adviser, f.Adviser)
		if df.save(nil) {
			t.Fatal("saved without a theme")
		}
		test.Type(df.theme, "販路開拓")
		test.Type(df.hours, "2.5")
		if !df.save(sc.refresh) {
			t.Fatalf("save: %v", df.ff.General.Text)
		}
		if !strings.Contains(df.count.Text, "1回") || len(sc.ds) != 1 || sc.ds[0].Hours != 2.5 {
			t.Fatalf("count %q, list %+v", df.count.Text, sc.ds)
		}
	})
}

// TestSeminarApplications: a coordinator registers a seminar for one person;
// the second application goes on the waiting list, attendance is marked.
func TestSeminarApplications(t *testing.T) {
	f := newFixture(t)
	f.As("coord", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		sc := newSeminarScreen(ctx)
		ctx.Window().SetContent(sc.pager)
		sc.pager.OnShortcut(widgets.ShortcutNew)
		sf := sc.editing
		test.Type(sf.title, "補助金申請の基礎")
		sf.capacity.SetText("1")
		sf.venues.SelectID(sf.venue, f.Venue)
		sc.pager.OnShortcut(widgets.ShortcutSave)
		if len(sc.sems) != 1 {
			t.Fatalf("seminar not saved: %q", sf.ff.General.Text)
		}
		sc.table.List.Select(0)
		v := sc.detail
		for _, who := range []string{"山田", "佐藤"} {
			test.Type(v.bizName, "テスト商店")
			test.Type(v.person, who)
			test.Tap(uitest.Button(t, v.object(), "申込を受け付ける"))
			f.Now = f.Now.Add(time.Minute)
		}
		if len(v.apps) != 2 || v.apps[1].Status != record.AppWaiting || !strings.Contains(v.msg.Text, "キャンセル待ち") {
			t.Fatalf("applications %+v, msg %q", v.apps, v.msg.Text)
		}
		v.mark(v.apps[0].ID, true)
		if v.apps[0].Status != record.AppAttended {
			t.Fatalf("attendance not marked: %+v", v.apps[0])
		}
	})
}

// TestSendBackAndHistory: the supervisor sends a record back with a
// comment; the consultant sees the reason on the form, and the history
// dialog lists every version.
func TestSendBackAndHistory(t *testing.T) {
	f := newFixture(t)
	var id string
	f.As("soudan", func(s *office.Session) {
		c, err := f.Office().DraftFromReservation(context.Background(), s, f.Reservation)
		uitest.Must(t, err)
		c.Case.Summary, c.Status = "概要", record.StConfirmed
		uitest.Must(t, f.Office().SaveConsultation(context.Background(), s, c))
		id = c.ID
	})
	f.As("kantoku", func(s *office.Session) {
		sc := newApproveScreen(f.Host(s, fyne.NewSize(1000, 700)))
		sc.list.Select(0)
		test.Type(sc.current.comment, "所感を書いてください")
		test.Tap(uitest.Button(t, sc.pager.Top(), "差戻し"))
		if sc.current != nil || len(sc.rows) != 0 {
			t.Fatalf("not sent back: %q", sc.current.msg.Text)
		}
	})
	f.As("soudan", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		sc := newConsultScreen(ctx)
		ctx.Wait()
		ctx.Window().SetContent(sc.pager)
		sc.open(id)
		if !strings.Contains(sc.form.notice.Text, "所感を書いてください") {
			t.Fatalf("reason not shown: %q", sc.form.notice.Text)
		}
		sc.form.showHistory()
		top := ctx.Window().Canvas().Overlays().Top()
		if top == nil || !uitest.HasLabel(top, "相談記録の履歴（2版）") {
			t.Fatal("history dialog without its two versions")
		}
	})
}

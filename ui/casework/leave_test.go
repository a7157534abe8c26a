package casework

import (
	"context"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// TestOwnBackAsks: the 戻る of the 専門家派遣 form, the セミナー form and a
// seminar's applications with typed text asks 「保存されていない変更が
// あります」; 戻る in the question keeps the view, 破棄 leaves it, 保存
// saves and leaves.
func TestOwnBackAsks(t *testing.T) {
	type opened struct {
		pager *widgets.Pager
		entry *widget.Entry // where to type
		saved func() bool   // whether the typed text was saved
	}
	cases := []struct {
		name, login string
		open        func(t *testing.T, f *uitest.Office, s *office.Session, h *uitest.Host) opened
	}{
		{name: "dispatch", login: "soudan", open: func(t *testing.T, f *uitest.Office, s *office.Session, h *uitest.Host) opened {
			sc := newDispatchScreen(h)
			sc.pager.OnShortcut(widgets.ShortcutNew)
			sc.form.biz.set(f.Business, "")
			sc.form.advisers.SelectID(sc.form.adviser, f.Adviser)
			test.Type(sc.form.theme, "販路開拓")
			return opened{pager: sc.pager, entry: sc.form.report, saved: func() bool { return len(sc.ds) == 1 }}
		}},
		{name: "seminar", login: "coord", open: func(t *testing.T, f *uitest.Office, s *office.Session, h *uitest.Host) opened {
			sc := newSeminarScreen(h)
			sc.pager.OnShortcut(widgets.ShortcutNew)
			sc.editing.venues.SelectID(sc.editing.venue, f.Venue)
			return opened{pager: sc.pager, entry: sc.editing.title, saved: func() bool { sc.refresh(); return len(sc.sems) == 1 }}
		}},
		{name: "applications", login: "coord", open: func(t *testing.T, f *uitest.Office, s *office.Session, h *uitest.Host) opened {
			sem := &record.Seminar{Title: "創業塾", Date: "2026-10-20", Start: "14:00", End: "16:00", Capacity: 10, Online: true}
			uitest.Must(t, f.Office().SaveSeminar(context.Background(), s, sem))
			sc := newSeminarScreen(h)
			sc.table.List.Select(0)
			v := sc.detail
			test.Type(v.bizName, "テスト商店")
			return opened{pager: sc.pager, entry: v.person, saved: func() bool { return len(v.apps) == 1 }}
		}},
	}
	for _, tc := range cases {
		for _, answer := range []string{"戻る", "破棄", "保存"} {
			t.Run(tc.name+"/"+answer, func(t *testing.T) {
				f := newFixture(t)
				f.As(tc.login, func(s *office.Session) {
					h := f.Host(s, fyne.NewSize(1100, 760))
					o := tc.open(t, f, s, h)
					h.Window().SetContent(o.pager)
					form := o.pager.Top()
					test.Type(o.entry, "テスト入力")
					test.Tap(uitest.Button(t, form, "戻る"))
					q := h.Window().Canvas().Overlays().Top()
					if q == nil || !uitest.HasLabel(q, "入力した内容はまだ保存されていません。保存してから移りますか。") {
						t.Fatal("戻る with typed text did not ask")
					}
					test.Tap(keyButton(t, q, answer))
					h.Wait()
					left := o.pager.Top() != form
					if left != (answer != "戻る") || o.saved() != (answer == "保存") {
						t.Fatalf("after %s: left the form %v, saved %v", answer, left, o.saved())
					}
				})
			})
		}
	}
}

// keyButton is the answer button text of the question q.
func keyButton(t *testing.T, q fyne.CanvasObject, text string) *widgets.KeyButton {
	t.Helper()
	var found *widgets.KeyButton
	uitest.Walk(q, func(o fyne.CanvasObject) {
		if b, ok := o.(*widgets.KeyButton); ok && b.Text == text {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no answer %q", text)
	}
	return found
}

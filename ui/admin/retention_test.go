package admin

import (
	"context"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestRetentionScreen: the supervisor sees the record past its retention,
// is asked with the count before anything is erased, and after the
// erasure gets the 消去報告書 and an empty list; reception does not see the
// screen.
func TestRetentionScreen(t *testing.T) {
	f := newFixture(t)
	var old string
	f.As("soudan", func(s *office.Session) {
		c := &record.Consultation{BusinessID: f.Business, ConsultantID: f.Consultant, Date: "2019-04-01", Start: "10:00", End: "10:30",
			Mode: "窓口", Status: record.StConfirmed, Case: &record.ConsultationCase{Summary: "古い相談"}}
		uitest.Must(t, f.Office().SaveConsultation(context.Background(), s, c))
		old = c.ID
	})
	f.As("uketsuke", func(s *office.Session) {
		for _, sc := range Screens() {
			if sc.Key == "retention" && sc.Allowed(s) {
				t.Error("reception sees 保存期間を過ぎた記録")
			}
		}
	})
	f.As("kantoku", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		sc := newRetentionScreen(ctx)
		ctx.Window().SetContent(sc.object())
		ctx.Wait()
		if len(sc.expired) != 1 || sc.expired[0].ID != old || sc.eraseB.Disabled() {
			t.Fatalf("listed %+v, erase disabled %v", sc.expired, sc.eraseB.Disabled())
		}
		test.Tap(sc.eraseB)
		ctx.Wait()
		top := ctx.Window().Canvas().Overlays().Top()
		want := tr("%d件の記録（版数 計%d）を、このパソコンから消去します。中央サーバーとほかのパソコンからは次の同期で消去されます。消去した記録は元に戻せません。", 1, 2)
		if top == nil || !uitest.HasLabel(top, want) {
			t.Fatal("no question naming the count before erasing")
		}
		if _, err := f.Office().Consultation(context.Background(), s, old); err != nil {
			t.Fatalf("erased before the answer: %v", err)
		}
		test.Tap(uitest.Button(t, top, tr("%d件を消去する", 1)))
		ctx.Wait()
		if len(ctx.PDFs) != 1 || ctx.PDFs[0].Name != "消去報告書_2026-10-01.pdf" || !strings.HasPrefix(string(ctx.PDFs[0].Data), "%PDF") {
			t.Fatalf("report: %d PDFs", len(ctx.PDFs))
		}
		if len(sc.expired) != 0 || !sc.eraseB.Disabled() || !strings.HasPrefix(sc.status.Text, "1件の記録（版数 計2）を消去しました") {
			t.Fatalf("after the erasure: %+v %q", sc.expired, sc.status.Text)
		}
		if _, err := f.Office().Consultation(context.Background(), s, old); err == nil {
			t.Fatal("the record is still there")
		}
	})
}

// TestRetentionRulesEdit: the supervisor changes the rules in a form that
// refuses 0 years, and the screen lists with the new rules.
func TestRetentionRulesEdit(t *testing.T) {
	f := newFixture(t)
	f.As("kantoku", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		sc := newRetentionScreen(ctx)
		ctx.Window().SetContent(sc.object())
		ctx.Wait()
		test.Tap(sc.rulesB)
		top := ctx.Window().Canvas().Overlays().Top()
		if top == nil {
			t.Fatal("no form")
		}
		entries := entriesIn(top)
		if len(entries) != 5 || entries[0].Text != "5" {
			t.Fatalf("%d entries", len(entries))
		}
		save := uitest.Button(t, top, tr("保存する"))
		entries[0].SetText("0")
		if entries[0].Validate() == nil {
			t.Fatal("0 years accepted")
		}
		entries[0].SetText("７")
		test.Tap(save)
		ctx.Wait()
		r, err := f.Office().Retention(context.Background(), s)
		if err != nil || r.Consultation != 7 || r.Reservation != 3 {
			t.Fatalf("rules after the form: %+v %v", r, err)
		}
		if sc.status.Text != tr("保存期間を変えました。ほかのパソコンには次の同期で届きます。") || !strings.Contains(sc.rules.Text, "相談記録 7年") {
			t.Fatalf("status %q, rules %q", sc.status.Text, sc.rules.Text)
		}
	})
}

// TestEraseByNumber: a supervisor erases a business on request by its
// number (with its records), after a question that names the count; the
// 消去報告書 is offered and the business is gone.
func TestEraseByNumber(t *testing.T) {
	f := newFixture(t)
	f.As("kantoku", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		sc := newRetentionScreen(ctx)
		ctx.Window().SetContent(sc.object())
		ctx.Wait()
		test.Tap(sc.idsB)
		top := ctx.Window().Canvas().Overlays().Top()
		entries := entriesIn(top)
		if len(entries) != 1 {
			t.Fatalf("%d entries for the numbers", len(entries))
		}
		entry := entries[0]
		plan, err := f.Office().PlanErase(context.Background(), s, []string{f.Business}, office.ReasonRequest)
		if err != nil {
			t.Fatal(err)
		}
		entry.SetText(strings.ToLower(f.Business))
		test.Tap(uitest.Button(t, top, tr("次へ")))
		ctx.Wait()
		top = ctx.Window().Canvas().Overlays().Top()
		n := len(plan.Items)
		if top == nil || !uitest.HasLabel(top, tr("%d件の記録（版数 計%d）を、このパソコンから消去します。中央サーバーとほかのパソコンからは次の同期で消去されます。消去した記録は元に戻せません。", n, plan.Versions())) {
			t.Fatal("no question naming the count")
		}
		test.Tap(uitest.Button(t, top, tr("%d件を消去する", n)))
		ctx.Wait()
		if len(ctx.PDFs) != 1 || !strings.HasPrefix(ctx.PDFs[0].Name, "消去報告書_") {
			t.Fatalf("report: %d PDFs", len(ctx.PDFs))
		}
		if _, err := f.Office().Business(context.Background(), s, f.Business); err == nil {
			t.Fatal("the business is still there")
		}
	})
}

// entriesIn lists the entries of a dialog, in order.
func entriesIn(o fyne.CanvasObject) []*widget.Entry {
	var entries []*widget.Entry
	uitest.Walk(o, func(o fyne.CanvasObject) {
		if e, ok := o.(*widget.Entry); ok {
			entries = append(entries, e)
		}
	})
	return entries
}

package casework

import (
	"context"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestConsultantWritesRecordAndSupervisorApproves walks the main path: the
// consultant opens the visited reservation's draft, fills the form through
// its widgets and confirms; the supervisor approves it; reception sees no
// 相談記録 screen and gets the record without its content.
func TestConsultantWritesRecordAndSupervisorApproves(t *testing.T) {
	f := newFixture(t)
	var id string
	f.As("soudan", func(s *office.Session) { id = consultantFillsForm(t, f, s) })
	f.As("kantoku", func(s *office.Session) { supervisorApproves(t, f, s, id) })
	f.As("uketsuke", func(s *office.Session) { receptionCannotRead(t, f, s, id) })
}

func consultantFillsForm(t *testing.T, f *uitest.Office, s *office.Session) string {
	ctx := f.Host(s, fyne.NewSize(1100, 800))
	sc := newConsultScreen(ctx)
	ctx.Wait()
	ctx.Window().SetContent(sc.pager)
	test.Tap(uitest.Button(t, sc.visited, "相談記録を作成"))
	cf := sc.form
	if cf == nil {
		t.Fatal("no form opened from the reservation")
	}
	fl := cf.f
	if fl.biz.shown.Text != "テスト商店" || fl.start.Text != "10:00" || fl.minutes.Text != "（60分）" {
		t.Fatalf("draft not filled: %q %q %q", fl.biz.shown.Text, fl.start.Text, fl.minutes.Text)
	}
	fl.end.SetText("")
	test.Type(fl.end, "11:30")
	if fl.minutes.Text != "（90分）" {
		t.Errorf("minutes not computed live: %q", fl.minutes.Text)
	}
	uitest.TapOption(t, fl.topics.Group, fl.topics.Choices.Labels, "利用できる支援策")
	uitest.TapOption(t, fl.topics.Group, fl.topics.Choices.Labels, "その他")
	test.Type(fl.topicOther, "事業承継")
	uitest.TapOption(t, fl.programs[2].Group, fl.programs[2].Choices.Labels, "持続化補助金")
	uitest.TapOption(t, fl.troubles.Group, fl.troubles.Choices.Labels, "売上の減少")
	uitest.TapOption(t, fl.salesDrop.Group, fl.salesDrop.Choices.Labels, "50%以上減少")
	test.Type(fl.lender, "区信用金庫")
	test.Type(fl.amount, "3,000,000")
	fl.loanStatus.SetSelected("検討中")

	test.Tap(uitest.Button(t, cf.object(), "確定"))
	if !strings.Contains(cf.notice.Text, "入力内容を確かめてください") || cf.ff.Errs["相談の概要"].Hidden {
		t.Fatalf("confirm without 相談の概要 not refused: %q", cf.notice.Text)
	}
	if !strings.Contains(cf.ff.General.Text, "相談の概要") || ctx.Window().Canvas().Focused() != fl.summary || cf.ff.Scroll().Offset.Y != 0 {
		t.Errorf("refused confirm: top line %q, focus %T, scrolled %v; want 相談の概要 named at the top and focused",
			cf.ff.General.Text, ctx.Window().Canvas().Focused(), cf.ff.Scroll().Offset.Y)
	}
	test.Type(fl.summary, "新聞に載っていた制度の概要が知りたい。")
	test.Type(fl.guidance, "持続化補助金：対象経費と手続きを説明した。")
	test.Type(fl.impression, "また相談に来られると思われる。")
	test.Type(fl.nextAction, "申請書の下書きを確認")
	test.Type(fl.nextDue, "令和8年10月15日")
	if !cf.save(record.StConfirmed) {
		t.Fatalf("confirm failed: %q", cf.notice.Text)
	}
	ctx.Wait()
	checkSaved(t, f, s, cf.rec.ID)
	return cf.rec.ID
}

func checkSaved(t *testing.T, f *uitest.Office, s *office.Session, id string) {
	c, err := f.Office().Consultation(context.Background(), s, id)
	uitest.Must(t, err)
	k := c.Case
	if c.Status != record.StConfirmed || c.ReservationID != f.Reservation || c.Minutes != 90 || k == nil {
		t.Fatalf("saved record: %+v", c)
	}
	if !slices.Equal(k.Topics, []string{"利用できる支援策", "その他"}) || k.TopicOther != "事業承継" ||
		!slices.Equal(k.Programs, []string{f.Programs[2]}) || k.SalesDrop != "50%以上減少" ||
		k.Loan.Amount != 3000000 || k.Loan.Status != "検討中" || k.NextDue != "2026-10-15" {
		t.Fatalf("saved content: %+v", k)
	}
}

func supervisorApproves(t *testing.T, f *uitest.Office, s *office.Session, id string) {
	ctx := f.Host(s, fyne.NewSize(1100, 800))
	sc := newApproveScreen(ctx)
	ctx.Window().SetContent(sc.pager)
	if len(sc.rows) != 1 || sc.rows[0].ID != id {
		t.Fatalf("pending approvals: %+v", sc.rows)
	}
	sc.list.Select(0)
	if sc.current == nil || !sc.current.form.readOnly {
		t.Fatal("record not opened read-only")
	}
	if got := sc.current.form.title.Text; got != "相談記録 テスト商店　2026年10月1日（木）（確定）" {
		t.Errorf("title %q names the record by id, not by its business and day", got)
	}
	if !uitest.HasLabel(sc.pager.Top(), "新聞に載っていた制度の概要が知りたい。") || !uitest.HasLabel(sc.pager.Top(), "区信用金庫　3,000,000円　検討中") {
		t.Error("the record's content is not shown to the supervisor")
	}
	top := sc.pager.Top()
	test.Tap(uitest.Button(t, top, "差戻し"))
	if !strings.Contains(sc.current.msg.Text, "コメント") && !strings.Contains(sc.current.msg.Text, "理由") {
		t.Errorf("send back without comment: %q", sc.current.msg.Text)
	}
	test.Tap(uitest.Button(t, top, "承認"))
	c, err := f.Office().Consultation(context.Background(), s, id)
	uitest.Must(t, err)
	if c.Status != record.StApproved || len(sc.rows) != 0 {
		t.Fatalf("after approve: status %s, %d pending", c.Status, len(sc.rows))
	}
	if got := ctx.LastNotice(); got != "相談記録を承認しました：テスト商店　2026年10月1日（木）" {
		t.Errorf("after approve the window says %q", got)
	}
}

func receptionCannotRead(t *testing.T, f *uitest.Office, s *office.Session, id string) {
	for _, sc := range Screens() {
		if sc.Allowed(s) && (sc.Key == "consultations" || sc.Key == "approvals") {
			t.Errorf("reception may open %s", sc.Key)
		}
	}
	c, err := f.Office().Consultation(context.Background(), s, id)
	uitest.Must(t, err)
	if c.Case != nil {
		t.Fatal("reception read the record's content")
	}
}

package admin

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// TestAuditReadable: the access log names the people and the businesses
// (to a supervisor, who works the front desk too), gives the full date and
// time, and describes each event in words instead of its technical detail.
func TestAuditReadable(t *testing.T) {
	f := newFixture(t)
	f.As("uketsuke", func(s *office.Session) {
		_, err := f.Office().Search(context.Background(), s, "テスト", 10)
		uitest.Must(t, err)
	})
	f.As("kantoku", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 700))
		au := newAuditScreen(ctx)
		ctx.Wait()
		rows := au.table.Rows
		search := []string{"受付 花子（uketsuke）", "検索", "", "事業者を検索（1件）"}
		booking := []string{"管理 太郎（admin）", "作成", "テスト商店", "予約を作成しました"}
		for _, want := range [][]string{search, booking} {
			if !slices.ContainsFunc(rows, func(r []string) bool { return slices.Equal(r[1:], want) }) {
				t.Errorf("no row %q in %q", want, rows)
			}
		}
		when := regexp.MustCompile(`^2026-\d\d-\d\d \d\d:\d\d:\d\d$`)
		for _, r := range rows {
			if !when.MatchString(r[0]) {
				t.Errorf("time %q is not the full date and time", r[0])
			}
			if strings.Contains(r[4], "hits=") {
				t.Errorf("technical detail shown: %q", r)
			}
		}
	})
}

// TestDescribeNewActions: the events of backup, restore, erasure, import,
// hand-over and the analysis read as sentences, not action names.
func TestDescribeNewActions(t *testing.T) {
	for _, c := range []struct {
		ev   audit.Event
		want string
	}{
		{audit.Event{Action: audit.ActAnalysis, Object: "2026-10"}, "アクセスログ分析を開きました（2026-10）"},
		{audit.Event{Action: audit.ActBackup, Detail: "entries=12"}, "バックアップを作成しました"},
		{audit.Event{Action: audit.ActRestore}, "バックアップから復元しました"},
		{audit.Event{Action: audit.ActPurge, Detail: "order 0123456789abcdef by kantoku"}, "消去を指示しました"},
		{audit.Event{Action: audit.ActPurge, Object: "C-0123456789"}, "相談記録を消去しました"},
		{audit.Event{Action: "import.handover", Object: "L-0123456789"}, "暗号化ファイルを受け取りました"},
		{audit.Event{Action: "import", Detail: "business count=3"}, "記録を取り込みました"},
		{audit.Event{Action: audit.ActExport, Object: "B-0123456789", Detail: "L-0123456789 records=3"}, "暗号化ファイルで引き渡しました"},
	} {
		if got := describeEvent(c.ev); got != c.want {
			t.Errorf("%s: %q, want %q", c.ev.Action, got, c.want)
		}
	}
}

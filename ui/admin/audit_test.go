package admin

import (
	"context"
	"regexp"
	"slices"
	"strings"
	"testing"

	"fyne.io/fyne/v2"

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

package admin

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

// analysisOffice is a Casework vault with a September of dummy work:
// 相談 一郎 adds a business on Saturday the 5th (outside office hours),
// three failed logins of uketsuke on the 7th and three of login ids that
// name no one, and 調整 次郎 prints the schedule on the 8th.
func analysisOffice(t *testing.T) *uitest.Office {
	f := newFixture(t)
	ctx := context.Background()
	f.Now = time.Date(2026, 9, 5, 10, 0, 0, 0, record.JST())
	f.As("soudan", func(s *office.Session) {
		b := &record.Business{Name: "土曜登録商店", Kana: "ドヨウトウロクショウテン", Phone: "03-5555-0311", Form: "法人", Category: "小規模事業者"}
		uitest.Must(t, f.Office().SaveBusiness(ctx, s, b, office.SaveBusinessOptions{}))
	})
	f.Now = time.Date(2026, 9, 7, 9, 0, 0, 0, record.JST())
	for _, login := range []string{"uketsuke", "uketsuke", "uketsuke", "guest", "guest2", "guest3"} {
		if _, err := f.Office().Login(ctx, login, []byte("wrong-password")); !errors.Is(err, office.ErrWrongPassword) {
			t.Fatal(err)
		}
	}
	f.Now = time.Date(2026, 9, 8, 11, 0, 0, 0, record.JST())
	f.As("coord", func(s *office.Session) {
		_, err := f.Office().PrintSchedule(ctx, s, "2026-09-08")
		uitest.Must(t, err)
	})
	f.Now = uitest.Now
	return f
}

// sectionTitles are the titles of the screen's cards.
func sectionTitles(sc *analysisScreen) []string {
	var out []string
	for _, o := range sc.body.Objects {
		out = append(out, o.(*widget.Card).Title)
	}
	return out
}

// TestAnalysisScreen: the supervisor opens the previous month by default
// and sees each kind of finding with its count and the people's names;
// PDFで保存 renders the same month.
func TestAnalysisScreen(t *testing.T) {
	f := analysisOffice(t)
	f.As("kantoku", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 900))
		sc := newAnalysisScreen(ctx)
		ctx.Window().SetContent(sc.object())
		ctx.Wait()
		if sc.period() != "2026-09" || sc.analysis == nil {
			t.Fatalf("period %s, analysis %v", sc.period(), sc.analysis)
		}
		want := "大量閲覧（0件） 時間外の操作（1件） ログイン失敗・ロック（2件） 印刷・書き出し（1件） 同期していない端末（0件） 改ざん・チェックポイントの問題（0件）"
		if got := strings.Join(sectionTitles(sc), " "); got != want {
			t.Fatalf("sections %s", got)
		}
		for _, text := range []string{"相談 一郎（soudan）", "2026-09-05 10:00", "受付 花子（uketsuke）", "登録のないログインID", "調整 次郎（coord）",
			"同期情報なし（この端末は中央サーバーと同期していません）", "問題はありません。"} {
			if !uitest.HasLabel(sc.body, text) {
				t.Errorf("no %q on the screen", text)
			}
		}
		name, pdf := uitest.TapForPDF(t, ctx, uitest.Button(t, ctx.Window().Content(), "PDFで保存"))
		if name != "アクセスログ分析_2026-09.pdf" || len(pdf) < 1000 {
			t.Fatalf("PDF %s of %d bytes", name, len(pdf))
		}
		// Another month: October has no failed logins.
		sc.month.SetSelected("10")
		test.Tap(sc.runB)
		ctx.Wait()
		if sc.analysis.Month.String() != "2026-10" || len(sc.analysis.FailedLogins) != 0 {
			t.Fatalf("October: %+v", sc.analysis.Monthly)
		}
	})
}

// TestAnalysisGolden captures the screen of September at the medium text
// size (中), in Japanese.
func TestAnalysisGolden(t *testing.T) {
	f := analysisOffice(t)
	f.As("kantoku", func(s *office.Session) {
		ctx := f.Host(s, fyne.NewSize(1000, 1160))
		sc := newAnalysisScreen(ctx)
		ctx.Window().SetContent(sc.object())
		ctx.Wait()
		test.AssertImageMatches(t, "analysis_ja.png", ctx.Window().Canvas().Capture())
	})
}

// TestAnalysisRowsInEnglish: the rows the office words in Japanese for the
// PDF (this PC's mark, a broken chain, failed logins of an id that names no
// one) read in English in an English window.
func TestAnalysisRowsInEnglish(t *testing.T) {
	uitest.NewApp(t)
	uitest.SetLanguage(t, "en")
	broken := &audit.BrokenLink{Seq: 7, Reason: audit.ReasonHash}
	a := &office.AccessAnalysis{Chains: []office.ChainCheck{{Device: "d-aaaa", This: true}, {Device: "d-bbbb", Broken: broken}}}
	a.FailedLogins = []audit.LoginFailures{{Login: "", Failures: 5}}
	sections := a.Report().Sections
	localizeRows(a, sections)
	for _, s := range sections {
		for _, row := range s.Rows {
			for _, v := range row {
				if strings.ContainsAny(v, "番端末登録") {
					t.Errorf("Japanese left in the English window: %q", v)
				}
			}
		}
	}
	last := sections[len(sections)-1]
	if len(last.Rows) != 1 || last.Rows[0][0] != "d-bbbb" || last.Rows[0][1] != office.MessageIn(office.English, broken) {
		t.Errorf("chain rows %q", last.Rows)
	}
}

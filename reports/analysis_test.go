package reports

import (
	"fmt"
	"strings"
	"testing"
)

// testAnalysisInput is a month's analysis with every kind of section: rows
// in some, none in others, and a list long enough for a second page.
func testAnalysisInput() AnalysisInput {
	outside := AnalysisSection{Title: "時間外の操作", Criterion: "勤務時間外・土日・祝日の操作（1人1日1行）",
		Columns: []string{"利用者", "最初", "最後", "操作数"}, Widths: []float64{70, 40, 40, 30}, Empty: "該当はありません。"}
	for i := range 40 {
		outside.Rows = append(outside.Rows, []string{"相談 一郎（soudan）", fmt.Sprintf("2026-09-%02d 21:%02d", i%30+1, i), fmt.Sprintf("2026-09-%02d 22:%02d", i%30+1, i), "3"})
	}
	return AnalysisInput{
		Title: "アクセスログ分析（2026年9月）", Period: "2026-09-01〜2026-09-30", Hours: "平日 8:30〜17:30（土日・祝日は終日時間外）", Events: 1234,
		Sections: []AnalysisSection{
			{Title: "大量閲覧", Criterion: "10分以内に20件以上の異なる記録を閲覧したもの", Columns: []string{"利用者", "開始", "終了", "記録数"},
				Widths: []float64{70, 40, 40, 30}, Empty: "該当はありません。",
				Rows: [][]string{{"相談 一郎（soudan）", "2026-09-02 10:00", "2026-09-02 10:08", "25"}}},
			outside,
			{Title: "ログイン失敗・ロック", Criterion: "同じログインIDで3回以上の失敗、またはロック", Columns: []string{"ログインID", "失敗", "ロック", "最初", "最後"},
				Widths: []float64{60, 20, 20, 40, 40}, Empty: "該当はありません。",
				Rows: [][]string{{"受付 花子（uketsuke）", "5", "1", "2026-09-03 09:00", "2026-09-03 09:04"}, {"guest", "3", "0", "2026-09-04 23:10", "2026-09-04 23:11"}}},
			{Title: "印刷・書き出し", Criterion: "利用者ごとの件数", Columns: []string{"利用者", "印刷", "書き出し", "最後"},
				Widths: []float64{80, 30, 30, 40}, Empty: "印刷・書き出しはありません。"},
			{Title: "同期していない端末", Criterion: "2026-09-30 23:59時点で7日を超えて同期していない端末", Columns: []string{"端末", "最後の同期"},
				Widths: []float64{120, 60}, Empty: "同期情報なし（この端末は中央サーバーと同期していません）"},
			{Title: "改ざん・チェックポイントの問題", Criterion: "2台の端末のログを検証", Columns: []string{"端末", "内容"}, Widths: []float64{60, 120},
				Empty: "問題はありません。", Rows: [][]string{{"devB", "監査ログ 3 番: ハッシュが一致しません"}}},
		},
	}
}

// TestAccessAnalysisGolden: the analysis PDF's text, against its golden,
// and the strings it must hold (white space aside).
func TestAccessAnalysisGolden(t *testing.T) {
	pdf, err := New().AccessAnalysis(testAnalysisInput(), testFooter())
	if err != nil {
		t.Fatal(err)
	}
	text := pdfText(t, pdf, true)
	compareGolden(t, "access-analysis", text)
	flat := squeeze(text)
	for _, s := range []string{"アクセスログ分析（2026年9月）", "対象期間2026-09-01〜2026-09-30", "対象イベント1234件", "大量閲覧1件", "印刷・書き出し0件",
		"時間外の操作40件", "相談一郎（soudan）2026-09-0210:002026-09-0210:0825", "印刷・書き出しはありません。",
		"同期情報なし", "devB監査ログ3番:ハッシュが一致しません", "アクセスログ分析（2026年9月）（続き）", "時間外の操作（続き）", "2/"} {
		if !strings.Contains(flat, squeeze(s)) {
			t.Errorf("missing %q", s)
		}
	}
}

package reports

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// pdfText runs pdftotext on a PDF (with -layout when layout is true) and
// returns its text with trailing spaces trimmed from every line. The test is
// skipped when pdftotext is not installed.
func pdfText(t *testing.T, pdf []byte, layout bool) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	args := []string{"-enc", "UTF-8"}
	if layout {
		args = append(args, "-layout")
	}
	cmd := exec.Command("pdftotext", append(args, "-", "-")...)
	cmd.Stdin = bytes.NewReader(pdf)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("pdftotext: %v: %s", err, errb.String())
	}
	lines := strings.Split(out.String(), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " \t")
	}
	return strings.Join(lines, "\n")
}

// squeeze removes all white space, so checks do not depend on layout.
func squeeze(s string) string {
	return strings.Join(strings.Fields(s), "")
}

// keyStrings are strings each document must contain (white space removed),
// and strings it must not contain.
var keyStrings = map[string]struct{ want, not []string }{
	"consultation": {want: []string{"相談票", "記録番号C-TEST000001", "2026年10月1日（木）令和8年10月1日", "10:00〜10:50（50分）",
		"✓窓口", "✓小規模事業者", "✓利用できる支援策", "✓その他（資金繰り表の作り方）", "✓都の感染拡大防止協力金",
		"✓家賃支援給付金", "✓廃止された旧制度", "✓売上の減少", "✓受注・利用者減少", "✓50%以上減少", "3,000,000円",
		"【相談の概要】", "【案内した制度】", "【所感】", "■備考・その他", "次回対応", "2026年10月15日（木）"},
		not: []string{"✓電話", "✓調達困難", "✓持続化給付金", "✓30%以上減少"}},
	"session-sheet": {want: []string{"相談票", "予約番号R-TEST000001", "10:00〜11:00（60分）", "テスト商店", "【相談の概要】"},
		not: []string{"✓窓口", "✓利用できる支援策", "✓売上の減少"}},
	"blank-sheet": {want: []string{"相談票", "相談日", "相談員", "事業所名", "支援策", "■備考・その他"}, not: []string{"テスト"}},
	"reservation": {want: []string{"予約内容", "受付日2026年9月24日（木）", "受付者受付太郎", "10月1日（木）", "本庁舎第1相談室",
		"10:00〜11:00（60分）", "企業名テスト商店", "担当者名見本花子", "03-5555-0101", "✓している", "✓していない", "✓2回目", "確認事項"}},
	"schedule": {want: []string{"本日の予定表", "令和8年10月1日", "会場：本庁舎第1相談室", "相談員：相談一郎", "飛び込み",
		"10:00〜11:00テスト商店03-5555-0101電話来所", "13:00〜14:00テスト工業株式会社"}},
	"attendance": {want: []string{"セミナー出席者名簿", "はじめての補助金申請セミナー", "30名", "4名（うちキャンセル待ち1名）",
		"出欠", "2026/09/09", "テスト商店見本花子03-5555-0110"}},
	"statistics": {want: []string{"統計報告（2026年10月）", "相談件数42件", "35社（実数）", "3件（6.3%）", "相談内容区分",
		"利用できる支援策2041.7%", "合計48100.0%", "お困りごと"}},
	"ledger": {want: []string{"個人情報取扱管理簿", "全45件", "パスワード", "2026/10/0109:30", "暗号化メール", "○", "－",
		"個人情報取扱管理簿（続き）", "1/3", "3/3"}},
	"deletion": {want: []string{"消去報告書", "消去実施者", "確認者", "印", "C-TEST000001", "相談記録", "3件（事業者1件、相談記録2件）",
		"RCPT-2026-10-31-0001", "2026年10月31日16:00（JST）", "令和8年10月31日"}},
	"import-report": {want: []string{"仮移行の報告書（事業者）", "まだ何も書き込んでいません", "事業者一覧.csv", "Shift_JIS（CP932）",
		"3行目", "読み込んだ行1000件", "取り込める行940件", "取り込めない行60件", "うち重複の疑い20件", "会社名事業所名",
		"社内コード（取り込まない）", "行事業所名取り込めない理由", "12テスト商店2電話番号", "仮移行の報告書（事業者）（続き）"}},
	"password-notice": {want: []string{"パスワード通知書", "相手先さくら区産業振興課様", "暗号化ファイルの管理番号L-TEST000001",
		"作成日時2026-10-0217:30（JST）", "件数3件", "7KQ2M-ZX4RD-9PTWA-HN3EC-UYB5F", "別の経路"}},
	"enrollment": {want: []string{"端末の登録コード", "窓口（サーバー）港区中小企業相談窓口", "有効期限2026-10-0217:30（JST）",
		"登録コード", testEnrollmentCode, "サーバーの指紋", "AwoRGB8mLTQ7QklQV15lbHN6gYiPlp2kq7K5wMfO1dw", "使い方",
		"このQRコードの画像を読み込みます。", "この用紙は登録が済んだら破棄してください。"}},
}

func TestDocumentsGolden(t *testing.T) {
	for _, doc := range documents(t) {
		t.Run(doc.name, func(t *testing.T) {
			pdf := doc.render(t)
			text := pdfText(t, pdf, true)
			compareGolden(t, doc.name, text)
			flat := squeeze(text)
			for _, s := range append([]string{"取扱注意（個人情報）", "出力者受付太郎", "文書番号DOC-2026-0001",
				"2026年10月1日17:30（JST）", "1/"}, keyStrings[doc.name].want...) {
				if !strings.Contains(flat, squeeze(s)) {
					t.Errorf("%s: missing %q", doc.name, s)
				}
			}
			for _, s := range keyStrings[doc.name].not {
				if strings.Contains(flat, squeeze(s)) {
					t.Errorf("%s: unexpected %q", doc.name, s)
				}
			}
		})
	}
}

// compareGolden compares text with testdata/<name>.golden.txt, or rewrites
// the file with -update.
func compareGolden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden.txt")
	if *update {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != text {
		t.Errorf("%s differs from %s (run go test -update and review the diff):\n%s", name, path, text)
	}
}

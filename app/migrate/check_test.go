package migrate

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestCheckRows: every row is checked against the item definitions, each
// rejected row gets its reason, and dates in 西暦 and 和暦 are read.
func TestCheckRows(t *testing.T) {
	bad := func(cells ...string) []string { return cells }
	tb := mustTable(t, genCSV(5,
		bad("", "カナ", "03-5555-9001", "", "", "", "", "", ""),
		bad("電話なし商店", "デンワナシ", "", "", "", "", "", "", ""),
		bad("形式違い商店", "ケイシキ", "12345", "1600023x", "", "", "製造", "多い", "令和99年13月1日"),
		bad("テスト商店00001", "ドウメイ", "03-5555-9002", "", "", "", "", "", ""),
		bad("和暦商店", "ワレキショウテン", "03-5555-9003", "〒160-0023", "", "", "e", "10人", "令和元年5月1日"),
	))
	r, err := CheckRows("list.csv", tb, AutoMapping(tb.Headers))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Records) != 6 || r.Total() != 10 {
		t.Fatalf("%d accepted of %d: %+v", len(r.Records), r.Total(), r.Rejected)
	}
	want := map[int][]string{
		9:  {"事業所名を入力してください"},
		10: {"電話番号を入力してください"},
		11: {"電話番号", "郵便番号", "業種", "従業員数", "登録日の日付が正しくありません"},
		12: {"ファイルの5行目と同じ事業者のようです"},
	}
	for _, x := range r.Rejected {
		for _, w := range want[x.Line] {
			if !strings.Contains(x.Reason, w) {
				t.Errorf("line %d: %q lacks %q", x.Line, x.Reason, w)
			}
		}
		delete(want, x.Line)
	}
	if len(want) != 0 {
		t.Errorf("not rejected: %v", want)
	}
	checkEnglish(t, r.Rejected)
	last := r.Records[5]
	if last.Name != "和暦商店" || last.Industry != "E 製造業" || last.Postal != "160-0023" || last.Employees != 10 ||
		last.CreatedAt.Format("2006-01-02") != "2019-05-01" {
		t.Errorf("converted %+v", last)
	}
	dates := map[string]string{}
	for i, b := range r.Records[:5] {
		dates[genRow(i)[8]] = b.CreatedAt.Format("2006-01-02")
	}
	for in, out := range map[string]string{"2024/4/1": "2024-04-01", "令和6年4月1日": "2024-04-01", "R6.4.1": "2024-04-01",
		"H31.4.30": "2019-04-30", "2023-10-02": "2023-10-02"} {
		if dates[in] != out {
			t.Errorf("%s read as %s", in, dates[in])
		}
	}
}

func TestMapping(t *testing.T) {
	m := AutoMapping([]string{"会社名", "ふりがな", "ＴＥＬ", "社内コード", "電話番号"})
	if m.Columns["会社名"] != "name" || m.Columns["ふりがな"] != "kana" || m.Columns["ＴＥＬ"] != "phone" ||
		m.Columns["社内コード"] != "" || m.Columns["電話番号"] != "" {
		t.Fatalf("%v", m.Columns)
	}
	b, err := m.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseMapping(b)
	if err != nil || back.Columns["ＴＥＬ"] != "phone" {
		t.Fatalf("%v %v", back, err)
	}
	for _, tc := range []struct{ name, json, want string }{
		{"not-json", "{", "JSON の形"},
		{"other-format", `{"format":"x","version":1,"kind":"business"}`, "対応表のファイルではありません"},
		{"newer", `{"format":"madoguchi-import-mapping","version":2,"kind":"business"}`, "版 2 は読めません"},
		{"kind", `{"format":"madoguchi-import-mapping","version":1,"kind":"seminar"}`, "記録の種類"},
		{"field", `{"format":"madoguchi-import-mapping","version":1,"kind":"business","columns":{"A":"nothing"}}`, "項目 \"nothing\" がありません"},
		{"twice", `{"format":"madoguchi-import-mapping","version":1,"kind":"business","columns":{"A":"name","B":"name"}}`, "同じ項目「事業所名」"},
	} {
		if _, err := ParseMapping([]byte(tc.json)); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.name, err)
		}
	}
	tb := mustTable(t, "会社名,住所\nテスト,東京\n")
	if _, err := CheckRows("x.csv", tb, AutoMapping(tb.Headers)); err == nil || !strings.Contains(err.Error(), "必須の項目「フリガナ」") {
		t.Errorf("missing required: %v", err)
	}
}

// TestRehearseAndImport: the rehearsal finds duplicates of stored
// businesses and writes nothing; the import writes every accepted row at
// once, with a 管理簿 row and an access-log event; a reception account may
// do neither.
func TestRehearseAndImport(t *testing.T) {
	ctx := context.Background()
	o, s := newOffice(t)
	// One business is stored already (as its 事業所名 with another phone).
	if err := o.ImportWhole(ctx, s, []any{&record.Business{Name: "テスト商店00003", Kana: "テスト", Phone: "03-5559-0001"}},
		office.ImportWholeOptions{Source: "before.csv"}); err != nil {
		t.Fatal(err)
	}
	tb := mustTable(t, genCSV(20))
	r, err := Rehearse(ctx, o, s, "list.csv", tb, AutoMapping(tb.Headers))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Records) != 19 || len(r.Rejected) != 1 || !r.Rejected[0].Duplicate || r.Rejected[0].Line != 7 ||
		!strings.Contains(r.Rejected[0].Reason, "登録済みの事業者「テスト商店00003」") {
		t.Fatalf("%d %+v", len(r.Records), r.Rejected)
	}
	if n := countBusinesses(t, o, s); n != 1 {
		t.Fatalf("the rehearsal wrote: %d", n)
	}
	pdf, err := o.PrintImportReport(ctx, s, r.Report())
	if err != nil || len(pdf) == 0 {
		t.Fatal(err)
	}
	var calls int
	if err := Import(ctx, o, s, r, func(done, total int) { calls++ }); err != nil {
		t.Fatal(err)
	}
	if n := countBusinesses(t, o, s); n != 20 || calls == 0 {
		t.Fatalf("%d businesses, %d progress calls", n, calls)
	}
	ledger, err := o.Ledger(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range ledger {
		found = found || (e.Content == "取込 list.csv 事業者19件" && e.Quantity == 19 && e.Method == "ファイルから取込")
	}
	if !found {
		t.Errorf("no ledger row of the import: %+v", ledger)
	}
	evs, err := o.AuditEvents(ctx, s, audit.Filter{Action: "import"})
	if err != nil || len(evs) != 2 || !strings.Contains(evs[1].Detail, "business count=19") {
		t.Errorf("events %+v %v", evs, err)
	}
	o.Logout()
	rs, err := o.Login(ctx, "uketsuke", []byte("uketsuke-pw-1"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Rehearse(ctx, o, rs, "list.csv", tb, AutoMapping(tb.Headers)); !errors.Is(err, office.ErrForbidden) {
		t.Errorf("reception rehearses: %v", err)
	}
	if err := Import(ctx, o, rs, r, nil); !errors.Is(err, office.ErrForbidden) {
		t.Errorf("reception imports: %v", err)
	}
}

// TestImportCanceledLeavesNothing: an import stopped after its first
// writes landed leaves no record of the batch.
func TestImportCanceledLeavesNothing(t *testing.T) {
	o, s := newOffice(t)
	tb := mustTable(t, genCSV(2500))
	r, err := Rehearse(context.Background(), o, s, "list.csv", tb, AutoMapping(tb.Headers))
	if err != nil || len(r.Records) != 2500 {
		t.Fatal(len(r.Records), err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	err = Import(ctx, o, s, r, func(done, total int) { cancel() })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err %v", err)
	}
	if n := countBusinesses(t, o, s); n != 0 {
		t.Fatalf("%d businesses left", n)
	}
}

func countBusinesses(t *testing.T, o *office.Office, s *office.Session) int {
	t.Helper()
	bs, err := o.Businesses(context.Background(), s)
	if err != nil {
		t.Fatal(err)
	}
	return len(bs)
}

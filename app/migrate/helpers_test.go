package migrate

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/japanese"
)

// testHeaders are the headers of the generated lists: the fields'
// Japanese names, as an office's own list would have them.
var testHeaders = []string{"事業所名", "フリガナ", "電話番号", "郵便番号", "所在地", "代表者名", "業種", "従業員数", "登録日"}

// genRow returns the cells of dummy business i: made-up names, 555
// numbers only.
func genRow(i int) []string {
	dates := []string{"2024/4/1", "令和6年4月1日", "R6.4.1", "H31.4.30", "2023-10-02"}
	return []string{
		fmt.Sprintf("テスト商店%05d", i), fmt.Sprintf("テストショウテン%05d", i),
		fmt.Sprintf("03-555%d-%04d", i/10000%10, i%10000), "160-0023", "東京都新宿区西新宿1-1-1",
		"見本 太郎", []string{"E 製造業", "製造業", "I", "M 宿泊業，飲食サービス業"}[i%4],
		fmt.Sprint(i % 50), dates[i%len(dates)],
	}
}

// genCSV returns a CSV with a title row, an empty row, the header and n
// generated rows, plus extra rows appended as they are.
func genCSV(n int, extra ...[]string) string {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"事業者一覧（ダミー）"})
	_ = w.Write([]string{""})
	_ = w.Write(testHeaders)
	for i := range n {
		_ = w.Write(genRow(i))
	}
	for _, r := range extra {
		_ = w.Write(r)
	}
	w.Flush()
	return b.String()
}

func sjis(t testing.TB, s string) []byte {
	b, err := japanese.ShiftJIS.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// genXLSX writes a workbook with a title row, the header and n generated
// rows, streaming (as a large workbook must be written).
func genXLSX(t testing.TB, path string, n int) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		t.Fatal(err)
	}
	row := func(line int, cells []string) {
		vals := make([]any, len(cells))
		for i, c := range cells {
			vals[i] = c
		}
		cell, _ := excelize.CoordinatesToCellName(1, line)
		if err := sw.SetRow(cell, vals); err != nil {
			t.Fatal(err)
		}
	}
	row(1, []string{"事業者一覧（ダミー）"})
	row(2, testHeaders)
	for i := range n {
		row(i+3, genRow(i))
	}
	if err := sw.Flush(); err != nil {
		t.Fatal(err)
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

func testOptions() office.Options {
	now := time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC)
	return office.Options{KDF: vault.TestKDF(), Now: func() time.Time { return now }}
}

// newOffice makes a vault whose first admin (kanri, also a supervisor) is
// logged in, and a reception account (uketsuke, password "uketsuke-pw-1").
func newOffice(t testing.TB) (*office.Office, *office.Session) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "office")
	if err := office.Init(dir, "kanri", "管理 花子", []byte("admin-password-1"), testOptions()); err != nil {
		t.Fatal(err)
	}
	o, err := office.Open(dir, testOptions())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { o.Close() })
	s, err := o.Login(context.Background(), "kanri", []byte("admin-password-1"))
	if err != nil {
		t.Fatal(err)
	}
	err = o.AddUser(context.Background(), s, office.NewUser{Login: "uketsuke", Name: "受付 一郎",
		Roles: []office.Role{office.RoleReception}, Password: []byte("uketsuke-pw-1")})
	if err != nil {
		t.Fatal(err)
	}
	return o, s
}

func mustTable(t testing.TB, s string) *Table {
	t.Helper()
	tb, err := ReadCSV(strings.NewReader(s))
	if err != nil {
		t.Fatal(err)
	}
	return tb
}

// checkEnglish holds every rejection's English reason to English: no
// Japanese outside the quoted names from the file and the 和暦 example
// of the date message.
func checkEnglish(t *testing.T, rejected []Rejected) {
	t.Helper()
	quoted := regexp.MustCompile(`"[^"]*"`)
	for _, x := range rejected {
		en := x.In(true)
		rest := strings.ReplaceAll(quoted.ReplaceAllString(en, ""), "令和8年10月1日", "")
		if en == "" || en == x.Reason || strings.ContainsFunc(rest, func(r rune) bool {
			return unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han)
		}) {
			t.Errorf("line %d: %q in English is %q", x.Line, x.Reason, en)
		}
		if x.In(false) != x.Reason {
			t.Errorf("line %d: In(false) = %q", x.Line, x.In(false))
		}
	}
}

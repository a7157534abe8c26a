package migrate

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestReadCSVEncodings: UTF-8, UTF-8 with a BOM and Shift_JIS read to
// the same table, the header found below the title rows.
func TestReadCSVEncodings(t *testing.T) {
	text := genCSV(3)
	for _, tc := range []struct {
		name, enc string
		data      []byte
	}{
		{"utf8", EncUTF8, []byte(text)},
		{"bom", EncUTF8BOM, append([]byte("\xef\xbb\xbf"), text...)},
		{"sjis", EncSJIS, sjis(t, text)},
		{"sjis-crlf", EncSJIS, sjis(t, strings.ReplaceAll(text, "\n", "\r\n"))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tb, err := ReadCSV(bytes.NewReader(tc.data))
			if err != nil {
				t.Fatal(err)
			}
			if tb.Encoding != tc.enc || tb.HeaderLine != 3 || strings.Join(tb.Headers, ",") != strings.Join(testHeaders, ",") {
				t.Fatalf("%s header line %d %q", tb.Encoding, tb.HeaderLine, tb.Headers)
			}
			if len(tb.Rows) != 3 || tb.Rows[0].Line != 4 || tb.Rows[2].Cell(0) != "テスト商店00002" {
				t.Fatalf("rows %+v", tb.Rows)
			}
		})
	}
}

func TestReadCSVErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"not-text", []byte{0x82, 0xa0, 0xff, 0xfe, 0x00, 0x81}, "文字コードが読み取れません"},
		{"bom-then-sjis", append([]byte("\xef\xbb\xbf"), sjis(t, "事業所名")...), "文字コードが読み取れません"},
		{"quotes", []byte("事業所名,電話番号\n\"a\"b\"\",c\n"), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ReadCSV(bytes.NewReader(tc.data))
			if tc.want == "" {
				if err != nil {
					t.Fatalf("lazy quotes: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err %v", err)
			}
		})
	}
}

// TestHeaderNotFound: with no known header the first non-empty row is the
// header and HeaderLine says none was recognised.
func TestHeaderNotFound(t *testing.T) {
	tb := mustTable(t, "\n会社,TEL\nテスト,03-5555-0101\n")
	if tb.HeaderLine != 0 || tb.Headers[0] != "会社" || len(tb.Rows) != 1 || tb.Rows[0].Line != 3 {
		t.Fatalf("%+v", tb)
	}
}

func TestReadXLSX(t *testing.T) {
	path := filepath.Join(t.TempDir(), "list.xlsx")
	genXLSX(t, path, 5)
	tb, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if tb.Encoding != EncXLSX || tb.HeaderLine != 2 || len(tb.Rows) != 5 || tb.Rows[4].Line != 7 || tb.Rows[4].Cell(1) != "テストショウテン00004" {
		t.Fatalf("%+v", tb)
	}
}

func TestReadFileErrors(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.xlsx")
	if err := os.WriteFile(bad, []byte("not a zip"), 0o600); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(dir, "list.pdf")
	if err := os.WriteFile(other, []byte("%PDF"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.csv"), "を開けません"},
		{bad, "Excel ブック（.xlsx）として読めません"},
		{other, "取り込めるのは CSV"},
	} {
		if _, err := ReadFile(tc.path); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v", tc.path, err)
		}
	}
}

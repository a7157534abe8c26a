package office

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

func TestFileName(t *testing.T) {
	for _, tc := range []struct {
		name  string
		doc   string
		about []string
		want  string
	}{
		{"sheet", "相談票", []string{"雪割陽だまり商店", FileDate("2026-12-02")}, "相談票_雪割陽だまり商店_20261202.pdf"},
		{"forbidden characters", "予約", []string{`A/B\C:D*E?F"G<H>I|J`, "20261202"}, "予約_A／B＼C：D＊E？F”G＜H＞I｜J_20261202.pdf"},
		{"white space and controls", "相談票", []string{"  雪割\t陽だまり\n\n商店\x00\x1f ", "20261202"}, "相談票_雪割 陽だまり 商店_20261202.pdf"},
		{"dots and spaces at the ends", "出席者名簿", []string{"..創業塾. ", "20261020"}, "出席者名簿_創業塾_20261020.pdf"},
		{"empty parts", "予定表", []string{"", "  ", "20261001"}, "予定表_20261001.pdf"},
		{"long part", "相談票", []string{strings.Repeat("長", 60)}, "相談票_" + strings.Repeat("長", maxNamePart) + ".pdf"},
		{"invalid utf-8", "統計", []string{"2026\xff10"}, "統計_202610.pdf"},
		{"reserved device name", "con", nil, "_con.pdf"},
		{"nothing", "", nil, "文書.pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := FileName(tc.doc, tc.about...); got != tc.want {
				t.Errorf("FileName(%q, %q) = %q, want %q", tc.doc, tc.about, got, tc.want)
			}
		})
	}
}

func TestFileNameLength(t *testing.T) {
	about := make([]string, 10)
	for i := range about {
		about[i] = strings.Repeat("商", maxNamePart)
	}
	got := FileName("相談票", about...)
	if len(got) > maxNameBytes || !utf8.ValidString(got) || !strings.HasSuffix(got, ".pdf") {
		t.Fatalf("FileName of ten long parts: %d bytes %q", len(got), got)
	}
}

func TestFileDate(t *testing.T) {
	for in, want := range map[string]string{"2026-12-02": "20261202", "2026-12": "202612", "FY2026": "2026年度", "FY26": "FY26", "": "", "2026-1-2": "2026-1-2"} {
		if got := FileDate(in); got != want {
			t.Errorf("FileDate(%q) = %q, want %q", in, got, want)
		}
	}
}

// FuzzFileName: whatever a business or seminar is called, the name is one
// Windows and Linux accept.
func FuzzFileName(f *testing.F) {
	for _, s := range []string{"雪割陽だまり商店", `a/b\c:d*e?f"g<h>i|j`, " . ", "CON", "\x00\xff", strings.Repeat("長", 100)} {
		f.Add("相談票", s)
	}
	f.Fuzz(func(t *testing.T, doc, about string) {
		name := FileName(doc, about, "20261202")
		stem := strings.TrimSuffix(name, ".pdf")
		switch {
		case !utf8.ValidString(name), len(name) > maxNameBytes, !strings.HasSuffix(name, ".pdf"), stem == "":
			t.Fatalf("bad name %q", name)
		case strings.ContainsAny(name, `/\:*?"<>|`), strings.ContainsFunc(name, unicode.IsControl):
			t.Fatalf("forbidden character in %q", name)
		case strings.HasPrefix(name, ".") || strings.HasPrefix(name, " ") || strings.HasSuffix(stem, ".") || strings.HasSuffix(stem, " "):
			t.Fatalf("dot or space at an end of %q", name)
		case reservedName(stem):
			t.Fatalf("reserved name %q", name)
		}
	})
}

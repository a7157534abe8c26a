package office

import (
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The file names of printed documents. A saved PDF is named for what it
// is about, never by a record's id: 「相談票_雪割陽だまり商店_20261202.pdf」.

// Limits of a file name: each part at most maxNamePart characters, the
// whole name at most maxNameBytes bytes of UTF-8 (Linux allows 255 bytes
// a name, Windows 255 UTF-16 units and about 260 for the whole path, so
// the name leaves room for a folder).
const (
	maxNamePart  = 40
	maxNameBytes = 180
)

// nameChars are the characters Windows forbids in a file name (and '/',
// which Linux forbids too), each replaced by its full-width form so that
// the name still reads the same.
var nameChars = strings.NewReplacer(
	"/", "／", `\`, "＼", ":", "：", "*", "＊", "?", "？", `"`, "”", "<", "＜", ">", "＞", "|", "｜")

// FileName is the file name a printed document is saved under: doc (the
// document, 「相談票」), then the parts that say what it is about (a
// business, a seminar, a date from FileDate), joined by "_", with ".pdf".
// Each part is made safe for Windows and Linux: the forbidden characters
// / \ : * ? " < > | become their full-width forms, control characters and
// invalid UTF-8 go, runs of white space become one space, spaces and dots
// at either end go, and a part longer than maxNamePart characters is cut;
// empty parts are left out. The whole name is at most maxNameBytes bytes.
func FileName(doc string, about ...string) string {
	parts := make([]string, 0, 1+len(about))
	for _, p := range append([]string{doc}, about...) {
		if p = namePart(p); p != "" {
			parts = append(parts, p)
		}
	}
	stem := strings.Join(parts, "_")
	if stem == "" {
		stem = "文書"
	}
	const ext = ".pdf"
	for len(stem)+len(ext) > maxNameBytes {
		_, size := utf8.DecodeLastRuneInString(stem)
		stem = stem[:len(stem)-size]
	}
	if reservedName(stem) {
		stem = "_" + stem
	}
	return strings.TrimRight(stem, " .") + ext
}

// namePart makes one part of a file name safe (see FileName).
func namePart(s string) string {
	s = nameChars.Replace(strings.ToValidUTF8(s, ""))
	var b strings.Builder
	space := false
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == utf8.RuneError || unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	out := strings.Trim(b.String(), " .")
	if r := []rune(out); len(r) > maxNamePart {
		out = strings.TrimRight(string(r[:maxNamePart]), " .")
	}
	return out
}

// reservedName reports whether stem is a device name Windows keeps for
// itself (CON, PRN, AUX, NUL, COM1–9, LPT1–9), which no file may have.
func reservedName(stem string) bool {
	switch u := strings.ToUpper(stem); u {
	case "CON", "PRN", "AUX", "NUL":
		return true
	default:
		return len(u) == 4 && (strings.HasPrefix(u, "COM") || strings.HasPrefix(u, "LPT")) && u[3] >= '1' && u[3] <= '9'
	}
}

// FileDate is an ISO date (2026-12-02), a month (2026-12) or a 年度 as the
// statistics name it (FY2026) as a file name writes it: 20261202, 202612,
// 2026年度. Anything else is returned as it is.
func FileDate(iso string) string {
	if y, ok := strings.CutPrefix(iso, "FY"); ok {
		if _, err := time.Parse("2006", y); err == nil {
			return y + "年度"
		}
	}
	for _, layout := range []string{time.DateOnly, "2006-01"} {
		if t, err := time.Parse(layout, iso); err == nil {
			return t.Format(strings.ReplaceAll(layout, "-", ""))
		}
	}
	return iso
}

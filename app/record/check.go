package record

import (
	"cmp"
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// FieldError is a validation error of one form field. Its message is a
// complete Japanese sentence that names the field and says what to do, and
// En the same in English. The Check functions never put the field's value
// in them, so they may be logged.
type FieldError struct {
	Field string // the label (or Go field name) a form uses to focus the field
	Msg   string // shown to the person as it is
	En    string // Msg in English: "Phone: not a valid number (example: 03-5555-0101)."
}

// Error returns Msg.
func (e *FieldError) Error() string { return e.Msg }

// In returns the message in English when english is set (Msg when the
// error has no English), and otherwise Msg.
func (e *FieldError) In(english bool) string {
	if english && e.En != "" {
		return e.En
	}
	return e.Msg
}

// fieldErr is a FieldError whose Japanese is the label followed by ja and
// whose English is the label's English, a colon and en.
func fieldErr(label, ja, en string) error {
	return &FieldError{Field: label, Msg: label + ja, En: LabelEnglish(label) + ": " + en}
}

// aspectErr is a FieldError about one aspect of the field (its 日付, 時刻 or
// 形式): "予約日の日付が正しくありません". A label that already names the aspect
// is not repeated ("日付が…", not "日付の日付が…", and "開始時刻が…"), and
// with no label the aspect alone is the subject.
// en is the English after the field's name.
func aspectErr(label, aspect, rest, en string) error {
	subject := label + "の" + aspect
	if label == "" || strings.HasSuffix(label, aspect) {
		subject = cmp.Or(label, aspect)
	}
	return &FieldError{Field: label, Msg: subject + rest, En: LabelEnglish(cmp.Or(label, aspect)) + ": " + en}
}

// isBlank reports a value with nothing but white space (U+3000 included).
func isBlank(v string) bool { return strings.TrimSpace(v) == "" }

// CheckRequired reports an empty or all-blank v: "事業所名を入力してください".
func CheckRequired(label, v string) error {
	if isBlank(v) {
		return fieldErr(label, "を入力してください", "enter a value.")
	}
	return nil
}

// CheckMaxLen reports a v longer than max characters (runes, so 全角 and 半角
// count the same): "備考は2000文字以内で入力してください（現在2100文字）".
func CheckMaxLen(label, v string, max int) error {
	if n := utf8.RuneCountInString(v); n > max {
		return fieldErr(label, fmt.Sprintf("は%d文字以内で入力してください（現在%d文字）", max, n),
			fmt.Sprintf("at most %d characters (now %d).", max, n))
	}
	return nil
}

// CheckChoice reports a v that is not one of choices. An empty v is accepted;
// use CheckRequired for that.
func CheckChoice(label, v string, choices []string) error {
	if v == "" || contains(choices, v) {
		return nil
	}
	return fieldErr(label, "は一覧から選んでください", "choose from the list.")
}

// CheckChoices reports a value of vs that is not one of choices, or one that
// appears twice. An empty vs is accepted.
func CheckChoices(label string, vs []string, choices []string) error {
	for i, v := range vs {
		if !contains(choices, v) {
			return fieldErr(label, "は一覧から選んでください", "choose from the list.")
		}
		if contains(vs[:i], v) {
			return fieldErr(label, "に同じ項目が重複しています", "the same item is chosen twice.")
		}
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, c := range list {
		if c == v {
			return true
		}
	}
	return false
}

// phoneChars are the characters besides digits a phone number may hold after
// NFKC: separators people type, and + for +81.
const phoneChars = "-‐‑‒–—―−ー()+ "

// mobilePrefixes are the 11-digit number ranges: mobile, IP phone, M2M and
// free dial 0800.
var mobilePrefixes = []string{"020", "050", "060", "070", "080", "090", "0800"}

// CheckPhone reports a v that is not a Japanese phone number: 10 digits for a
// fixed line, 0120 free dial or 0570 (03-5555-0101, 0120-123-456), 11 digits
// for mobile, IP phone or 0800 free dial (090-1234-5678, 0800-123-4567). Hyphens,
// parentheses and spaces may separate the digits; 全角 is accepted, and so is
// +81 for the leading 0. An empty v is accepted; use CheckRequired for that.
func CheckPhone(label, v string) error {
	if isBlank(v) {
		return nil
	}
	if validPhone(v) {
		return nil
	}
	return aspectErr(label, "形式", "が正しくありません（例: 03-5555-0101）", "not a valid phone number (example: 03-5555-0101).")
}

func validPhone(v string) bool {
	s := strings.TrimSpace(norm.NFKC.String(v))
	if strings.LastIndex(s, "+") > 0 || (strings.HasPrefix(s, "+") && !strings.HasPrefix(s, "+81")) {
		return false
	}
	for _, r := range s {
		if (r < '0' || r > '9') && !strings.ContainsRune(phoneChars, r) {
			return false
		}
	}
	d := NormalizePhone(s)
	switch {
	case !strings.HasPrefix(d, "0") || strings.HasPrefix(d, "00"):
		return false
	case len(d) == 11:
		return hasAnyPrefix(d, mobilePrefixes)
	case len(d) == 10:
		return !hasAnyPrefix(d, mobilePrefixes)
	}
	return false
}

func hasAnyPrefix(s string, prefixes []string) bool {
	for _, p := range prefixes {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

// postalRe matches a 郵便番号 after NFKC, with ー and other dashes already
// turned into '-'.
var postalRe = regexp.MustCompile(`^〒?(\d{3})-?(\d{4})$`)

// postalDigits returns the two halves of a 郵便番号, or ok false.
func postalDigits(v string) (head, tail string, ok bool) {
	s := strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case isHyphen(r) || r == 'ー':
			return '-'
		}
		return r
	}, norm.NFKC.String(v))
	m := postalRe.FindStringSubmatch(s)
	if m == nil {
		return "", "", false
	}
	return m[1], m[2], true
}

// CheckPostal reports a v that is not a 郵便番号: NNN-NNNN or NNNNNNN, 全角
// accepted, with or without a leading 〒. An empty v is accepted.
func CheckPostal(label, v string) error {
	if isBlank(v) {
		return nil
	}
	if _, _, ok := postalDigits(v); !ok {
		return aspectErr(label, "形式", "が正しくありません（例: 160-0022）", "not a valid postal code (example: 160-0022).")
	}
	return nil
}

// NormalizePostal returns a 郵便番号 as "160-0022": "〒１６０－００２２" and
// "1600022" give "160-0022". A v that CheckPostal rejects comes back with
// only its surrounding white space trimmed.
func NormalizePostal(v string) string {
	head, tail, ok := postalDigits(v)
	if !ok {
		return strings.TrimSpace(v)
	}
	return head + "-" + tail
}

// maxEmailLen is the longest address SMTP carries (RFC 5321 path limit).
const maxEmailLen = 254

// CheckEmail reports a v that is not a plain e-mail address: one @, a local
// part, a domain with a dot, no white space, at most 254 bytes, and accepted
// by net/mail as a bare address (no display name, no angle brackets). 全角
// characters get their own message. An empty v is accepted.
func CheckEmail(label, v string) error {
	if v == "" {
		return nil
	}
	if strings.IndexFunc(v, unicode.IsSpace) >= 0 {
		return fieldErr(label, "に空白が含まれています。空白を除いて入力してください", "contains spaces; enter it without them.")
	}
	if norm.NFKC.String(v) != v {
		return fieldErr(label, "は半角英数字で入力してください", "use half-width letters, digits and symbols.")
	}
	if len(v) > maxEmailLen {
		return fieldErr(label, fmt.Sprintf("は%d文字以内で入力してください", maxEmailLen), fmt.Sprintf("at most %d characters.", maxEmailLen))
	}
	if !validEmail(v) {
		return aspectErr(label, "形式", "が正しくありません（例: info@example.jp）", "not a valid e-mail address (example: info@example.jp).")
	}
	return nil
}

func validEmail(v string) bool {
	if strings.Count(v, "@") != 1 {
		return false
	}
	local, domain, _ := strings.Cut(v, "@")
	if local == "" || !strings.Contains(domain, ".") ||
		strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") || strings.Contains(domain, "..") {
		return false
	}
	a, err := mail.ParseAddress(v)
	return err == nil && a.Name == "" && a.Address == v
}

// Date patterns, matched after NFKC, white space removed, dashes turned into
// '-', Latin letters lowered and a trailing weekday cut off.
var (
	dateWesternRe = regexp.MustCompile(`^(\d{4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日|(\d{2})(\d{2}))$`)
	dateWarekiRe  = regexp.MustCompile(`^(明治|大正|昭和|平成|令和|[明大昭平令mtshr])(元|\d{1,4})(?:[-/.](\d{1,2})[-/.](\d{1,2})|年(\d{1,2})月(\d{1,2})日)$`)
	weekdayRe     = regexp.MustCompile(`\(([日月火水木金土])(?:曜日?)?\)$`)
)

// ParseDate reads a date as people write it on a form: 2026-10-01,
// 2026/10/1, 2026.10.1, 20261001, 2026年10月1日, 令和8年10月1日, 令和元年5月1日,
// R8.10.1, 令8/10/1, in 全角 or 半角, with spaces anywhere and an optional
// weekday "（木）" that must match the date. It returns the date at midnight
// UTC (a calendar date, not an instant: format it with time.DateOnly). A
// 和暦 date must lie inside its era. Anything else is a *FieldError:
// "予約日の日付が正しくありません（例: 2026-10-01 または 令和8年10月1日）";
// with the label 日付 it reads "日付が正しくありません（…）".
func ParseDate(label, v string) (time.Time, error) {
	t, ok := parseDate(v)
	if !ok {
		return time.Time{}, aspectErr(label, "日付", "が正しくありません（例: 2026-10-01 または 令和8年10月1日）", "not a valid date (example: 2026-10-01 or 令和8年10月1日).")
	}
	return t, nil
}

func parseDate(v string) (time.Time, bool) {
	s := cleanDateText(v)
	var weekday string
	if m := weekdayRe.FindStringSubmatch(s); m != nil {
		weekday, s = m[1], s[:len(s)-len(m[0])]
	}
	t, ok := parseWestern(s)
	if !ok {
		t, ok = parseWareki(s)
	}
	if !ok || (weekday != "" && weekdaysJP[t.Weekday()] != weekday) {
		return time.Time{}, false
	}
	return t, true
}

// cleanDateText applies NFKC, drops white space, lowers ASCII letters and turns
// dashes and ー into '-'.
func cleanDateText(v string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case unicode.IsSpace(r):
			return -1
		case isHyphen(r) || r == 'ー':
			return '-'
		case r >= 'A' && r <= 'Z':
			return r + 'a' - 'A'
		}
		return r
	}, norm.NFKC.String(v))
}

func parseWestern(s string) (time.Time, bool) {
	m := dateWesternRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	y, md := atoi(m[1]), firstPair(m[2:])
	return makeDate(y, atoi(md[0]), atoi(md[1]))
}

func parseWareki(s string) (time.Time, bool) {
	m := dateWarekiRe.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	year := 1
	if m[2] != "元" {
		year = atoi(m[2])
	}
	md := firstPair(m[3:])
	t, err := FromWareki(m[1], year, atoi(md[0]), atoi(md[1]))
	return t, err == nil && t.Year() <= 9999 // as a 西暦 date must be
}

// firstPair returns the first pair of submatches that matched.
func firstPair(groups []string) []string {
	for i := 0; i+1 < len(groups); i += 2 {
		if groups[i] != "" {
			return groups[i : i+2]
		}
	}
	return []string{"", ""}
}

// atoi converts the digits a pattern matched; -1 when there are none.
func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return -1
	}
	return n
}

// makeDate returns midnight UTC of y-m-d if that day exists and y has four
// digits.
func makeDate(y, m, d int) (time.Time, bool) {
	t := utcDate(y, time.Month(m), d)
	if y < 1000 || m < 1 || m > 12 || t.Month() != time.Month(m) || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// clockRe matches H:MM, HH:MM, HMM, HHMM, 9時, 9時30分 after NFKC.
var clockRe = regexp.MustCompile(`^(?:(\d{1,2}):(\d{2})|(\d{1,2})(\d{2})|(\d{1,2})時(?:(\d{1,2})分)?)$`)

// ParseClock reads a time of day: "9:30", "09:30", "９：３０", "930", "0930",
// "9時30分" or "9時". Hours run 0–23 and minutes 0–59. Anything else is a
// *FieldError: "開始時刻が正しくありません（例: 09:30）".
func ParseClock(label, v string) (hour, min int, err error) {
	s := strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) {
			return -1
		}
		return r
	}, norm.NFKC.String(v))
	if m := clockRe.FindStringSubmatch(s); m != nil {
		hm := firstPair(m[1:])
		hour, min = atoi(hm[0]), max(atoi(hm[1]), 0)
		if hour >= 0 && hour <= 23 && min <= 59 {
			return hour, min, nil
		}
	}
	return 0, 0, aspectErr(label, "時刻", "が正しくありません（例: 09:30）", "not a valid time (example: 09:30).")
}

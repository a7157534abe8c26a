package reports

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

// dateBoth formats an ISO date in 西暦 with the weekday and in 和暦:
// "2026年10月1日（木）　令和8年10月1日". An empty date gives "".
func dateBoth(label, iso string) (string, error) {
	if iso == "" {
		return "", nil
	}
	t, err := record.ParseDate(label, iso)
	if err != nil {
		return "", fmt.Errorf("%s: %w", label, err)
	}
	return record.FormatDateJP(t) + "　" + record.FormatWareki(t), nil
}

// dateJP formats an ISO date as "2026年10月1日（木）"; an empty date gives "".
func dateJP(label, iso string) (string, error) {
	if iso == "" {
		return "", nil
	}
	t, err := record.ParseDate(label, iso)
	if err != nil {
		return "", fmt.Errorf("%s: %w", label, err)
	}
	return record.FormatDateJP(t), nil
}

// dateShort formats an ISO date as "2026/10/01"; an empty date gives "".
func dateShort(label, iso string) (string, error) {
	if iso == "" {
		return "", nil
	}
	t, err := record.ParseDate(label, iso)
	if err != nil {
		return "", fmt.Errorf("%s: %w", label, err)
	}
	return t.Format("2006/01/02"), nil
}

// minutesBetween returns the minutes from start to end ("15:04"), or 0 when
// either is missing or malformed.
func minutesBetween(start, end string) int {
	s, err1 := time.Parse("15:04", start)
	e, err2 := time.Parse("15:04", end)
	if err1 != nil || err2 != nil || e.Before(s) {
		return 0
	}
	return int(e.Sub(s).Minutes())
}

// timeRange writes "10:00〜11:00（60分）"; with no times it leaves blanks to
// fill in by hand: "　：　〜　：　（　　分）".
func timeRange(start, end string, minutes int) string {
	if start == "" && end == "" {
		return "　　：　　〜　　：　　（　　　分）"
	}
	if minutes == 0 {
		minutes = minutesBetween(start, end)
	}
	if minutes == 0 {
		return start + "〜" + end
	}
	return fmt.Sprintf("%s〜%s（%d分）", start, end, minutes)
}

// yen formats an amount with thousands separators: "1,500,000円"; 0 gives "".
func yen(n int64) string {
	if n == 0 {
		return ""
	}
	s := strconv.FormatInt(n, 10)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String() + "円"
	}
	return b.String() + "円"
}

// count formats a number followed by a unit, or "" for zero: "12人".
func count(n int, unit string) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n) + unit
}

// address joins the parts of a business address: "〒160-0023 東京都新宿区…".
func address(b record.Business) string {
	s := b.Prefecture + b.City + b.Address
	if b.Postal != "" {
		s = "〒" + b.Postal + " " + s
	}
	return s
}

// orDash returns s, or "－" when s is empty.
func orDash(s string) string {
	if s == "" {
		return "－"
	}
	return s
}

package record

import (
	"fmt"
	"strings"
	"time"
)

// Era is one Japanese era (元号) since 明治.
type Era struct {
	Name  string    // 令和
	Short string    // R
	Start time.Time // first day, at midnight UTC
}

// eras lists the eras oldest first. 明治 starts on 1868-10-23, the Gregorian
// date of the change of era; years before 1873, when Japan still used the
// lunisolar calendar, are counted on the Gregorian calendar as software does.
var eras = []Era{
	{"明治", "M", utcDate(1868, 10, 23)},
	{"大正", "T", utcDate(1912, 7, 30)},
	{"昭和", "S", utcDate(1926, 12, 25)},
	{"平成", "H", utcDate(1989, 1, 8)},
	{"令和", "R", utcDate(2019, 5, 1)},
}

// jst is Japan Standard Time: UTC+9 all year, Japan having no daylight
// saving time. A fixed zone needs no time zone database on the machine.
var jst = time.FixedZone("JST", 9*3600)

// JST returns Japan Standard Time, the zone in which every time shown to
// people is read and every "today" is decided.
func JST() *time.Location { return jst }

// weekdaysJP are the weekday kanji, Sunday first as time.Weekday counts.
var weekdaysJP = [7]string{"日", "月", "火", "水", "木", "金", "土"}

// Eras returns the eras from 明治 to 令和, oldest first. The slice is a copy.
func Eras() []Era { return append([]Era(nil), eras...) }

func utcDate(y int, m time.Month, d int) time.Time {
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dateOnly returns t's calendar date, read in t's own location, as midnight
// UTC. Every function here compares dates this way, so a time.Local value
// and its UTC twin may fall on different days, as they do on a calendar.
func dateOnly(t time.Time) time.Time {
	y, m, d := t.Date()
	return utcDate(y, m, d)
}

// eraIndexOf returns the index in eras of the era holding t's date, or -1
// before 明治.
func eraIndexOf(t time.Time) int {
	day := dateOnly(t)
	for i := len(eras) - 1; i >= 0; i-- {
		if !day.Before(eras[i].Start) {
			return i
		}
	}
	return -1
}

// ToWareki returns the era name and era year of t's date (read in t's own
// location): 2026-10-01 gives ("令和", 8). A date before 明治 (1868-10-23) is
// an error.
func ToWareki(t time.Time) (era string, year int, err error) {
	i := eraIndexOf(t)
	if i < 0 {
		return "", 0, fmt.Errorf("wareki: %s is before 明治", dateOnly(t).Format(time.DateOnly))
	}
	return eras[i].Name, t.Year() - eras[i].Start.Year() + 1, nil
}

// warekiYear writes an era year the way dates are read aloud: 1 is 元年.
func warekiYear(era string, year int) string {
	if year == 1 {
		return era + "元年"
	}
	return fmt.Sprintf("%s%d年", era, year)
}

// FormatWareki formats t's date as "令和8年10月1日"; the first year of an
// era is 元年 ("令和元年5月1日"). A date before 明治 is written in 西暦:
// "1850年1月2日".
func FormatWareki(t time.Time) string {
	era, year, err := ToWareki(t)
	if err != nil {
		return fmt.Sprintf("%d年%d月%d日", t.Year(), t.Month(), t.Day())
	}
	return fmt.Sprintf("%s%d月%d日", warekiYear(era, year), t.Month(), t.Day())
}

// FormatWarekiShort formats t's date as "R8.10.01" (era letter, year without
// padding, two-digit month and day; year 1 is "1"). A date before 明治 is
// written as "1850-01-02".
func FormatWarekiShort(t time.Time) string {
	i := eraIndexOf(t)
	if i < 0 {
		return t.Format(time.DateOnly)
	}
	year := t.Year() - eras[i].Start.Year() + 1
	return fmt.Sprintf("%s%d.%02d.%02d", eras[i].Short, year, t.Month(), t.Day())
}

// lookupEra finds an era by its name (令和), its letter (R or r) or its first
// kanji (令).
func lookupEra(name string) (int, bool) {
	for i, e := range eras {
		if name == e.Name || strings.EqualFold(name, e.Short) || name == firstRune(e.Name) {
			return i, true
		}
	}
	return -1, false
}

func firstRune(s string) string {
	for _, r := range s {
		return string(r)
	}
	return ""
}

// FromWareki returns midnight UTC of the given 和暦 date. era is a name
// (令和), a letter (R) or a first kanji (令). The date must exist and lie
// inside the era: 平成31年5月1日 is an error, as that day is 令和元年5月1日.
func FromWareki(era string, year, month, day int) (time.Time, error) {
	i, ok := lookupEra(era)
	if !ok {
		return time.Time{}, fmt.Errorf("wareki: unknown era %q", era)
	}
	e := eras[i]
	if year < 1 {
		return time.Time{}, fmt.Errorf("wareki: %s year %d is not positive", e.Name, year)
	}
	y := e.Start.Year() + year - 1
	t := utcDate(y, time.Month(month), day)
	if month < 1 || month > 12 || t.Month() != time.Month(month) || t.Day() != day {
		return time.Time{}, fmt.Errorf("wareki: %s%d年%d月%d日 does not exist", e.Name, year, month, day)
	}
	if t.Before(e.Start) || (i+1 < len(eras) && !t.Before(eras[i+1].Start)) {
		return time.Time{}, fmt.Errorf("wareki: %s (%s) is not in %s", warekiYear(e.Name, year),
			t.Format(time.DateOnly), e.Name)
	}
	return t, nil
}

// FormatDateJP formats t's date in 西暦 with the weekday: "2026年10月1日（木）".
func FormatDateJP(t time.Time) string {
	return fmt.Sprintf("%d年%d月%d日（%s）", t.Year(), t.Month(), t.Day(), weekdaysJP[t.Weekday()])
}

// FiscalYear returns the 年度 of t's date: April to March, named by the year
// it starts in, so 2027-03-31 is in 2026年度.
func FiscalYear(t time.Time) int {
	if t.Month() < time.April {
		return t.Year() - 1
	}
	return t.Year()
}

// FiscalYearRange returns the half-open range [start, end) of 年度 fy:
// April 1 of fy and April 1 of fy+1, both at midnight UTC.
func FiscalYearRange(fy int) (start, end time.Time) {
	return utcDate(fy, time.April, 1), utcDate(fy+1, time.April, 1)
}

// FormatFiscalYear formats 年度 fy as "2026年度（令和8年度）". The era is the
// one in force on 31 December of fy, as offices wrote after the change: 2019
// is 令和元年度, 1988 is 昭和63年度, 1989 is 平成元年度. Before 明治 only the
// 西暦 is written: "1850年度".
func FormatFiscalYear(fy int) string {
	era, year, err := ToWareki(utcDate(fy, time.December, 31))
	if err != nil {
		return fmt.Sprintf("%d年度", fy)
	}
	return fmt.Sprintf("%d年度（%s度）", fy, warekiYear(era, year))
}

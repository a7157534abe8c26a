// Package holiday tells the public holidays of Japan as the 国民の祝日に関する法律
// (the Public Holiday Act) defines them: the fixed days, the Mondays of the
// ハッピーマンデー rule, the equinox days by the usual astronomical formula,
// 振替休日 (a holiday on a Sunday moves to the next day that is not a
// holiday) and 国民の休日 (a day between two holidays), with the one-off
// moves and days of 2019–2021.
//
// The rules hold for 1980–2099: the equinox formula is valid for those
// years (the Cabinet Office announces each year's equinox days a year
// ahead; so far the formula has always agreed). Outside that range the
// package reports no holidays.
package holiday

import (
	"slices"
	"time"
)

// Holiday is one public holiday.
type Holiday struct {
	Date time.Time // midnight UTC of the calendar date
	Name string    // its name in Japanese, such as 文化の日
}

// The years the rules cover.
const (
	FirstYear = 1980
	LastYear  = 2099
)

// Names of the days the rules add beside the named holidays.
const (
	Substitute = "振替休日"
	Between    = "国民の休日"
)

// Name returns the name of the holiday on the calendar date of d (its year,
// month and day, in d's zone) and whether d is a holiday at all.
func Name(d time.Time) (string, bool) {
	day := date(d.Year(), d.Month(), d.Day())
	for _, h := range Year(d.Year()) {
		if h.Date.Equal(day) {
			return h.Name, true
		}
	}
	return "", false
}

// Year lists the holidays of year y by date; it is empty outside
// FirstYear–LastYear.
func Year(y int) []Holiday {
	if y < FirstYear || y > LastYear {
		return nil
	}
	hs := named(y)
	slices.SortFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	hs = append(hs, between(hs)...)
	hs = append(hs, substitutes(hs)...)
	slices.SortFunc(hs, func(a, b Holiday) int { return a.Date.Compare(b.Date) })
	return hs
}

// Names lists every name a Holiday can carry, each once (for the
// window's translations).
func Names() []string {
	var out []string
	add := func(n string) {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, r := range rules {
		add(r.name)
	}
	for _, h := range once {
		add(h.Name)
	}
	add(Substitute)
	add(Between)
	return out
}

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// monday returns the nth Monday of month m in year y.
func monday(y int, m time.Month, n int) time.Time {
	first := date(y, m, 1)
	offset := (int(time.Monday) - int(first.Weekday()) + 7) % 7
	return first.AddDate(0, 0, offset+7*(n-1))
}

// equinox returns the day of the vernal (base 20.8431) or autumnal (base
// 23.2488) equinox in year y (valid 1980–2099).
func equinox(y int, base float64) int {
	n := y - 1980
	return int(base + 0.242194*float64(n) - float64(n/4))
}

// rule is one named holiday: its date in year y, or ok false when the
// law had no such day that year.
type rule struct {
	name string
	day  func(y int) (time.Time, bool)
}

// on is a holiday on a fixed day from year from to year to (0: still).
func on(m time.Month, d, from, to int) func(int) (time.Time, bool) {
	return func(y int) (time.Time, bool) { return date(y, m, d), y >= from && (to == 0 || y <= to) }
}

// nthMonday is a holiday on the nth Monday of m from year from on.
func nthMonday(m time.Month, n, from, to int) func(int) (time.Time, bool) {
	return func(y int) (time.Time, bool) { return monday(y, m, n), y >= from && (to == 0 || y <= to) }
}

// moved is a holiday whose day in some years was set by a special law
// (the Tokyo Olympics of 2020, held in 2021).
func moved(usual func(int) (time.Time, bool), years map[int]time.Time) func(int) (time.Time, bool) {
	return func(y int) (time.Time, bool) {
		if d, ok := years[y]; ok {
			return d, true
		}
		return usual(y)
	}
}

// rules are the named holidays since 1980 (the law as amended in 1985,
// 1998, 2001, 2005, 2014 and 2018, and the special laws of 2017–2020).
var rules = []rule{
	{"元日", on(time.January, 1, 0, 0)},
	{"成人の日", on(time.January, 15, 0, 1999)},
	{"成人の日", nthMonday(time.January, 2, 2000, 0)},
	{"建国記念の日", on(time.February, 11, 0, 0)},
	{"天皇誕生日", on(time.February, 23, 2020, 0)},
	{"春分の日", func(y int) (time.Time, bool) { return date(y, time.March, equinox(y, 20.8431)), true }},
	{"天皇誕生日", on(time.April, 29, 0, 1988)},
	{"みどりの日", on(time.April, 29, 1989, 2006)},
	{"昭和の日", on(time.April, 29, 2007, 0)},
	{"憲法記念日", on(time.May, 3, 0, 0)},
	{"みどりの日", on(time.May, 4, 2007, 0)},
	{"こどもの日", on(time.May, 5, 0, 0)},
	{"海の日", on(time.July, 20, 1996, 2002)},
	{"海の日", moved(nthMonday(time.July, 3, 2003, 0), map[int]time.Time{2020: date(2020, 7, 23), 2021: date(2021, 7, 22)})},
	{"山の日", moved(on(time.August, 11, 2016, 0), map[int]time.Time{2020: date(2020, 8, 10), 2021: date(2021, 8, 8)})},
	{"敬老の日", on(time.September, 15, 0, 2002)},
	{"敬老の日", nthMonday(time.September, 3, 2003, 0)},
	{"秋分の日", func(y int) (time.Time, bool) { return date(y, time.September, equinox(y, 23.2488)), true }},
	{"体育の日", on(time.October, 10, 0, 1999)},
	{"体育の日", nthMonday(time.October, 2, 2000, 2019)},
	{"スポーツの日", moved(nthMonday(time.October, 2, 2022, 0), map[int]time.Time{2020: date(2020, 7, 24), 2021: date(2021, 7, 23)})},
	{"文化の日", on(time.November, 3, 0, 0)},
	{"勤労感謝の日", on(time.November, 23, 0, 0)},
	{"天皇誕生日", on(time.December, 23, 1989, 2018)},
}

// once are the holidays of a single day set by special laws.
var once = []Holiday{
	{date(1989, 2, 24), "昭和天皇の大喪の礼"},
	{date(1990, 11, 12), "即位礼正殿の儀"},
	{date(1993, 6, 9), "皇太子徳仁親王の結婚の儀"},
	{date(2019, 5, 1), "天皇の即位の日"},
	{date(2019, 10, 22), "即位礼正殿の儀"},
}

// named returns the named holidays of year y.
func named(y int) []Holiday {
	var hs []Holiday
	for _, r := range rules {
		if d, ok := r.day(y); ok && d.Year() == y {
			hs = append(hs, Holiday{d, r.name})
		}
	}
	for _, h := range once {
		if h.Date.Year() == y {
			hs = append(hs, h)
		}
	}
	return hs
}

// isIn reports whether d is one of hs.
func isIn(hs []Holiday, d time.Time) bool {
	return slices.ContainsFunc(hs, func(h Holiday) bool { return h.Date.Equal(d) })
}

// between returns the 国民の休日 (since 1986): a day that is no holiday and
// lies between two named holidays. Before 2007 the law left Sundays and
// 振替休日 out; in practice only 4 May was such a day then.
func between(hs []Holiday) []Holiday {
	var out []Holiday
	for _, h := range hs {
		d := h.Date.AddDate(0, 0, 1)
		if !isIn(hs, d) && isIn(hs, d.AddDate(0, 0, 1)) && d.Year() >= 1986 &&
			(d.Year() >= 2007 || (d.Weekday() != time.Sunday && d.Weekday() != time.Monday)) {
			out = append(out, Holiday{d, Between})
		}
	}
	return out
}

// substitutes returns the 振替休日: for a holiday on a Sunday, the next
// day that is no holiday (since 2007; before, only the Monday after).
func substitutes(hs []Holiday) []Holiday {
	var out []Holiday
	for _, h := range hs {
		if h.Date.Weekday() != time.Sunday {
			continue
		}
		d := h.Date.AddDate(0, 0, 1)
		for d.Year() >= 2007 && isIn(hs, d) {
			d = d.AddDate(0, 0, 1)
		}
		if !isIn(hs, d) && !isIn(out, d) {
			out = append(out, Holiday{d, Substitute})
		}
	}
	return out
}

package record

import (
	"testing"
	"time"
)

func utcYMD(y int, m time.Month, day int) time.Time {
	return time.Date(y, m, day, 0, 0, 0, 0, time.UTC)
}

func TestToWareki(t *testing.T) {
	tests := []struct {
		name     string
		in       time.Time
		wantEra  string
		wantYear int
		wantErr  bool
	}{
		{"reiwa 8", utcYMD(2026, 10, 1), "令和", 8, false},
		{"reiwa first day", utcYMD(2019, 5, 1), "令和", 1, false},
		{"heisei last day", utcYMD(2019, 4, 30), "平成", 31, false},
		{"heisei first day", utcYMD(1989, 1, 8), "平成", 1, false},
		{"showa last day", utcYMD(1989, 1, 7), "昭和", 64, false},
		{"showa first day", utcYMD(1926, 12, 25), "昭和", 1, false},
		{"taisho last day", utcYMD(1926, 12, 24), "大正", 15, false},
		{"taisho first day", utcYMD(1912, 7, 30), "大正", 1, false},
		{"meiji last day", utcYMD(1912, 7, 29), "明治", 45, false},
		{"meiji first day", utcYMD(1868, 10, 23), "明治", 1, false},
		{"before meiji", utcYMD(1868, 10, 22), "", 0, true},
		{"local time read in its own zone", time.Date(2019, 5, 1, 0, 30, 0, 0, time.FixedZone("JST", 9*3600)), "令和", 1, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			era, year, err := ToWareki(tt.in)
			if (err != nil) != tt.wantErr || era != tt.wantEra || year != tt.wantYear {
				t.Errorf("ToWareki(%v) = %q, %d, %v; want %q, %d, err %v", tt.in, era, year, err, tt.wantEra, tt.wantYear, tt.wantErr)
			}
		})
	}
}

func TestFormatWareki(t *testing.T) {
	tests := []struct {
		name      string
		in        time.Time
		long      string
		short     string
		westernJP string
	}{
		{"reiwa 8", utcYMD(2026, 10, 1), "令和8年10月1日", "R8.10.01", "2026年10月1日（木）"},
		{"reiwa gannen", utcYMD(2019, 5, 1), "令和元年5月1日", "R1.05.01", "2019年5月1日（水）"},
		{"heisei 31", utcYMD(2019, 4, 30), "平成31年4月30日", "H31.04.30", "2019年4月30日（火）"},
		{"heisei gannen", utcYMD(1989, 1, 8), "平成元年1月8日", "H1.01.08", "1989年1月8日（日）"},
		{"showa 64", utcYMD(1989, 1, 7), "昭和64年1月7日", "S64.01.07", "1989年1月7日（土）"},
		{"taisho gannen", utcYMD(1912, 7, 30), "大正元年7月30日", "T1.07.30", "1912年7月30日（火）"},
		{"meiji gannen", utcYMD(1868, 10, 23), "明治元年10月23日", "M1.10.23", "1868年10月23日（金）"},
		{"before meiji", utcYMD(1850, 1, 2), "1850年1月2日", "1850-01-02", "1850年1月2日（水）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatWareki(tt.in); got != tt.long {
				t.Errorf("FormatWareki = %q, want %q", got, tt.long)
			}
			if got := FormatWarekiShort(tt.in); got != tt.short {
				t.Errorf("FormatWarekiShort = %q, want %q", got, tt.short)
			}
			if got := FormatDateJP(tt.in); got != tt.westernJP {
				t.Errorf("FormatDateJP = %q, want %q", got, tt.westernJP)
			}
		})
	}
}

func TestFromWareki(t *testing.T) {
	tests := []struct {
		name             string
		era              string
		year, month, day int
		want             time.Time
		wantErr          bool
	}{
		{"reiwa 8", "令和", 8, 10, 1, utcYMD(2026, 10, 1), false},
		{"reiwa gannen first day", "令和", 1, 5, 1, utcYMD(2019, 5, 1), false},
		{"letter", "R", 8, 10, 1, utcYMD(2026, 10, 1), false},
		{"lower-case letter", "h", 31, 4, 30, utcYMD(2019, 4, 30), false},
		{"first kanji", "昭", 64, 1, 7, utcYMD(1989, 1, 7), false},
		{"heisei 31 may is reiwa", "平成", 31, 5, 1, time.Time{}, true},
		{"reiwa 1 april is heisei", "令和", 1, 4, 30, time.Time{}, true},
		{"showa 64 jan 8 is heisei", "昭和", 64, 1, 8, time.Time{}, true},
		{"heisei gannen jan 7 is showa", "平成", 1, 1, 7, time.Time{}, true},
		{"taisho 15 dec 25 is showa", "大正", 15, 12, 25, time.Time{}, true},
		{"meiji before start", "明治", 1, 10, 22, time.Time{}, true},
		{"year zero", "令和", 0, 5, 1, time.Time{}, true},
		{"feb 30", "令和", 8, 2, 30, time.Time{}, true},
		{"month 13", "令和", 8, 13, 1, time.Time{}, true},
		{"leap day", "令和", 6, 2, 29, utcYMD(2024, 2, 29), false},
		{"unknown era", "慶応", 3, 1, 1, time.Time{}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromWareki(tt.era, tt.year, tt.month, tt.day)
			if (err != nil) != tt.wantErr || !got.Equal(tt.want) {
				t.Errorf("FromWareki(%q, %d, %d, %d) = %v, %v; want %v, err %v",
					tt.era, tt.year, tt.month, tt.day, got, err, tt.want, tt.wantErr)
			}
		})
	}
}

func TestFiscalYear(t *testing.T) {
	tests := []struct {
		name string
		in   time.Time
		want int
	}{
		{"april 1 starts the year", utcYMD(2026, 4, 1), 2026},
		{"march 31 ends the year before", utcYMD(2027, 3, 31), 2026},
		{"january", utcYMD(2027, 1, 15), 2026},
		{"december", utcYMD(2026, 12, 31), 2026},
		{"march 31 2026", utcYMD(2026, 3, 31), 2025},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FiscalYear(tt.in); got != tt.want {
				t.Errorf("FiscalYear(%v) = %d, want %d", tt.in, got, tt.want)
			}
		})
	}
}

func TestFiscalYearRange(t *testing.T) {
	start, end := FiscalYearRange(2026)
	if !start.Equal(utcYMD(2026, 4, 1)) || !end.Equal(utcYMD(2027, 4, 1)) {
		t.Errorf("FiscalYearRange(2026) = %v, %v", start, end)
	}
	for _, day := range []time.Time{start, end.AddDate(0, 0, -1)} {
		if FiscalYear(day) != 2026 {
			t.Errorf("FiscalYear(%v) = %d, want 2026", day, FiscalYear(day))
		}
	}
	if FiscalYear(end) != 2027 {
		t.Errorf("FiscalYear(end) = %d, want 2027", FiscalYear(end))
	}
}

func TestFormatFiscalYear(t *testing.T) {
	tests := []struct {
		name string
		fy   int
		want string
	}{
		{"reiwa 8", 2026, "2026年度（令和8年度）"},
		{"reiwa gannen", 2019, "2019年度（令和元年度）"},
		{"heisei 30", 2018, "2018年度（平成30年度）"},
		{"heisei gannen", 1989, "1989年度（平成元年度）"},
		{"showa 63", 1988, "1988年度（昭和63年度）"},
		{"before meiji", 1850, "1850年度"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FormatFiscalYear(tt.fy); got != tt.want {
				t.Errorf("FormatFiscalYear(%d) = %q, want %q", tt.fy, got, tt.want)
			}
		})
	}
}

func TestErasCopy(t *testing.T) {
	e := Eras()
	if len(e) != 5 || e[0].Name != "明治" || e[4].Short != "R" {
		t.Fatalf("Eras() = %v", e)
	}
	e[0].Name = "changed"
	if Eras()[0].Name != "明治" {
		t.Error("Eras returned the package's own slice")
	}
}

func TestJST(t *testing.T) {
	if a, b := JST(), JST(); a != b {
		t.Error("JST returns a new location each time")
	}
	// 2026-03-31 15:00 UTC is already 1 April in Japan: a new 年度.
	at := time.Date(2026, 3, 31, 15, 0, 0, 0, time.UTC).In(JST())
	if name, off := at.Zone(); name != "JST" || off != 9*3600 {
		t.Errorf("zone %s %+d", name, off)
	}
	if got := FiscalYear(at); got != 2026 || at.Format(time.DateTime) != "2026-04-01 00:00:00" {
		t.Errorf("%s is in 年度 %d", at.Format(time.DateTime), got)
	}
	// No daylight saving time: the same offset in summer.
	if _, off := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC).In(JST()).Zone(); off != 9*3600 {
		t.Errorf("summer offset %+d", off)
	}
}

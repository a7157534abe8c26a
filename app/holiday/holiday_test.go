package holiday

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

// TestYears compares whole years with the holidays the Cabinet Office
// published (内閣府「国民の祝日について」), the 2019 enthronement and the
// Olympic moves of 2020 and 2021 included.
func TestYears(t *testing.T) {
	for _, tc := range []struct {
		year int
		want string
	}{
		{2019, "0101元日 0114成人の日 0211建国記念の日 0321春分の日 0429昭和の日 0430国民の休日 0501天皇の即位の日 0502国民の休日 " +
			"0503憲法記念日 0504みどりの日 0505こどもの日 0506振替休日 0715海の日 0811山の日 0812振替休日 0916敬老の日 0923秋分の日 " +
			"1014体育の日 1022即位礼正殿の儀 1103文化の日 1104振替休日 1123勤労感謝の日"},
		{2020, "0101元日 0113成人の日 0211建国記念の日 0223天皇誕生日 0224振替休日 0320春分の日 0429昭和の日 0503憲法記念日 " +
			"0504みどりの日 0505こどもの日 0506振替休日 0723海の日 0724スポーツの日 0810山の日 0921敬老の日 0922秋分の日 1103文化の日 1123勤労感謝の日"},
		{2021, "0101元日 0111成人の日 0211建国記念の日 0223天皇誕生日 0320春分の日 0429昭和の日 0503憲法記念日 0504みどりの日 " +
			"0505こどもの日 0722海の日 0723スポーツの日 0808山の日 0809振替休日 0920敬老の日 0923秋分の日 1103文化の日 1123勤労感謝の日"},
		{2022, "0101元日 0110成人の日 0211建国記念の日 0223天皇誕生日 0321春分の日 0429昭和の日 0503憲法記念日 0504みどりの日 " +
			"0505こどもの日 0718海の日 0811山の日 0919敬老の日 0923秋分の日 1010スポーツの日 1103文化の日 1123勤労感謝の日"},
		{2023, "0101元日 0102振替休日 0109成人の日 0211建国記念の日 0223天皇誕生日 0321春分の日 0429昭和の日 0503憲法記念日 " +
			"0504みどりの日 0505こどもの日 0717海の日 0811山の日 0918敬老の日 0923秋分の日 1009スポーツの日 1103文化の日 1123勤労感謝の日"},
		{2024, "0101元日 0108成人の日 0211建国記念の日 0212振替休日 0223天皇誕生日 0320春分の日 0429昭和の日 0503憲法記念日 " +
			"0504みどりの日 0505こどもの日 0506振替休日 0715海の日 0811山の日 0812振替休日 0916敬老の日 0922秋分の日 0923振替休日 " +
			"1014スポーツの日 1103文化の日 1104振替休日 1123勤労感謝の日"},
		{2025, "0101元日 0113成人の日 0211建国記念の日 0223天皇誕生日 0224振替休日 0320春分の日 0429昭和の日 0503憲法記念日 " +
			"0504みどりの日 0505こどもの日 0506振替休日 0721海の日 0811山の日 0915敬老の日 0923秋分の日 1013スポーツの日 " +
			"1103文化の日 1123勤労感謝の日 1124振替休日"},
		{2026, "0101元日 0112成人の日 0211建国記念の日 0223天皇誕生日 0320春分の日 0429昭和の日 0503憲法記念日 0504みどりの日 " +
			"0505こどもの日 0506振替休日 0720海の日 0811山の日 0921敬老の日 0922国民の休日 0923秋分の日 1012スポーツの日 " +
			"1103文化の日 1123勤労感謝の日"},
		{2027, "0101元日 0111成人の日 0211建国記念の日 0223天皇誕生日 0321春分の日 0322振替休日 0429昭和の日 0503憲法記念日 " +
			"0504みどりの日 0505こどもの日 0719海の日 0811山の日 0920敬老の日 0923秋分の日 1011スポーツの日 1103文化の日 1123勤労感謝の日"},
		{2009, "0101元日 0112成人の日 0211建国記念の日 0320春分の日 0429昭和の日 0503憲法記念日 0504みどりの日 0505こどもの日 " +
			"0506振替休日 0720海の日 0921敬老の日 0922国民の休日 0923秋分の日 1012体育の日 1103文化の日 1123勤労感謝の日 1223天皇誕生日"},
		{1990, "0101元日 0115成人の日 0211建国記念の日 0212振替休日 0321春分の日 0429みどりの日 0430振替休日 0503憲法記念日 " +
			"0504国民の休日 0505こどもの日 0915敬老の日 0923秋分の日 0924振替休日 1010体育の日 1103文化の日 1112即位礼正殿の儀 " +
			"1123勤労感謝の日 1223天皇誕生日 1224振替休日"},
	} {
		t.Run(fmt.Sprint(tc.year), func(t *testing.T) {
			var got []string
			for _, h := range Year(tc.year) {
				got = append(got, h.Date.Format("0102")+h.Name)
			}
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("holidays of %d:\n got %s\nwant %s", tc.year, g, tc.want)
			}
		})
	}
}

// TestName looks days up in Japan's time zone, as the window asks.
func TestName(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	for _, tc := range []struct {
		name string
		day  time.Time
		want string
		ok   bool
	}{
		{"culture day late evening JST", time.Date(2026, 11, 3, 23, 30, 0, 0, jst), "文化の日", true},
		{"working Wednesday", time.Date(2026, 11, 4, 9, 0, 0, 0, jst), "", false},
		{"Saturday is no holiday", time.Date(2026, 10, 3, 9, 0, 0, 0, jst), "", false},
		{"happy Monday", time.Date(2026, 10, 12, 0, 0, 0, 0, time.UTC), "スポーツの日", true},
		{"before the rules", time.Date(1979, 1, 1, 0, 0, 0, 0, time.UTC), "", false},
		{"after the rules", time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC), "", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := Name(tc.day)
			if got != tc.want || ok != tc.ok {
				t.Errorf("Name(%v) = %q, %v; want %q, %v", tc.day, got, ok, tc.want, tc.ok)
			}
		})
	}
}

// TestEveryYearSane: every year of the range has 12 to 22 holidays, none
// twice, none of the added days on a Sunday.
func TestEveryYearSane(t *testing.T) {
	for y := FirstYear; y <= LastYear; y++ {
		hs := Year(y)
		if len(hs) < 12 || len(hs) > 22 {
			t.Errorf("%d: %d holidays", y, len(hs))
		}
		for i, h := range hs {
			if i > 0 && !hs[i-1].Date.Before(h.Date) {
				t.Errorf("%d: %s twice or out of order", y, h.Date.Format(time.DateOnly))
			}
			if (h.Name == Substitute || h.Name == Between) && h.Date.Weekday() == time.Sunday {
				t.Errorf("%d: %s on a Sunday", y, h.Name)
			}
		}
	}
}

package record

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// checkMsg returns err's message, or "" for nil, and fails when err is not a
// *FieldError naming label.
func checkMsg(t *testing.T, label string, err error) string {
	t.Helper()
	if err == nil {
		return ""
	}
	var fe *FieldError
	if !errors.As(err, &fe) {
		t.Fatalf("error %v is %T, not *FieldError", err, err)
	}
	if fe.Field != label {
		t.Errorf("Field = %q, want %q", fe.Field, label)
	}
	return err.Error()
}

func TestCheckRequired(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"filled", "ヤマダ商店", ""},
		{"empty", "", "事業所名を入力してください"},
		{"spaces only", " \t", "事業所名を入力してください"},
		{"ideographic space only", "\u3000", "事業所名を入力してください"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkMsg(t, "事業所名", CheckRequired("事業所名", tt.in)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckMaxLen(t *testing.T) {
	tests := []struct {
		name string
		in   string
		max  int
		want string
	}{
		{"empty", "", 3, ""},
		{"at limit in kanji", "山田商", 3, ""},
		{"at limit in ascii", "abc", 3, ""},
		{"over by one kanji", "山田商店", 3, "備考は3文字以内で入力してください（現在4文字）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkMsg(t, "備考", CheckMaxLen("備考", tt.in, tt.max)); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCheckPhone(t *testing.T) {
	const bad = "電話番号の形式が正しくありません（例: 03-5555-0101）"
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"blank", "  ", ""},
		{"tokyo", "03-5555-0101", ""},
		{"no hyphens", "0355550101", ""},
		{"parenthesised area code", "(03)5555-0101", ""},
		{"parenthesised local code", "03(5555)0101", ""},
		{"spaces", "03 5555 0101", ""},
		{"zenkaku", "０３－５５５５－０１０１", ""},
		{"long vowel typed as dash", "０３ー５５５５ー０１０１", ""},
		{"regional 4-digit area code", "0123-45-6789", ""},
		{"mobile 090", "090-1234-5678", ""},
		{"mobile 080", "08012345678", ""},
		{"mobile 070", "070-1234-5678", ""},
		{"ip phone 050", "050-1234-5678", ""},
		{"free dial 0120", "0120-123-456", ""},
		{"free dial 0800", "0800-123-4567", ""},
		{"navi dial 0570", "0570-000-123", ""},
		{"plus 81 fixed", "+81 3-5555-0101", ""},
		{"plus 81 mobile", "+81-90-1234-5678", ""},
		{"plus 81 with (0)", "+81 (0)3-5555-0101", ""},
		{"too short", "03-5555-010", bad},
		{"too long", "03-5555-01011", bad},
		{"no leading zero", "3-5555-0101", bad},
		{"double zero", "00-5555-0101", bad},
		{"mobile with 10 digits", "090-1234-567", bad},
		{"fixed with 11 digits", "03-5555-01012", bad},
		{"letters", "03-5555-010a", bad},
		{"extension text", "03-5555-0101 内線12", bad},
		{"other country", "+1 212 555 0101", bad},
		{"plus in the middle", "03+5555-0101", bad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkMsg(t, "電話番号", CheckPhone("電話番号", tt.in)); got != tt.want {
				t.Errorf("CheckPhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckPostal(t *testing.T) {
	const bad = "郵便番号の形式が正しくありません（例: 160-0022）"
	tests := []struct{ name, in, want, norm string }{
		{"empty", "", "", ""},
		{"hyphen", "160-0022", "", "160-0022"},
		{"no hyphen", "1600022", "", "160-0022"},
		{"zenkaku with mark", "〒１６０－００２２", "", "160-0022"},
		{"mark and space", "〒 160-0022", "", "160-0022"},
		{"long vowel typed as dash", "１６０ー００２２", "", "160-0022"},
		{"surrounding spaces", " 160-0022 ", "", "160-0022"},
		{"too short", "160-002", bad, "160-002"},
		{"too long", "1600-0022", bad, "1600-0022"},
		{"letters", "abc-defg", bad, "abc-defg"},
		{"two hyphens", "160--0022", bad, "160--0022"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkMsg(t, "郵便番号", CheckPostal("郵便番号", tt.in)); got != tt.want {
				t.Errorf("CheckPostal(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if got := NormalizePostal(tt.in); got != tt.norm {
				t.Errorf("NormalizePostal(%q) = %q, want %q", tt.in, got, tt.norm)
			}
		})
	}
}

func TestCheckEmail(t *testing.T) {
	const bad = "メールアドレスの形式が正しくありません（例: info@example.jp）"
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"plain", "info@example.jp", ""},
		{"plus and dots", "taro.yamada+news@mail.example.co.jp", ""},
		{"no at", "info.example.jp", bad},
		{"two ats", "a@b@example.jp", bad},
		{"empty local", "@example.jp", bad},
		{"domain without dot", "info@localhost", bad},
		{"domain ends with dot", "info@example.", bad},
		{"double dot", "info@example..jp", bad},
		{"display name", "Taro <info@example.jp>", "メールアドレスに空白が含まれています。空白を除いて入力してください"},
		{"angle brackets", "<info@example.jp>", bad},
		{"trailing space", "info@example.jp ", "メールアドレスに空白が含まれています。空白を除いて入力してください"},
		{"zenkaku", "ｉｎｆｏ＠ｅｘａｍｐｌｅ．ｊｐ", "メールアドレスは半角英数字で入力してください"},
		{"too long", strings.Repeat("a", 64) + "@" + strings.Repeat("b", 190) + ".jp", "メールアドレスは254文字以内で入力してください"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkMsg(t, "メールアドレス", CheckEmail("メールアドレス", tt.in)); got != tt.want {
				t.Errorf("CheckEmail(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckChoice(t *testing.T) {
	choices := []string{"電話", "窓口", "Web", "メール"}
	tests := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"listed", "窓口", ""},
		{"not listed", "FAX", "受付方法は一覧から選んでください"},
		{"case matters", "web", "受付方法は一覧から選んでください"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkMsg(t, "受付方法", CheckChoice("受付方法", tt.in, choices)); got != tt.want {
				t.Errorf("CheckChoice(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCheckChoices(t *testing.T) {
	choices := []string{"売上の減少", "調達困難", "その他"}
	tests := []struct {
		name string
		in   []string
		want string
	}{
		{"none", nil, ""},
		{"one", []string{"調達困難"}, ""},
		{"all", []string{"その他", "売上の減少", "調達困難"}, ""},
		{"not listed", []string{"売上の減少", "人手不足"}, "お困りごとは一覧から選んでください"},
		{"duplicate", []string{"その他", "その他"}, "お困りごとに同じ項目が重複しています"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkMsg(t, "お困りごと", CheckChoices("お困りごと", tt.in, choices)); got != tt.want {
				t.Errorf("CheckChoices(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseDate(t *testing.T) {
	oct1 := utcYMD(2026, 10, 1)
	tests := []struct {
		name    string
		in      string
		want    time.Time
		wantErr bool
	}{
		{"iso", "2026-10-01", oct1, false},
		{"slashes unpadded", "2026/10/1", oct1, false},
		{"dots", "2026.10.01", oct1, false},
		{"compact", "20261001", oct1, false},
		{"kanji", "2026年10月1日", oct1, false},
		{"kanji with weekday", "2026年10月1日（木）", oct1, false},
		{"wrong weekday", "2026年10月1日（金）", time.Time{}, true},
		{"zenkaku iso", "２０２６－１０－０１", oct1, false},
		{"zenkaku slashes", "２０２６／１０／１", oct1, false},
		{"spaces", " 2026 年 10 月 1 日 ", oct1, false},
		{"reiwa", "令和8年10月1日", oct1, false},
		{"reiwa zenkaku", "令和８年１０月１日", oct1, false},
		{"reiwa square sign", "㋿8年10月1日", oct1, false},
		{"reiwa gannen", "令和元年5月1日", utcYMD(2019, 5, 1), false},
		{"short letter", "R8.10.1", oct1, false},
		{"short letter padded", "R8.10.01", oct1, false},
		{"short lower-case", "r8/10/1", oct1, false},
		{"zenkaku letter", "Ｒ８．１０．１", oct1, false},
		{"first kanji", "令8.10.1", oct1, false},
		{"heisei 31 april", "H31.4.30", utcYMD(2019, 4, 30), false},
		{"heisei 31 may is reiwa", "平成31年5月1日", time.Time{}, true},
		{"showa birth date", "昭和45年3月15日", utcYMD(1970, 3, 15), false},
		{"reiwa 102", "令和102年1月1日", utcYMD(2120, 1, 1), false},
		{"reiwa year past 9999", "R7982.1.1", time.Time{}, true},
		{"last 4-digit year", "R7981.12.31", utcYMD(9999, 12, 31), false},
		{"leap day", "2024-02-29", utcYMD(2024, 2, 29), false},
		{"not a leap year", "2026-02-29", time.Time{}, true},
		{"month 13", "2026-13-01", time.Time{}, true},
		{"day 0", "2026-10-00", time.Time{}, true},
		{"two-digit year", "26-10-01", time.Time{}, true},
		{"three-digit year", "0999-01-01", time.Time{}, true},
		{"words", "来週の木曜", time.Time{}, true},
		{"empty", "", time.Time{}, true},
	}
	const msg = "予約日の日付が正しくありません（例: 2026-10-01 または 令和8年10月1日）"
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseDate("予約日", tt.in)
			if tt.wantErr {
				if m := checkMsg(t, "予約日", err); m != msg {
					t.Errorf("ParseDate(%q) = %v, %q; want error %q", tt.in, got, m, msg)
				}
				return
			}
			if err != nil || !got.Equal(tt.want) || got.Location() != time.UTC {
				t.Errorf("ParseDate(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestParseClock(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		h, m      int
		wantError bool
	}{
		{"h:mm", "9:30", 9, 30, false},
		{"hh:mm", "09:30", 9, 30, false},
		{"zenkaku", "９：３０", 9, 30, false},
		{"hmm", "930", 9, 30, false},
		{"hhmm", "1745", 17, 45, false},
		{"kanji", "9時30分", 9, 30, false},
		{"kanji hour only", "9時", 9, 0, false},
		{"midnight", "0:00", 0, 0, false},
		{"last minute", "23:59", 23, 59, false},
		{"spaces", " 9 : 30 ", 9, 30, false},
		{"hour 24", "24:00", 0, 0, true},
		{"minute 60", "9:60", 0, 0, true},
		{"one-digit minute", "9:3", 0, 0, true},
		{"hour only digits", "9", 0, 0, true},
		{"words", "朝", 0, 0, true},
		{"empty", "", 0, 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, m, err := ParseClock("開始時刻", tt.in)
			if tt.wantError {
				if got := checkMsg(t, "開始時刻", err); got != "開始時刻が正しくありません（例: 09:30）" {
					t.Errorf("ParseClock(%q) error = %q", tt.in, got)
				}
				return
			}
			if err != nil || h != tt.h || m != tt.m {
				t.Errorf("ParseClock(%q) = %d, %d, %v; want %d, %d", tt.in, h, m, err, tt.h, tt.m)
			}
		})
	}
}

// TestAspectNotDoubled: a label that already names what is wrong (日付, 時刻,
// 形式) is not repeated: "日付が正しくありません", never "日付の日付が…".
func TestAspectNotDoubled(t *testing.T) {
	tests := []struct {
		name, label string
		check       func(label string) error
		want        string
	}{
		{"date labelled 日付", "日付", func(l string) error { _, err := ParseDate(l, "2026-13-45"); return err },
			"日付が正しくありません（例: 2026-10-01 または 令和8年10月1日）"},
		{"date labelled 予約日", "予約日", func(l string) error { _, err := ParseDate(l, "2026-13-45"); return err },
			"予約日の日付が正しくありません（例: 2026-10-01 または 令和8年10月1日）"},
		{"date without label", "", func(l string) error { _, err := ParseDate(l, "x"); return err },
			"日付が正しくありません（例: 2026-10-01 または 令和8年10月1日）"},
		{"clock labelled 終了時刻", "終了時刻", func(l string) error { _, _, err := ParseClock(l, "25:00"); return err },
			"終了時刻が正しくありません（例: 09:30）"},
		{"clock labelled 時間帯", "時間帯", func(l string) error { _, _, err := ParseClock(l, "25:00"); return err },
			"時間帯の時刻が正しくありません（例: 09:30）"},
		{"clock without label", "", func(l string) error { _, _, err := ParseClock(l, "x"); return err },
			"時刻が正しくありません（例: 09:30）"},
		{"phone", "電話番号", func(l string) error { return CheckPhone(l, "12") },
			"電話番号の形式が正しくありません（例: 03-5555-0101）"},
		{"email labelled 形式", "メールの形式", func(l string) error { return CheckEmail(l, "a@") },
			"メールの形式が正しくありません（例: info@example.jp）"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := checkMsg(t, tt.label, tt.check(tt.label)); got != tt.want {
				t.Errorf("message %q, want %q", got, tt.want)
			}
		})
	}
}

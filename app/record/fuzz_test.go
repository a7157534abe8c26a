package record

import (
	"testing"
	"time"
)

func FuzzNormalizeName(f *testing.F) {
	for _, s := range []string{
		"株式会社　ヤマダ商店", "㈱ﾔﾏﾀﾞ商店", "ス－パ－", "カ \u3099", "株式株式会社会社",
		"e \u0301", "ＮＰＯ法人", "ｶﾌﾞｼｷｶﾞｲｼｬ", "\xff\xfe", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		n := NormalizeName(s)
		if again := NormalizeName(n); again != n {
			t.Errorf("NormalizeName not idempotent: %q -> %q -> %q", s, n, again)
		}
		if k := NormalizeKana(s); NormalizeKana(k) != k {
			t.Errorf("NormalizeKana not idempotent: %q -> %q", s, k)
		}
		if x := NormalizeText(s); NormalizeText(x) != x {
			t.Errorf("NormalizeText not idempotent: %q -> %q", s, x)
		}
		_ = Bigrams(n)
	})
}

func FuzzParseDate(f *testing.F) {
	for _, s := range []string{
		"2026-10-01", "2026/10/1", "2026年10月1日（木）", "令和元年5月1日", "R8.10.1",
		"平成31年5月1日", "２０２６－１０－０１", "20261001", "㋿8年10月1日", "2120.1.1", "9999-12-31", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDate("日付", s)
		if err != nil {
			return
		}
		if d.Location() != time.UTC || d.Hour() != 0 || d.Minute() != 0 || d.Second() != 0 || d.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v, not midnight UTC", s, d)
		}
		for _, text := range []string{d.Format(time.DateOnly), FormatWareki(d), FormatWarekiShort(d), FormatDateJP(d)} {
			back, err := ParseDate("日付", text)
			if err != nil || !back.Equal(d) {
				t.Errorf("ParseDate(%q) = %v; its form %q parses to %v, %v", s, d, text, back, err)
			}
		}
	})
}

func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{
		"03-5555-0101", "+81 3-5555-0101", "+81 (0)3-5555-0101", "０９０－１２３４－５６７８",
		"+81", "TEL 03", "٣٤٥", "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		p := NormalizePhone(s)
		for i := 0; i < len(p); i++ {
			if p[i] < '0' || p[i] > '9' {
				t.Fatalf("NormalizePhone(%q) = %q has a non-digit", s, p)
			}
		}
		if NormalizePhone(p) != p {
			t.Errorf("NormalizePhone not idempotent: %q -> %q", s, p)
		}
		if CheckPhone("電話番号", s) == nil && !isBlank(s) && len(p) != 10 && len(p) != 11 {
			t.Errorf("CheckPhone accepted %q with %d digits", s, len(p))
		}
	})
}

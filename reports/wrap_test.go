package reports

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// runeWidth measures every character as 1, so width is in characters.
func runeWidth(s string) float64 { return float64(utf8.RuneCountInString(s)) }

// halfWidth measures ASCII as 0.5 and everything else as 1, like a font.
func halfWidth(s string) float64 {
	w := 0.0
	for _, r := range s {
		if r < utf8.RuneSelf {
			w += 0.5
		} else {
			w++
		}
	}
	return w
}

// checkWrap fails unless the lines join back to the input without its
// newlines and every line of more than one character fits.
func checkWrap(t *testing.T, measure func(string) float64, in string, width float64, lines []string) {
	t.Helper()
	if got, want := strings.Join(lines, ""), strings.ReplaceAll(in, "\n", ""); got != want {
		t.Fatalf("characters lost or moved:\n got %q\nwant %q", got, want)
	}
	for i, ln := range lines {
		if measure(ln) > width && utf8.RuneCountInString(ln) > 1 {
			t.Errorf("line %d %q measures %v > %v", i, ln, measure(ln), width)
		}
	}
}

func TestWrapLines(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		width float64
		want  []string
	}{
		{"empty", "", 5, nil},
		{"fits", "相談票", 5, []string{"相談票"}},
		{"per character", "あいうえおかきくけこさ", 5, []string{"あいうえお", "かきくけこ", "さ"}},
		{"newline", "あい\nうえ", 5, []string{"あい", "うえ"}},
		{"blank line kept", "あ\n\nい", 5, []string{"あ", "", "い"}},
		{"period pushes char down", "あいうえお。かき", 5, []string{"あいうえ", "お。かき"}},
		{"comma pushes char down", "あいうえお、かき", 5, []string{"あいうえ", "お、かき"}},
		{"closing bracket", "あいうえお」かき", 5, []string{"あいうえ", "お」かき"}},
		{"long vowel", "あいうえおーかき", 5, []string{"あいうえ", "おーかき"}},
		{"small tsu", "あいうえおっかき", 5, []string{"あいうえ", "おっかき"}},
		{"two closers", "あいうえ。」かきく", 5, []string{"あいう", "え。」かき", "く"}},
		{"opening bracket moves down", "あいうえ「おか」", 5, []string{"あいうえ", "「おか」"}},
		{"latin word kept", "あいabcd", 5, []string{"あい", "abcd"}},
		{"number kept", "電話03-5555", 8, []string{"電話", "03-5555"}},
		{"word wider than line split", "abcdefghij", 4, []string{"abcd", "efgh", "ij"}},
		{"char wider than line", "あい", 0.5, []string{"あ", "い"}},
		{"all closers", "。。。。。。", 3, []string{"。。。", "。。。"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := WrapLines(runeWidth, tt.in, tt.width)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("WrapLines(%q, %v) = %q, want %q", tt.in, tt.width, got, tt.want)
			}
			checkWrap(t, runeWidth, tt.in, tt.width, got)
		})
	}
}

func TestWrapLinesKinsoku(t *testing.T) {
	text := longJapanese(3000)
	for _, width := range []float64{7, 10, 13, 20, 31.5} {
		lines := WrapLines(halfWidth, text, width)
		checkWrap(t, halfWidth, text, width, lines)
		for i, ln := range lines {
			if i > 0 && startsWithAny(ln, noStart) {
				t.Errorf("width %v: line %d starts with a no-start character: %q", width, i, ln)
			}
			if i < len(lines)-1 && endsWithAny(ln, noEnd) {
				t.Errorf("width %v: line %d ends with a no-end character: %q", width, i, ln)
			}
		}
	}
}

func TestWrapLinesSpecificKinsoku(t *testing.T) {
	for _, c := range []string{"。", "、", "」", "ー", "）", "ッ", "ゃ", "！", "？", "々"} {
		in := strings.Repeat("あ", 5) + c + "いう"
		lines := WrapLines(runeWidth, in, 5)
		checkWrap(t, runeWidth, in, 5, lines)
		for _, ln := range lines[1:] {
			if strings.HasPrefix(ln, c) {
				t.Errorf("%q: a line starts with %q: %q", in, c, lines)
			}
		}
	}
	for _, c := range []string{"「", "（", "『", "【"} {
		in := strings.Repeat("あ", 4) + c + "いうえ"
		lines := WrapLines(runeWidth, in, 5)
		checkWrap(t, runeWidth, in, 5, lines)
		if strings.HasSuffix(lines[0], c) {
			t.Errorf("%q: the first line ends with %q: %q", in, c, lines)
		}
	}
}

func FuzzWrapLines(f *testing.F) {
	f.Add("あいうえお。かきくけこ「さしすせそ」", 5.0)
	f.Add("abc def 03-5555-0101 テスト", 3.5)
	f.Fuzz(func(t *testing.T, s string, width float64) {
		if !utf8.ValidString(s) || width < 0 || width > 1000 || width != width {
			t.Skip()
		}
		checkWrap(t, halfWidth, s, width, WrapLines(halfWidth, s, width))
	})
}

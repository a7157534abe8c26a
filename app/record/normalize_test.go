package record

import (
	"bufio"
	"os"
	"slices"
	"strings"
	"testing"
)

func TestNormalizeText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"ascii upper to lower", "ABC Cafe", "abccafe"},
		{"zenkaku latin and digits", "ＡＢＣ１２３", "abc123"},
		{"ideographic space", "山田\u3000商店", "山田商店"},
		{"tabs and newlines", " 山田\t商店\n", "山田商店"},
		{"katakana to hiragana", "ヤマダショウテン", "やまだしょうてん"},
		{"small katakana", "ァィゥェォッャュョヮヵヶ", "ぁぃぅぇぉっゃゅょゎゕゖ"},
		{"vu", "ヴィレッジ", "ゔぃれっじ"},
		{"iteration marks", "ヽヾ", "ゝゞ"},
		{"hankaku kana with dakuten", "ﾀﾞｲｺｸﾔ", "だいこくや"},
		{"hankaku handakuten", "ﾊﾟﾝﾌﾟ", "ぱんぷ"},
		{"hankaku long vowel", "ｺｰﾋｰ", "こーひー"},
		{"long vowel kept", "コーヒー", "こーひー"},
		{"hyphen after kana becomes long vowel", "コ-ヒ-", "こーひー"},
		{"zenkaku hyphen after kana", "ス－パ－", "すーぱー"},
		{"minus sign after kana", "ス−パ−", "すーぱー"},
		{"hyphen between latin dropped", "A-One", "aone"},
		{"dash between digits dropped", "1‐2―3", "123"},
		{"leading hyphen dropped", "-やまだ", "やまだ"},
		{"nakaguro dropped", "ヤマダ・ショウテン", "やまだしょうてん"},
		{"hankaku nakaguro dropped", "ﾔﾏﾀﾞ･ｼｮｳﾃﾝ", "やまだしょうてん"},
		{"punctuation dropped", "山田、商店。Co., Ltd.", "山田商店coltd"},
		{"quotes dropped", "「山田」's \"shop\"", "山田sshop"},
		{"circled kabu kept by text", "㈱山田", "(株)山田"},
		{"zero width space dropped", "山\u200b田", "山田"},
		{"kanji untouched", "髙橋工務店", "髙橋工務店"},
		{"accented latin lowered", "CAFÉ", "café"},
		{"decomposed accent composed", "Cafe\u0301", "café"},
		{"mark joins after space removed", "カ \u3099", "が"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeText(tt.in); got != tt.want {
				t.Errorf("NormalizeText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeName(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"kabushiki gaisha prefix", "株式会社　ヤマダ商店", "やまだ商店"},
		{"kabushiki gaisha suffix", "ヤマダ商店株式会社", "やまだ商店"},
		{"paren kabu", "(株)ヤマダ商店", "やまだ商店"},
		{"zenkaku paren kabu", "（株）ヤマダ商店", "やまだ商店"},
		{"circled kabu", "㈱ﾔﾏﾀﾞ商店", "やまだ商店"},
		{"square corporation sign", "㍿ヤマダ商店", "やまだ商店"},
		{"plain hiragana", "やまだ商店", "やまだ商店"},
		{"yugen", "有限会社 さくら工房", "さくら工房"},
		{"circled yu", "㈲さくら工房", "さくら工房"},
		{"paren yu", "さくら工房（有）", "さくら工房"},
		{"godo", "合同会社ミドリ", "みどり"},
		{"paren do", "(同)ミドリ", "みどり"},
		{"goshi and gomei", "合資会社あお 合名会社あか", "あおあか"},
		{"ippan shadan", "一般社団法人 まちづくり協会", "まちづくり協会"},
		{"npo houjin kanji", "特定非営利活動法人こどもの森", "こどもの森"},
		{"npo houjin latin", "ＮＰＯ法人こどもの森", "こどもの森"},
		{"kana reading", "カブシキガイシャ ヤマダショウテン", "やまだしょうてん"},
		{"hankaku kana reading", "ﾕｳｹﾞﾝｶﾞｲｼｬｻｸﾗ", "さくら"},
		{"godo reading", "ゴウドウガイシャミドリ", "みどり"},
		{"nested forms removed until stable", "株式株式会社会社ヤマダ", "やまだ"},
		{"name in parens untouched", "カフェ(名古屋店)", "かふぇ(名古屋店)"},
		{"only a form", "株式会社", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeName(tt.in); got != tt.want {
				t.Errorf("NormalizeName(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestNormalizeNameGolden reads testdata/norm_cases.txt: input, a tab, and
// the expected NormalizeName output on each line. Lines starting with # are
// comments.
func TestNormalizeNameGolden(t *testing.T) {
	f, err := os.Open("testdata/norm_cases.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n := 0
	for line := 1; sc.Scan(); line++ {
		text := sc.Text()
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		in, want, ok := strings.Cut(text, "\t")
		if !ok {
			t.Fatalf("norm_cases.txt:%d: no tab", line)
		}
		n++
		if got := NormalizeName(in); got != want {
			t.Errorf("norm_cases.txt:%d: NormalizeName(%q) = %q, want %q", line, in, got, want)
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 30 {
		t.Errorf("norm_cases.txt has %d cases, want at least 30", n)
	}
}

func TestNormalizeKana(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "ヤマダショウテン", "やまだしょうてん"},
		{"kabushiki gaisha reading", "カブシキガイシャ ヤマダショウテン", "やまだしょうてん"},
		{"kabushiki kaisha unvoiced", "ヤマダショウテンカブシキカイシャ", "やまだしょうてん"},
		{"hankaku", "ﾕｳｹﾞﾝｶﾞｲｼｬ ｻｸﾗｺｳﾎﾞｳ", "さくらこうぼう"},
		{"goudou", "ゴウドウガイシャ　ミドリ", "みどり"},
		{"paren kabu reading", "(カブ)ヤマダ", "やまだ"},
		{"hyphen typed for long vowel", "コ－ヒ－テン", "こーひーてん"},
		{"kanji forms are not readings", "株式会社ヤマダ", "株式会社やまだ"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizeKana(tt.in); got != tt.want {
				t.Errorf("NormalizeKana(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizePhone(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"hyphens", "03-5555-0101", "0355550101"},
		{"zenkaku", "０３－５５５５－０１０１", "0355550101"},
		{"parentheses", "(03)5555-0101", "0355550101"},
		{"plus 81", "+81 3-5555-0101", "0355550101"},
		{"zenkaku plus 81", "＋８１ ９０ １２３４ ５６７８", "09012345678"},
		{"plus 81 with (0)", "+81 (0)3-5555-0101", "0355550101"},
		{"other country kept as digits", "+1 555 0100", "15550100"},
		{"letters dropped", "TEL: 03-5555-0101 内線12", "035555010112"},
		{"plus 81 alone", "+81", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := NormalizePhone(tt.in); got != tt.want {
				t.Errorf("NormalizePhone(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestBigrams(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"empty", "", nil},
		{"one rune", "や", []string{"や"}},
		{"two runes", "ab", []string{"ab"}},
		{"ascii", "abcd", []string{"ab", "bc", "cd"}},
		{"kana", "やまだ", []string{"やま", "まだ"}},
		{"repeats once", "ababa", []string{"ab", "ba"}},
		{"same rune", "ーーー", []string{"ーー"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Bigrams(tt.in); !slices.Equal(got, tt.want) || (got == nil) != (tt.want == nil) {
				t.Errorf("Bigrams(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestFoldWidth(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", ""},
		{"zenkaku digits and point", "１２．５", "12.5"},
		{"zenkaku latin keeps case", "ＡｂＣ", "AbC"},
		{"ideographic spaces trimmed", "\u3000２\u3000", "2"},
		{"inner space kept", "１　２", "1 2"},
		{"hankaku kana to full width", "ﾀﾞｲｺｸﾔ", "ダイコクヤ"},
		{"kana kept", "ヤマダ", "ヤマダ"},
		{"circled kabu", "㈱", "(株)"},
		{"zenkaku signs", "－３＋", "-3+"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := FoldWidth(tt.in); got != tt.want {
				t.Errorf("FoldWidth(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestParseWholeNumber(t *testing.T) {
	tests := []struct {
		in     string
		want   int64
		wantOK bool
	}{
		{"", 0, true},
		{"\u3000", 0, true},
		{"30", 30, true},
		{"３０", 30, true},
		{"1,200", 1200, true},
		{"１，２００円", 1200, true},
		{"5,000,000円", 5000000, true},
		{"1 200", 1200, true},
		{"-5", -5, true},
		{"2.5", 0, false},
		{"三十", 0, false},
		{"30人", 0, false},
		{"99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		n, ok := ParseWholeNumber(tt.in)
		if ok != tt.wantOK || (ok && n != tt.want) {
			t.Errorf("ParseWholeNumber(%q) = %d, %v; want %d, %v", tt.in, n, ok, tt.want, tt.wantOK)
		}
	}
}

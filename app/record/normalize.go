package record

import (
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// maxNormPasses bounds the fixed-point loops below. One pass is almost always
// enough; a second is needed only when a removed character lets a combining
// mark join the character before it.
const maxNormPasses = 8

// companyForms are the company-form words NormalizeName removes, written as
// NormalizeText leaves them (NFKC, lower case, hiragana, no spaces). Where two
// forms start at the same place the longer one comes first.
var companyForms = []string{
	"特定非営利活動法人", "一般社団法人", "一般財団法人", "公益社団法人", "公益財団法人",
	"社会福祉法人", "株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "医療法人",
	"npo法人",
	"(株)", "(有)", "(同)", "(資)", "(名)", "(社)", "(財)", "(医)",
}

// companyReadings are the kana readings of the company forms, removed by both
// NormalizeName and NormalizeKana.
var companyReadings = []string{
	"かぶしきがいしゃ", "かぶしきかいしゃ", "ゆうげんがいしゃ", "ゆうげんかいしゃ",
	"ごうどうがいしゃ", "ごうしがいしゃ", "ごうめいがいしゃ",
	"(かぶ)", "(ゆう)",
}

// nameReplacer and kanaReplacer delete the forms above. A strings.Replacer is
// safe for concurrent use and never changes after it is built.
var (
	nameReplacer = newDeleter(append(append([]string{}, companyForms...), companyReadings...))
	kanaReplacer = newDeleter(companyReadings)
)

func newDeleter(words []string) *strings.Replacer {
	pairs := make([]string, 0, 2*len(words))
	for _, w := range words {
		pairs = append(pairs, w, "")
	}
	return strings.NewReplacer(pairs...)
}

// NormalizeText folds s into the form used for matching, never for display:
// NFKC (全角 letters and digits to 半角, ﾊﾝｶｸ kana to full-width with their
// dakuten joined, ㈱ to (株)); Latin letters to lower case; katakana ァ–ヶ and
// ヽヾ to hiragana (ヴ to ゔ); all white space (U+3000 too), control and format
// characters removed; the punctuation ・ . , 、 。 ' " ! ? and quotes removed.
// The long-vowel mark ー is kept, and a hyphen-like character (- ‐ ‑ ‒ – — ―
// − －) right after kana or ー becomes ー, since people type it for ー in kana
// names; anywhere else it is removed.
//
// NormalizeText is idempotent: NormalizeText(NormalizeText(s)) ==
// NormalizeText(s).
func NormalizeText(s string) string {
	return fixedPoint(s, func(s string) string { return foldRunes(norm.NFKC.String(s)) })
}

// NormalizeName is NormalizeText followed by the removal of company-form words
// wherever they appear: 株式会社, (株), ㈱, 有限会社, (有), ㈲, 合同会社, (同),
// 合資会社, 合名会社, 一般社団法人, 一般財団法人, 特定非営利活動法人, NPO法人
// and a few more, and their kana readings (かぶしきがいしゃ, ゆうげんがいしゃ,
// ごうどうがいしゃ …). So "株式会社　ヤマダ商店", "(株)ヤマダ商店",
// "㈱ﾔﾏﾀﾞ商店" and "やまだ商店" all give "やまだ商店". It is idempotent.
func NormalizeName(s string) string {
	return fixedPoint(s, func(s string) string { return nameReplacer.Replace(NormalizeText(s)) })
}

// NormalizeKana is NormalizeText for a フリガナ field, with the kana readings
// of company forms (カブシキガイシャ, ユウゲンガイシャ, ゴウドウガイシャ …)
// removed. It is idempotent.
func NormalizeKana(s string) string {
	return fixedPoint(s, func(s string) string { return kanaReplacer.Replace(NormalizeText(s)) })
}

// NormalizePhone keeps only the ASCII digits of s after NFKC, so 全角 digits
// count. A leading +81 (Japan) becomes the trunk prefix 0: "+81 3-5555-0101"
// and "+81 (0)3-5555-0101" both give "0355550101". The result may be empty.
func NormalizePhone(s string) string {
	s = strings.TrimSpace(norm.NFKC.String(s))
	intl := strings.HasPrefix(s, "+81")
	if intl {
		s = s[len("+81"):]
	}
	var b strings.Builder
	for _, r := range s {
		if r < '0' || r > '9' {
			continue
		}
		if intl && b.Len() == 0 && r != '0' {
			b.WriteByte('0') // "+81 3…" gets its 0; "+81 (0)3…" has it
		}
		b.WriteRune(r)
	}
	return b.String()
}

// FoldWidth folds what people type into a field for parsing: NFKC (全角
// letters, digits and signs to ASCII, ﾊﾝｶｸ kana to full width, ㈱ to (株)),
// then white space (U+3000 too) trimmed at both ends. Unlike NormalizeText
// it keeps case, kana, punctuation and inner spaces: "　１２．５　" gives
// "12.5".
func FoldWidth(s string) string { return strings.TrimSpace(norm.NFKC.String(s)) }

// ParseWholeNumber reads a whole number as people type it: 全角 digits,
// thousands separators, spaces and 円 are allowed, so "１，２００円" and
// "1 200" give 1200. Empty text gives 0; ok is false for text that is not a
// whole number (a decimal point, letters, a number beyond int64).
func ParseWholeNumber(s string) (n int64, ok bool) {
	s = strings.NewReplacer(",", "", "円", "", " ", "").Replace(FoldWidth(s))
	if s == "" {
		return 0, true
	}
	n, err := strconv.ParseInt(s, 10, 64)
	return n, err == nil
}

// Bigrams returns the rune bigrams of an already normalised string, unique
// and in first-seen order: "abcd" gives ["ab" "bc" "cd"]. A one-rune string
// gives itself; the empty string gives nil.
func Bigrams(s string) []string {
	rs := []rune(s)
	switch len(rs) {
	case 0:
		return nil
	case 1:
		return []string{s}
	}
	seen := make(map[string]bool, len(rs))
	out := make([]string, 0, len(rs)-1)
	for i := 0; i+1 < len(rs); i++ {
		g := string(rs[i : i+2])
		if !seen[g] {
			seen[g] = true
			out = append(out, g)
		}
	}
	return out
}

// fixedPoint applies pass until the string stops changing.
func fixedPoint(s string, pass func(string) string) string {
	for range maxNormPasses {
		t := pass(s)
		if t == s {
			return t
		}
		s = t
	}
	return s
}

// foldRunes does the per-rune part of NormalizeText on an NFKC string.
func foldRunes(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	var prev rune // last rune written
	for _, r := range s {
		switch {
		case dropRune(r):
			continue
		case isHyphen(r):
			if !isKana(prev) && prev != 'ー' {
				continue
			}
			r = 'ー'
		case r >= 'ァ' && r <= 'ヶ', r == 'ヽ', r == 'ヾ':
			r -= 'ァ' - 'ぁ'
		case unicode.Is(unicode.Latin, r):
			r = unicode.ToLower(r)
		}
		b.WriteRune(r)
		prev = r
	}
	return b.String()
}

// dropRune reports white space, control and format characters and the
// punctuation NormalizeText removes.
func dropRune(r rune) bool {
	if unicode.IsSpace(r) || unicode.Is(unicode.Cc, r) || unicode.Is(unicode.Cf, r) {
		return true
	}
	switch r {
	case '・', '·', '.', ',', '、', '。', '\'', '"', '!', '?',
		'‘', '’', '“', '”', '「', '」', '『', '』':
		return true
	}
	return false
}

// isHyphen reports the characters people type for a dash or for ー.
func isHyphen(r rune) bool {
	return r == '-' || (r >= '‐' && r <= '―') || r == '−' || r == '－'
}

// isKana reports a hiragana or katakana letter (not ー).
func isKana(r rune) bool {
	return (r >= 'ぁ' && r <= 'ゖ') || (r >= 'ァ' && r <= 'ヺ') || r == 'ゝ' || r == 'ゞ'
}

package reports

import (
	"slices"
	"strings"
	"unicode/utf8"
)

// noStart holds the characters no line may start with (行頭禁則).
const noStart = "、。，．・：；？！ー」』）］｝〕〉》】〙〗〟’”ゝゞヽヾ々〻" +
	"ぁぃぅぇぉっゃゅょゎゕゖァィゥェォッャュョヮヵヶㇰㇱㇲㇳㇴㇵㇶㇷㇸㇹㇺㇻㇼㇽㇾㇿ" +
	"‐゠–〜～…‥%％),.:;?!]}"

// noEnd holds the characters no line may end with (行末禁則).
const noEnd = "「『（［｛〔〈《【〘〖〝‘“([{"

// WrapLines breaks text into lines that each measure at most width, for
// drawing one line at a time. It breaks per character (not per word), honours
// '\n' (each newline starts a new line; an empty paragraph gives an empty
// line), keeps a run of Latin letters, digits and ASCII punctuation together
// when it fits on a line, and applies basic 禁則: a line does not start with
// a character of noStart (。、」ー っ …) nor end with one of noEnd (「（ …);
// the character before the break is pushed down to the next line instead
// (追い出し), so every line still fits. A single character wider than width
// gets a line of its own.
//
// It never drops or reorders a character: strings.Join(lines, "") equals
// text without its '\n' characters. An empty text gives no lines.
func WrapLines(measure func(string) float64, text string, width float64) []string {
	if text == "" {
		return nil
	}
	var lines []string
	for _, para := range strings.Split(text, "\n") {
		lines = append(lines, wrapParagraph(measure, units(para), width)...)
	}
	return lines
}

// units splits a paragraph into the pieces a line may break between: a run
// of printable ASCII other than the space is one piece, every other
// character is a piece of its own.
func units(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		word := r > ' ' && r < utf8.RuneSelf
		if word && start < 0 {
			start = i
		}
		if !word {
			if start >= 0 {
				out = append(out, s[start:i])
				start = -1
			}
			out = append(out, string(r))
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// wrapParagraph fills lines greedily with units, splitting a unit that is
// wider than a whole line into characters, and moving units across each
// break as 禁則 requires.
func wrapParagraph(measure func(string) float64, us []string, width float64) []string {
	lines := []string{}
	var cur []string
	for i := 0; i < len(us); i++ {
		u := us[i]
		if measure(strings.Join(cur, "")+u) <= width {
			cur = append(cur, u)
			continue
		}
		if len(cur) == 0 {
			if utf8.RuneCountInString(u) > 1 {
				us = splitUnit(us, i)
				i--
				continue
			}
			cur = append(cur, u) // one character wider than the line
			continue
		}
		var carry []string
		cur, carry = kinsoku(cur, u)
		lines = append(lines, strings.Join(cur, ""))
		cur = carry
		i-- // place u again after the carried units
	}
	return append(lines, strings.Join(cur, ""))
}

// splitUnit replaces us[i] by its characters.
func splitUnit(us []string, i int) []string {
	chars := strings.Split(us[i], "")
	out := make([]string, 0, len(us)+len(chars))
	out = append(out, us[:i]...)
	out = append(out, chars...)
	return append(out, us[i+1:]...)
}

// kinsoku decides where a full line cur breaks before unit next: it keeps
// the most units on the line such that the next line does not start with a
// noStart character and the line does not end with a noEnd one; the units
// after the break move down. When no break point obeys both rules, the line
// breaks where it is full. At least one unit stays, so wrapping advances.
func kinsoku(cur []string, next string) (line, carry []string) {
	for k := len(cur); k >= 1; k-- {
		first := next
		if k < len(cur) {
			first = cur[k]
		}
		if !startsWithAny(first, noStart) && !endsWithAny(cur[k-1], noEnd) {
			return cur[:k], slices.Clone(cur[k:])
		}
	}
	return cur, nil
}

// startsWithAny reports whether s starts with one of the characters in set.
func startsWithAny(s, set string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return s != "" && strings.ContainsRune(set, r)
}

// endsWithAny reports whether s ends with one of the characters in set.
func endsWithAny(s, set string) bool {
	r, _ := utf8.DecodeLastRuneInString(s)
	return s != "" && strings.ContainsRune(set, r)
}

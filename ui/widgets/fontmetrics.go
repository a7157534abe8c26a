package widgets

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math"

	"github.com/go-text/typesetting/font"
)

// The text box of every label, entry and button is as tall as the font's
// line metrics say: Fyne draws each text into an image from the ascender
// above the baseline to the descender below it (hhea, or OS/2 typo when the
// font asks for it) and cuts whatever ink lies outside.
//
// IPAex Gothic declares an ascender of 1802 and a descender of -246 units
// (of 2048) in both hhea and OS/2 typo: exactly the ideographic em box,
// right for kanji and kana. Its Latin letters go further: g, j and q reach
// -401 (y -385, the underscore -240 with its stroke at -138..-240), and
// accented capitals such as Å reach 1905, Ç -510. At the medium size
// (14 px) the box ended 1.7 px below the baseline while the tails went to
// 2.7 px, so 「yamada」 read 「vamada」, 「.jp」 read 「.ip」 and the
// underscore, drawn on the box's last row or below it, disappeared.
//
// The font itself states the bounds its glyphs need for Windows
// (usWinAscent 1802, usWinDescent 401), but Fyne reads hhea. So the theme
// gives Fyne a copy of the font, made in memory the first time the window
// asks for its font, whose hhea and OS/2 ascender and descender cover the
// ink of the Latin, punctuation and kana glyphs the window shows (measured
// from the font, not typed in here): 1905 and -510, a line of 1.18 em
// instead of 1.0 em (Fyne's default font, Noto Sans, has 1.36 em, and the
// theme's sizes and paddings are Fyne's). The baseline moves 0.7 px down in
// its box and every text box grows by about 2.5 px at the medium size;
// glyph shapes, advances and kerning are unchanged. Padding alone could not
// fix this: the ink is cut inside the text's own image, before any padding
// around it.
//
// The IPA Font License Agreement v1.0 (assets/fonts) lets a recipient
// create and use a Derived Program (Article 2, paragraph 7); its conditions
// (Article 3, paragraph 1) apply when a derived font is redistributed. This
// copy is never written out or shipped: the program carries the unmodified
// ipaexg.ttf with its licence, and PDFs embed the unmodified font.

// lineMetricRanges are the characters whose ink the line metrics must
// cover: Latin (with Latin-1 and Extended-A/B, for names and addresses),
// general punctuation, CJK symbols and kana, and the full-width forms.
// Kanji are drawn inside the em box and are not measured.
var lineMetricRanges = [][2]rune{
	{0x0020, 0x024F},
	{0x2000, 0x206F},
	{0x3000, 0x30FF},
	{0xFF00, 0xFFEF},
}

// lineMetrics are a font's vertical line bounds in font units: ascent
// above the baseline, descent below it (both positive) and the line gap.
type lineMetrics struct {
	Ascent, Descent, Gap int
}

// fontLineMetrics returns the line metrics a font declares in hhea, as
// Fyne reads them (OS/2 typo when the font's USE_TYPO_METRICS bit is set).
func fontLineMetrics(ttf []byte) (lineMetrics, error) {
	f, err := font.ParseTTF(bytes.NewReader(ttf))
	if err != nil {
		return lineMetrics{}, err
	}
	return faceLineMetrics(f)
}

// faceLineMetrics is fontLineMetrics for a parsed font.
func faceLineMetrics(f *font.Face) (lineMetrics, error) {
	ext, ok := f.FontHExtents()
	if !ok {
		return lineMetrics{}, errors.New("font has no horizontal line metrics")
	}
	return lineMetrics{Ascent: int(ext.Ascender), Descent: int(-ext.Descender), Gap: int(ext.LineGap)}, nil
}

// inkBounds returns the highest and lowest ink (font units, descent
// positive) of the font's glyphs for the characters in ranges.
func inkBounds(f *font.Face, ranges [][2]rune) (ascent, descent int) {
	for _, rg := range ranges {
		for r := rg[0]; r <= rg[1]; r++ {
			gid, ok := f.NominalGlyph(r)
			if !ok {
				continue
			}
			e, ok := f.GlyphExtents(gid)
			if !ok {
				continue
			}
			top, bottom := e.YBearing, e.YBearing+e.Height
			ascent = max(ascent, int(math.Ceil(float64(top))))
			descent = max(descent, int(math.Ceil(float64(-bottom))))
		}
	}
	return ascent, descent
}

// sfntTables returns the offset of each table's record in the table
// directory of a TrueType/OpenType file.
func sfntTables(ttf []byte) (map[string]int, error) {
	if len(ttf) < 12 {
		return nil, errors.New("font file too short")
	}
	n := int(binary.BigEndian.Uint16(ttf[4:]))
	if len(ttf) < 12+16*n {
		return nil, errors.New("font table directory cut short")
	}
	recs := make(map[string]int, n)
	for i := 0; i < n; i++ {
		rec := 12 + 16*i
		off := int(binary.BigEndian.Uint32(ttf[rec+8:]))
		length := int(binary.BigEndian.Uint32(ttf[rec+12:]))
		if off < 0 || length < 0 || off+length > len(ttf) {
			return nil, fmt.Errorf("font table %q out of the file", ttf[rec:rec+4])
		}
		recs[string(ttf[rec:rec+4])] = rec
	}
	return recs, nil
}

// tableData returns the bytes of the table whose record is at rec.
func tableData(ttf []byte, rec int) []byte {
	off := binary.BigEndian.Uint32(ttf[rec+8:])
	length := binary.BigEndian.Uint32(ttf[rec+12:])
	return ttf[off : off+length]
}

// sfntChecksum is the OpenType checksum: the sum of big-endian uint32
// words, the last one padded with zeros.
func sfntChecksum(b []byte) uint32 {
	var sum uint32
	for i := 0; i < len(b); i += 4 {
		var w [4]byte
		copy(w[:], b[i:])
		sum += binary.BigEndian.Uint32(w[:])
	}
	return sum
}

// withLineMetrics returns a copy of a TrueType/OpenType font whose hhea
// ascender/descender and OS/2 typo and win ascender/descender are ascent
// and descent (font units, descent positive), the line gap as it was, and
// whose checksums are made right again. The original is not changed.
func withLineMetrics(ttf []byte, ascent, descent int) ([]byte, error) {
	if ascent <= 0 || descent < 0 || ascent > math.MaxInt16 || descent > math.MaxInt16 {
		return nil, fmt.Errorf("line metrics %d/%d out of range", ascent, descent)
	}
	recs, err := sfntTables(ttf)
	if err != nil {
		return nil, err
	}
	hheaRec, ok1 := recs["hhea"]
	os2Rec, ok2 := recs["OS/2"]
	headRec, ok3 := recs["head"]
	if !ok1 || !ok2 || !ok3 {
		return nil, errors.New("font has no hhea, OS/2 or head table")
	}
	out := bytes.Clone(ttf)
	hhea, os2, head := tableData(out, hheaRec), tableData(out, os2Rec), tableData(out, headRec)
	if len(hhea) < 36 || len(os2) < 78 || len(head) < 54 {
		return nil, errors.New("font's hhea, OS/2 or head table too short")
	}
	be := binary.BigEndian
	be.PutUint16(hhea[4:], uint16(int16(ascent)))
	be.PutUint16(hhea[6:], uint16(int16(-descent)))
	be.PutUint16(os2[68:], uint16(int16(ascent)))
	be.PutUint16(os2[70:], uint16(int16(-descent)))
	be.PutUint16(os2[74:], uint16(ascent))
	be.PutUint16(os2[76:], uint16(descent))

	// The table checksums, then head's checkSumAdjustment over the file.
	be.PutUint32(head[8:], 0)
	for _, rec := range []int{hheaRec, os2Rec, headRec} {
		be.PutUint32(out[rec+4:], sfntChecksum(tableData(out, rec)))
	}
	be.PutUint32(head[8:], 0xB1B0AFBA-sfntChecksum(out))
	return out, nil
}

// fixLineMetrics returns the font with line metrics that cover the ink of
// the characters in lineMetricRanges (never smaller than what the font
// declares in hhea or OS/2 win), together with the metrics before and
// after.
func fixLineMetrics(ttf []byte) (fixed []byte, before, after lineMetrics, err error) {
	f, err := font.ParseTTF(bytes.NewReader(ttf))
	if err != nil {
		return nil, before, before, err
	}
	if before, err = faceLineMetrics(f); err != nil {
		return nil, before, before, err
	}
	asc, desc := inkBounds(f, lineMetricRanges)
	recs, err := sfntTables(ttf)
	if err != nil {
		return nil, before, before, err
	}
	if rec, ok := recs["OS/2"]; ok {
		if os2 := tableData(ttf, rec); len(os2) >= 78 {
			asc = max(asc, int(binary.BigEndian.Uint16(os2[74:])))
			desc = max(desc, int(binary.BigEndian.Uint16(os2[76:])))
		}
	}
	after = lineMetrics{Ascent: max(asc, before.Ascent), Descent: max(desc, before.Descent), Gap: before.Gap}
	fixed, err = withLineMetrics(ttf, after.Ascent, after.Descent)
	return fixed, before, after, err
}

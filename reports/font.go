package reports

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"slices"
	"unicode/utf8"

	"github.com/jung-kurt/gofpdf"
)

// face is the font parsed once per Renderer: the widths gofpdf gives every
// character, which glyph each character has, and each glyph's outline and
// metrics. It is read-only once made, so concurrent renders share it.
//
// gofpdf would parse all 6 MB of IPAex Gothic in every document (walking
// its cmap of some 15,000 characters and its 12,000 glyph metrics), and
// again when it writes the font subset. Instead each document gets its own
// small TrueType font cut from face, with a cmap of only the characters the
// document draws and only their glyphs (see subset). gofpdf reads and
// subsets that one as usual, in a few milliseconds, and the font it embeds
// is byte for byte the one it makes from the whole font.
type face struct {
	font   []byte
	tables map[string][]byte // the tables copied into every subset, by tag
	glyf   []byte
	loca   []uint32 // glyph outline offsets into glyf, numGlyphs+1 of them
	// metrics holds each glyph's advance width and left side bearing as
	// the four bytes of a long hmtx entry.
	metrics []uint32
	// gid is the glyph of each BMP character as gofpdf reads the format 4
	// cmap; -1 when no cmap segment covers the character.
	gid []int32
	// widths is what gofpdf's GetStringSymbolWidth gives each BMP character
	// (thousandths of the font size).
	widths []int32
}

// Tables a subset takes from the font. gofpdf reads name, head, hhea, OS/2,
// post, maxp and hmtx, and copies cvt, fpgm, prep and gasp into the font it
// embeds; cmap, loca, glyf and hmtx are made for each subset, head, hhea and
// maxp are copied with the glyph count and loca format changed, post
// keeps only its header (gofpdf embeds a version 3 post made of it, without
// glyph names), and layout tables (GSUB, GPOS, vmtx, …) are left out as
// gofpdf drops them.
var copiedTables = []string{"OS/2", "cvt ", "fpgm", "gasp", "hhea", "maxp", "name", "prep"}

// parseFace reads the table directory, cmap, loca and hmtx of a TrueType
// font, and measures every BMP character with gofpdf itself, so that
// doc.width gives exactly what gofpdf's GetStringWidth would with the whole
// font.
func parseFace(font []byte) (*face, error) {
	fc := &face{font: font, tables: map[string][]byte{}}
	if len(font) < 12 {
		return nil, errors.New("font: too short")
	}
	if v := binary.BigEndian.Uint32(font); v != 0x00010000 && v != 0x74727565 {
		return nil, fmt.Errorf("font: not a TrueType font (%#x)", v)
	}
	all := map[string][]byte{}
	n := int(binary.BigEndian.Uint16(font[4:]))
	for i := range n {
		rec := font[min(len(font), 12+16*i):]
		if len(rec) < 16 {
			return nil, errors.New("font: truncated table directory")
		}
		off, length := int(binary.BigEndian.Uint32(rec[8:])), int(binary.BigEndian.Uint32(rec[12:]))
		if off < 0 || length < 0 || off+length > len(font) {
			return nil, fmt.Errorf("font: table %q out of range", rec[:4])
		}
		all[string(rec[:4])] = font[off : off+length : off+length]
	}
	for _, tag := range []string{"head", "hhea", "maxp", "hmtx", "cmap", "loca", "glyf", "name", "OS/2", "post"} {
		if all[tag] == nil {
			return nil, fmt.Errorf("font: no %s table", tag)
		}
	}
	for _, tag := range copiedTables {
		if t, ok := all[tag]; ok {
			fc.tables[tag] = t
		}
	}
	fc.tables["head"], fc.glyf = all["head"], all["glyf"]
	if len(all["head"]) < 54 || len(all["hhea"]) < 36 || len(all["maxp"]) < 6 || len(all["post"]) < 32 {
		return nil, errors.New("font: short head, hhea, maxp or post")
	}
	post := bytes.Clone(all["post"][:32])
	binary.BigEndian.PutUint32(post, 0x00030000)
	fc.tables["post"] = post
	numGlyphs := int(binary.BigEndian.Uint16(all["maxp"][4:]))
	var err error
	if fc.loca, err = parseLoca(all["loca"], binary.BigEndian.Uint16(all["head"][50:]), numGlyphs, len(fc.glyf)); err != nil {
		return nil, err
	}
	if fc.metrics, err = parseHmtx(all["hmtx"], int(binary.BigEndian.Uint16(all["hhea"][34:])), numGlyphs); err != nil {
		return nil, err
	}
	if fc.gid, err = parseCmap(all["cmap"]); err != nil {
		return nil, err
	}
	if err := fc.measure(); err != nil {
		return nil, err
	}
	return fc, nil
}

// parseLoca reads the glyph offsets.
func parseLoca(loca []byte, format uint16, numGlyphs, glyfLen int) ([]uint32, error) {
	out := make([]uint32, numGlyphs+1)
	for i := range out {
		switch {
		case format == 0 && len(loca) >= 2*i+2:
			out[i] = 2 * uint32(binary.BigEndian.Uint16(loca[2*i:]))
		case format == 1 && len(loca) >= 4*i+4:
			out[i] = binary.BigEndian.Uint32(loca[4*i:])
		default:
			return nil, errors.New("font: bad loca table")
		}
		if int(out[i]) > glyfLen || i > 0 && out[i] < out[i-1] {
			return nil, errors.New("font: loca points outside glyf")
		}
	}
	return out, nil
}

// parseHmtx reads the metrics of every glyph: a glyph past the long
// metrics has the last advance width, and its own left side bearing.
func parseHmtx(hmtx []byte, long, numGlyphs int) ([]uint32, error) {
	if long < 1 || long > numGlyphs || len(hmtx) < 4*long+2*(numGlyphs-long) {
		return nil, errors.New("font: bad hmtx table")
	}
	out := make([]uint32, numGlyphs)
	for g := range out {
		if g < long {
			out[g] = binary.BigEndian.Uint32(hmtx[4*g:])
		} else {
			out[g] = out[long-1]&0xFFFF0000 | uint32(binary.BigEndian.Uint16(hmtx[2*long+2*g:]))
		}
	}
	return out, nil
}

// parseCmap maps every BMP character to its glyph the way gofpdf does
// (utf8FontFile.generateSCCSDictionaries): the first Unicode subtable of
// format 4, platform 3 encoding 1 or platform 0, including its quirks, so
// that a subset's cmap gives gofpdf the same characters as the full font.
func parseCmap(cmap []byte) ([]int32, error) {
	u16 := func(p int) int {
		if p < 0 || p+2 > len(cmap) {
			return 0
		}
		return int(binary.BigEndian.Uint16(cmap[p:]))
	}
	sub := -1
	for i := range u16(2) {
		rec := 4 + 8*i
		platform, encoding := u16(rec), u16(rec+2)
		off := u16(rec+4)<<16 | u16(rec+6)
		if (platform == 3 && encoding == 1 || platform == 0) && u16(off) == 4 {
			sub = off
			break
		}
	}
	if sub < 0 {
		return nil, errors.New("font: no Unicode cmap of format 4")
	}
	rim := sub + u16(sub+2)
	segs := u16(sub+6) / 2
	ends, starts, deltas, ranges := sub+14, sub+16+2*segs, sub+16+4*segs, sub+16+6*segs
	if ranges+2*segs > len(cmap) {
		return nil, errors.New("font: truncated cmap")
	}
	gid := make([]int32, 0x10000)
	for i := range gid {
		gid[i] = -1
	}
	for n := range segs {
		start, end, delta, ro := u16(starts+2*n), u16(ends+2*n), int(int16(u16(deltas+2*n))), u16(ranges+2*n)
		for c := start; c <= end; c++ {
			var g int
			if ro == 0 {
				g = (c + delta) & 0xFFFF
			} else if p := ranges + 2*n + ro + 2*(c-start); p < rim {
				if g = u16(p); g != 0 {
					g = (g + delta) & 0xFFFF
				}
			}
			gid[c] = int32(g)
		}
	}
	return gid, nil
}

// measure asks gofpdf, with the whole font loaded once, for the width of
// every BMP character.
func (fc *face) measure() error {
	p := gofpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes("f", "", bytes.Clone(fc.font))
	p.SetFont("f", "", bodySize)
	if err := p.Error(); err != nil {
		return fmt.Errorf("font: %w", err)
	}
	fc.widths = make([]int32, 0x10000)
	var buf [utf8.UTFMax]byte
	for r := range rune(0x10000) {
		if utf8.ValidRune(r) {
			fc.widths[r] = int32(p.GetStringSymbolWidth(string(buf[:utf8.EncodeRune(buf[:], r)])))
		}
	}
	return nil
}

// symbolWidth is gofpdf's GetStringSymbolWidth of s with the whole font,
// but for a character beyond the BMP, which measures as the geta doc.text
// draws in its place.
func (fc *face) symbolWidth(s string) int {
	w := 0
	for _, r := range s {
		if r > 0xFFFF {
			r = geta
		}
		w += int(fc.widths[r])
	}
	return w
}

// runeSet is a set of BMP characters; characters beyond the BMP are not
// kept, as gofpdf has no glyphs for them (it reads only the format 4 cmap).
type runeSet [0x10000 / 64]uint64

func (s *runeSet) addString(str string) {
	for _, r := range str {
		if r < 0x10000 {
			s[r/64] |= 1 << (r % 64)
		}
	}
}

// within reports whether every character of s is in t.
func (s *runeSet) within(t *runeSet) bool {
	for i := range s {
		if s[i]&^t[i] != 0 {
			return false
		}
	}
	return true
}

// each calls f for every character in s, in order.
func (s *runeSet) each(f func(rune)) {
	for i, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			f(rune(i*64 + b))
			w &^= 1 << b
		}
	}
}

// maxSegments bounds the cmap of a subset: a format 4 subtable is at most
// 65535 bytes, 16 + 8 per segment.
const maxSegments = 8000

// subset makes a TrueType font with the characters of used and those up to
// U+00FF, for gofpdf to load in place of the whole font: a cmap of just
// those characters, and their glyphs (with the glyphs their composite glyphs
// are made of) numbered anew in the font's order, with their outlines and
// metrics. The other tables are the font's. gofpdf then subsets this font
// when it writes the document, keeping the glyphs the document draws, in
// the same order and so with the same numbers as from the whole font.
//
// The characters up to U+00FF are in every subset because gofpdf writes the
// widths of all of them into the document whether they are used or not.
// subset returns nil when the characters need a larger cmap than format 4
// can hold; the caller then uses the whole font.
func (fc *face) subset(used *runeSet) []byte {
	chars := *used
	for i := range 4 {
		chars[i] = ^uint64(0) // U+0000–U+00FF
	}
	// Which glyphs, and their new numbers (0 for a glyph left out).
	renum := make([]uint16, len(fc.loca)-1)
	renum[0] = 1 // .notdef
	chars.each(func(r rune) {
		if g := fc.gid[r]; g > 0 && int(g) < len(renum) {
			fc.addGlyph(renum, int(g), 0)
		}
	})
	var glyphs []int // old numbers in order
	for g, on := range renum {
		if on != 0 {
			renum[g] = uint16(len(glyphs))
			glyphs = append(glyphs, g)
		}
	}

	// cmap: one format 4 subtable for platform 3 encoding 1, a segment per
	// run of characters whose glyphs follow each other.
	type seg struct{ start, end, delta int }
	var segs []seg
	chars.each(func(r rune) {
		g := fc.gid[r]
		if g < 0 || r == 0xFFFF {
			return
		}
		c, n := int(r), 0
		if int(g) < len(renum) {
			n = int(renum[g])
		}
		delta := (n - c) & 0xFFFF
		if k := len(segs); k > 0 && segs[k-1].end == c-1 && segs[k-1].delta == delta {
			segs[k-1].end = c
			return
		}
		segs = append(segs, seg{c, c, delta})
	})
	segs = append(segs, seg{0xFFFF, 0xFFFF, 1})
	if len(segs) > maxSegments {
		return nil
	}
	n := len(segs)
	cmap := make([]byte, 12+16+8*n)
	put16(cmap[2:], 1)
	put16(cmap[4:], 3)
	put16(cmap[6:], 1)
	binary.BigEndian.PutUint32(cmap[8:], 12)
	sub := cmap[12:]
	put16(sub, 4)
	put16(sub[2:], len(sub))
	put16(sub[6:], 2*n)
	pow := 1 << (bits.Len(uint(n)) - 1)
	put16(sub[8:], 2*pow)
	put16(sub[10:], bits.Len(uint(pow))-1)
	put16(sub[12:], 2*n-2*pow)
	for i, s := range segs {
		put16(sub[14+2*i:], s.end)
		put16(sub[16+2*n+2*i:], s.start)
		put16(sub[16+4*n+2*i:], s.delta)
	}

	// glyf, loca (long offsets) and hmtx (a full metric for every glyph).
	size := 0
	for _, g := range glyphs {
		size += int(fc.loca[g+1] - fc.loca[g])
	}
	glyf := make([]byte, 0, size)
	loca := make([]byte, 4*len(glyphs)+4)
	hmtx := make([]byte, 4*len(glyphs))
	for i, g := range glyphs {
		start := len(glyf)
		glyf = append(glyf, fc.glyf[fc.loca[g]:fc.loca[g+1]]...)
		forComponents(glyf[start:], func(ref []byte) {
			put16(ref, int(renum[binary.BigEndian.Uint16(ref)]))
		})
		binary.BigEndian.PutUint32(loca[4*i+4:], uint32(len(glyf)))
		binary.BigEndian.PutUint32(hmtx[4*i:], fc.metrics[g])
	}
	head := bytes.Clone(fc.tables["head"])
	put16(head[50:], 1) // indexToLocFormat: long
	clear(head[8:12])   // checkSumAdjustment
	hhea := bytes.Clone(fc.tables["hhea"])
	put16(hhea[34:], len(glyphs)) // numberOfHMetrics
	maxp := bytes.Clone(fc.tables["maxp"])
	put16(maxp[4:], len(glyphs)) // numGlyphs
	tables := map[string][]byte{"cmap": cmap, "glyf": glyf, "head": head, "hhea": hhea, "hmtx": hmtx, "loca": loca, "maxp": maxp}
	for tag, t := range fc.tables {
		if tables[tag] == nil {
			tables[tag] = t
		}
	}
	return assemble(tables)
}

func put16(b []byte, v int) { binary.BigEndian.PutUint16(b, uint16(v)) }

// addGlyph marks glyph g and, for a composite glyph, the glyphs it is made
// of (depth bounds a malformed font's cycles).
func (fc *face) addGlyph(marked []uint16, g, depth int) {
	marked[g] = 1
	if depth > 8 {
		return
	}
	forComponents(fc.glyf[fc.loca[g]:fc.loca[g+1]], func(ref []byte) {
		if c := int(binary.BigEndian.Uint16(ref)); c < len(marked) && marked[c] == 0 {
			fc.addGlyph(marked, c, depth+1)
		}
	})
}

// forComponents calls f with the two bytes that hold the glyph number of
// each component of a composite glyph's outline, and not at all for a
// simple glyph.
func forComponents(data []byte, f func(ref []byte)) {
	if len(data) < 10 || int16(binary.BigEndian.Uint16(data)) >= 0 {
		return
	}
	const (
		argWords = 1 << 0
		scale    = 1 << 3
		more     = 1 << 5
		scaleXY  = 1 << 6
		twoByTwo = 1 << 7
	)
	for p := 10; p+4 <= len(data); {
		flags := binary.BigEndian.Uint16(data[p:])
		f(data[p+2 : p+4])
		p += 6 // flags, glyph, two byte arguments
		if flags&argWords != 0 {
			p += 2
		}
		switch {
		case flags&scale != 0:
			p += 2
		case flags&scaleXY != 0:
			p += 4
		case flags&twoByTwo != 0:
			p += 8
		}
		if flags&more == 0 {
			return
		}
	}
}

// assemble writes a TrueType file of the tables, in tag order, each
// 4-byte aligned with its checksum.
func assemble(tables map[string][]byte) []byte {
	tags := make([]string, 0, len(tables))
	size := 12 + 16*len(tables)
	for tag, t := range tables {
		tags = append(tags, tag)
		size += (len(t) + 3) &^ 3
	}
	slices.Sort(tags)
	out := make([]byte, 12+16*len(tables), size)
	n := len(tables)
	pow := 1 << (bits.Len(uint(n)) - 1)
	binary.BigEndian.PutUint32(out, 0x00010000)
	binary.BigEndian.PutUint16(out[4:], uint16(n))
	binary.BigEndian.PutUint16(out[6:], uint16(16*pow))
	binary.BigEndian.PutUint16(out[8:], uint16(bits.Len(uint(pow))-1))
	binary.BigEndian.PutUint16(out[10:], uint16(16*n-16*pow))
	for i, tag := range tags {
		t := tables[tag]
		rec := out[12+16*i:]
		copy(rec, tag)
		binary.BigEndian.PutUint32(rec[4:], checksum(t))
		binary.BigEndian.PutUint32(rec[8:], uint32(len(out)))
		binary.BigEndian.PutUint32(rec[12:], uint32(len(t)))
		out = append(out, t...)
		out = append(out, make([]byte, (4-len(t)%4)%4)...)
	}
	return out
}

// checksum is the TrueType table checksum: the sum of its big-endian
// 32-bit words, the last one zero-padded.
func checksum(t []byte) uint32 {
	var sum uint32
	for len(t) >= 4 {
		sum += binary.BigEndian.Uint32(t)
		t = t[4:]
	}
	var last [4]byte
	copy(last[:], t)
	return sum + binary.BigEndian.Uint32(last[:])
}

package reports

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/jung-kurt/gofpdf"
)

// fontID matches the name gofpdf gives the font in a document: a hash of
// its definition, which includes the width of every character in the font
// it was given, so it differs between the whole font and a subset.
var fontID = regexp.MustCompile(`/F[0-9a-f]{40}\b`)

// rareText has characters a record may hold beyond the usual: JIS level 2
// and compatibility kanji, half- and full-width forms, circled numbers,
// characters IPAex Gothic lacks (☐, an emoji, 𠮷 beyond the BMP) and Latin-1.
const rareText = "髙橋﨑鷗外㈱①②③ｱｲｳｴｵﾞﾟＡＢＣ１２３☐😀𠮷野家 café Ünïcödé ±×÷ ¥€ 〒〶 鬱蒼とした森。"

// TestSubsetSameAsFullFont renders every document with the whole font and
// with the subset, uncompressed, and compares the bytes: apart from the
// font's name they must be the same, font program included.
func TestSubsetSameAsFullFont(t *testing.T) {
	full, sub := New(), New()
	full.fullFont, full.uncompressed, sub.uncompressed = true, true, true
	want, got := documentsWith(full), documentsWith(sub)
	f := testFooter()
	for _, text := range []string{longJapanese(2500), rareText} {
		for i, r := range []*Renderer{full, sub} {
			list := &want
			if i == 1 {
				list = &got
			}
			*list = append(*list, document{"sheet " + text[:12], func(t *testing.T) []byte {
				return must(t)(r.ConsultationSheet(testSheetInput(text), f))
			}})
		}
	}
	for i := range want {
		t.Run(want[i].name, func(t *testing.T) {
			a, b := want[i].render(t), got[i].render(t)
			if !bytes.Contains(b, []byte("/FontFile2")) || bytes.Count(b, []byte("/Subtype /Type0")) != 1 {
				t.Fatal("the subset document embeds no font or more than one")
			}
			a, b = fontID.ReplaceAll(a, []byte("/F<id>")), fontID.ReplaceAll(b, []byte("/F<id>"))
			if !bytes.Equal(a, b) {
				t.Errorf("whole font and subset give different documents (%d and %d bytes)", len(a), len(b))
				if dir := os.Getenv("REPORTS_DIFF_DIR"); dir != "" {
					os.WriteFile(dir+"/"+want[i].name+"-full.pdf", a, 0o644)
					os.WriteFile(dir+"/"+want[i].name+"-subset.pdf", b, 0o644)
				}
			}
		})
	}
}

// TestRareCharactersRender checks that pdftotext reads back every character
// of rareText the font has.
func TestRareCharactersRender(t *testing.T) {
	in := testSheetInput(rareText)
	pdf, err := New().ConsultationSheet(in, testFooter())
	if err != nil {
		t.Fatal(err)
	}
	text := squeeze(pdfText(t, pdf, false))
	for _, s := range []string{"髙橋﨑鷗外", "①②③", "ＡＢＣ１２３", "café", "〓〓野家", "鬱蒼とした森。"} {
		if !strings.Contains(text, s) {
			t.Errorf("%q is not in the text", s)
		}
	}
}

// TestWidthIsGofpdfs compares doc.width with gofpdf's GetStringWidth when
// gofpdf holds the whole font.
func TestWidthIsGofpdfs(t *testing.T) {
	fc, err := bundledFace()
	if err != nil {
		t.Fatal(err)
	}
	p := gofpdf.New("P", "mm", "A4", "")
	p.AddUTF8FontFromBytes(fontFamily, "", bytes.Clone(New().font))
	d := &doc{pdf: p, face: fc}
	for _, pt := range []float64{footerSize, bodySize, 13.5, titleSize} {
		p.SetFont(fontFamily, "", pt)
		for _, s := range []string{"相談票（続き）", rareText, longJapanese(300), "abc XYZ 0123 ,.;", "\t\x00\x7f", ""} {
			// gofpdf panics on U+10000 and measures the rest beyond the
			// BMP with the missing width; doc.text draws them as 〓.
			s = bmpOnly(s)
			if got, want := d.width(s), p.GetStringWidth(s); got != want {
				t.Errorf("%.1f pt %.20q: width %v, gofpdf %v", pt, s, got, want)
			}
		}
		if got, want := d.width("𠮷野家😀"), p.GetStringWidth("〓野家〓"); got != want {
			t.Errorf("%.1f pt: beyond the BMP width %v, want that of 〓 %v", pt, got, want)
		}
	}
}

// TestSubsetFont checks the font cut for a document: it holds the outlines
// of its characters only, and gofpdf reads the same widths from it.
func TestSubsetFont(t *testing.T) {
	fc, err := bundledFace()
	if err != nil {
		t.Fatal(err)
	}
	var used runeSet
	used.addString("相談票")
	font := fc.subset(&used)
	if len(font) > 160<<10 {
		t.Errorf("subset of 3 characters is %d bytes", len(font))
	}
	sub, err := parseFace(font)
	if err != nil {
		t.Fatal(err)
	}
	if n := len(sub.loca) - 1; n > 300 {
		t.Errorf("subset of 3 characters and Latin-1 has %d glyphs", n)
	}
	for _, r := range "相談票A" {
		g, sg := fc.gid[r], sub.gid[r]
		if sg <= 0 {
			t.Errorf("%q is not in the subset", r)
			continue
		}
		if sub.widths[r] != fc.widths[r] || sub.metrics[sg] != fc.metrics[g] {
			t.Errorf("%q: subset width %d metrics %#x, font %d %#x", r, sub.widths[r], sub.metrics[sg], fc.widths[r], fc.metrics[g])
		}
		if a, b := sub.glyf[sub.loca[sg]:sub.loca[sg+1]], fc.glyf[fc.loca[g]:fc.loca[g+1]]; len(b) == 0 || !bytes.Equal(a, b) {
			t.Errorf("%q: outline of %d bytes in the subset, %d in the font", r, len(a), len(b))
		}
	}
	if g := sub.gid['森']; g != -1 {
		t.Errorf("森 is in the subset, glyph %d", g)
	}
}

// TestTextGoesThroughDoc checks that the package draws and measures text
// only through doc.text and doc.width: a character drawn any other way
// would be missing from the subset font.
func TestTextGoesThroughDoc(t *testing.T) {
	call := regexp.MustCompile(`\.(CellFormat|Cellf?|Text|Writef?|WriteAligned|MultiCell|SplitText|SplitLines|GetStringWidth|GetStringSymbolWidth|RegisterAlias)\(`)
	entries, err := os.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		name := e.Name()
		if !strings.HasSuffix(name, ".go") || strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		for i, line := range strings.Split(string(src), "\n") {
			code, _, _ := strings.Cut(line, "//")
			if !call.MatchString(code) {
				continue
			}
			allowed := name == "renderer.go" && strings.Contains(code, "d.pdf.CellFormat(w, h, s, ") ||
				name == "font.go" && strings.Contains(code, "p.GetStringSymbolWidth(")
			if !allowed {
				t.Errorf("%s:%d draws or measures text around doc.text and doc.width: %s", name, i+1, strings.TrimSpace(line))
			}
		}
	}
}

// TestSubsetTooLarge checks that a set of characters too large for a format
// 4 cmap gives no subset, so that the document takes the whole font.
func TestSubsetTooLarge(t *testing.T) {
	fc, err := bundledFace()
	if err != nil {
		t.Fatal(err)
	}
	var all runeSet
	for i := range all {
		all[i] = ^uint64(0)
	}
	if font := fc.subset(&all); font != nil {
		t.Errorf("a subset of every character is %d bytes, want none", len(font))
	}
}

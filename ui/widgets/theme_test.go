package widgets

import (
	"bytes"
	"encoding/binary"
	"image/color"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"
	di "github.com/go-text/typesetting/di"
	"github.com/go-text/typesetting/font"
	"github.com/go-text/typesetting/shaping"
	fixedpoint "golang.org/x/image/math/fixed"

	"github.com/madoguchi-jp/madoguchi/assets"
)

// latinSample has the Latin descenders a clerk types every day: a login,
// an e-mail address, g j p q y and the underscore.
const latinSample = "yamada_taro@example.jp gjpqy _"

// TestGoldenLatinDescenders captures the Latin sample at the medium font
// size in an Entry, a Label, a Button and a list row. Before the theme
// corrected the font's line metrics the lower part of every descender was
// cut off here: 「yamada」 read 「vamada」 and 「_」 was gone.
func TestGoldenLatinDescenders(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme(FontMedium))

	entry := widget.NewEntry()
	entry.SetText(latinSample)
	list := widget.NewList(
		func() int { return 2 },
		func() fyne.CanvasObject { return widget.NewLabel("") },
		func(id widget.ListItemID, o fyne.CanvasObject) {
			o.(*widget.Label).SetText([]string{latinSample, "窓口 ログイン: yamada_taro"}[id])
		})
	content := container.NewBorder(
		container.NewVBox(entry, widget.NewLabel(latinSample), widget.NewButton(latinSample, func() {})),
		nil, nil, nil, list)

	w := test.NewTempWindow(t, content)
	w.Resize(fyne.NewSize(360, 260))
	test.AssertImageMatches(t, "latin_descenders.png", w.Canvas().Capture())
}

// TestFontLineMetricsCoverInk checks the numbers behind the golden: the
// window's font has line bounds that hold the ink of the Latin sample at
// the medium size, the bundled font does not, and the copy is a valid
// font file with right checksums.
func TestFontLineMetricsCoverInk(t *testing.T) {
	fixed, before, after, err := fixLineMetrics(assets.FontIPAexGothic)
	if err != nil {
		t.Fatal(err)
	}
	if before != (lineMetrics{Ascent: 1802, Descent: 246}) {
		t.Errorf("bundled IPAex Gothic line metrics %+v; the comments in fontmetrics.go speak of 1802/246", before)
	}
	if after != (lineMetrics{Ascent: 1905, Descent: 510}) {
		t.Errorf("window font line metrics %+v, want 1905/510", after)
	}
	if got, err := fontLineMetrics(fixed); err != nil || got != after {
		t.Errorf("copy reads back as %+v (%v), want %+v", got, err, after)
	}
	if sum := sfntChecksum(fixed); sum != 0xB1B0AFBA {
		t.Errorf("copy's file checksum %#x, want 0xB1B0AFBA", sum)
	}
	recs, err := sfntTables(fixed)
	if err != nil {
		t.Fatal(err)
	}
	for tag, rec := range recs {
		data := tableData(fixed, rec)
		if tag == "head" {
			data = bytes.Clone(data)
			binary.BigEndian.PutUint32(data[8:], 0)
		}
		if got, want := sfntChecksum(data), binary.BigEndian.Uint32(fixed[rec+4:]); got != want {
			t.Errorf("table %q checksum %#x, directory says %#x", tag, got, want)
		}
	}

	size := NewTheme(FontMedium).Size(theme.SizeNameText)
	for _, c := range []struct {
		name string
		ttf  []byte
		fits bool
	}{{"bundled", assets.FontIPAexGothic, false}, {"window", fixed, true}} {
		f, err := font.ParseTTF(bytes.NewReader(c.ttf))
		if err != nil {
			t.Fatal(err)
		}
		text := []rune(latinSample)
		out := (&shaping.HarfbuzzShaper{}).Shape(shaping.Input{
			Text: text, RunEnd: len(text), Face: f, Size: fixedpoint.Int26_6(size * 64),
			Direction: di.DirectionLTR,
		})
		line, ink := out.LineBounds, out.GlyphBounds
		fits := ink.Ascent <= line.Ascent && ink.Descent >= line.Descent
		px := func(v fixedpoint.Int26_6) float64 { return float64(v) / 64 }
		t.Logf("%s font at %.0f px: line ascent %.2f descent %.2f height %.2f; ink ascent %.2f descent %.2f",
			c.name, size, px(line.Ascent), -px(line.Descent), px(line.LineThickness()), px(ink.Ascent), -px(ink.Descent))
		if fits != c.fits {
			t.Errorf("%s font: ink inside the line bounds = %v, want %v", c.name, fits, c.fits)
		}
	}

	if fontIPAexGothic().Name() != "madoguchi-window-gothic.ttf" {
		t.Errorf("theme font %q: the line metrics were not fixed", fontIPAexGothic().Name())
	}
}

// TestThemeLookIgnoresSystemVariant checks that the look of the settings
// decides the colours: light unless dark is chosen, whatever variant the
// system asks for.
func TestThemeLookIgnoresSystemVariant(t *testing.T) {
	test.NewTempApp(t)
	light := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight)
	dark := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	cases := []struct {
		name string
		th   *Theme
		want color.Color
	}{
		{"default is light", NewTheme(FontMedium), light},
		{"light", NewThemeLook(FontLarge, LookLight), light},
		{"dark", NewThemeLook(FontSmall, LookDark), dark},
		{"unknown look is light", NewThemeLook(FontMedium, "sepia"), light},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			for _, v := range []fyne.ThemeVariant{theme.VariantLight, theme.VariantDark, 2} {
				if got := c.th.Color(theme.ColorNameBackground, v); got != c.want {
					t.Errorf("variant %d: background %v, want %v", v, got, c.want)
				}
			}
		})
	}
}

package widgets

import (
	"fmt"
	"image/color"
	"sync"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/madoguchi-jp/madoguchi/assets"
)

// fontIPAexGothic returns the bundled Japanese font as a Fyne resource,
// with line metrics that leave room for Latin descenders and accents (see
// fontmetrics.go); should the copy fail, the bundled font as it is. The
// copy is made once, when the window first asks for its font (about 70 ms).
var fontIPAexGothic = sync.OnceValue(func() fyne.Resource { return windowFont(assets.FontIPAexGothic) })

// windowFont returns the font resource the window draws with: the font
// with its line metrics fixed by fixLineMetrics. The resource's name is
// not the bundled file's, as the copy differs from it.
func windowFont(ttf []byte) fyne.Resource {
	fixed, _, _, err := fixLineMetrics(ttf)
	if err != nil {
		fyne.LogError("font line metrics", fmt.Errorf("bundled font used as it is: %w", err))
		return fyne.NewStaticResource("ipaexg.ttf", ttf)
	}
	return fyne.NewStaticResource("madoguchi-window-gothic.ttf", fixed)
}

// The font sizes the settings offer.
const (
	FontSmall  = "small"
	FontMedium = "medium"
	FontLarge  = "large"
)

// fontScale returns the size factor of a font-size setting.
func fontScale(size string) float32 {
	switch size {
	case FontSmall:
		return 0.9
	case FontLarge:
		return 1.2
	}
	return 1.0
}

// The looks the settings offer: light, the usual look of office software
// and the default, or dark.
const (
	LookLight = "light"
	LookDark  = "dark"
)

// Theme is Fyne's default theme with the bundled IPAex Gothic for every
// text style, so Japanese looks the same on every machine, every size
// scaled by the font-size setting, and the colours of the chosen look
// whatever the system prefers. The font's line metrics are widened in
// memory so that Latin descenders (g j p q y _) and accents are not cut
// off: see fontmetrics.go.
type Theme struct {
	fyne.Theme
	scale   float32
	variant fyne.ThemeVariant
}

// NewTheme returns the light theme for a font-size setting (FontSmall,
// FontMedium or FontLarge; anything else is FontMedium).
func NewTheme(fontSize string) *Theme { return NewThemeLook(fontSize, LookLight) }

// NewThemeLook returns the theme for a font-size setting and a look
// (LookLight or LookDark; anything else is LookLight).
func NewThemeLook(fontSize, look string) *Theme {
	v := theme.VariantLight
	if look == LookDark {
		v = theme.VariantDark
	}
	return &Theme{Theme: theme.DefaultTheme(), scale: fontScale(fontSize), variant: v}
}

// Color returns the default theme's colour of the theme's own look; the
// variant the system asks for is ignored, so the setting decides. Where
// the default's text would be hard to read, a darker shade replaces it
// (contrastColors; TestThemeContrast holds every look to it).
func (t *Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	if c, ok := contrastColors[t.variant][n]; ok {
		return c
	}
	return t.Theme.Color(n, t.variant)
}

// contrastColors replace the default theme's colours that fail the
// contrast a counter needs (WCAG 2.1 AA: 4.5:1 for text, 3:1 for the
// outline of a control). On white, the default success green reads at
// 1.5:1 (来所 in the lists), the warning orange at 2.2:1, the error red of
// the form messages at 3.7:1, and an entry's outline or an unticked check
// box at 1.3:1; in the dark look the outlines and disabled text read at
// 1.6:1. Disabled text stays faint on purpose, but visible.
var contrastColors = map[fyne.ThemeVariant]map[fyne.ThemeColorName]color.Color{
	theme.VariantLight: {
		theme.ColorNameError:       color.NRGBA{R: 0xc6, G: 0x28, B: 0x28, A: 0xff},
		theme.ColorNameSuccess:     color.NRGBA{R: 0x2e, G: 0x7d, B: 0x32, A: 0xff},
		theme.ColorNameWarning:     color.NRGBA{R: 0xb4, G: 0x53, B: 0x09, A: 0xff},
		theme.ColorNamePlaceHolder: color.NRGBA{R: 0x76, G: 0x76, B: 0x76, A: 0xff},
		theme.ColorNameInputBorder: color.NRGBA{R: 0x8c, G: 0x8c, B: 0x8c, A: 0xff},
		theme.ColorNameDisabled:    color.NRGBA{R: 0xa3, G: 0xa3, B: 0xa3, A: 0xff},
	},
	theme.VariantDark: {
		theme.ColorNameInputBorder: color.NRGBA{R: 0x80, G: 0x80, B: 0x80, A: 0xff},
		theme.ColorNameDisabled:    color.NRGBA{R: 0x6a, G: 0x6a, B: 0x6a, A: 0xff},
	},
}

// Font returns IPAex Gothic for every style.
func (t *Theme) Font(fyne.TextStyle) fyne.Resource { return fontIPAexGothic() }

// Size returns the default size scaled by the font-size setting.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 { return t.Theme.Size(n) * t.scale }

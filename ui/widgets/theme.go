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
// variant the system asks for is ignored, so the setting decides.
func (t *Theme) Color(n fyne.ThemeColorName, _ fyne.ThemeVariant) color.Color {
	return t.Theme.Color(n, t.variant)
}

// Font returns IPAex Gothic for every style.
func (t *Theme) Font(fyne.TextStyle) fyne.Resource { return fontIPAexGothic() }

// Size returns the default size scaled by the font-size setting.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 { return t.Theme.Size(n) * t.scale }

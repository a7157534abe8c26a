package widgets

import (
	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"

	"github.com/madoguchi-jp/madoguchi/assets"
)

// fontIPAexGothic is the bundled Japanese font as a Fyne resource.
var fontIPAexGothic = fyne.NewStaticResource("ipaexg.ttf", assets.FontIPAexGothic)

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

// Theme is Fyne's default theme with the bundled IPAex Gothic for every
// text style, so Japanese looks the same on every machine, and every size
// scaled by the font-size setting.
type Theme struct {
	fyne.Theme
	scale float32
}

// NewTheme returns the theme for a font-size setting (FontSmall,
// FontMedium or FontLarge; anything else is FontMedium).
func NewTheme(fontSize string) *Theme {
	return &Theme{Theme: theme.DefaultTheme(), scale: fontScale(fontSize)}
}

// Font returns IPAex Gothic for every style.
func (t *Theme) Font(fyne.TextStyle) fyne.Resource { return fontIPAexGothic }

// Size returns the default size scaled by the font-size setting.
func (t *Theme) Size(n fyne.ThemeSizeName) float32 { return t.Theme.Size(n) * t.scale }

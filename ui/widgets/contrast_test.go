package widgets

import (
	"image/color"
	"math"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/theme"
)

// luminance is the relative luminance of c (WCAG 2.1).
func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

// contrast is the contrast ratio of two colours (WCAG 2.1), 1 to 21.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestThemeContrast holds both looks to WCAG 2.1 AA: text colours against
// the background and the text on coloured buttons 4.5:1, the outline of
// entries and check boxes 3:1, disabled text at least 2:1.
func TestThemeContrast(t *testing.T) {
	type pair struct {
		fg, bg fyne.ThemeColorName
		min    float64
	}
	bg := theme.ColorNameBackground
	pairs := []pair{
		{theme.ColorNameForeground, bg, 4.5},
		{theme.ColorNameForeground, theme.ColorNameInputBackground, 4.5},
		{theme.ColorNameForeground, theme.ColorNameButton, 4.5},
		{theme.ColorNameError, bg, 4.5},
		{theme.ColorNameSuccess, bg, 4.5},
		{theme.ColorNameWarning, bg, 4.5},
		{theme.ColorNamePlaceHolder, bg, 4.5},
		{theme.ColorNameForegroundOnError, theme.ColorNameError, 4.5},
		{theme.ColorNameForegroundOnSuccess, theme.ColorNameSuccess, 4.5},
		{theme.ColorNameForegroundOnWarning, theme.ColorNameWarning, 4.5},
		{theme.ColorNameInputBorder, bg, 3},
		{theme.ColorNameDisabled, bg, 2},
	}
	for _, look := range []string{LookLight, LookDark} {
		th := NewThemeLook(FontMedium, look)
		for _, p := range pairs {
			if r := contrast(th.Color(p.fg, 0), th.Color(p.bg, 0)); r < p.min {
				t.Errorf("%s look: %s on %s is %.2f:1, want %.1f:1", look, p.fg, p.bg, r, p.min)
			}
		}
	}
}

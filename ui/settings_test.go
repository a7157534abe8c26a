package ui

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/theme"
	"fyne.io/fyne/v2/widget"

	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// TestLookSetting: the window starts light (the usual look of office
// software); 画面の色 in the settings switches it to dark, the choice is
// kept in the preferences and applied at once.
func TestLookSetting(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Casework)
	u := newTestApp(t, to)
	light := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantLight)
	dark := theme.DefaultTheme().Color(theme.ColorNameBackground, theme.VariantDark)
	bg := func() any {
		return u.fyne.Settings().Theme().Color(theme.ColorNameBackground, u.fyne.Settings().ThemeVariant())
	}
	if u.settings.Look != widgets.LookLight || bg() != light {
		t.Fatalf("first start: look %q, background %v; want light", u.settings.Look, bg())
	}
	var got Settings
	showSettings(u.win, u.settings, func(s Settings) { got = s })
	look := findRadio(t, u.win.Canvas(), "明るい")
	look.SetSelected("暗い")
	save := uitest.FindButton(t, u.win.Canvas().Overlays().Top(), "保存")
	test.Tap(save)
	if got.Look != widgets.LookDark {
		t.Fatalf("settings dialog returned look %q, want dark", got.Look)
	}
	u.applySettings(got)
	if bg() != dark {
		t.Errorf("background after choosing 暗い: %v, want dark", bg())
	}
	if loadSettings(u.fyne.Preferences()).Look != widgets.LookDark {
		t.Error("the look was not kept in the preferences")
	}
}

// findRadio returns the radio group on the top overlay that offers label.
func findRadio(t *testing.T, c fyne.Canvas, label string) *widget.RadioGroup {
	t.Helper()
	var found *widget.RadioGroup
	uitest.Walk(c.Overlays().Top(), func(o fyne.CanvasObject) {
		if r, ok := o.(*widget.RadioGroup); ok && found == nil {
			for _, opt := range r.Options {
				if opt == label {
					found = r
				}
			}
		}
	})
	if found == nil {
		t.Fatalf("no radio group offers %q", label)
	}
	return found
}

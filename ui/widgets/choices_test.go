package widgets

import (
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestGroupsWrap: a check or radio group asks only for the width of its
// widest option and lays its options out in as many rows as the width it
// gets needs; checking, choosing and setting work as in Fyne's groups.
func TestGroupsWrap(t *testing.T) {
	test.NewTempApp(t).Settings().SetTheme(NewTheme(FontMedium))
	options := []string{"利用できる支援策", "個別支援策の内容", "制度の詳細", "申請書の記載方法", "その他"}
	var changed []string
	checks := NewCheckGroup(options, func(s []string) { changed = s })
	var chosen []string
	radios := NewRadioGroup(options, func(s string) { chosen = append(chosen, s) })
	for _, g := range []fyne.Widget{checks, radios} {
		items := test.WidgetRenderer(g).Objects()
		var widest, all float32
		for _, it := range items {
			widest = max(widest, it.MinSize().Width)
			all += it.MinSize().Width
		}
		if got := g.MinSize().Width; got != widest {
			t.Errorf("%T asks for %.0f px, want its widest option's %.0f", g, got, widest)
		}
		rowsAt := func(width float32) int {
			g.Resize(fyne.NewSize(width, g.MinSize().Height))
			ys := map[float32]bool{}
			for _, it := range items {
				ys[it.Position().Y] = true
				if it.Position().X+it.Size().Width > width+0.5 {
					t.Errorf("%T: an option passes the width %.0f", g, width)
				}
			}
			return len(ys)
		}
		if n := rowsAt(all + 10); n != 1 {
			t.Errorf("%T takes %d rows where one fits", g, n)
		}
		one := g.MinSize().Height
		if n := rowsAt(widest); n != len(options) {
			t.Errorf("%T takes %d rows at its minimum width, want %d", g, n, len(options))
		}
		if g.MinSize().Height <= one {
			t.Errorf("%T did not grow with its rows", g)
		}
	}

	checks.Refresh()
	test.Tap(test.WidgetRenderer(checks).Objects()[2].(fyne.Tappable))
	if !slices.Equal(changed, []string{"制度の詳細"}) || !slices.Equal(checks.Selected, changed) {
		t.Errorf("after a tap: changed %v, selected %v", changed, checks.Selected)
	}
	checks.SetSelected([]string{"その他", "利用できる支援策"})
	if !slices.Equal(checks.Selected, []string{"利用できる支援策", "その他"}) || len(changed) != 1 {
		t.Errorf("SetSelected: selected %v (in the options' order), changed %v (not reported)", checks.Selected, changed)
	}

	item := test.WidgetRenderer(radios).Objects()[1].(fyne.Tappable)
	test.Tap(item)
	test.Tap(item)
	if !slices.Equal(chosen, []string{"個別支援策の内容", ""}) || radios.Selected != "" {
		t.Errorf("two taps chose %v, selected %q; want the option, then none", chosen, radios.Selected)
	}
	radios.Disable()
	test.Tap(item)
	if radios.Selected != "" {
		t.Error("a disabled radio group took a tap")
	}
}

package widgets

import (
	"strings"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/canvas"
	"fyne.io/fyne/v2/container"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// shownText is the text a label draws (with "…" where it is cut off).
func shownText(l fyne.Widget) string {
	var b strings.Builder
	var walk func(o fyne.CanvasObject)
	walk = func(o fyne.CanvasObject) {
		switch x := o.(type) {
		case *canvas.Text:
			b.WriteString(x.Text)
		case fyne.Widget:
			for _, c := range test.WidgetRenderer(x).Objects() {
				walk(c)
			}
		}
	}
	walk(l)
	return b.String()
}

// TestColumnsHoldTheirValues: a column sized by ColumnWidth shows its
// longest value whole at every font size, where the fixed width the today
// screen had cut 「13:06–14:00 飛込」 to 「13:06–14:0…」.
func TestColumnsHoldTheirValues(t *testing.T) {
	const value = "13:06–14:00 飛込"
	for _, size := range []string{FontSmall, FontMedium, FontLarge} {
		t.Run(size, func(t *testing.T) {
			a := test.NewTempApp(t)
			a.Settings().SetTheme(NewTheme(size))
			for _, tc := range []struct {
				width float32
				whole bool
			}{{110, false}, {ColumnWidth(110, value), true}} {
				l := TruncLabel(value)
				row := container.New(&Columns{Widths: []float32{tc.width}}, l, widget.NewLabel("rest"))
				w := test.NewWindow(row)
				w.Resize(fyne.NewSize(800, 100))
				if got := shownText(l) == value; got != tc.whole {
					t.Errorf("width %.0f: label shows %q, whole = %v, want %v", tc.width, shownText(l), got, tc.whole)
				}
				w.Close()
			}
		})
	}
}

// TestTableFitsColumns: a table's column grows to its widest value (by at
// most half its width); a value longer still is cut and shows whole on
// hover.
func TestTableFitsColumns(t *testing.T) {
	a := test.NewTempApp(t)
	a.Settings().SetTheme(NewTheme(FontMedium))
	long := "2026-10-01 10:00:00"
	tooLong := strings.Repeat("とても長い事業者名", 6)
	tb := NewTable([]string{"日時", "事業者", "担当", "備考"}, []float32{120, 300, 300}, nil)
	w := test.NewWindow(tb.Object())
	w.Resize(fyne.NewSize(1200, 300))
	tb.Set([][]string{{long, tooLong, "x", "y"}})
	if got, want := tb.cols.Widths[0], ColumnWidth(120, long); got != want || got <= 120 {
		t.Errorf("date column is %.0f wide, want %.0f (its value)", got, want)
	}
	if got := tb.cols.Widths[1]; got != 300*(1+columnGrowth) {
		t.Errorf("name column is %.0f wide, want the most it may grow, %.0f", got, 300*(1+columnGrowth))
	}
	var cells []*HoverLabel
	for _, o := range test.LaidOutObjects(tb.List) {
		if l, ok := o.(*HoverLabel); ok {
			cells = append(cells, l)
		}
	}
	if len(cells) < 2 {
		t.Fatalf("%d cells shown", len(cells))
	}
	if shownText(cells[0]) != long || cells[0].Cut() {
		t.Errorf("date cell shows %q", shownText(cells[0]))
	}
	if !cells[1].Cut() || shownText(cells[1]) == tooLong {
		t.Fatalf("long name not cut: %q", shownText(cells[1]))
	}
	cells[1].MouseIn(nil)
	top := w.Canvas().Overlays().Top()
	if top == nil || !strings.Contains(shownText(top.(fyne.Widget)), tooLong) {
		t.Fatal("the cut name does not show whole on hover")
	}
	if TopOverlay(w.Canvas()) != nil || CloseTopOverlay(w.Canvas()) {
		t.Error("the whole name counts as a dialog (it would take Ctrl+S and Esc)")
	}
	cells[1].MouseOut()
	if w.Canvas().Overlays().Top() != nil {
		t.Error("the whole name stays after the pointer left")
	}
}

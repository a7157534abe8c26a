package uitest

import (
	"bytes"
	"slices"
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
	"fyne.io/fyne/v2/widget"
)

// FindButton returns the first visible, enabled button with text in o
// (laid out as on screen).
func FindButton(t testing.TB, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	for _, x := range test.LaidOutObjects(o) {
		if b, ok := x.(*widget.Button); ok && b.Text == text && b.Visible() && !b.Disabled() {
			return b
		}
	}
	t.Fatalf("no enabled button %q", text)
	return nil
}

// Button finds the button labelled text inside o, widget internals
// included, shown or not.
func Button(t testing.TB, o fyne.CanvasObject, text string) *widget.Button {
	t.Helper()
	var found *widget.Button
	Walk(o, func(x fyne.CanvasObject) {
		if b, ok := x.(*widget.Button); ok && b.Text == text && found == nil {
			found = b
		}
	})
	if found == nil {
		t.Fatalf("no button %q", text)
	}
	return found
}

// Walk visits o and everything it holds, including widget internals.
func Walk(o fyne.CanvasObject, fn func(fyne.CanvasObject)) {
	if o == nil {
		return
	}
	fn(o)
	switch x := o.(type) {
	case *fyne.Container:
		for _, c := range x.Objects {
			Walk(c, fn)
		}
	case fyne.Widget:
		for _, c := range test.WidgetRenderer(x).Objects() {
			Walk(c, fn)
		}
	}
}

// HasLabel reports whether o shows a label with text.
func HasLabel(o fyne.CanvasObject, text string) bool {
	found := false
	Walk(o, func(x fyne.CanvasObject) {
		if l, ok := x.(*widget.Label); ok && l.Text == text {
			found = true
		}
	})
	return found
}

// TapOption taps the option labelled label of a check or radio group.
func TapOption(t testing.TB, group fyne.Widget, options []string, label string) {
	t.Helper()
	i := slices.Index(options, label)
	var taps []fyne.Tappable
	for _, o := range test.WidgetRenderer(group).Objects() {
		if tp, ok := o.(fyne.Tappable); ok {
			taps = append(taps, tp)
		}
	}
	if i < 0 || i >= len(taps) {
		t.Fatalf("no option %q in %v", label, options)
	}
	test.Tap(taps[i])
}

// TapForPDF taps b, waits for the render it starts through h.SavePDF, and
// returns the suggested file name and the PDF.
func TapForPDF(t testing.TB, h *Host, b *widget.Button) (string, []byte) {
	t.Helper()
	n := len(h.PDFs)
	test.Tap(b)
	h.Wait()
	if len(h.PDFs) == n {
		msg := ""
		if top := h.Window().Canvas().Overlays().Top(); top != nil {
			Walk(top, func(o fyne.CanvasObject) {
				if l, ok := o.(*widget.Label); ok {
					msg += l.Text + " "
				}
			})
		}
		t.Fatalf("%q rendered no PDF: %s", b.Text, msg)
	}
	p := h.PDFs[len(h.PDFs)-1]
	if !bytes.HasPrefix(p.Data, []byte("%PDF")) {
		t.Fatalf("%q: not a PDF: %q", b.Text, p.Data[:min(len(p.Data), 16)])
	}
	return p.Name, p.Data
}

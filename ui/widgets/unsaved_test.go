package widgets

import (
	"testing"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/test"
)

// TestAskUnsavedKeys: 戻る has the focus, Enter on it and Esc on any
// button answer 戻る, a tap answers its button, and only the first answer
// counts.
func TestAskUnsavedKeys(t *testing.T) {
	a := test.NewTempApp(t)
	win := a.NewWindow("")
	defer win.Close()
	win.Resize(fyne.NewSize(800, 600))
	var got []Choice
	ask := func() *UnsavedQuestion { return AskUnsaved(win, func(c Choice) { got = append(got, c) }) }

	q := ask()
	if win.Canvas().Focused() != q.Back {
		t.Fatal("戻る is not focused")
	}
	q.Back.TypedKey(&fyne.KeyEvent{Name: fyne.KeyReturn})
	q.Save.Tapped(nil) // the dialog closed: ignored
	ask().Discard.TypedKey(&fyne.KeyEvent{Name: fyne.KeyEscape})
	test.Tap(ask().Save)
	test.Tap(ask().Discard)
	want := []Choice{ChoiceBack, ChoiceBack, ChoiceSave, ChoiceDiscard}
	if len(got) != len(want) {
		t.Fatalf("answers %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("answers %v, want %v", got, want)
		}
	}
	if n := len(win.Canvas().Overlays().List()); n != 0 {
		t.Fatalf("%d dialogs left open", n)
	}
}

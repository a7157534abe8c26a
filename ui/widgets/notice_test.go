package widgets

import (
	"testing"

	"fyne.io/fyne/v2/test"
)

// A notice shows its text, needs no click and goes away by itself; the
// layout around it is told both times.
func TestNoticeShowsThenGoes(t *testing.T) {
	test.NewTempApp(t)
	r := NewTestRunner()
	relayouts := 0
	n := NewNotice(func() { relayouts++ })
	if n.Visible() || n.Text() != "" {
		t.Fatal("a new notice shows")
	}
	n.Say(r, "予約を保存しました")
	if !n.Visible() || n.Text() != "予約を保存しました" || relayouts != 1 {
		t.Fatalf("after Say: visible %v, %q, %d relayouts", n.Visible(), n.Text(), relayouts)
	}
	r.Wait() // NoticeTime passes
	if n.Visible() || n.Text() != "" || relayouts != 2 {
		t.Fatalf("after NoticeTime: visible %v, %q, %d relayouts", n.Visible(), n.Text(), relayouts)
	}
}

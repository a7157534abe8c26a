package widgets

import (
	"sync"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"
)

// A burst of calls runs once, the last one, when the calls pause; on a
// test runner the pause is Wait.
func TestDebounceRunsTheLastCall(t *testing.T) {
	for _, tc := range []struct {
		name   string
		runner func() *Runner
	}{
		{"test runner", NewTestRunner},
		{"runner", NewRunner},
	} {
		t.Run(tc.name, func(t *testing.T) {
			test.NewTempApp(t)
			r := tc.runner()
			var d Debounce
			var mu sync.Mutex // Fyne's test driver runs a delivered call on the timer's goroutine
			var ran []string
			for _, q := range []string{"稲", "稲穂", "稲穂若"} {
				d.Call(r, 50*time.Millisecond, func() { mu.Lock(); ran = append(ran, q); mu.Unlock() })
			}
			mu.Lock()
			early := len(ran)
			mu.Unlock()
			if early != 0 {
				t.Fatalf("ran before the pause: %v", early)
			}
			r.Wait()
			mu.Lock()
			defer mu.Unlock()
			if len(ran) != 1 || ran[0] != "稲穂若" {
				t.Fatalf("ran %v, want only the last call", ran)
			}
		})
	}
}

// Now runs the pending call at once, and it does not run again.
func TestDebounceNow(t *testing.T) {
	test.NewTempApp(t)
	r := NewTestRunner()
	var d Debounce
	n := 0
	d.Call(r, time.Hour, func() { n++ })
	if !d.Now() || n != 1 {
		t.Fatalf("Now ran %d calls", n)
	}
	r.Wait()
	if n != 1 || d.Now() {
		t.Fatalf("the call ran %d times", n)
	}
}

// A stopped runner drops the calls still to come.
func TestAfterDroppedWhenStopped(t *testing.T) {
	test.NewTempApp(t)
	r := NewTestRunner()
	ran := false
	r.After(time.Millisecond, func() { ran = true })
	r.Stop()
	r.Wait()
	if ran {
		t.Fatal("ran after Stop")
	}
}

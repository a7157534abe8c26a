package widgets

import (
	"context"
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2/test"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// Run hands the work's result to done; Wait waits for it.
func TestRunDelivers(t *testing.T) {
	test.NewTempApp(t)
	r := NewRunner()
	var got int
	Run(r, func(context.Context) (int, error) { return 42, nil }, func(v int, err error) { got = v })
	r.Wait()
	if got != 42 {
		t.Fatalf("done got %d", got)
	}
}

// Stop cancels the work in flight with office.ErrSessionEnded as the cause
// and drops its result.
func TestStopCancelsWork(t *testing.T) {
	test.NewTempApp(t)
	r := NewRunner()
	started := make(chan struct{})
	var cause error
	delivered := false
	Run(r, func(ctx context.Context) (struct{}, error) {
		close(started)
		<-ctx.Done()
		cause = context.Cause(ctx)
		return struct{}{}, ctx.Err()
	}, func(struct{}, error) { delivered = true })
	<-started
	r.Stop()
	r.Wait()
	if !errors.Is(cause, office.ErrSessionEnded) {
		t.Fatalf("cause %v, want ErrSessionEnded", cause)
	}
	if delivered {
		t.Fatal("a result delivered after Stop")
	}
	if !errors.Is(context.Cause(r.Context()), office.ErrNotLoggedIn) {
		t.Fatal("the runner's context does not say the session ended")
	}
}

// A newer call of a kind cancels the older one, whose result is dropped.
func TestOnlyLatest(t *testing.T) {
	test.NewTempApp(t)
	r := NewRunner()
	var l Latest
	first := make(chan struct{})
	var shown []string
	var firstErr error
	Run(r, func(ctx context.Context) (string, error) {
		close(first)
		<-ctx.Done()
		firstErr = ctx.Err()
		return "old", nil
	}, func(s string, err error) { shown = append(shown, s) }, OnlyLatest(&l))
	<-first
	Run(r, func(context.Context) (string, error) { return "new", nil }, func(s string, err error) { shown = append(shown, s) }, OnlyLatest(&l))
	r.Wait()
	if len(shown) != 1 || shown[0] != "new" || firstErr == nil {
		t.Fatalf("shown %v, first call's context %v", shown, firstErr)
	}
}

// WithProgress shows the progress while the call runs, the office's
// reports move it, and it hides when the result arrives.
func TestRunProgress(t *testing.T) {
	test.NewTempApp(t)
	r := NewRunner()
	p := NewProgress()
	c := &call{progress: p}
	p.Start()
	if !p.Running() || !p.busy.Visible() {
		t.Fatal("no running bar before the first report")
	}
	c.reporter(r, 0)(office.Progress{Step: office.StepRead, Done: 1, Total: 4})
	if p.bar.Value != 0.25 || !p.bar.Visible() || p.busy.Visible() {
		t.Fatalf("after 1 of 4: value %v", p.bar.Value)
	}
	shown := true
	Run(r, func(context.Context) (int, error) { return 0, nil }, func(int, error) { shown = p.Running() }, WithProgress(p))
	r.Wait()
	if shown {
		t.Fatal("progress still shown when the result arrived")
	}
}

// Every ticks on until stopped, and not after the runner stops.
func TestEvery(t *testing.T) {
	test.NewTempApp(t)
	r := NewRunner()
	ticks := make(chan struct{}, 10)
	stop := r.Every(time.Millisecond, func() { ticks <- struct{}{} })
	<-ticks
	stop()
	r.Stop()
}

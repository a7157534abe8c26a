package ui

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

func TestIdleLockTicks(t *testing.T) {
	now := time.Date(2026, 10, 1, 9, 0, 0, 0, time.UTC)
	locked := 0
	l := newIdleLock(10, func() time.Time { return now }, func() { locked++ })
	now = now.Add(9 * time.Minute)
	if l.tick("a") || locked != 0 {
		t.Fatal("locked before the limit")
	}
	now = now.Add(9 * time.Minute) // focus changed at 9 min: 9 idle minutes
	if l.tick("a") {
		t.Fatal("locked although the focus changed 9 minutes ago")
	}
	now = now.Add(2 * time.Minute)
	if !l.tick("a") || locked != 1 {
		t.Fatal("not locked after 11 idle minutes")
	}
	l.touch()
	if l.tick("a") {
		t.Fatal("locked right after activity")
	}
}

// TestLockStopsRunningWork: work the screens started through the session's
// runner stops when the window locks, and its result is dropped.
func TestLockStopsRunningWork(t *testing.T) {
	to := uitest.NewOffice(t, "", uitest.Counter)
	u := newTestApp(t, to)
	u.Start()
	logIn(t, u, "uketsuke", uitest.Password)
	r := u.shell.ctx.Runner()
	started := make(chan struct{})
	var cause error
	delivered := false
	widgets.Run(r, func(ctx context.Context) (int, error) {
		close(started)
		<-ctx.Done()
		cause = context.Cause(ctx)
		return 0, ctx.Err()
	}, func(int, error) { delivered = true })
	<-started
	u.lockNow()
	r.Wait()
	if !errors.Is(cause, office.ErrSessionEnded) || delivered {
		t.Fatalf("after lock: cause %v, delivered %v", cause, delivered)
	}
}

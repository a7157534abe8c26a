package ui

import (
	"testing"
	"time"
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

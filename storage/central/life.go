package central

import (
	"context"
	"sync"
)

// Life is a backend's open/closed state: calls run between Enter and Leave,
// and Close waits for the running ones. The zero value is open.
type Life struct {
	mu     sync.RWMutex
	closed bool
}

// Enter starts a call: the context's error when it is done, ErrClosed
// after Close. On success the caller runs Leave.
func (l *Life) Enter(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	l.mu.RLock()
	if l.closed {
		l.mu.RUnlock()
		return ErrClosed
	}
	return nil
}

// Leave ends a call Enter started.
func (l *Life) Leave() { l.mu.RUnlock() }

// Close waits for the running calls, then runs release once (the first
// Close); later calls return nil.
func (l *Life) Close(release func() error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return nil
	}
	l.closed = true
	return release()
}

// Exclusive runs fn while no call runs (it waits for the running ones, and
// new ones wait for it): ErrClosed after Close.
func (l *Life) Exclusive(fn func() error) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.closed {
		return ErrClosed
	}
	return fn()
}

package widgets

import (
	"sync"
	"time"
)

// SearchDelay is how long a search field waits after the last keystroke
// before it searches (Debounce). Each search that runs is shown and is one
// event of the access log, so searching per keystroke would both flicker
// and fill the log with the prefixes of one query.
const SearchDelay = 400 * time.Millisecond

// timer is one After call.
type timer struct {
	fn      func()
	mu      sync.Mutex
	stopped bool
	t       *time.Timer
}

// stop keeps the timer from firing and reports whether it had not fired.
func (t *timer) stop() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	was := !t.stopped
	t.stopped = true
	return was
}

// After calls fn on the UI goroutine once d has passed, unless the
// returned cancel is called first or the runner stops. A test runner
// fires it in Wait, as if the time had passed (a test drives the clock by
// calling Wait), so Wait covers it as it covers Run.
func (r *Runner) After(d time.Duration, fn func()) (cancel func()) {
	t := &timer{fn: fn}
	if r.test {
		r.mu.Lock()
		r.timers = append(r.timers, t)
		r.mu.Unlock()
		return func() { t.stop() }
	}
	r.jobs.Add(1)
	t.t = time.AfterFunc(d, func() {
		defer r.jobs.Done()
		if !t.stop() {
			return
		}
		r.deliver(func() {
			if !r.Stopped() {
				fn()
			}
		})
	})
	return func() {
		if t.stop() && t.t.Stop() {
			r.jobs.Done()
		}
	}
}

// dueTimers takes a test runner's pending After calls as due.
func (r *Runner) dueTimers() []func() {
	r.mu.Lock()
	ts := r.timers
	r.timers = nil
	r.mu.Unlock()
	var out []func()
	for _, t := range ts {
		if t.stop() && !r.Stopped() {
			out = append(out, t.fn)
		}
	}
	return out
}

// Debounce runs the last of a burst of calls once the calls have paused
// for a delay (a search as the person types runs when the typing stops).
// Its zero value is ready. It is meant for the UI goroutine, but guards
// its state, since Fyne's test driver runs a delivered call on the
// timer's goroutine.
type Debounce struct {
	mu      sync.Mutex
	cancel  func()
	pending func()
	seq     int // numbers the calls, so a stale timer does nothing
}

// Call runs fn after delay through r, unless another Call (or Now) comes
// first, which replaces it.
func (d *Debounce) Call(r *Runner, delay time.Duration, fn func()) {
	d.Stop()
	d.mu.Lock()
	d.seq++
	n := d.seq
	d.pending = fn
	d.mu.Unlock()
	cancel := r.After(delay, func() {
		d.mu.Lock()
		if d.seq != n || d.pending == nil {
			d.mu.Unlock()
			return
		}
		d.pending, d.cancel = nil, nil
		d.mu.Unlock()
		fn()
	})
	d.mu.Lock()
	if d.seq == n && d.pending != nil {
		d.cancel = cancel
	}
	d.mu.Unlock()
}

// Now runs the pending call at once (Enter in a search field), and
// reports whether there was one.
func (d *Debounce) Now() bool {
	d.mu.Lock()
	fn := d.pending
	d.mu.Unlock()
	d.Stop()
	if fn == nil {
		return false
	}
	fn()
	return true
}

// Stop drops the pending call.
func (d *Debounce) Stop() {
	d.mu.Lock()
	cancel := d.cancel
	d.cancel, d.pending = nil, nil
	d.seq++
	d.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

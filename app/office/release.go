package office

import (
	"runtime/debug"
	"sync/atomic"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Giving memory back when the office is idle (Options.ReleaseAfter).
//
// A list of a big vault reads thousands of records: the store's file pages
// those reads touched stay in the program's resident memory, and the Go
// heap keeps the room the list's garbage took, up to twice what is live.
// Neither is needed once the person reads the list or steps away, so after
// ReleaseAfter without a use case the office asks the kernel to reclaim
// the store's pages and the Go runtime to return its free pages. The next
// use case reads the pages it needs again (from the disk, or the kernel's
// cache if they are still there).

// idleClock records when the office was last used and how many works run.
// Its methods are safe for concurrent use.
type idleClock struct {
	used    atomic.Int64 // time.Now().UnixNano() of the last use
	running atomic.Int32 // works running (begin minus end)
}

// touch records a use now.
func (c *idleClock) touch() { c.used.Store(time.Now().UnixNano()) }

// begin and end count a work that runs outside o.mu; end is a use too.
func (c *idleClock) begin() { c.running.Add(1) }
func (c *idleClock) end()   { c.touch(); c.running.Add(-1) }

// idleSince returns the time of the last use, and false while work runs.
func (c *idleClock) idleSince() (int64, bool) {
	return c.used.Load(), c.running.Load() == 0
}

// startRelease starts releaseWhenIdle for the store st just opened, when
// Options.ReleaseAfter asks for it. Call with o.mu held.
func (o *Office) startRelease(st *local.Store) {
	if o.opt.ReleaseAfter <= 0 || o.opt.Bulk {
		return
	}
	o.idle.touch()
	o.stopRelease = make(chan struct{})
	go o.releaseWhenIdle(st, o.opt.ReleaseAfter, o.stopRelease)
}

// stopReleasing stops releaseWhenIdle, if it runs. Call with o.mu held.
// It does not wait: a release running meanwhile is harmless, also on a
// closed store.
func (o *Office) stopReleasing() {
	if o.stopRelease != nil {
		close(o.stopRelease)
		o.stopRelease = nil
	}
}

// releaseWhenIdle releases memory once after every stretch of after
// without a use case, until stop is closed. It never takes o.mu.
func (o *Office) releaseWhenIdle(st *local.Store, after time.Duration, stop <-chan struct{}) {
	tick := time.NewTicker(max(after/4, 10*time.Millisecond))
	defer tick.Stop()
	var released int64 // the last use before the last release
	for {
		select {
		case <-stop:
			return
		case <-tick.C:
		}
		used, idle := o.idle.idleSince()
		if !idle || used == released || time.Since(time.Unix(0, used)) < after {
			continue
		}
		released = used
		_ = st.Release() // advice only: an error changes nothing
		debug.FreeOSMemory()
		if o.opt.released != nil {
			o.opt.released()
		}
	}
}

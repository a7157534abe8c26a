package vault

import (
	"math"
	"sync"
	"time"
)

// Clock issues hybrid logical clock revisions for one device. Its revs
// increase strictly even when the wall clock jumps back. It is safe for
// concurrent use.
type Clock struct {
	mu     sync.Mutex
	device string
	now    func() time.Time
	last   Rev // only Wall and Counter are used
}

// NewClock returns a clock for device that reads the time from now
// (time.Now when nil).
func NewClock(device string, now func() time.Time) *Clock {
	if now == nil {
		now = time.Now
	}
	return &Clock{device: device, now: now}
}

// Next returns a rev greater than every rev returned before and every rev
// passed to Observe.
func (c *Clock) Next() Rev {
	c.mu.Lock()
	defer c.mu.Unlock()
	wall := max(c.now().UnixMilli(), 0)
	switch {
	case wall > c.last.Wall:
		c.last = Rev{Wall: wall}
	case c.last.Counter == math.MaxUint32:
		c.last = Rev{Wall: c.last.Wall + 1}
	default:
		c.last.Counter++
	}
	return Rev{Wall: c.last.Wall, Counter: c.last.Counter, Device: c.device}
}

// Observe merges a rev seen elsewhere (from another device or from disk),
// so that the following Next returns a greater rev.
func (c *Clock) Observe(r Rev) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if r.compareTime(c.last) > 0 {
		c.last = Rev{Wall: r.Wall, Counter: r.Counter}
	}
}

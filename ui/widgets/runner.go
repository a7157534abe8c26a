// Package widgets holds what the window's screens share: choice lists,
// date fields, forms and their dialogs, tables, the pager, saving a PDF,
// and the one background runner through which the screens call slow
// office use cases. It imports no screen package and not the shell.
package widgets

import (
	"context"
	"errors"
	"sync"
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// Runner runs the window's slow office calls off the UI goroutine and hands
// each result to the UI goroutine (fyne.Do). Its context ends when Stop is
// called (the shell stops the session's runner at logout and at the idle
// lock), so work still running stops, and a result that arrives after Stop
// is dropped: the screen that asked for it is gone. Tests wait for the
// calls with Wait. Every method may be called from any goroutine.
type Runner struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	jobs   sync.WaitGroup
	// held, for a test runner, keeps the results for Wait to deliver.
	test bool
	mu   sync.Mutex
	held []func()
	// timers, for a test runner, are the After calls still to fire: Wait
	// fires them as if their time had passed.
	timers []*timer
}

// NewRunner returns a running runner.
func NewRunner() *Runner {
	ctx, cancel := context.WithCancelCause(context.Background())
	return &Runner{ctx: ctx, cancel: cancel}
}

// NewTestRunner returns a runner for tests: it delivers results (and
// progress and ticks) on the goroutine that calls Wait, in the order they
// came. Fyne's test driver runs fyne.Do at once on the calling goroutine,
// so a result would otherwise reach the widgets while the test's
// goroutine, which stands for the UI goroutine, uses them too.
func NewTestRunner() *Runner {
	r := NewRunner()
	r.test = true
	return r
}

// deliver runs fn on the UI goroutine (for a test runner: in Wait).
func (r *Runner) deliver(fn func()) {
	if !r.test {
		fyne.Do(fn)
		return
	}
	r.mu.Lock()
	r.held = append(r.held, fn)
	r.mu.Unlock()
}

// Post runs fn on the UI goroutine (a test runner: in Wait, in order with
// the results): for what other goroutines report, such as the sync
// agent's status.
func (r *Runner) Post(fn func()) { r.deliver(fn) }

// Context is the runner's context: it ends with office.ErrSessionEnded as
// its cause when the runner stops. Short office calls made on the UI
// goroutine pass it too.
func (r *Runner) Context() context.Context { return r.ctx }

// Stop cancels the work in flight (its office calls return an error that
// matches office.ErrSessionEnded) and drops the results still to come.
func (r *Runner) Stop() { r.cancel(office.ErrSessionEnded) }

// Stopped reports whether Stop was called.
func (r *Runner) Stopped() bool { return r.ctx.Err() != nil }

// Wait blocks until every call started with Run has delivered its result
// (or dropped it), including calls those results start. A test runner
// delivers them here. Tests use it; the window never waits.
func (r *Runner) Wait() {
	for {
		r.jobs.Wait()
		r.mu.Lock()
		held := r.held
		r.held = nil
		r.mu.Unlock()
		if len(held) == 0 {
			held = r.dueTimers()
		}
		if len(held) == 0 {
			return
		}
		for _, fn := range held {
			fn()
		}
	}
}

// Every calls fn on the UI goroutine every d until the returned stop is
// called or the runner stops. Wait does not wait for it.
func (r *Runner) Every(d time.Duration, fn func()) (stop func()) {
	quit := make(chan struct{})
	var once sync.Once
	stop = func() { once.Do(func() { close(quit) }) }
	go func() {
		t := time.NewTicker(d)
		defer t.Stop()
		for {
			select {
			case <-quit:
				return
			case <-r.ctx.Done():
				return
			case <-t.C:
				r.deliver(func() {
					select {
					case <-quit:
					default:
						if !r.Stopped() {
							fn()
						}
					}
				})
			}
		}
	}()
	return stop
}

// Option changes how Run runs one call.
type Option func(*call)

type call struct {
	progress *Progress
	latest   *Latest
}

// WithProgress shows p while the call runs; the office's progress reports
// (office.WithProgress) move it, on the UI goroutine.
func WithProgress(p *Progress) Option { return func(c *call) { c.progress = p } }

// OnlyLatest makes the call one of a kind that runs again and again (a
// search as the person types, a list as filters change): starting it
// cancels the one of the same kind still running and drops its result, so
// that the newest call's answer is the one shown.
func OnlyLatest(l *Latest) Option { return func(c *call) { c.latest = l } }

// Latest is the newest call of one kind (see OnlyLatest). Its zero value is
// ready. (The window touches it on the UI goroutine only; Fyne's test
// driver runs fyne.Do on the calling goroutine, hence the mutex.)
type Latest struct {
	mu     sync.Mutex
	n      int
	cancel context.CancelCauseFunc
}

// start cancels the running call of the kind and returns the new call's
// number.
func (l *Latest) start(cancel context.CancelCauseFunc) int {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cancel != nil {
		l.cancel(errSuperseded)
	}
	l.n++
	l.cancel = cancel
	return l.n
}

// current reports whether call n is the newest of l (true for a nil l).
func (l *Latest) current(n int) bool {
	if l == nil {
		return true
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.n == n
}

// errSuperseded ends a call that a newer one of its kind replaced.
var errSuperseded = errors.New("superseded by a newer call")

// reporter returns the office's progress report for call n: it moves the
// call's progress display on the UI goroutine.
func (c *call) reporter(r *Runner, n int) func(office.Progress) {
	return func(pr office.Progress) {
		r.deliver(func() {
			if !r.Stopped() && c.latest.current(n) {
				c.progress.Set(pr)
			}
		})
	}
}

// Run calls work off the UI goroutine with the runner's context, then done
// with its result on the UI goroutine. done is not called when the runner
// stopped meanwhile, nor for a call that a newer one replaced
// (OnlyLatest). Call Run on the UI goroutine.
func Run[T any](r *Runner, work func(ctx context.Context) (T, error), done func(T, error), opts ...Option) {
	var c call
	for _, o := range opts {
		o(&c)
	}
	ctx, cancel := context.WithCancelCause(r.ctx)
	n := 0
	if c.latest != nil {
		n = c.latest.start(cancel)
	}
	if c.progress != nil {
		c.progress.Start()
		ctx = office.WithProgress(ctx, c.reporter(r, n))
	}
	r.jobs.Add(1)
	go func() {
		defer r.jobs.Done()
		defer cancel(nil)
		v, err := work(ctx)
		r.deliver(func() {
			if !c.latest.current(n) {
				return // a newer call of this kind runs or ran
			}
			if c.progress != nil {
				c.progress.Stop()
			}
			if r.Stopped() {
				return
			}
			done(v, err)
		})
	}()
}

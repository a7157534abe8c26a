package office

import (
	"context"
	"errors"
	"fmt"
)

// How the office shares itself between goroutines.
//
// o.mu guards the office's state (session, keyring, user table, store
// handle, access-log head) and serialises every write: a commit, the
// access-log chain and the blind-index counts happen under it. Short use
// cases run under it from start to end.
//
// Long use cases (printing, statistics, searches, import, the long lists)
// run as work: they check the session under o.mu, then read, decrypt,
// count and render without it, and take it again only to commit. A work
// touches only what stays put while it runs: the store (Badger reads
// concurrently), the session's keys, the clock, and the caches under
// o.cmu. Logout cancels the context of every work of the session and
// waits for them to end before it closes the store and zeroes the keys, so
// a work never sees a closed store or zeroed keys.

// ctxErr returns nil while ctx is live, and otherwise its error wrapped
// with its cause (ErrNotLoggedIn when the session ended under the work).
func ctxErr(ctx context.Context) error {
	err := ctx.Err()
	if err == nil {
		return nil
	}
	if cause := context.Cause(ctx); cause != nil && !errors.Is(cause, err) {
		return fmt.Errorf("interrupted: %w: %w", cause, err)
	}
	return fmt.Errorf("interrupted: %w", err)
}

// work is a use case running outside o.mu for session s. Its context ends
// when the caller's does or when Logout begins; end must be called.
type work struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	s      *Session
	o      *Office
}

// begin starts work for s once it may do p.
func (o *Office) begin(ctx context.Context, s *Session, p Permission) (*work, error) {
	return o.beginWith(ctx, s, func() error { return o.session(ctx, s, p) })
}

// beginWith starts work for s once check, run under o.mu, passes.
func (o *Office) beginWith(ctx context.Context, s *Session, check func() error) (*work, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := check(); err != nil {
		return nil, err
	}
	wctx, cancel := context.WithCancelCause(ctx)
	w := &work{ctx: wctx, cancel: cancel, s: s, o: o}
	if s.works == nil {
		s.works = map[*work]bool{}
	}
	s.works[w] = true
	s.busy.Add(1)
	o.idle.begin()
	return w, nil
}

// end ends the work: Logout no longer waits for it.
func (w *work) end() {
	w.o.mu.Lock()
	delete(w.s.works, w)
	w.o.mu.Unlock()
	w.cancel(nil)
	w.o.idle.end()
	w.s.busy.Done()
}

// stopWork cancels every work of s. Call with o.mu held.
func (s *Session) stopWork() {
	for w := range s.works {
		w.cancel(ErrSessionEnded)
	}
}

// current checks that s is the logged-in session and not logging out.
// Call with o.mu held.
func (o *Office) current(s *Session) error {
	switch {
	case s == nil || o.sess != s || o.store == nil:
		return ErrNotLoggedIn
	case s.ending:
		return ErrSessionEnded
	}
	o.idle.touch()
	return nil
}

// locked runs fn under o.mu, unless the work's context has ended or its
// session is ending: what a work commits, it commits under the lock.
func (o *Office) locked(w *work, fn func() error) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.current(w.s); err != nil {
		return err
	}
	if err := ctxErr(w.ctx); err != nil {
		return err
	}
	return fn()
}

// Step names what a long use case is doing.
type Step string

// The steps Progress reports.
const (
	StepRead   Step = "read"   // reading and decrypting records
	StepCount  Step = "count"  // counting statistics
	StepScan   Step = "scan"   // checking search candidates
	StepRender Step = "render" // drawing the sheets of a document
	StepImport Step = "import" // sealing and writing imported records
)

// Progress says how far a long use case has come.
type Progress struct {
	Step  Step
	Done  int
	Total int // 0 when not known in advance
}

type progressKey struct{}

// WithProgress returns a context that carries report. The long use cases
// (batch prints, statistics, searches, import) called with it call report
// as they go, on the caller's goroutine and never with the office locked:
// report may call the Office, but not Logout (which waits for the work to
// end), and must not wait for a goroutine that may be calling Logout (the
// UI's: use fyne.Do, not fyne.DoAndWait).
func WithProgress(ctx context.Context, report func(Progress)) context.Context {
	return context.WithValue(ctx, progressKey{}, report)
}

// report calls the progress function of ctx, if any.
func report(ctx context.Context, step Step, done, total int) {
	if fn, ok := ctx.Value(progressKey{}).(func(Progress)); ok && fn != nil {
		fn(Progress{Step: step, Done: done, Total: total})
	}
}

// report calls the progress function of the work's context, if any.
func (w *work) report(step Step, done, total int) { report(w.ctx, step, done, total) }

// reporter returns report bound to a step, for code that takes a
// func(done, total int).
func (w *work) reporter(step Step) func(done, total int) {
	return func(done, total int) { w.report(step, done, total) }
}

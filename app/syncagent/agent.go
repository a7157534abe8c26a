package syncagent

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// DefaultInterval is the time between two background syncs.
const DefaultInterval = 5 * time.Minute

// progressEvery is the least time between two progress reports to the
// subscribers (about ten a second).
const progressEvery = 100 * time.Millisecond

// Options tune an Agent.
type Options struct {
	// Interval is the time between two background syncs (0:
	// DefaultInterval).
	Interval time.Duration
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// KDF are the Argon2id parameters of a login key registered on the
	// server (zero: vault.DefaultKDF).
	KDF vault.KDFParams
	// Logf, when set, receives what the agent does, for the support log:
	// never a password, key or token.
	Logf func(format string, args ...any)
	// OnRevoked, when set, is called from the agent's goroutine when an
	// administrator's revocation of this PC was received and its
	// signature verified, before the vault is wiped: the window ends the
	// person's session there (it may call Stop, which then returns at
	// once, and Office.Logout). When it returns, the agent closes the
	// office itself if it is still open, wipes the vault and the device
	// credentials, and sets Status.Revoked.
	OnRevoked func()
	// CountEvery is how often, between syncs, the agent counts what waits
	// to be sent (0: DefaultCountEvery).
	CountEvery time.Duration
}

func (o Options) interval() time.Duration {
	if o.Interval > 0 {
		return o.Interval
	}
	return DefaultInterval
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o Options) kdf() vault.KDFParams {
	if o.KDF != (vault.KDFParams{}) {
		return o.KDF
	}
	return vault.DefaultKDF
}

// Agent syncs one PC's vault with its central server in the background
// while a person is logged in. Its methods are safe for concurrent use.
//
// One goroutine per login (Start to Stop) runs every sync, so that two
// never run at once; Start, SyncNow, Status and Subscribe never wait for
// the network.
type Agent struct {
	o        *office.Office
	dir      string
	opt      Options
	creds    syncclient.Creds
	enrolled bool
	cl       *syncclient.Client

	mu       sync.Mutex
	st       Status
	subs     map[int]func(Status)
	nextSub  int
	loop     *loop
	revoking bool
	lastNote time.Time

	// notifyMu keeps the subscribers' calls one at a time.
	notifyMu sync.Mutex
	// clientMu keeps a renewal of the device certificate apart from
	// every other use of cl (see run.clientMu).
	clientMu sync.RWMutex
}

// loop is the background goroutine of one login.
type loop struct {
	s       *office.Session
	login   string
	au      *derivedAuth
	ctx     context.Context
	cancel  context.CancelFunc
	trigger chan struct{}
	stop    chan struct{}
	once    sync.Once
	done    chan struct{}

	// smu guards the server session, shared by the syncs and the
	// administrator's operations.
	smu     sync.Mutex
	session syncclient.Session
}

// New returns the agent of o's vault. It loads the device credentials of
// o.Dir(): a vault not enrolled with a server gets StateNotEnrolled and
// an agent whose methods do nothing (the administrator's ones return
// syncclient.ErrNotEnrolled); damaged credentials give StateError.
func New(o *office.Office, opt Options) *Agent {
	a := &Agent{o: o, dir: o.Dir(), opt: opt, subs: map[int]func(Status){}}
	creds, err := syncclient.Load(a.dir)
	switch {
	case err == nil:
		a.creds, a.enrolled = creds, true
		a.cl = syncclient.New(creds)
		a.st.State = StatePending
	case errors.Is(err, syncclient.ErrNotEnrolled):
		a.st.State = StateNotEnrolled
	default:
		a.st.State, a.st.Err = StateError, fmt.Errorf("load the device credentials: %w", err)
	}
	return a
}

func (a *Agent) logf(format string, args ...any) {
	if a.opt.Logf != nil {
		a.opt.Logf(format, args...)
	}
}

// Status returns the state of sync on this PC.
func (a *Agent) Status() Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.st
}

// Subscribe calls fn with the new Status at every change of state and
// every progress step of a running sync (at most about ten a second),
// from the agent's goroutine, one call at a time; fn must not block (a
// window hands the status over to its own thread) and must not call
// Stop. It does not call fn with the current status (see Status). cancel
// ends the subscription.
func (a *Agent) Subscribe(fn func(Status)) (cancel func()) {
	a.mu.Lock()
	defer a.mu.Unlock()
	id := a.nextSub
	a.nextSub++
	a.subs[id] = fn
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		delete(a.subs, id)
	}
}

// update changes the status and tells the subscribers; a progress report
// (progress true) within the same step is told only if the last was at
// least progressEvery ago.
func (a *Agent) update(progress bool, fn func(*Status)) {
	a.mu.Lock()
	step := a.st.Step
	fn(&a.st)
	now := time.Now()
	if progress && a.st.Step == step && now.Sub(a.lastNote) < progressEvery {
		a.mu.Unlock()
		return
	}
	a.lastNote = now
	st := a.st
	subs := make([]func(Status), 0, len(a.subs))
	for _, fn := range a.subs {
		subs = append(subs, fn)
	}
	a.mu.Unlock()
	a.notifyMu.Lock()
	defer a.notifyMu.Unlock()
	for _, fn := range subs {
		fn(st)
	}
}

// Start begins the background sync of the person of s who just logged in
// with login and password. It derives from the password, at once, what
// the server login needs, with no network: the auth key for the person's
// own registration salt (a hash of their deterministic signature over the
// office and the login: the same on every PC), and the one for the
// login's salt on the server as this PC saw it last (kept in the device
// folder), if that is another. Both are Argon2id work. It keeps neither
// the password nor a copy (the caller clears it). Then it syncs at once
// and every Options.Interval in one background goroutine; the first sync
// registers the person's server login when the server does not know it
// or has another password (once per Start). A Start while another
// login's loop runs ends that loop first, without a last sync (call Stop
// before to have one). Nothing happens for a vault not enrolled.
func (a *Agent) Start(s *office.Session, login string, password []byte) {
	if !a.enrolled {
		return
	}
	_, sign := a.o.Replica(s).Signer()
	au := deriveAuth(a.dir, login, password, a.opt.kdf(), loginSalt(sign, a.creds.Office, login))
	a.mu.Lock()
	old := a.loop
	a.loop = nil
	a.mu.Unlock()
	if old != nil {
		old.cancel()
		<-old.done
	}
	ctx, cancel := context.WithCancel(context.Background())
	l := &loop{s: s, login: login, au: au, ctx: ctx, cancel: cancel,
		trigger: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	a.mu.Lock()
	if a.revoking || a.st.Revoked {
		a.mu.Unlock()
		cancel()
		au.forget()
		return
	}
	a.loop = l
	a.mu.Unlock()
	go a.run(l)
}

// SyncNow asks for a sync at once (the window's button, and its lock): it
// returns at once; a sync already running is followed by one more.
func (a *Agent) SyncNow() {
	a.mu.Lock()
	l := a.loop
	a.mu.Unlock()
	if l == nil {
		return
	}
	select {
	case l.trigger <- struct{}{}:
	default:
	}
}

// Stop runs one last sync, bounded by ctx, so that the person's last
// edits reach the server, and ends the background loop; the window calls
// it at logout, before Office.Logout. It returns ctx's error when ctx
// ended first (the sync is then cut; what it did not send goes at the
// next login). Calling it again, or without Start, or from OnRevoked,
// returns nil at once.
func (a *Agent) Stop(ctx context.Context) error {
	a.mu.Lock()
	l := a.loop
	revoking := a.revoking
	a.mu.Unlock()
	if l == nil || revoking {
		return nil
	}
	l.once.Do(func() { close(l.stop) })
	cut := context.AfterFunc(ctx, l.cancel)
	defer cut()
	<-l.done
	a.mu.Lock()
	if a.loop == l {
		a.loop = nil
	}
	a.mu.Unlock()
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("last sync: %w", err)
	}
	return nil
}

// run is the background loop of one login.
func (a *Agent) run(l *loop) {
	defer close(l.done)
	defer l.au.forget()
	defer l.cancel()
	timer := time.NewTimer(0)
	defer timer.Stop()
	every := a.opt.CountEvery
	if every <= 0 {
		every = DefaultCountEvery
	}
	poll := time.NewTicker(every)
	defer poll.Stop()
	for {
		last := false
		select {
		case <-l.ctx.Done():
			return
		case <-l.stop:
			last = true
		case <-l.trigger:
		case <-timer.C:
		case <-poll.C:
			a.countPending(l)
			continue
		}
		if a.cycle(l) || last {
			return
		}
		select {
		case <-l.stop:
			// A Stop during the sync: one more for the edits made
			// meanwhile.
			a.cycle(l)
			return
		default:
		}
		if !timer.Stop() {
			select {
			case <-timer.C:
			default:
			}
		}
		timer.Reset(a.opt.interval())
	}
}

// DefaultCountEvery is how often, between syncs, the agent counts what
// waits to be sent, so that a record saved shows as 未送信 before the next
// sync.
const DefaultCountEvery = 5 * time.Second

// countPending counts what waits to be sent (office.SyncStatus reads
// keys only) and shows it: a synced PC with versions waiting turns
// StatePending, and a pending one with none left StateSynced.
func (a *Agent) countPending(l *loop) {
	ctx, cancel := context.WithTimeout(l.ctx, 5*time.Second)
	defer cancel()
	st, err := a.o.SyncStatus(ctx, l.s)
	if err != nil {
		return
	}
	cur := a.Status()
	if cur.Pending == st.Pending() {
		return
	}
	a.update(false, func(s *Status) {
		s.Pending = st.Pending()
		switch {
		case s.State == StateSynced && st.Versions > 0:
			s.State = StatePending
		case s.State == StatePending && st.Versions == 0:
			s.State = StateSynced
		}
	})
}

// cycle runs one sync and sets the status after it; it reports whether
// the loop is to end: this PC was revoked and wiped, the person's
// session on this PC ended, or the loop was cut (Stop's deadline, another
// login's Start).
func (a *Agent) cycle(l *loop) bool {
	ctx := l.ctx
	if ctx.Err() != nil {
		return true
	}
	first := false
	if st, err := a.o.SyncStatus(ctx, l.s); err == nil {
		first = !st.Synced
		a.update(false, func(s *Status) { s.Pending = st.Pending() })
	}
	before := a.Status()
	a.update(false, func(s *Status) {
		s.State, s.Step, s.Done, s.Total, s.First = StateSyncing, StepConnect, 0, 0, first
	})
	r := &run{o: a.o, s: l.s, creds: a.creds, cl: a.cl, login: l.login, au: l.au, now: a.opt.now,
		renewed: func() { a.logf("sync: the device certificate was renewed") },
		progress: func(p syncer.Progress) {
			a.update(true, func(s *Status) { s.Step, s.Done, s.Total = stepOf(p.Step), p.Done, p.Total })
		},
	}
	r.clientMu, r.session, r.sessionMu = &a.clientMu, &l.session, &l.smu
	res, err := r.once(ctx)
	if err != nil && a.revoked(ctx, l, err) {
		return true
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		// Cut by Stop's deadline or by another login: nothing to show.
		a.update(false, func(s *Status) {
			s.State, s.Err, s.First, s.Step, s.Done, s.Total = before.State, before.Err, false, 0, 0, 0
		})
		return true
	}
	if errors.Is(err, office.ErrNotLoggedIn) {
		// The person's session on this PC ended (a logout or lock without
		// Stop, or roles changed by a newer user table): the loop ends
		// with it.
		a.logf("sync: the session ended: %v", err)
		a.update(false, func(s *Status) {
			s.State, s.Err, s.Finding, s.First, s.Step, s.Done, s.Total = StateError, err, nil, false, 0, 0, 0
		})
		return true
	}
	// The counts use a fresh context: a sync cut by its deadline still
	// shows what waits.
	cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var pending, versions, conflicts int
	if st, serr := a.o.SyncStatus(cctx, l.s); serr == nil {
		pending, versions = st.Pending(), st.Versions
	}
	if n, cerr := a.o.ConflictCount(cctx, l.s); cerr == nil {
		conflicts = n
	}
	webRequests, _ := a.o.WebRequestCount(cctx, l.s)
	if r.webErr != nil {
		a.logf("sync: web booking: %v", r.webErr)
	}
	if r.purgeErr != nil {
		a.logf("sync: erasure on the server: %v", r.purgeErr)
	}
	if err != nil {
		a.logf("sync failed: %v", err)
	} else {
		a.logf("sync: pulled %d, pushed %d, events %d, conflicts %d", res.Pulled, res.Pushed, res.Events, res.Applied.Conflicts)
	}
	a.update(false, func(s *Status) {
		s.Pending, s.Conflicts, s.First, s.Step, s.Done, s.Total = pending, conflicts, false, 0, 0, 0
		s.Err, s.Finding = err, findingOf(err)
		s.WebRequests, s.WebErr, s.PurgeErr = webRequests, r.webErr, r.purgeErr
		switch {
		case err != nil && offline(err):
			s.State = StateOffline
		case err != nil:
			s.State = StateError
		case conflicts > 0:
			s.State = StateConflicts
		case versions > 0:
			s.State = StatePending
		default:
			s.State = StateSynced
		}
		if err == nil {
			s.LastSync = a.opt.now()
		}
	})
	return false
}

// revoked wipes this PC when err is a revocation signed by the office's
// administrator (WipeRevoked): first Options.OnRevoked, for the window to
// end the session and close the vault, then the office is closed if the
// window did not, the vault and the device credentials deleted, and the
// status set to Revoked. It reports whether the PC was wiped.
func (a *Agent) revoked(ctx context.Context, l *loop, err error) bool {
	wiped, werr := WipeRevoked(ctx, a.o, l.s, a.creds.Device, err, func() {
		a.mu.Lock()
		a.revoking = true
		a.mu.Unlock()
		a.logf("sync: this PC was revoked by an administrator; wiping its vault")
		if a.opt.OnRevoked != nil {
			a.opt.OnRevoked()
		}
	})
	if werr != nil {
		a.logf("sync: wipe after revocation: %v", werr)
	}
	a.mu.Lock()
	rev := a.revoking
	a.mu.Unlock()
	if !wiped && !rev {
		return false
	}
	a.update(false, func(s *Status) {
		s.State, s.Err, s.Finding, s.First, s.Step, s.Done, s.Total = StateError, err, nil, false, 0, 0, 0
		s.Pending, s.Conflicts = 0, 0
		s.Revoked = wiped
		if wiped {
			s.Err = fmt.Errorf("%w: %w", ErrWiped, err)
		}
		if werr != nil {
			s.Err = fmt.Errorf("wipe after revocation: %w (%w)", werr, err)
		}
	})
	return true
}

// stepOf maps the engine's step to the indicator's.
func stepOf(s syncer.Step) Step {
	switch s {
	case syncer.StepTable:
		return StepTable
	case syncer.StepPush:
		return StepPush
	case syncer.StepPull:
		return StepPull
	}
	return StepConnect
}

// offline reports whether err means the server could not be reached (no
// connection, a timeout): work goes on and syncs later.
func offline(err error) bool {
	if errors.Is(err, syncclient.ErrUnreachable) || errors.Is(err, context.DeadlineExceeded) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

// findings are the errors of a server caught misbehaving.
var findings = []error{
	syncproto.ErrWithheld, syncproto.ErrDropped, syncproto.ErrReordered, syncproto.ErrReplayed,
	syncproto.ErrRolledBack, syncproto.ErrForked, syncproto.ErrTampered, syncproto.ErrMalformed,
	syncclient.ErrChainBroken, syncclient.ErrEnvelopeConflict,
}

// findingOf returns err when it is a detection of the server's
// misbehaviour, nil otherwise.
func findingOf(err error) error {
	if err == nil {
		return nil
	}
	for _, f := range findings {
		if errors.Is(err, f) {
			return err
		}
	}
	return nil
}

package centraltest

import (
	"context"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// testConcurrentPull runs four devices pushing small batches through two
// servers while a reader on a third polls with pages of random size. The
// reader must see every cursor from 1 on, each exactly once and in order:
// a cursor it sees after skipping one would be a row that committed later
// with a smaller cursor, and it would never pull that row again.
func testConcurrentPull(t *testing.T, b Backend) {
	s := b.Open(t)
	ss := servers(t, b, s, 3)
	batches := 40
	if testing.Short() {
		batches = 15
	}
	ConcurrentPushersNeverSkip(t, ss[:2], ss[2], 4, batches)
}

// ConcurrentPushersNeverSkip enrolls a new office with one device per
// writer, lets the writers push batches of 1–8 envelopes through the
// writer stores in turn while reader polls, and checks that the reader
// saw every pushed envelope exactly once with dense cursors in order.
// Backends call it from their own tests with a hook that holds each push
// open between giving out its cursors and committing.
func ConcurrentPushersNeverSkip(t *testing.T, writers []central.Store, reader central.Store, devices, batches int) {
	t.Helper()
	d0 := found(t, writers[0])
	devs := []*device{d0}
	for i := 1; i < devices; i++ {
		devs = append(devs, join(t, writers[0], d0.office, fmt.Sprintf("dev-%d", i+1)))
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()

	var done atomic.Bool
	var got []central.Envelope
	readErr := make(chan error, 1)
	go func() {
		var after uint64
		polls := 0
		for {
			finished := done.Load()
			p, err := reader.Pull(ctx, d0.office, after, 1+mrand.IntN(40))
			if err != nil {
				readErr <- err
				return
			}
			polls++
			for _, e := range p.Envelopes {
				if e.Cursor != after+1 {
					readErr <- fmt.Errorf("poll %d: the reader saw cursor %d right after %d: cursor %d was skipped (or not yet committed)",
						polls, e.Cursor, after, after+1)
					return
				}
				after = e.Cursor
			}
			got = append(got, p.Envelopes...)
			if finished && len(p.Envelopes) == 0 {
				readErr <- nil
				return
			}
			if len(p.Envelopes) == 0 {
				time.Sleep(time.Duration(mrand.IntN(300)) * time.Microsecond)
			}
		}
	}()

	pushed := make([][]central.Envelope, len(devs))
	var wg sync.WaitGroup
	errs := make(chan error, len(devs))
	for w, d := range devs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < batches; i++ {
				bt := d.batch(fmt.Sprintf("W%d-%d", w, i), 1+mrand.IntN(8), 64+mrand.IntN(256))
				if _, err := writers[(w+i)%len(writers)].Push(ctx, bt); err != nil {
					errs <- fmt.Errorf("writer %d batch %d: %w", w, i, err)
					cancel()
					return
				}
				pushed[w] = append(pushed[w], bt.Envelopes...)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	done.Store(true)
	if err := <-readErr; err != nil {
		t.Fatal(err)
	}

	want := map[central.Key]central.Envelope{}
	for _, es := range pushed {
		for _, e := range es {
			want[central.Key{ID: e.ID, Rev: e.Rev}] = e
		}
	}
	if len(got) != len(want) {
		t.Fatalf("the reader saw %d envelopes, %d were pushed", len(got), len(want))
	}
	for _, e := range got {
		w, ok := want[central.Key{ID: e.ID, Rev: e.Rev}]
		if !ok || !sameEnvelope(w, e) {
			t.Fatalf("the reader saw %s %s, not as pushed", e.ID, e.Rev)
		}
		delete(want, central.Key{ID: e.ID, Rev: e.Rev})
	}
	// Each device's envelopes come in its chain order.
	last := map[string]uint64{}
	for _, e := range got {
		if e.Link.Seq != last[e.Device]+1 {
			t.Fatalf("device %s: sequence %d after %d", e.Device, e.Link.Seq, last[e.Device])
		}
		last[e.Device] = e.Link.Seq
	}
}

// testTwoServers runs two servers on one database (two Store values, two
// pools of connections) with clients switching between them: they converge.
func testTwoServers(t *testing.T, b Backend) {
	s := b.Open(t)
	ss := servers(t, b, s, 2)
	a, c := ss[0], ss[1]
	ctx := t.Context()
	if b.Again == nil {
		t.Log("one process per database: both servers are one Store")
	}

	d1 := found(t, a)
	tok := newToken(t, a, d1.office, time.Hour)
	if _, err := c.Enroll(ctx, tok, newDevice("", "dev-2"), time.Now()); err != nil {
		t.Fatalf("token of server a used on server c: %v", err)
	}
	_, err := a.Enroll(ctx, tok, newDevice("", "dev-3"), time.Now())
	wantErr(t, err, central.ErrTokenUsed, "the token again on server a")
	d2 := &device{office: d1.office, id: "dev-2"}

	var want []central.Envelope
	var stale device
	for i := 0; i < 10; i++ {
		stale = *d1
		b1, b2 := d1.batch(fmt.Sprintf("P%d", i), 3, 0), d2.batch(fmt.Sprintf("Q%d", i), 2, 0)
		push(t, ss[i%2], b1)
		push(t, ss[(i+1)%2], b2)
		// A client that did not hear the answer retries on the other server.
		if r := push(t, ss[(i+1)%2], b1); r.Stored != 0 {
			t.Fatalf("retry on the other server stored %d", r.Stored)
		}
		want = append(append(want, b1.Envelopes...), b2.Envelopes...)
	}
	ga, gc := pullAll(t, a, d1.office, 0, 13), pullAll(t, c, d1.office, 0, 17)
	wantEnvelopes(t, ga, want, 1)
	wantEnvelopes(t, gc, want, 1)

	// A chain head advanced through one server binds the other.
	stale.revs += 100
	_, err = c.Push(ctx, stale.batch("F", 1, 0))
	wantErr(t, err, central.ErrChainBroken, "a stale head through the other server")

	// Revocation through one server holds on the other.
	if err := c.Revoke(ctx, d1.office, "dev-2", time.Now()); err != nil {
		t.Fatal(err)
	}
	_, err = a.Push(ctx, d2.batch("R", 1, 0))
	wantErr(t, err, central.ErrRevoked, "a device revoked through the other server")
	wantErr(t, a.Touch(ctx, d1.office, "dev-2", time.Now()), central.ErrRevoked, "contact of a revoked device")

	// A table stored through one server binds the other.
	if err := a.PutTable(ctx, d1.office, tableOf(3, "", d1.id, time.Now())); err != nil {
		t.Fatal(err)
	}
	wantErr(t, c.PutTable(ctx, d1.office, tableOf(2, "", d2.id, time.Now())), central.ErrConflict, "a lower table through the other server")
	wantErr(t, c.PutTable(ctx, d1.office, tableOf(3, "fork", d2.id, time.Now())), central.ErrConflict, "another table at its serial through the other server")
	if err := c.PutTable(ctx, d1.office, tableOf(4, "", d2.id, time.Now())); err != nil {
		t.Fatal(err)
	}
	if got, err := a.Table(ctx, d1.office); err != nil || got.Serial != 4 || got.Device != d2.id {
		t.Fatalf("table through server a: %+v, %v", got, err)
	}

	// Login failures through both count together.
	if err := a.SetLogin(ctx, d1.office, "suzuki", []byte("v")); err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 4; i++ {
		if _, err := ss[i%2].LoginFailed(ctx, d1.office, "suzuki", time.Now(), central.DefaultLockout); err != nil {
			t.Fatal(err)
		}
	}
	la, _ := a.Login(ctx, d1.office, "suzuki")
	lc, _ := c.Login(ctx, d1.office, "suzuki")
	if la.Failures != 4 || lc.Failures != 4 {
		t.Fatalf("failures %d and %d, want 4", la.Failures, lc.Failures)
	}
	da, _ := a.Devices(ctx, d1.office)
	dc, _ := c.Devices(ctx, d1.office)
	if len(da) != 2 || len(dc) != 2 {
		t.Fatalf("%d and %d devices", len(da), len(dc))
	}
	for i := range da {
		if !sameDevice(da[i], dc[i]) {
			t.Fatalf("the servers see device %s differently", da[i].ID)
		}
	}
}

func testReopen(t *testing.T, b Backend) {
	s := b.Open(t)
	d := found(t, s)
	first := d.batch("B", 20, 0)
	first.Anchor = &central.Anchor{Seq: 3, Hash: []byte("h3")}
	push(t, s, first)
	if err := s.SetLogin(t.Context(), d.office, "ito", []byte("v")); err != nil {
		t.Fatal(err)
	}
	tbl := tableOf(7, "before reopening", d.id, time.Now())
	if err := s.PutTable(t.Context(), d.office, tbl); err != nil {
		t.Fatal(err)
	}
	before, _ := s.Device(t.Context(), d.office, d.id)
	s = b.Reopen(t, s)
	wantTable(t, s, d.office, tbl)
	wantErr(t, s.PutTable(t.Context(), d.office, tableOf(6, "", d.id, time.Now())), central.ErrConflict, "a lower table after reopening")
	after, err := s.Device(t.Context(), d.office, d.id)
	if err != nil || !sameDevice(before, after) {
		t.Fatalf("device after reopening: %+v, %v; before %+v", after, err, before)
	}
	if _, err := s.Login(t.Context(), d.office, "ito"); err != nil {
		t.Fatal(err)
	}
	// The chain and the cursor go on.
	next := d.batch("C", 5, 0)
	if r := push(t, s, next); r.Last != 25 || r.Head.Seq != 25 {
		t.Fatalf("push after reopening: %+v", r)
	}
	if r := push(t, s, first); r.Stored != 0 {
		t.Fatalf("the first batch again after reopening stored %d", r.Stored)
	}
	wantEnvelopes(t, pullAll(t, s, d.office, 0, 0), append(first.Envelopes, next.Envelopes...), 1)
}

func testCanceled(t *testing.T, b Backend) {
	s := b.Open(t)
	d := found(t, s)
	ctx := ctxCanceled()
	saved := *d
	_, err := s.Push(ctx, d.batch("B", 3, 0))
	wantErr(t, err, context.Canceled, "push with a canceled context")
	_, err = s.Pull(ctx, d.office, 0, 0)
	wantErr(t, err, context.Canceled, "pull with a canceled context")
	tok := newToken(t, s, d.office, time.Hour)
	_, err = s.Enroll(ctx, tok, newDevice("", "dev-2"), time.Now())
	wantErr(t, err, context.Canceled, "enroll with a canceled context")
	_, err = s.LoginFailed(ctx, d.office, "x", time.Now(), central.DefaultLockout)
	wantErr(t, err, context.Canceled, "login failure with a canceled context")
	wantErr(t, s.PutTable(ctx, d.office, tableOf(1, "", d.id, time.Now())), context.Canceled, "put table with a canceled context")
	wantErr(t, s.AddFirstLogin(ctx, d.office, "kanri", []byte("v")), context.Canceled, "first login with a canceled context")
	_, err = s.Table(ctx, d.office)
	wantErr(t, err, context.Canceled, "table with a canceled context")
	// Nothing happened.
	*d = saved
	if r := push(t, s, d.batch("B", 3, 0)); r.Stored != 3 || r.Last != 3 {
		t.Fatalf("push after a canceled one: %+v", r)
	}
	_, err = s.Table(t.Context(), d.office)
	wantErr(t, err, central.ErrNotFound, "the table after a canceled put")
	if _, err := s.Enroll(t.Context(), tok, newDevice("", "dev-2"), time.Now()); err != nil {
		t.Fatalf("token after a canceled enrollment: %v", err)
	}
	if ls, err := s.Logins(t.Context(), d.office); err != nil || len(ls) != 0 {
		t.Fatalf("logins after a canceled first login: %+v, %v", ls, err)
	}
}

func testClosed(t *testing.T, b Backend) {
	s := b.Open(t)
	d := found(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	_, err := s.Pull(t.Context(), d.office, 0, 0)
	wantErr(t, err, central.ErrClosed, "pull after close")
	_, err = s.Push(t.Context(), d.batch("B", 1, 0))
	wantErr(t, err, central.ErrClosed, "push after close")
	wantErr(t, s.PutTable(t.Context(), d.office, tableOf(1, "", d.id, time.Now())), central.ErrClosed, "put table after close")
	_, err = s.Table(t.Context(), d.office)
	wantErr(t, err, central.ErrClosed, "table after close")
	wantErr(t, s.Touch(t.Context(), d.office, d.id, time.Now()), central.ErrClosed, "touch after close")
	wantErr(t, s.AddFirstLogin(t.Context(), d.office, "kanri", []byte("v")), central.ErrClosed, "first login after close")
	if err := s.Close(); err != nil && !errors.Is(err, central.ErrClosed) {
		t.Fatalf("second close: %v", err)
	}
}

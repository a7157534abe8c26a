// Package centraltest is the conformance suite of central.Store: every
// backend runs Run from its own tests, and the benchmarks Bench* from its
// benchmarks, so both backends are held to one behaviour.
//
// The suite uses generated dummy data only. Envelopes are random bytes,
// except in the scan test, which seals generated names and phone numbers
// with a random key of its own: the store only ever sees ciphertext.
package centraltest

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	mrand "math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Backend opens stores of one backend for the suite.
type Backend struct {
	// Open opens a Store on a new, empty database; the backend closes it
	// and removes the database when the test ends.
	Open func(tb testing.TB) central.Store
	// Again opens one more Store on the database of s, as a second server
	// process would. Nil for a backend that one process owns (Badger
	// locks its directory): the tests of several servers then run their
	// "servers" on s itself.
	Again func(tb testing.TB, s central.Store) central.Store
	// Reopen closes s and opens its database again.
	Reopen func(tb testing.TB, s central.Store) central.Store
	// Raw returns the bytes the backend keeps of s's database at rest (a
	// directory's files, a dump), for the plaintext scan; it may close s.
	// Nil, or a call that skips, when the backend cannot.
	Raw func(tb testing.TB, s central.Store) []byte
}

// Run runs every conformance test against the backend.
func Run(t *testing.T, b Backend) {
	tests := []struct {
		name string
		fn   func(*testing.T, Backend)
	}{
		{"PushPull", testPushPull},
		{"IdempotentBatch", testIdempotentBatch},
		{"DuplicateInFlight", testDuplicateInFlight},
		{"AtomicBatch", testAtomicBatch},
		{"InvalidBatch", testInvalidBatch},
		{"Paging", testPaging},
		{"PageBytes", testPageBytes},
		{"PullEachStops", testPullEachStops},
		{"Limits", testLimits},
		{"CursorPerOffice", testCursorPerOffice},
		{"ChainContinuity", testChainContinuity},
		{"Anchor", testAnchor},
		{"Tokens", testTokens},
		{"TokenSingleUseConcurrent", testTokenConcurrent},
		{"Devices", testDevices},
		{"Renew", testRenew},
		{"RenewConcurrent", testRenewConcurrent},
		{"Logins", testLogins},
		{"LoginFailuresConcurrent", testLoginConcurrent},
		{"FirstLogin", testFirstLogin},
		{"FirstLoginConcurrent", testFirstLoginConcurrent},
		{"Table", testTable},
		{"TableConcurrent", testTableConcurrent},
		{"ConcurrentPushersPollingReader", testConcurrentPull},
		{"TwoServersConverge", testTwoServers},
		{"Reopen", testReopen},
		{"Canceled", testCanceled},
		{"Closed", testClosed},
		{"ScanFindsNoPlaintext", testScan},
		{"BookingPublication", testBookingPublication},
		{"BookingRequests", testBookingRequests},
		{"BookingLastPlace", testBookingLastPlace},
		{"Redact", testRedact},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, b) })
	}
}

// device is a test device: its ids and the chain head it has built so far.
type device struct {
	office, id string
	head       central.ChainHead
	revs       int
}

// next builds the device's next envelope (it advances the device's own head
// whether or not the push succeeds; copy the device first to fork it).
func (d *device) next(id string, data []byte) central.Envelope {
	d.revs++
	rev := fmt.Sprintf("%016x-%08x-%s", 1_700_000_000_000+d.revs, 0, d.id)
	return d.link(central.Envelope{ID: id, Rev: rev, Data: data})
}

// link gives e the device's next link.
func (d *device) link(e central.Envelope) central.Envelope {
	e.Device = d.id
	h := sha256.New()
	h.Write(d.head.Hash)
	fmt.Fprintf(h, "%d|%s|%s|", d.head.Seq+1, e.ID, e.Rev)
	h.Write(e.Data)
	sum := h.Sum(nil)
	sig := sha256.Sum256(append([]byte("sig"), sum...)) // stands in for a signature
	e.Link = central.Link{Seq: d.head.Seq + 1, Prev: bytes.Clone(d.head.Hash), Hash: sum, Sig: sig[:]}
	d.head = central.ChainHead{Seq: e.Link.Seq, Hash: sum}
	return e
}

// batch builds n envelopes of random data (size bytes each, random if 0)
// for records named prefix-0…
func (d *device) batch(prefix string, n, size int) central.Batch {
	b := central.Batch{Office: d.office, Device: d.id, At: time.Now()}
	for i := 0; i < n; i++ {
		sz := size
		if sz == 0 {
			sz = 100 + mrand.IntN(900)
		}
		b.Envelopes = append(b.Envelopes, d.next(fmt.Sprintf("%s-%d", prefix, i), randBytes(sz)))
	}
	return b
}

func randBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

func randID(prefix string) string { return prefix + hex.EncodeToString(randBytes(6)) }

// newToken stores a token for office ("" founds one) and returns its hash.
func newToken(tb testing.TB, s central.Store, office string, ttl time.Duration) []byte {
	tb.Helper()
	secret := randBytes(32)
	h := sha256.Sum256(secret)
	now := time.Now()
	if err := s.AddToken(tb.Context(), central.Token{Hash: h[:], Office: office, Created: now, Expires: now.Add(ttl)}); err != nil {
		tb.Fatalf("AddToken: %v", err)
	}
	return h[:]
}

func newDevice(office, id string) central.Device {
	cert := []byte("certificate of " + id)
	fp := sha256.Sum256(cert)
	return central.Device{Office: office, ID: id, Name: "受付PC " + id, CertSHA256: fp[:], Cert: cert}
}

// found creates an office through a founding token and returns its first
// device.
func found(tb testing.TB, s central.Store) *device {
	tb.Helper()
	office := randID("office-")
	tok := newToken(tb, s, "", time.Hour)
	if _, err := s.Enroll(tb.Context(), tok, newDevice(office, "dev-1"), time.Now()); err != nil {
		tb.Fatalf("Enroll founding device: %v", err)
	}
	return &device{office: office, id: "dev-1"}
}

// join enrolls one more device into the office of d.
func join(tb testing.TB, s central.Store, office, id string) *device {
	tb.Helper()
	tok := newToken(tb, s, office, time.Hour)
	if _, err := s.Enroll(tb.Context(), tok, newDevice("", id), time.Now()); err != nil {
		tb.Fatalf("Enroll %s: %v", id, err)
	}
	return &device{office: office, id: id}
}

func push(tb testing.TB, s central.Store, b central.Batch) central.PushResult {
	tb.Helper()
	r, err := s.Push(tb.Context(), b)
	if err != nil {
		tb.Fatalf("Push: %v", err)
	}
	return r
}

// pullAll pulls every envelope of the office after cursor, page by page,
// checking that cursors only grow.
func pullAll(tb testing.TB, s central.Store, office string, after uint64, limit int) []central.Envelope {
	tb.Helper()
	var all []central.Envelope
	for {
		p, err := pull(tb, s, office, after, limit)
		if err != nil {
			tb.Fatalf("Pull after %d: %v", after, err)
		}
		for _, e := range p.Envelopes {
			if e.Cursor <= after {
				tb.Fatalf("Pull returned cursor %d after %d", e.Cursor, after)
			}
			after = e.Cursor
		}
		if p.Next != after {
			tb.Fatalf("page Next %d, last cursor %d", p.Next, after)
		}
		all = append(all, p.Envelopes...)
		if !p.More {
			return all
		}
	}
}

// pull is s.Pull. When s also hands envelopes over one at a time
// (central.EnvelopeReader), pull checks that PullEach, called right after
// with the same arguments, gives the same page (each envelope copied, as
// its callers must) or an error of the same kind. Use it only where no one
// pushes meanwhile.
func pull(tb testing.TB, s central.Store, office string, after uint64, limit int) (central.Page, error) {
	tb.Helper()
	p, err := s.Pull(tb.Context(), office, after, limit)
	er, ok := s.(central.EnvelopeReader)
	if !ok {
		return p, err
	}
	var each []central.Envelope
	q, eachErr := er.PullEach(tb.Context(), office, after, limit, func(e *central.Envelope) error {
		c := *e
		c.Link.Prev, c.Link.Hash, c.Link.Sig = bytes.Clone(e.Link.Prev), bytes.Clone(e.Link.Hash), bytes.Clone(e.Link.Sig)
		c.Data = bytes.Clone(e.Data)
		each = append(each, c)
		return nil
	})
	if (err == nil) != (eachErr == nil) {
		tb.Fatalf("after %d limit %d: Pull gave %v, PullEach %v", after, limit, err, eachErr)
	}
	for _, kind := range []error{central.ErrNotFound, central.ErrInvalid, central.ErrCorrupt, central.ErrClosed, context.Canceled} {
		if errors.Is(err, kind) != errors.Is(eachErr, kind) {
			tb.Fatalf("after %d limit %d: Pull gave %v, PullEach %v", after, limit, err, eachErr)
		}
	}
	if err != nil {
		return p, err
	}
	if q.Envelopes != nil || q.Next != p.Next || q.Last != p.Last || q.More != p.More || len(each) != len(p.Envelopes) {
		tb.Fatalf("after %d limit %d: PullEach gave %d envelopes, Next %d, Last %d, More %v; Pull %d, %d, %d, %v",
			after, limit, len(each), q.Next, q.Last, q.More, len(p.Envelopes), p.Next, p.Last, p.More)
	}
	for i, e := range each {
		if !sameEnvelope(e, p.Envelopes[i]) || e.Cursor != p.Envelopes[i].Cursor {
			tb.Fatalf("after %d limit %d: envelope %d differs between PullEach and Pull", after, limit, i)
		}
	}
	return p, nil
}

// testPullEachStops: an error from PullEach's function ends the page and
// comes back as it is (for a store that has PullEach).
func testPullEachStops(t *testing.T, b Backend) {
	s := b.Open(t)
	er, ok := s.(central.EnvelopeReader)
	if !ok {
		t.Skip("the store builds every page")
	}
	d := found(t, s)
	push(t, s, d.batch("S", 10, 100))
	stop := errors.New("enough")
	calls := 0
	_, err := er.PullEach(t.Context(), d.office, 0, 0, func(*central.Envelope) error {
		if calls++; calls == 3 {
			return stop
		}
		return nil
	})
	if err != stop || calls != 3 {
		t.Fatalf("PullEach after its function failed on the third envelope: %v after %d calls", err, calls)
	}
	_, err = er.PullEach(t.Context(), "no-such-office", 0, 0, func(*central.Envelope) error { return nil })
	wantErr(t, err, central.ErrNotFound, "PullEach of an unknown office")
}

// sameEnvelope compares everything but the cursor.
func sameEnvelope(a, b central.Envelope) bool {
	return a.ID == b.ID && a.Rev == b.Rev && a.Device == b.Device && a.Link.Seq == b.Link.Seq &&
		bytes.Equal(a.Link.Prev, b.Link.Prev) && bytes.Equal(a.Link.Hash, b.Link.Hash) &&
		bytes.Equal(a.Link.Sig, b.Link.Sig) && bytes.Equal(a.Data, b.Data)
}

// wantEnvelopes checks that got holds exactly want, in order, with the
// cursors from first on without a gap.
func wantEnvelopes(tb testing.TB, got, want []central.Envelope, first uint64) {
	tb.Helper()
	if len(got) != len(want) {
		tb.Fatalf("got %d envelopes, want %d", len(got), len(want))
	}
	for i := range want {
		if !sameEnvelope(got[i], want[i]) {
			tb.Fatalf("envelope %d: got %s %s (seq %d), want %s %s (seq %d)", i,
				got[i].ID, got[i].Rev, got[i].Link.Seq, want[i].ID, want[i].Rev, want[i].Link.Seq)
		}
		if got[i].Cursor != first+uint64(i) {
			tb.Fatalf("envelope %d has cursor %d, want %d", i, got[i].Cursor, first+uint64(i))
		}
	}
}

func wantErr(tb testing.TB, err, target error, what string) {
	tb.Helper()
	if !errors.Is(err, target) {
		tb.Fatalf("%s: error %v, want %v", what, err, target)
	}
}

func wantErrNaming(tb testing.TB, err, target error, what string, names ...string) {
	tb.Helper()
	wantErr(tb, err, target, what)
	for _, n := range names {
		if !strings.Contains(err.Error(), n) {
			tb.Fatalf("%s: error %q does not name %q", what, err, n)
		}
	}
}

// servers returns n stores on the database of s: s itself and, when the
// backend can, further Stores as other server processes would open them.
func servers(tb testing.TB, b Backend, s central.Store, n int) []central.Store {
	out := []central.Store{s}
	for len(out) < n {
		if b.Again == nil {
			out = append(out, s)
			continue
		}
		out = append(out, b.Again(tb, s))
	}
	return out
}

// ctxCanceled is a canceled context for the cancellation test.
func ctxCanceled() context.Context {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	return ctx
}

package syncproto

import (
	"bytes"
	"fmt"
	"maps"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Checker checks what a client pulls: every device's chain, link by link,
// and the heads claims of the other devices. It holds the head of each
// device's chain that the client has seen in pulls; State and NewChecker
// keep it across runs. A Checker is not safe for concurrent use.
type Checker struct {
	office, self string
	heads        map[string]Head
}

const (
	stateMagic   = "MDGS"
	stateVersion = 1
)

// NewChecker returns the checker of device self of office, with the state
// that State returned before (empty for a device that never pulled).
// ErrMalformed for a state that State cannot have written.
func NewChecker(office, self string, state []byte) (*Checker, error) {
	c := &Checker{office: office, self: self, heads: map[string]Head{}}
	if len(state) == 0 {
		return c, nil
	}
	r := &reader{b: state, msg: "checker state"}
	if m := r.take(len(stateMagic), "magic"); r.err == nil && string(m) != stateMagic {
		r.fail("not a checker state")
	}
	if v := r.u8("version"); r.err == nil && v != stateVersion {
		r.fail("version %d", v)
	}
	m := readTable(r)
	if err := r.end(); err != nil {
		return nil, err
	}
	c.heads = m
	return c, nil
}

// State returns the checker's state, canonically encoded: "MDGS", a
// version byte and the heads seen of each device.
func (c *Checker) State() []byte {
	b := append([]byte(stateMagic), stateVersion)
	return appendTable(b, c.heads)
}

// Heads returns a copy of the chain heads seen in pulls, by device,
// including this device's own: what this device's heads item claims.
func (c *Checker) Heads() map[string]Head {
	m := make(map[string]Head, len(c.heads))
	for d, h := range c.heads {
		m[d] = Head{Seq: h.Seq, Hash: bytes.Clone(h.Hash)}
	}
	return m
}

// Redaction is Redaction of this checker's office: the order's hash when e
// is a version the server erased.
func (c *Checker) Redaction(e central.Envelope) (order string, ok bool) {
	return Redaction(c.office, e)
}

// envName names an envelope in errors.
func envName(e central.Envelope) string {
	return fmt.Sprintf("device %q seq %d (record %q rev %q, cursor %d)", e.Device, e.Link.Seq, e.ID, e.Rev, e.Cursor)
}

// Page checks a page that the server returned for a Pull after the cursor
// after, with keys giving the Ed25519 public keys of a login (those of the
// verified user table). It checks that the cursors only grow and are above
// after and that p.Next is the last one (ErrRolledBack, ErrReordered or
// ErrDropped), and then each envelope in order: its link hash
// (ErrTampered), its signature by a known login (ErrTampered), and that it
// continues its device's chain as seen so far (ErrReplayed, ErrReordered,
// ErrDropped, ErrForked); a heads item's claims must not be ahead of what
// this checker has seen (ErrWithheld, ErrForked). The checker takes the
// page only if all of it passes; on an error it is unchanged. It returns
// the page's envelopes without the heads items.
func (c *Checker) Page(after uint64, p central.Page, keys func(login string) [][]byte) ([]central.Envelope, error) {
	if err := checkCursors(after, p); err != nil {
		return nil, err
	}
	heads := maps.Clone(c.heads)
	out := make([]central.Envelope, 0, len(p.Envelopes))
	// One signature per device and page is enough: each link's hash
	// covers the previous link's hash, so the signed last link of a device
	// in the page vouches for every link of it before (whose hashes and
	// continuity are all checked). The page is taken whole or not at all.
	last := map[string]int{}
	for i, e := range p.Envelopes {
		last[e.Device] = i
	}
	for i, e := range p.Envelopes {
		if err := c.link(heads, p.Envelopes, i, last[e.Device] == i, keys); err != nil {
			return nil, err
		}
		if IsHeads(e.ID) {
			if err := c.claim(heads, e); err != nil {
				return nil, err
			}
			continue
		}
		out = append(out, e)
	}
	// The heads point into the page until here: they keep copies.
	for d := range last {
		h := heads[d]
		h.Hash = bytes.Clone(h.Hash)
		heads[d] = h
	}
	c.heads = heads
	return out, nil
}

// checkCursors checks the cursors of a page for a Pull after after.
func checkCursors(after uint64, p central.Page) error {
	last := after
	for _, e := range p.Envelopes {
		switch {
		case e.Cursor <= after:
			return fmt.Errorf("pull after cursor %d returned %s: %w", after, envName(e), ErrRolledBack)
		case e.Cursor <= last:
			return fmt.Errorf("pull after cursor %d returned cursor %d after %d: %s: %w", after, e.Cursor, last, envName(e), ErrReordered)
		}
		last = e.Cursor
	}
	switch {
	case p.Next < last:
		return fmt.Errorf("pull after cursor %d: next cursor %d goes back before %d: %w", after, p.Next, last, ErrRolledBack)
	case p.Next > last:
		return fmt.Errorf("pull after cursor %d: next cursor %d skips past the last one returned, %d: %w", after, p.Next, last, ErrDropped)
	case p.Last < p.Next:
		// The server's newest cursor is below what it handed out before:
		// it lost (or hides) envelopes this PC pulled (a server restored
		// from an older backup), also when it sends nothing new.
		return fmt.Errorf("pull after cursor %d: the server's last cursor %d is below %d: %w", after, p.Last, p.Next, ErrRolledBack)
	}
	return nil
}

// link checks envelope i of envs against its device's head in heads and
// moves the head on; verify says to check its signature too (the last link
// of its device in the page).
func (c *Checker) link(heads map[string]Head, envs []central.Envelope, i int, verify bool, keys func(string) [][]byte) error {
	e := envs[i]
	if err := central.CheckID("device", e.Device); err != nil {
		return fmt.Errorf("%s: %v: %w", envName(e), err, ErrTampered)
	}
	l := e.Link
	if sum := linkHash(c.office, e.Device, l.Seq, l.Prev, e.ID, e.Rev, e.Data); !bytes.Equal(l.Hash, sum[:]) {
		// A version the server erased keeps the SHA-256 of its bytes.
		if _, redacted := Redaction(c.office, e); !redacted || IsHeads(e.ID) {
			return fmt.Errorf("%s: link hash does not match the envelope: %w", envName(e), ErrTampered)
		}
	}
	if verify {
		if login, ok := VerifyLink(keys, l.Hash, l.Sig); !ok {
			if login == "" {
				return fmt.Errorf("%s: link signature unreadable: %w", envName(e), ErrTampered)
			}
			return fmt.Errorf("%s: link signature does not verify with a key of login %q: %w", envName(e), login, ErrTampered)
		}
	}
	h := heads[e.Device]
	switch {
	case l.Seq == 0:
		return fmt.Errorf("%s: chain sequence 0: %w", envName(e), ErrTampered)
	case l.Seq == h.Seq && bytes.Equal(l.Hash, h.Hash):
		return fmt.Errorf("%s: the chain's head, seen before: %w", envName(e), ErrReplayed)
	case l.Seq == h.Seq:
		return fmt.Errorf("%s: another link than the head seen at that seq: %w", envName(e), ErrForked)
	case l.Seq < h.Seq:
		return fmt.Errorf("%s: the chain is at %d already: %w", envName(e), h.Seq, ErrReplayed)
	case l.Seq > h.Seq+1:
		for _, f := range envs[i+1:] {
			if f.Device == e.Device && f.Link.Seq == h.Seq+1 {
				return fmt.Errorf("%s: before seq %d (cursor %d): %w", envName(e), h.Seq+1, f.Cursor, ErrReordered)
			}
		}
		if l.Seq == h.Seq+2 {
			return fmt.Errorf("%s: seq %d missing: %w", envName(e), h.Seq+1, ErrDropped)
		}
		return fmt.Errorf("%s: seq %d to %d missing: %w", envName(e), h.Seq+1, l.Seq-1, ErrDropped)
	case !bytes.Equal(l.Prev, h.Hash):
		return fmt.Errorf("%s: does not link to the head seen at seq %d: %w", envName(e), h.Seq, ErrForked)
	}
	heads[e.Device] = Head{Seq: l.Seq, Hash: l.Hash} // Page copies the last
	return nil
}

// claim checks a heads item (its link checked already) against heads.
func (c *Checker) claim(heads map[string]Head, e central.Envelope) error {
	if e.ID != HeadsPrefix+e.Device {
		return fmt.Errorf("%s: heads item of another device: %w", envName(e), ErrTampered)
	}
	if e.Rev != headsRev(e.Link.Seq) {
		return fmt.Errorf("%s: heads item whose rev is not its seq: %w", envName(e), ErrTampered)
	}
	claims, err := DecodeHeads(e.Data)
	if err != nil {
		return fmt.Errorf("%s: %w", envName(e), err)
	}
	for d, want := range claims {
		have := heads[d]
		switch {
		case have.Seq < want.Seq:
			return fmt.Errorf("%s: claims device %q at seq %d, seen here only up to %d: %w", envName(e), d, want.Seq, have.Seq, ErrWithheld)
		case have.Seq == want.Seq && !bytes.Equal(have.Hash, want.Hash):
			return fmt.Errorf("%s: claims device %q at seq %d with another hash than seen here: %w", envName(e), d, want.Seq, ErrForked)
		}
	}
	return nil
}

// CaughtUp checks this device's own chain once a pull came back empty:
// the head seen in pulls must be the head that the server acknowledged to
// this device's last push (ownAcked, as the engine keeps it). A lower seq
// seen gives ErrRolledBack (the server lost or hides versions it
// acknowledged); a higher one, or another hash, ErrForked.
func (c *Checker) CaughtUp(ownAcked Head) error {
	seen := c.heads[c.self]
	switch {
	case seen.Seq < ownAcked.Seq:
		return fmt.Errorf("device %s: pulls show its chain up to seq %d, the server acknowledged %d: %w", c.self, seen.Seq, ownAcked.Seq, ErrRolledBack)
	case seen.Seq > ownAcked.Seq:
		return fmt.Errorf("device %s: pulls show its chain up to seq %d, beyond the acknowledged %d: %w", c.self, seen.Seq, ownAcked.Seq, ErrForked)
	case !bytes.Equal(seen.Hash, ownAcked.Hash):
		return fmt.Errorf("device %s: pulls show another link at seq %d than the acknowledged one: %w", c.self, seen.Seq, ErrForked)
	}
	return nil
}

// Pushed checks the chain head that a push response reports (resp)
// against the head the client computed for the push (sent): a lower seq
// gives ErrRolledBack, any other difference ErrForked. It does not change
// the checker.
func (c *Checker) Pushed(resp Head, sent Head) error {
	switch {
	case resp.Seq < sent.Seq:
		return fmt.Errorf("device %s: push acknowledged up to seq %d, sent up to %d: %w", c.self, resp.Seq, sent.Seq, ErrRolledBack)
	case resp.Seq != sent.Seq || !bytes.Equal(resp.Hash, sent.Hash):
		return fmt.Errorf("device %s: push acknowledged seq %d with another head than sent (seq %d): %w", c.self, resp.Seq, sent.Seq, ErrForked)
	}
	return nil
}

package syncproto

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

const office = "office1"

// world is an office of three devices, each with a person logged in, and
// the honest server log of their pushes.
type world struct {
	signers map[string]signer // by device
	logins  map[string]signer // by login
	log     []central.Envelope
	heads   map[string]Head // each device's own chain head
	seen    map[string]*Checker
}

func newWorld(t testing.TB) *world {
	w := &world{signers: map[string]signer{}, logins: map[string]signer{}, heads: map[string]Head{}, seen: map[string]*Checker{}}
	for i, d := range []string{"pc-a", "pc-b", "pc-c"} {
		s := newSigner(t, []string{"alice", "bob", "carol"}[i], byte(i+1))
		w.signers[d] = s
		w.logins[s.login] = s
		c, err := NewChecker(office, d, nil)
		if err != nil {
			t.Fatal(err)
		}
		w.seen[d] = c
	}
	return w
}

func (w *world) keys(login string) [][]byte {
	if s, ok := w.logins[login]; ok {
		return [][]byte{s.pub}
	}
	return nil
}

// pull brings device d's checker up to date with the whole log.
func (w *world) pull(t testing.TB, d string) {
	t.Helper()
	c := w.seen[d]
	// The checker keeps no cursor: start again on a fresh one.
	fresh, _ := NewChecker(office, d, nil)
	if _, err := fresh.Page(0, page(0, w.log), w.keys); err != nil {
		t.Fatalf("device %s pulls the honest log: %v", d, err)
	}
	*c = *fresh
}

// push makes device d push n records and its heads item, as seen by its
// checker, and appends them to the log with the next cursors.
func (w *world) push(t testing.TB, d string, n int) []central.Envelope {
	t.Helper()
	head := w.heads[d]
	var items []Item
	for i := 0; i < n; i++ {
		items = append(items, Item{ID: fmt.Sprintf("rec-%s-%d", d, head.Seq+uint64(i)+1), Rev: "r1", Data: []byte(fmt.Sprintf("sealed %s %d", d, i))})
	}
	items = append(items, HeadsItem(d, head.Seq+uint64(n)+1, w.seen[d].Heads()))
	s := w.signers[d]
	envs, next, err := Links(office, d, head, s.login, s.sign, items)
	if err != nil {
		t.Fatal(err)
	}
	w.heads[d] = next
	for i := range envs {
		envs[i].Cursor = uint64(len(w.log) + 1)
		w.log = append(w.log, envs[i])
	}
	return envs
}

// honest is the log: A pushes 4 records (seq 1–5 with its heads item,
// cursors 1–5), B pulls and pushes 2 (claiming A@5; cursors 6–8), C pulls
// and pushes 2 (claiming A@5, B@3; cursors 9–11).
func honest(t testing.TB) *world {
	w := newWorld(t)
	w.push(t, "pc-a", 4)
	w.pull(t, "pc-b")
	w.push(t, "pc-b", 2)
	w.pull(t, "pc-c")
	w.push(t, "pc-c", 2)
	return w
}

// page is what an honest server answers to Pull(after) with envs.
func page(after uint64, envs []central.Envelope) central.Page {
	p := central.Page{Envelopes: envs, Next: after}
	if len(envs) > 0 {
		p.Next = envs[len(envs)-1].Cursor
	}
	p.Last = p.Next
	return p
}

// clone copies envelopes deeply, so that a case can change them.
func clone(envs []central.Envelope) []central.Envelope {
	out := make([]central.Envelope, len(envs))
	for i, e := range envs {
		e.Link.Prev = bytes.Clone(e.Link.Prev)
		e.Link.Hash = bytes.Clone(e.Link.Hash)
		e.Link.Sig = bytes.Clone(e.Link.Sig)
		e.Data = bytes.Clone(e.Data)
		out[i] = e
	}
	return out
}

// craft makes a link of device d signed by s, with any content.
func craft(d string, s signer, seq uint64, prev []byte, id, rev string, data []byte, cursor uint64) central.Envelope {
	hash := LinkHash(office, d, seq, prev, id, rev, data)
	return central.Envelope{ID: id, Rev: rev, Device: d, Data: data, Cursor: cursor,
		Link: central.Link{Seq: seq, Prev: prev, Hash: hash, Sig: SignLink(s.login, s.sign, hash)}}
}

// pull is one Pull(after) as the server answers it.
type pull struct {
	after uint64
	page  central.Page
}

// pages cuts envs into pages at the given lengths, honest cursors and Next.
func pages(envs []central.Envelope, sizes ...int) []pull {
	var out []pull
	var after uint64
	for _, n := range sizes {
		p := page(after, envs[:n])
		out = append(out, pull{after, p})
		after, envs = p.Next, envs[n:]
	}
	return append(out, pull{after, page(after, envs)})
}

func TestCheckerHonest(t *testing.T) {
	w := honest(t)
	for _, sizes := range [][]int{nil, {3}, {5, 3}, {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, {0, 11}} {
		c, _ := NewChecker(office, "pc-a", nil)
		var records int
		for _, p := range pages(clone(w.log), sizes...) {
			got, err := c.Page(p.after, p.page, w.keys)
			if err != nil {
				t.Fatalf("pages %v: %v", sizes, err)
			}
			for _, e := range got {
				if IsHeads(e.ID) {
					t.Fatalf("pages %v: heads item %s returned", sizes, e.ID)
				}
			}
			records += len(got)
		}
		if records != 8 {
			t.Errorf("pages %v: %d records, want 8", sizes, records)
		}
		if !reflect.DeepEqual(c.Heads(), w.heads) {
			t.Errorf("pages %v: heads %v, want %v", sizes, c.Heads(), w.heads)
		}
		if err := c.CaughtUp(w.heads["pc-a"]); err != nil {
			t.Errorf("pages %v: CaughtUp: %v", sizes, err)
		}
		if got, err := c.Page(11, page(11, nil), w.keys); err != nil || len(got) != 0 {
			t.Errorf("empty page: %v %v", got, err)
		}
	}
}

func TestCheckerMalicious(t *testing.T) {
	w := honest(t)
	a, b := w.signers["pc-a"], w.signers["pc-b"]
	mallory := newSigner(t, "mallory", 9)
	// A fork of A's chain from seq 2 on: other content, signed by A.
	forkA3 := craft("pc-a", a, 3, w.log[1].Link.Hash, "rec-x", "r9", []byte("other"), 3)
	forkA4 := craft("pc-a", a, 4, forkA3.Link.Hash, "rec-y", "r9", []byte("other"), 4)

	for _, tc := range []struct {
		name  string
		pulls func(log []central.Envelope) []pull
		keys  func(string) [][]byte
		want  error
	}{
		{"drop one", func(l []central.Envelope) []pull {
			return pages(append(l[:2:2], l[3:]...))
		}, nil, ErrDropped},
		{"drop the first", func(l []central.Envelope) []pull {
			return pages(l[1:])
		}, nil, ErrDropped},
		{"swap two of one device", func(l []central.Envelope) []pull {
			l[1], l[2] = l[2], l[1]
			l[1].Cursor, l[2].Cursor = 2, 3
			return pages(l)
		}, nil, ErrReordered},
		{"replay in a later page", func(l []central.Envelope) []pull {
			return pages(renumber(append(l[:5:5], append([]central.Envelope{l[1]}, l[5:]...)...)), 5)
		}, nil, ErrReplayed},
		{"replay of the head", func(l []central.Envelope) []pull {
			return pages(renumber(append(l[:5:5], append([]central.Envelope{l[4]}, l[5:]...)...)), 5)
		}, nil, ErrReplayed},
		{"replay within a page", func(l []central.Envelope) []pull {
			again := l[0]
			again.Cursor = 12
			return pages(append(l, again))
		}, nil, ErrReplayed},
		{"cursors go back within a page", func(l []central.Envelope) []pull {
			l[3].Cursor, l[4].Cursor = 5, 4
			return pages(l)
		}, nil, ErrReordered},
		{"cursor repeated", func(l []central.Envelope) []pull {
			l[4].Cursor = 4
			return pages(l)
		}, nil, ErrReordered},
		{"cursor before after", func(l []central.Envelope) []pull {
			ps := pages(l, 5)
			ps[1].page.Envelopes[0].Cursor = 5
			return ps
		}, nil, ErrRolledBack},
		{"next before the last cursor", func(l []central.Envelope) []pull {
			ps := pages(l, 5)
			ps[0].page.Next = 4
			return ps
		}, nil, ErrRolledBack},
		{"empty page going back", func(l []central.Envelope) []pull {
			return []pull{{5, central.Page{Next: 3}}}
		}, nil, ErrRolledBack},
		{"empty page from a server restored from an older backup", func(l []central.Envelope) []pull {
			return []pull{{5, central.Page{Next: 5, Last: 3}}}
		}, nil, ErrRolledBack},
		{"last cursor below the page", func(l []central.Envelope) []pull {
			ps := pages(l, 5)
			ps[0].page.Last = 4
			return ps
		}, nil, ErrRolledBack},
		{"next skipping ahead", func(l []central.Envelope) []pull {
			ps := pages(l, 5)
			ps[0].page.Next = 7
			return ps
		}, nil, ErrDropped},
		{"moved to another record", func(l []central.Envelope) []pull {
			l[2].ID = "rec-pc-b-1"
			return pages(l)
		}, nil, ErrTampered},
		{"other rev", func(l []central.Envelope) []pull {
			l[2].Rev = "r2"
			return pages(l)
		}, nil, ErrTampered},
		{"attributed to another device", func(l []central.Envelope) []pull {
			l[6].Device = "pc-a"
			return pages(l)
		}, nil, ErrTampered},
		{"invalid device id", func(l []central.Envelope) []pull {
			l[0].Device = ""
			return pages(l)
		}, nil, ErrTampered},
		{"data bit flip", func(l []central.Envelope) []pull {
			l[3].Data[0] ^= 0x40
			return pages(l)
		}, nil, ErrTampered},
		{"hash changed", func(l []central.Envelope) []pull {
			l[3].Link.Hash[0] ^= 1
			return pages(l)
		}, nil, ErrTampered},
		// A page's last link of each device is the one whose signature is
		// checked (it vouches for the hashes before it): the pages end at
		// the changed link.
		{"signature bit flip", func(l []central.Envelope) []pull {
			l[3].Link.Sig[10] ^= 1
			return pages(l, 4)
		}, nil, ErrTampered},
		{"no signature", func(l []central.Envelope) []pull {
			l[3].Link.Sig = nil
			return pages(l, 4)
		}, nil, ErrTampered},
		{"signer unknown to the user table", func(l []central.Envelope) []pull {
			return pages(l)
		}, func(login string) [][]byte {
			if login == "alice" {
				return nil
			}
			return w.keys(login)
		}, ErrTampered},
		{"signed by an unknown login", func(l []central.Envelope) []pull {
			e := l[0]
			e.Link.Sig = SignLink(mallory.login, mallory.sign, e.Link.Hash)
			l[0] = e
			return pages(l, 1)
		}, nil, ErrTampered},
		{"signed by a known login with another key", func(l []central.Envelope) []pull {
			e := l[0]
			e.Link.Sig = SignLink("bob", mallory.sign, e.Link.Hash)
			l[0] = e
			return pages(l, 1)
		}, nil, ErrTampered},
		{"a link forged with a new hash and the next one's prev, unsigned by the device", func(l []central.Envelope) []pull {
			// The server changes the data of a middle link and makes the
			// chain consistent again by rehashing it and the next links:
			// the last link's signature no longer verifies.
			d := l[0].Device
			var is []int
			for i, e := range l {
				if e.Device == d {
					is = append(is, i)
				}
			}
			prev := []byte(nil)
			for k, i := range is {
				e := &l[i]
				if k == 1 {
					e.Data = append([]byte(nil), e.Data...)
					e.Data[0] ^= 1
				}
				if k > 0 {
					e.Link.Prev = prev
				}
				e.Link.Hash = LinkHash(office, e.Device, e.Link.Seq, e.Link.Prev, e.ID, e.Rev, e.Data)
				prev = e.Link.Hash
			}
			return pages(l)
		}, nil, ErrTampered},
		{"fork: next link on another branch", func(l []central.Envelope) []pull {
			return []pull{{0, page(0, []central.Envelope{l[0], l[1], l[2]})}, {3, page(3, []central.Envelope{withCursor(forkA4, 4)})}}
		}, nil, ErrForked},
		{"fork: other link at the head's seq", func(l []central.Envelope) []pull {
			return []pull{{0, page(0, []central.Envelope{l[0], l[1], l[2]})}, {3, page(3, []central.Envelope{withCursor(forkA3, 4)})}}
		}, nil, ErrForked},
		{"fork: the server swaps in the other branch", func(l []central.Envelope) []pull {
			return pages(append([]central.Envelope{l[0], l[1], forkA3, forkA4}, l[4:]...))
		}, nil, ErrForked},
		{"fork: heads claim another hash", func(l []central.Envelope) []pull {
			claim := HeadsItem("pc-b", 3, map[string]Head{"pc-a": {Seq: 5, Hash: bytes.Repeat([]byte{1}, 32)}})
			l[7] = craft("pc-b", b, 3, l[6].Link.Hash, claim.ID, claim.Rev, claim.Data, 8)
			return pages(l[:8])
		}, nil, ErrForked},
		{"withheld tail", func(l []central.Envelope) []pull {
			// A pushed 1–5; the server gives A 1–3 only, then B, whose
			// heads item claims A@5.
			return pages(append(l[:3:3], l[5:8]...))
		}, nil, ErrWithheld},
		{"withheld tail across pages", func(l []central.Envelope) []pull {
			return pages(append(l[:3:3], l[5:]...), 3, 2)
		}, nil, ErrWithheld},
		{"withheld: B's last link, claimed by C", func(l []central.Envelope) []pull {
			return pages(append(l[:7:7], l[8:]...))
		}, nil, ErrWithheld},
		{"seq 0", func(l []central.Envelope) []pull {
			return pages([]central.Envelope{craft("pc-a", a, 0, nil, "rec-0", "r1", []byte("zero"), 1)})
		}, nil, ErrTampered},
		{"heads item of another device", func(l []central.Envelope) []pull {
			claim := HeadsItem("pc-a", 3, nil)
			l[7] = craft("pc-b", b, 3, l[6].Link.Hash, claim.ID, claim.Rev, claim.Data, 8)
			return pages(l[:8])
		}, nil, ErrTampered},
		{"heads item whose rev is not its seq", func(l []central.Envelope) []pull {
			claim := HeadsItem("pc-b", 4, nil)
			l[7] = craft("pc-b", b, 3, l[6].Link.Hash, claim.ID, claim.Rev, claim.Data, 8)
			return pages(l[:8])
		}, nil, ErrTampered},
		{"heads item malformed", func(l []central.Envelope) []pull {
			l[7] = craft("pc-b", b, 3, l[6].Link.Hash, HeadsPrefix+"pc-b", headsRev(3), []byte{9}, 8)
			return pages(l[:8])
		}, nil, ErrMalformed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := tc.keys
			if keys == nil {
				keys = w.keys
			}
			ps := tc.pulls(clone(w.log))
			c, _ := NewChecker(office, "pc-c", nil)
			var err error
			for i, p := range ps {
				before := c.State()
				var got []central.Envelope
				got, err = c.Page(p.after, p.page, keys)
				if err != nil {
					if got != nil {
						t.Errorf("page %d: envelopes returned with the error", i)
					}
					if !bytes.Equal(c.State(), before) {
						t.Errorf("page %d failed but changed the checker", i)
					}
					break
				}
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("err %v, want %v", err, tc.want)
			}
			if Japanese(err) == "" {
				t.Errorf("no Japanese for %v", err)
			}
			t.Log(err)
		})
	}
}

// renumber gives envs the cursors 1, 2, … (a server that stored them so).
func renumber(envs []central.Envelope) []central.Envelope {
	for i := range envs {
		envs[i].Cursor = uint64(i + 1)
	}
	return envs
}

func withCursor(e central.Envelope, c uint64) central.Envelope {
	e.Cursor = c
	return e
}

func TestCheckerState(t *testing.T) {
	w := honest(t)
	c, err := NewChecker(office, "pc-a", nil)
	if err != nil {
		t.Fatal(err)
	}
	if fresh := c.State(); string(fresh) != "MDGS\x01\x00\x00\x00\x00" {
		t.Errorf("fresh state %q", fresh)
	}
	if _, err := c.Page(0, page(0, w.log[:7]), w.keys); err != nil {
		t.Fatal(err)
	}
	st := c.State()
	c2, err := NewChecker(office, "pc-a", st)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(c2.State(), st) || !reflect.DeepEqual(c2.Heads(), c.Heads()) {
		t.Fatalf("state does not round-trip: %v, want %v", c2.Heads(), c.Heads())
	}
	// The restored checker goes on where the first stopped.
	if _, err := c2.Page(7, page(7, w.log[7:]), w.keys); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(c2.Heads(), w.heads) {
		t.Errorf("heads %v, want %v", c2.Heads(), w.heads)
	}
	// Heads is a copy.
	h := c2.Heads()
	h["pc-a"].Hash[0] ^= 1
	delete(h, "pc-b")
	if !reflect.DeepEqual(c2.Heads(), w.heads) {
		t.Error("changing the result of Heads changed the checker")
	}
	for _, tc := range []struct {
		name  string
		state []byte
	}{
		{"other magic", append([]byte("MDGX"), st[4:]...)},
		{"version 2", append(append([]byte("MDGS"), 2), st[5:]...)},
		{"truncated", st[:len(st)-1]},
		{"trailing", append(bytes.Clone(st), 0)},
		{"short", []byte("MDG")},
	} {
		if _, err := NewChecker(office, "pc-a", tc.state); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", tc.name, err)
		}
	}
}

func TestCaughtUpAndPushed(t *testing.T) {
	w := honest(t)
	c, _ := NewChecker(office, "pc-a", nil)
	if _, err := c.Page(0, page(0, w.log), w.keys); err != nil {
		t.Fatal(err)
	}
	own := w.heads["pc-a"]
	other := Head{Seq: own.Seq, Hash: bytes.Repeat([]byte{7}, 32)}
	for _, tc := range []struct {
		name  string
		acked Head
		want  error
	}{
		{"equal", own, nil},
		{"acked higher: rolled back", Head{Seq: own.Seq + 1, Hash: other.Hash}, ErrRolledBack},
		{"acked lower", Head{Seq: own.Seq - 1, Hash: w.log[3].Link.Hash}, ErrForked},
		{"same seq, other hash", other, ErrForked},
	} {
		if err := c.CaughtUp(tc.acked); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("CaughtUp %s: err %v, want %v", tc.name, err, tc.want)
		}
	}
	fresh, _ := NewChecker(office, "pc-z", nil)
	if err := fresh.CaughtUp(Head{}); err != nil {
		t.Errorf("fresh device: %v", err)
	}
	if err := fresh.CaughtUp(own); !errors.Is(err, ErrRolledBack) {
		t.Errorf("fresh device with an acked head: %v", err)
	}

	for _, tc := range []struct {
		name       string
		resp, sent Head
		want       error
	}{
		{"equal", own, own, nil},
		{"lower", Head{Seq: 4, Hash: w.log[3].Link.Hash}, own, ErrRolledBack},
		{"nothing", Head{}, own, ErrRolledBack},
		{"higher", Head{Seq: 6, Hash: own.Hash}, own, ErrForked},
		{"other hash", other, own, ErrForked},
	} {
		if err := c.Pushed(tc.resp, tc.sent); !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
			t.Errorf("Pushed %s: err %v, want %v", tc.name, err, tc.want)
		}
	}
}

func TestJapanese(t *testing.T) {
	for _, err := range []error{ErrDropped, ErrReordered, ErrReplayed, ErrRolledBack, ErrForked, ErrWithheld, ErrTampered, ErrMalformed} {
		if Japanese(err) == "" || Japanese(fmt.Errorf("device x: %w", err)) != Japanese(err) {
			t.Errorf("%v: %q", err, Japanese(err))
		}
	}
	if Japanese(nil) != "" || Japanese(errors.New("other")) != "" {
		t.Error("Japanese for an error not of the package")
	}
	if Japanese(ErrWithheld) != "サーバーが、他の端末が送った変更の一部を渡していません（保留・隠蔽の疑い）。" {
		t.Error(Japanese(ErrWithheld))
	}
}

// TestCheckerLargePage checks a page of 300 envelopes whose data the
// checker hashes before it walks the links: an honest page passes, and a
// byte changed in any envelope, first, middle or last, is caught.
func TestCheckerLargePage(t *testing.T) {
	w := newWorld(t)
	s := w.signers["pc-a"]
	var items []Item
	for i := range 300 {
		items = append(items, Item{ID: fmt.Sprintf("rec-%d", i), Rev: "r1", Data: bytes.Repeat([]byte{byte(i)}, 4<<10)})
	}
	envs, _, err := Links(office, "pc-a", Head{}, s.login, s.sign, items)
	if err != nil {
		t.Fatal(err)
	}
	for i := range envs {
		envs[i].Cursor = uint64(i + 1)
	}
	c, _ := NewChecker(office, "pc-b", nil)
	if got, err := c.Page(0, page(0, clone(envs)), w.keys); err != nil || len(got) != len(envs) {
		t.Fatalf("honest page: %d envelopes, %v", len(got), err)
	}
	for _, i := range []int{0, 1, 149, 150, 151, 298, 299} {
		bad := clone(envs)
		bad[i].Data[len(bad[i].Data)/2] ^= 1
		c, _ := NewChecker(office, "pc-b", nil)
		if _, err := c.Page(0, page(0, bad), w.keys); !errors.Is(err, ErrTampered) {
			t.Errorf("byte changed in envelope %d: %v, want ErrTampered", i, err)
		}
	}
}

package syncproto

import (
	"bytes"
	"testing"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Each decoder fuzz test checks that the decoder does not panic and that
// what it accepts re-encodes to the same bytes (one encoding per value).

func FuzzPushRequest(f *testing.F) {
	w := honest(f)
	f.Add((&PushRequest{}).Marshal())
	f.Add((&PushRequest{Envelopes: push(w.log[:3])}).Marshal())
	f.Add(golden(f).Marshal())
	f.Add([]byte("MDGP\x01\x01\xff\xff\xff\xff"))
	f.Fuzz(func(t *testing.T, b []byte) {
		q, err := UnmarshalPushRequest(b)
		if err != nil {
			return
		}
		if again := q.Marshal(); !bytes.Equal(again, b) {
			t.Fatalf("re-encodes to %x, input %x", again, b)
		}
	})
}

func FuzzPushResponse(f *testing.F) {
	f.Add((&PushResponse{}).Marshal())
	f.Add((&PushResponse{Stored: 2, Duplicates: 1, Head: Head{Seq: 3, Hash: []byte{1, 2}}, Last: 9}).Marshal())
	f.Add([]byte("MDGP\x02\x01"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := UnmarshalPushResponse(b)
		if err != nil {
			return
		}
		if again := s.Marshal(); !bytes.Equal(again, b) {
			t.Fatalf("re-encodes to %x, input %x", again, b)
		}
	})
}

func FuzzPullResponse(f *testing.F) {
	w := honest(f)
	f.Add((&PullResponse{}).Marshal())
	f.Add((&PullResponse{Envelopes: clone(w.log[:4]), Next: 4, Last: 11}).Marshal())
	f.Add([]byte("MDGP\x03\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\xe8"))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := UnmarshalPullResponse(b)
		if err != nil {
			return
		}
		if again := p.Marshal(); !bytes.Equal(again, b) {
			t.Fatalf("re-encodes to %x, input %x", again, b)
		}
	})
}

func FuzzHeads(f *testing.F) {
	f.Add(HeadsItem("a", 1, nil).Data)
	f.Add(HeadsItem("a", 1, map[string]Head{"b": {Seq: 2, Hash: []byte{1}}, "c": {Seq: 9, Hash: bytes.Repeat([]byte{2}, 32)}}).Data)
	f.Add([]byte{1, 0xff, 0xff, 0xff, 0xff})
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeHeads(b)
		if err != nil {
			return
		}
		if again := HeadsItem("~none", 1, m).Data; !bytes.Equal(again, b) {
			t.Fatalf("re-encodes to %x, input %x", again, b)
		}
		// The same table is the checker's state.
		st := append([]byte("MDGS\x01"), b[1:]...)
		c, err := NewChecker(office, "pc-a", st)
		if err != nil {
			t.Fatalf("heads table refused as a state: %v", err)
		}
		if !bytes.Equal(c.State(), st) {
			t.Fatalf("state re-encodes to %x, input %x", c.State(), st)
		}
	})
}

func FuzzSig(f *testing.F) {
	s := newSigner(f, "alice", 1)
	hash := LinkHash(office, "pc-a", 1, nil, "r", "1", []byte{1})
	f.Add(SignLink("alice", s.sign, hash))
	f.Add(SignLink("職員", s.sign, hash))
	f.Add([]byte{1, 0})
	keys := func(login string) [][]byte { return [][]byte{{1}, s.pub} }
	f.Fuzz(func(t *testing.T, b []byte) {
		VerifyLink(keys, hash, b)
		login, sig, err := ParseSig(b)
		if err != nil {
			return
		}
		again := append(append([]byte{1, byte(len(login))}, login...), sig...)
		if !bytes.Equal(again, b) {
			t.Fatalf("re-encodes to %x, input %x", again, b)
		}
		if blob := SignLink(login, func([]byte) []byte { return sig }, hash); !bytes.Equal(blob, b) {
			t.Fatalf("SignLink gives %x, input %x", blob, b)
		}
	})
}

// FuzzChecker feeds decoded pull responses to a checker (restored from a
// fuzzed state or fresh): no panic, a failed page changes nothing, a
// passed one returns no heads item and leaves a state that round-trips.
func FuzzChecker(f *testing.F) {
	w := honest(f)
	c, _ := NewChecker(office, "pc-a", nil)
	mid, _ := NewChecker(office, "pc-a", nil)
	if _, err := mid.Page(0, page(0, w.log[:5]), w.keys); err != nil {
		f.Fatal(err)
	}
	f.Add(uint64(0), c.State(), (&PullResponse{Envelopes: clone(w.log), Next: 11, Last: 11}).Marshal())
	f.Add(uint64(5), mid.State(), (&PullResponse{Envelopes: clone(w.log[5:]), Next: 11, Last: 11}).Marshal())
	f.Add(uint64(0), []byte(nil), (&PullResponse{Envelopes: clone(w.log[:3]), Next: 3, Last: 11}).Marshal())
	f.Add(uint64(0), []byte(nil), (&PullResponse{Envelopes: clone(append(w.log[:3:3], w.log[5:8]...)), Next: 8, Last: 11}).Marshal())
	f.Fuzz(func(t *testing.T, after uint64, state, b []byte) {
		p, err := UnmarshalPullResponse(b)
		if err != nil {
			return
		}
		c, err := NewChecker(office, "pc-a", state)
		if err != nil {
			c, _ = NewChecker(office, "pc-a", nil)
		}
		before := c.State()
		got, err := c.Page(after, central.Page{Envelopes: p.Envelopes, Next: p.Next, Last: p.Last}, w.keys)
		if err != nil {
			if !bytes.Equal(c.State(), before) {
				t.Fatal("failed page changed the checker")
			}
			return
		}
		for _, e := range got {
			if IsHeads(e.ID) {
				t.Fatalf("heads item %s returned", e.ID)
			}
		}
		st := c.State()
		c2, err := NewChecker(office, "pc-a", st)
		if err != nil || !bytes.Equal(c2.State(), st) {
			t.Fatalf("state after a page does not round-trip: %v", err)
		}
		_ = c.CaughtUp(Head{})
	})
}

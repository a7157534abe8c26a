package syncproto

import (
	"bytes"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// push strips what a push request does not carry.
func push(envs []central.Envelope) []central.Envelope {
	out := clone(envs)
	for i := range out {
		out[i].Device, out[i].Cursor = "", 0
	}
	return out
}

func TestWireRoundTrip(t *testing.T) {
	w := honest(t)
	at := time.Date(2026, 12, 2, 10, 30, 0, 123456789, time.UTC)
	anchor := &central.Anchor{Seq: 42, Hash: bytes.Repeat([]byte{3}, 32), Sig: bytes.Repeat([]byte{4}, 64), At: at}
	for _, q := range []*PushRequest{
		{},
		{Envelopes: push(w.log[:5])},
		{Envelopes: push(w.log[5:8]), Anchor: anchor},
		{Anchor: &central.Anchor{Seq: 1, Hash: []byte{1}}},
	} {
		got, err := UnmarshalPushRequest(q.Marshal())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, q) {
			t.Errorf("push request round trip:\n got %+v\nwant %+v", got, q)
		}
	}
	for _, s := range []*PushResponse{
		{},
		{Stored: 3, Duplicates: 2, Head: w.heads["pc-b"], Last: 8},
		{Stored: central.MaxBatch, Duplicates: central.MaxBatch, Head: Head{Seq: 1<<63 - 1, Hash: bytes.Repeat([]byte{9}, central.MaxHash)}, Last: 1<<64 - 1},
	} {
		got, err := UnmarshalPushResponse(s.Marshal())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, s) {
			t.Errorf("push response round trip:\n got %+v\nwant %+v", got, s)
		}
	}
	for _, p := range []*PullResponse{
		{},
		{Next: 7, Last: 11},
		{Envelopes: clone(w.log), Next: 11, Last: 11},
	} {
		got, err := UnmarshalPullResponse(p.Marshal())
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, p) {
			t.Errorf("pull response round trip:\n got %+v\nwant %+v", got, p)
		}
	}
}

func TestWireDoesNotAlias(t *testing.T) {
	w := honest(t)
	// A push's and a pull page's data are parts of the message (no copy);
	// everything else is a copy, and an append to one envelope's data
	// cannot reach the next.
	for _, tc := range []struct {
		name   string
		encode func([]central.Envelope) []byte
		decode func([]byte) ([]central.Envelope, error)
	}{
		{"push request", func(es []central.Envelope) []byte { return (&PushRequest{Envelopes: es}).Marshal() },
			func(b []byte) ([]central.Envelope, error) {
				q, err := UnmarshalPushRequest(b)
				if err != nil {
					return nil, err
				}
				return q.Envelopes, nil
			}},
		{"pull response", func(es []central.Envelope) []byte { return (&PullResponse{Envelopes: es, Next: 2, Last: 2}).Marshal() },
			func(b []byte) ([]central.Envelope, error) {
				p, err := UnmarshalPullResponse(b)
				if err != nil {
					return nil, err
				}
				return p.Envelopes, nil
			}},
	} {
		b := tc.encode(clone(w.log[:2]))
		got, err := tc.decode(b)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		before := clone(got)
		_ = append(got[0].Data, 0xAA)
		if !reflect.DeepEqual(got, before) {
			t.Errorf("%s: an append to one envelope's data changed the message", tc.name)
		}
		for i := range b {
			b[i] = 0
		}
		if got[0].ID != w.log[0].ID || got[0].Rev != w.log[0].Rev || !reflect.DeepEqual(got[0].Link, w.log[0].Link) {
			t.Errorf("%s: decoded fields other than data change with the input buffer", tc.name)
		}
	}
}

// golden is one small push request with fixed keys.
func golden(t testing.TB) *PushRequest {
	s := newSigner(t, "alice", 1)
	items := []Item{{ID: "rec-1", Rev: "r1", Data: []byte("sealed")}, HeadsItem("pc-a", 2, map[string]Head{"pc-b": {Seq: 1, Hash: []byte{0xbb}}})}
	envs, _, err := Links(office, "pc-a", Head{}, s.login, s.sign, items)
	if err != nil {
		t.Fatal(err)
	}
	return &PushRequest{Envelopes: push(envs), Anchor: &central.Anchor{Seq: 3, Hash: []byte{0xaa}, Sig: []byte{0xcc}, At: time.Unix(1764671400, 5).UTC()}}
}

func TestWireGolden(t *testing.T) {
	path := filepath.Join("testdata", "push_request.hex")
	got := hex.EncodeToString(golden(t).Marshal()) + "\n"
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run with -update to write it)", err)
	}
	if got != string(want) {
		t.Fatalf("encoding changed:\n got %s\nwant %s", got, want)
	}
	b, _ := hex.DecodeString(strings.TrimSpace(string(want)))
	q, err := UnmarshalPushRequest(b)
	if err != nil || !reflect.DeepEqual(q, golden(t)) {
		t.Fatalf("golden decodes to %+v, %v", q, err)
	}
}

func TestWireMalformed(t *testing.T) {
	w := honest(t)
	pushB := (&PushRequest{Envelopes: push(w.log[:2]), Anchor: &central.Anchor{Seq: 1, Hash: []byte{1}, At: time.Unix(5, 0)}}).Marshal()
	respB := (&PushResponse{Stored: 1, Head: Head{Seq: 1, Hash: []byte{1}}, Last: 1}).Marshal()
	pullB := (&PullResponse{Envelopes: clone(w.log[:2]), Next: 2, Last: 2}).Marshal()
	decoders := map[string]func([]byte) error{
		"push request":  func(b []byte) error { _, err := UnmarshalPushRequest(b); return err },
		"push response": func(b []byte) error { _, err := UnmarshalPushResponse(b); return err },
		"pull response": func(b []byte) error { _, err := UnmarshalPullResponse(b); return err },
	}
	valid := map[string][]byte{"push request": pushB, "push response": respB, "pull response": pullB}

	// Every proper prefix is truncated; trailing bytes are refused; so are
	// other magic, type and version bytes.
	for name, b := range valid {
		dec := decoders[name]
		if err := dec(b); err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for n := 0; n < len(b); n++ {
			if err := dec(b[:n]); !errors.Is(err, ErrMalformed) {
				t.Fatalf("%s truncated to %d bytes: %v", name, n, err)
			}
		}
		for i, what := range []string{"magic", "magic", "magic", "magic", "type", "version"} {
			bad := bytes.Clone(b)
			bad[i]++
			if err := dec(bad); !errors.Is(err, ErrMalformed) {
				t.Errorf("%s with another %s: %v", name, what, err)
			}
		}
		if err := dec(append(bytes.Clone(b), 0)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s with a trailing byte: %v", name, err)
		}
	}

	// Lengths beyond the limits, written by hand: header, then fields.
	hdr := func(typ byte) []byte { return []byte{'M', 'D', 'G', 'P', typ, 1} }
	env := func(id, rev, dev int, prev, hash, sig int, data int, full bool) []byte {
		b := put16(nil, uint16(id))
		b = append(b, make([]byte, min(id, central.MaxID))...)
		b = append(b, byte(rev))
		b = append(b, make([]byte, min(rev, central.MaxRev))...)
		if full {
			b = append(b, byte(dev))
			b = append(b, make([]byte, min(dev, central.MaxName))...)
			b = put64(b, 1)
		}
		b = put64(b, 1)
		b = append(b, byte(prev))
		b = append(b, make([]byte, min(prev, central.MaxHash))...)
		b = append(b, byte(hash))
		b = append(b, make([]byte, min(hash, central.MaxHash))...)
		b = put16(b, uint16(sig))
		b = append(b, make([]byte, min(sig, central.MaxSig))...)
		b = put32(b, uint32(data))
		return append(b, make([]byte, min(data, 16))...)
	}
	pushMsg := func(count uint32, envs ...[]byte) []byte {
		b := put32(hdr(1), count)
		for _, e := range envs {
			b = append(b, e...)
		}
		return append(b, 0)
	}
	pullMsg := func(count uint32, envs ...[]byte) []byte {
		b := put32(put64(put64(hdr(3), 1), 1), count)
		for _, e := range envs {
			b = append(b, e...)
		}
		return b
	}
	ok := env(1, 1, 1, 0, 1, 0, 1, false)
	okFull := env(1, 1, 1, 0, 1, 0, 1, true)
	if _, err := UnmarshalPushRequest(pushMsg(1, ok)); err != nil {
		t.Fatalf("hand-made push: %v", err)
	}
	if _, err := UnmarshalPullResponse(pullMsg(1, okFull)); err != nil {
		t.Fatalf("hand-made pull: %v", err)
	}
	big := make([]byte, central.MaxPageBytes)
	twoBig := append(pullMsg(2, okFull[:len(okFull)-5]), put32(nil, uint32(len(big)))...)
	twoBig = append(append(twoBig, big...), okFull...)
	for _, tc := range []struct {
		name string
		b    []byte
		dec  func([]byte) error
	}{
		{"push: more than MaxBatch", pushMsg(central.MaxBatch + 1), decoders["push request"]},
		{"push: count beyond the input", pushMsg(3, ok), decoders["push request"]},
		{"push: huge count", pushMsg(0xffffffff), decoders["push request"]},
		{"push: long id", pushMsg(1, env(central.MaxID+1, 1, 0, 0, 1, 0, 1, false)), decoders["push request"]},
		{"push: long rev", pushMsg(1, env(1, central.MaxRev+1, 0, 0, 1, 0, 1, false)), decoders["push request"]},
		{"push: long prev", pushMsg(1, env(1, 1, 0, central.MaxHash+1, 1, 0, 1, false)), decoders["push request"]},
		{"push: long hash", pushMsg(1, env(1, 1, 0, 0, central.MaxHash+1, 0, 1, false)), decoders["push request"]},
		{"push: long sig", pushMsg(1, env(1, 1, 0, 0, 1, central.MaxSig+1, 1, false)), decoders["push request"]},
		{"push: long data", pushMsg(1, env(1, 1, 0, 0, 1, 0, central.MaxEnvelope+1, false)), decoders["push request"]},
		{"push: anchor flag 2", append(pushMsg(0)[:10], 2), decoders["push request"]},
		{"pull: more than MaxPage", pullMsg(central.MaxPage + 1), decoders["pull response"]},
		{"pull: long device", pullMsg(1, env(1, 1, central.MaxName+1, 0, 1, 0, 1, true)), decoders["pull response"]},
		{"pull: more than MaxPageBytes", twoBig, decoders["pull response"]},
		{"push response: stored over MaxBatch", append(put32(hdr(2), central.MaxBatch+1), make([]byte, 4+8+1+8)...), decoders["push response"]},
		{"push response: head seq without hash", append(put64(put32(put32(hdr(2), 0), 0), 1), make([]byte, 1+8)...), decoders["push response"]},
	} {
		if err := tc.dec(tc.b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", tc.name, err)
		}
	}
	// A single envelope above MaxPageBytes is a page of its own.
	one := append(pullMsg(1, okFull[:len(okFull)-5]), put32(nil, uint32(len(big)+1))...)
	one = append(append(one, big...), 0)
	if _, err := UnmarshalPullResponse(one); err != nil {
		t.Errorf("one envelope over MaxPageBytes: %v", err)
	}
}

func TestWireOverLimitsEncodeRefused(t *testing.T) {
	for _, q := range []*PushRequest{
		{Envelopes: []central.Envelope{{ID: strings.Repeat("x", 70000), Rev: "r", Data: []byte{1}}}},
		{Envelopes: []central.Envelope{{ID: "x", Rev: strings.Repeat("r", 300), Data: []byte{1}}}},
		{Envelopes: make([]central.Envelope, central.MaxBatch+1)},
	} {
		if _, err := UnmarshalPushRequest(q.Marshal()); !errors.Is(err, ErrMalformed) {
			t.Errorf("over-limit request decoded: %v", err)
		}
	}
	if _, err := UnmarshalPushResponse((&PushResponse{Stored: -1}).Marshal()); !errors.Is(err, ErrMalformed) {
		t.Errorf("negative count decoded: %v", err)
	}
}

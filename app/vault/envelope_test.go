package vault

import (
	"bytes"
	"errors"
	"testing"
)

var (
	testRev    = Rev{Wall: 1700000000000, Counter: 2, Device: "a1b2c3d4"}
	testParent = Rev{Wall: 1700000000000, Counter: 1, Device: "a1b2c3d4"}
)

// sealTest seals a case record with k.
func sealTest(t *testing.T, k *Keys) *Envelope {
	t.Helper()
	e, err := Seal(k, ClassCase, "case-1", "consultation", testRev, []Rev{testParent}, []byte(`{"note":"x"}`))
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestEnvelopeRoundTrip(t *testing.T) {
	k := mustOfficeKeys(t)
	e := sealTest(t, k)
	d, err := UnmarshalEnvelope(e.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	rev := testRev
	pt, err := Open(k, d, Expect{ID: "case-1", Kind: "consultation", Rev: &rev})
	if err != nil || string(pt) != `{"note":"x"}` {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	if !bytes.Equal(d.Marshal(), e.Marshal()) {
		t.Error("re-marshal differs")
	}
}

func TestEnvelopeRejected(t *testing.T) {
	k := mustOfficeKeys(t)
	if _, err := k.Rotate(ClassCase); err != nil { // case v2 current, v1 still held
		t.Fatal(err)
	}
	newer := Rev{Wall: testRev.Wall + 1, Device: testRev.Device}
	want := Expect{ID: "case-1", Kind: "consultation"}
	tests := []struct {
		name   string
		keys   *Keys
		mutate func(e *Envelope)
		want   Expect
		err    error
	}{
		{"flipped ct", k, func(e *Envelope) { e.CT[0] ^= 1 }, want, ErrTampered},
		{"flipped tag", k, func(e *Envelope) { e.CT[len(e.CT)-1] ^= 0x80 }, want, ErrTampered},
		{"flipped nonce", k, func(e *Envelope) { e.Nonce[5] ^= 1 }, want, ErrTampered},
		{"truncated ct", k, func(e *Envelope) { e.CT = e.CT[:len(e.CT)-1] }, want, ErrTampered},
		{"id changed", k, func(e *Envelope) { e.ID = "case-2" }, Expect{ID: "case-2", Kind: "consultation"}, ErrTampered},
		{"kind changed", k, func(e *Envelope) { e.Kind = "loan" }, Expect{ID: "case-1", Kind: "loan"}, ErrTampered},
		{"rev changed", k, func(e *Envelope) { e.Rev = newer }, want, ErrTampered},
		{"parents changed", k, func(e *Envelope) { e.Parents = nil }, want, ErrTampered},
		{"key version changed", k, func(e *Envelope) { e.Key.Version = 1 }, want, ErrTampered},
		{"swapped to another id", k, nil, Expect{ID: "case-2", Kind: "consultation"}, ErrTampered},
		{"other kind expected", k, nil, Expect{ID: "case-1", Kind: "loan"}, ErrTampered},
		{"replayed as newer rev", k, nil, Expect{ID: "case-1", Kind: "consultation", Rev: &newer}, ErrTampered},
		{"wrong key", mustOfficeKeys(t), func(e *Envelope) { e.Key.Version = 1 }, want, ErrTampered},
		{"missing version", mustOfficeKeys(t), nil, want, ErrNoKey},
		{"missing class", k.Subset(ClassContact), nil, want, ErrNoKey},
		{"zeroed keys", zeroed(k.Subset(ClassCase)), nil, want, ErrNoKey},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := sealTest(t, k)
			if tt.mutate != nil {
				tt.mutate(e)
			}
			pt, err := Open(tt.keys, e, tt.want)
			if !errors.Is(err, tt.err) || pt != nil {
				t.Fatalf("Open = %q, %v; want %v", pt, err, tt.err)
			}
		})
	}
}

func zeroed(k *Keys) *Keys {
	k.Zero()
	return k
}

func TestSealErrors(t *testing.T) {
	k := mustOfficeKeys(t)
	tests := []struct {
		name     string
		keys     *Keys
		id, kind string
		rev      Rev
		err      error
	}{
		{"no case key", k.Subset(ClassContact), "c", "k", testRev, ErrNoKey},
		{"empty id", k, "", "k", testRev, ErrMalformed},
		{"long kind", k, "c", string(make([]byte, MaxIDLen+1)), testRev, ErrMalformed},
		{"zero rev", k, "c", "k", Rev{}, ErrMalformed},
		{"negative wall", k, "c", "k", Rev{Wall: -1, Device: "d"}, ErrMalformed},
		{"bad device", k, "c", "k", Rev{Wall: 1, Device: "a b"}, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Seal(tt.keys, ClassCase, tt.id, tt.kind, tt.rev, nil, nil)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Seal: %v; want %v", err, tt.err)
			}
		})
	}
}

func TestUnmarshalEnvelopeRejects(t *testing.T) {
	good := sealTest(t, mustOfficeKeys(t)).Marshal()
	hdr := len(sealTest(t, mustOfficeKeys(t)).AAD())
	tests := []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"truncated", good[:len(good)-1]},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"version 2", append([]byte{2}, good[1:]...)},
		{"id length over limit", append([]byte{1, 0x01, 0x01}, good[3:]...)},
		{"ct length huge", setU32(good, hdr+24, 0xffffffff)},
		{"ct too short", setU32(good, hdr+24, 15)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := UnmarshalEnvelope(tt.b); !errors.Is(err, ErrMalformed) {
				t.Fatalf("err = %v, want ErrMalformed", err)
			}
		})
	}
}

// setU32 returns a copy of b with a big-endian uint32 at off.
func setU32(b []byte, off int, v uint32) []byte {
	c := bytes.Clone(b)
	c[off], c[off+1], c[off+2], c[off+3] = byte(v>>24), byte(v>>16), byte(v>>8), byte(v)
	return c
}

package vault

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/chacha20poly1305"
)

var (
	testRev    = Rev{Wall: 1700000000000, Counter: 2, Device: "a1b2c3d4"}
	testParent = Rev{Wall: 1700000000000, Counter: 1, Device: "a1b2c3d4"}
)

// caseKind is a record kind ClassFor puts under the case class.
const caseKind = "consultation.case"

// sealTest seals a case record with k.
func sealTest(t *testing.T, k *Keys) *Envelope {
	t.Helper()
	e, err := Seal(k, ClassCase, "case-1", caseKind, testRev, []Rev{testParent}, []byte(`{"note":"x"}`))
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
	pt, err := Open(k, d, Expect{ID: "case-1", Kind: caseKind, Rev: &rev})
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
	want := Expect{ID: "case-1", Kind: caseKind}
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
		{"id changed", k, func(e *Envelope) { e.ID = "case-2" }, Expect{ID: "case-2", Kind: caseKind}, ErrTampered},
		{"kind changed", k, func(e *Envelope) { e.Kind = "loan.case" }, Expect{ID: "case-1", Kind: "loan.case"}, ErrTampered},
		{"kind changed to a contact kind", k, func(e *Envelope) { e.Kind = "loan" }, Expect{ID: "case-1", Kind: "loan"}, ErrTampered},
		{"class changed to contact", k, func(e *Envelope) { e.Key = KeyRef{ClassContact, 1} }, want, ErrTampered},
		{"rev changed", k, func(e *Envelope) { e.Rev = newer }, want, ErrTampered},
		{"parents changed", k, func(e *Envelope) { e.Parents = nil }, want, ErrTampered},
		{"key version changed", k, func(e *Envelope) { e.Key.Version = 1 }, want, ErrTampered},
		{"swapped to another id", k, nil, Expect{ID: "case-2", Kind: caseKind}, ErrTampered},
		{"other kind expected", k, nil, Expect{ID: "case-1", Kind: "loan.case"}, ErrTampered},
		{"replayed as newer rev", k, nil, Expect{ID: "case-1", Kind: caseKind, Rev: &newer}, ErrTampered},
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
		{"no case key", k.Subset(ClassContact), "c", "k.case", testRev, ErrNoKey},
		{"contact kind under case", k, "c", "k", testRev, ErrNoKey},
		{"empty id", k, "", "k.case", testRev, ErrMalformed},
		{"long kind", k, "c", strings.Repeat("k", MaxIDLen-4) + ".case", testRev, ErrMalformed},
		{"invalid UTF-8 kind", k, "c", "\xff.case", testRev, ErrMalformed},
		{"zero rev", k, "c", "k.case", Rev{}, ErrMalformed},
		{"negative wall", k, "c", "k.case", Rev{Wall: -1, Device: "d"}, ErrMalformed},
		{"bad device", k, "c", "k.case", Rev{Wall: 1, Device: "a b"}, ErrMalformed},
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

func TestClassFor(t *testing.T) {
	tests := map[string]Class{
		"consultation.case": ClassCase,
		"x.case":            ClassCase,
		".case":             ClassCase,
		"a.b.case":          ClassCase,
		"consultation":      ClassContact,
		"case":              ClassContact,
		"business":          ClassContact,
		"x.Case":            ClassContact,
		"x.case ":           ClassContact,
		"x.case.v2":         ClassContact,
		"xcase":             ClassContact,
	}
	for kind, want := range tests {
		if got := ClassFor(kind); got != want {
			t.Errorf("ClassFor(%q) = %s, want %s", kind, got, want)
		}
	}
}

// TestSealRefusesOtherClass: the kind decides the class; Seal refuses the
// other one even when the keys hold it.
func TestSealRefusesOtherClass(t *testing.T) {
	k := mustOfficeKeys(t)
	if _, err := Seal(k, ClassContact, "case-1", caseKind, testRev, nil, []byte("x")); !errors.Is(err, ErrNoKey) {
		t.Errorf("case kind under contact: %v", err)
	}
	if _, err := Seal(k, ClassCase, "biz-1", "business", testRev, nil, []byte("x")); !errors.Is(err, ErrNoKey) {
		t.Errorf("contact kind under case: %v", err)
	}
	if _, err := Seal(k, "other", "x", "business", testRev, nil, nil); !errors.Is(err, ErrNoKey) {
		t.Errorf("unknown class: %v", err)
	}
}

// TestOpenRefusesOtherClass: an envelope of a ".case" kind whose header
// names the contact class is refused, even when it authenticates (someone
// who holds only contact could make one), and so is the reverse.
func TestOpenRefusesOtherClass(t *testing.T) {
	k := mustOfficeKeys(t)
	want := Expect{ID: "case-1", Kind: caseKind}

	// Sealed under contact with a contact kind, then the kind edited.
	e, err := Seal(k, ClassContact, "case-1", "consultation", testRev, nil, []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	e.Kind = caseKind
	if _, err := Open(k, e, want); !errors.Is(err, ErrTampered) {
		t.Errorf("edited kind: %v", err)
	}
	// Sealed under case, then the class in the header edited.
	e = sealTest(t, k)
	e.Key.Class = ClassContact
	if _, err := Open(k, e, want); !errors.Is(err, ErrTampered) {
		t.Errorf("edited class: %v", err)
	}

	// Made by hand under the contact key with the case kind in the AAD:
	// it authenticates, and only the class rule refuses it.
	forge := func(kind string, c Class) *Envelope {
		v, key, _ := k.Current(c)
		f := &Envelope{V: EnvelopeVersion, ID: "case-1", Kind: kind, Rev: testRev, Key: KeyRef{c, v}}
		aead, err := chacha20poly1305.NewX(key)
		if err != nil {
			t.Fatal(err)
		}
		f.CT = aead.Seal(nil, f.Nonce[:], []byte("x"), f.AAD())
		d, err := UnmarshalEnvelope(f.Marshal())
		if err != nil {
			t.Fatal(err)
		}
		return d
	}
	for _, tt := range []struct {
		kind string
		c    Class
	}{{caseKind, ClassContact}, {"business", ClassCase}} {
		f := forge(tt.kind, tt.c)
		_, key, _ := k.Current(tt.c)
		aead, _ := chacha20poly1305.NewX(key)
		if _, err := aead.Open(nil, f.Nonce[:], f.CT, f.AAD()); err != nil {
			t.Fatalf("forged envelope does not authenticate: %v", err)
		}
		if pt, err := Open(k, f, Expect{ID: "case-1", Kind: tt.kind}); !errors.Is(err, ErrTampered) || pt != nil {
			t.Errorf("%s under %s opened: %q, %v", tt.kind, tt.c, pt, err)
		}
		if pt, err := Open(k.Subset(tt.c), f, Expect{ID: "case-1", Kind: tt.kind}); !errors.Is(err, ErrTampered) || pt != nil {
			t.Errorf("%s under %s opened with only %s: %q, %v", tt.kind, tt.c, tt.c, pt, err)
		}
	}
}

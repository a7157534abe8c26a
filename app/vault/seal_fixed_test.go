package vault

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"testing"
)

// fixedVector is the known answer of SealFixed: contact key v3 (32 bytes of
// 0x03), an access-log event's id, kind and rev.
var fixedVector = struct {
	id, kind, plaintext string
	rev                 Rev
	nonce, envelope     string
}{
	id:        "~audit/a1b2c3d4/0000000000000007",
	kind:      "audit",
	rev:       Rev{Wall: 1700000000123, Device: "a1b2c3d4"},
	plaintext: `{"seq":7,"action":"view"}`,
	nonce:     "8765060c5a26533e4e867904e4fc7f432fcb4bd61c73dab8",
	envelope:  "0100207e61756469742f61316232633364342f30303030303030303030303030303037000561756469740000018bcfe5687b0000000008613162326333643407636f6e7461637400000003008765060c5a26533e4e867904e4fc7f432fcb4bd61c73dab8000000294db1e7bd7e250e1695cfab62971beedbe333877dc8a75ccfa547f60a4f101ef0f7bb2d7c90986120e1",
}

func TestSealFixedKnownAnswer(t *testing.T) {
	v := fixedVector
	k := fixedKeys(t, ClassContact, 1, 3)
	e, err := SealFixed(k, ClassContact, v.id, v.kind, v.rev, nil, []byte(v.plaintext))
	if err != nil {
		t.Fatal(err)
	}
	if e.Key != (KeyRef{ClassContact, 3}) {
		t.Fatalf("sealed under %v, want contact v3 (current)", e.Key)
	}
	// The nonce, computed here from its definition.
	aad := e.AAD()
	m := hmac.New(sha256.New, bytes.Repeat([]byte{3}, KeySize))
	m.Write([]byte("madoguchi fixed nonce v1\x00"))
	m.Write([]byte{0, 0, byte(len(aad) >> 8), byte(len(aad))})
	m.Write(aad)
	m.Write([]byte(v.plaintext))
	if want := m.Sum(nil)[:24]; !bytes.Equal(e.Nonce[:], want) {
		t.Errorf("nonce %x, want %x", e.Nonce, want)
	}
	if got := hex.EncodeToString(e.Nonce[:]); got != v.nonce {
		t.Errorf("nonce = %s, want %s", got, v.nonce)
	}
	if got := hex.EncodeToString(e.Marshal()); got != v.envelope {
		t.Errorf("envelope = %s\nwant %s", got, v.envelope)
	}
	pt, err := Open(k, e, Expect{ID: v.id, Kind: v.kind, Rev: &v.rev})
	if err != nil || string(pt) != v.plaintext {
		t.Fatalf("Open = %q, %v", pt, err)
	}
}

func TestSealFixedIsDeterministic(t *testing.T) {
	k := mustOfficeKeys(t)
	rev := Rev{Wall: 1700000000123, Device: "dev-1"}
	seal := func(plain string) *Envelope {
		t.Helper()
		e, err := SealFixed(k, ClassContact, "~audit/dev-1/0000000000000001", "audit", rev, nil, []byte(plain))
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	a, b := seal(`{"seq":1}`), seal(`{"seq":1}`)
	if !bytes.Equal(a.Marshal(), b.Marshal()) {
		t.Fatal("two seals of the same content differ")
	}
	for _, e := range []*Envelope{a, b} {
		d, err := UnmarshalEnvelope(e.Marshal())
		if err != nil {
			t.Fatal(err)
		}
		pt, err := Open(k, d, Expect{ID: e.ID, Kind: "audit", Rev: &rev})
		if err != nil || string(pt) != `{"seq":1}` {
			t.Fatalf("Open = %q, %v", pt, err)
		}
	}
	if c := seal(`{"seq":2}`); c.Nonce == a.Nonce {
		t.Error("other content under the same header reuses the nonce")
	}
	// A rotation: the current key seals, the former one still gives the
	// bytes of before (SealFixedUnder).
	if _, err := k.Rotate(ClassContact); err != nil {
		t.Fatal(err)
	}
	if c := seal(`{"seq":1}`); bytes.Equal(c.Marshal(), a.Marshal()) || c.Key.Version != a.Key.Version+1 {
		t.Errorf("after a rotation: key %v, same bytes %v", c.Key, bytes.Equal(c.Marshal(), a.Marshal()))
	}
	old, err := SealFixedUnder(k, a.Key, a.ID, a.Kind, rev, nil, []byte(`{"seq":1}`))
	if err != nil || !bytes.Equal(old.Marshal(), a.Marshal()) {
		t.Errorf("SealFixedUnder the former key: %v, same bytes %v", err, err == nil && bytes.Equal(old.Marshal(), a.Marshal()))
	}
}

func TestSealFixedRefused(t *testing.T) {
	k := fixedKeys(t, ClassContact, 1)
	rev := Rev{Wall: 1, Device: "d"}
	for name, f := range map[string]func() error{
		"case kind under contact": func() error {
			_, err := SealFixedUnder(k, KeyRef{ClassContact, 1}, "x#case", "consultation.case", rev, nil, nil)
			return err
		},
		"no case key": func() error {
			_, err := SealFixed(k, ClassCase, "x#case", "consultation.case", rev, nil, nil)
			return err
		},
		"missing version": func() error {
			_, err := SealFixedUnder(k, KeyRef{ClassContact, 2}, "x", "audit", rev, nil, nil)
			return err
		},
	} {
		if err := f(); !errors.Is(err, ErrNoKey) {
			t.Errorf("%s: %v, want ErrNoKey", name, err)
		}
	}
	if _, err := SealFixed(k, ClassContact, "", "audit", rev, nil, nil); !errors.Is(err, ErrMalformed) {
		t.Errorf("empty id: %v, want ErrMalformed", err)
	}
}

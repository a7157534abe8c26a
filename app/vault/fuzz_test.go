package vault

import (
	"bytes"
	"crypto/ed25519"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
	"time"
)

func FuzzUnmarshalEnvelope(f *testing.F) {
	k := fixedKeys(f, ClassCase, 3)
	e, err := Seal(k, ClassCase, "id", "kind.case", testRev, []Rev{testParent, {}}, []byte("pt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(e.Marshal())
	c, err := Seal(fixedKeys(f, ClassContact, 1), ClassContact, "id", "kind", testRev, nil, []byte("pt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(c.Marshal())
	f.Add([]byte{1, 0, 1, 'x'})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := UnmarshalEnvelope(b)
		if err != nil {
			return
		}
		if got := e.Marshal(); !bytes.Equal(got, b) {
			t.Fatalf("Marshal(Unmarshal(b)) != b\n b  %x\ngot %x", b, got)
		}
		pt, err := Open(k, e, Expect{ID: e.ID, Kind: e.Kind})
		if err == nil && e.Key.Class != ClassFor(e.Kind) {
			t.Fatalf("opened %s under %s: %q", e.Kind, e.Key.Class, pt)
		}
	})
}

// smallKeyring is a format-2 keyring with every field in use but short
// keys and wraps (the decoder checks no cryptography), so that the fuzzer
// can mutate and minimize its inputs quickly.
func smallKeyring(t testing.TB) []byte {
	t.Helper()
	b := func(n int, v byte) []byte { return bytes.Repeat([]byte{v}, n) }
	admin := ed25519.NewKeyFromSeed(b(32, 1))
	tab := &UserTable{Office: "o", Serial: 2, AdminPub: admin.Public().(ed25519.PublicKey),
		Current: map[Class]uint32{ClassContact: 2, ClassCase: 1},
		Users: []TableUser{{
			Login: "a", Name: "A", Roles: []string{"admin", AuditRole}, KDF: TestKDF(), Salt: b(SaltSize, 2),
			Bundle: SealedBlob{Nonce: b(24, 3), CT: b(16, 4)}, KEMPub: b(4, 5), SignPub: b(32, 6),
			FormerSignPubs: [][]byte{b(32, 7)}, Grants: []Grant{{ClassContact, 2, b(2, 8)}, {ClassCase, 1, b(2, 9)}},
			AdminGrant: b(2, 10), SupervisorUntil: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC),
		}, {
			Login: "l", Roles: []string{}, Disabled: true, KDF: TestKDF(), Salt: b(SaltSize, 11), Legacy: true,
		}}}
	st, err := tab.sign(admin)
	if err != nil {
		t.Fatal(err)
	}
	kr := &Keyring{Format: 2, Office: "o", Device: "d", Table: st,
		Local:      []LocalState{{Login: "a", Failures: 5, LockedUntil: time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)}},
		StoreKey:   SealedBlob{Class: ClassContact, Version: 2, Nonce: b(24, 12), CT: b(48, 13)},
		Pending:    []SealedEvent{{N: 2, At: time.Unix(1, 0).UTC(), Wraps: []Wrap{{Login: "a", CT: b(2, 14)}}}},
		PendingSeq: 2, Checkpoint: CheckpointRef{Seq: 1, Hash: strings.Repeat("0", 64), Signer: "a"},
		LegacyPins: []LegacyPin{{ClassCase, b(32, 15)}},
		Upgrades: []Upgrade{{Login: "l", Class: ClassCase, KEMPub: b(4, 16), SignPub: b(32, 17),
			Bundle: SealedBlob{Nonce: b(24, 18), CT: b(16, 19)}, MAC: b(32, 20)}},
		LastRev: testRev}
	return compact(t, mustMarshal(t, kr))
}

// compact removes the indentation of a JSON seed (smaller inputs mutate
// and minimize faster).
func compact(t testing.TB, b []byte) []byte {
	t.Helper()
	var out bytes.Buffer
	if err := json.Compact(&out, b); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func FuzzUnmarshalKeyring(f *testing.F) {
	f.Add(smallKeyring(f))
	v1, _, err := NewKeyringV1ForTest("o", "d", fixedKeys(f, ClassContact, 1), []V1User{{Login: "u", Password: []byte("pw"),
		Roles: []string{"reception"}, Classes: []Class{ClassContact}}}, TestKDF())
	if err != nil {
		f.Fatal(err)
	}
	_, _ = v1.Unlock("u", []byte("wrong"), t0)
	f.Add(compact(f, mustMarshal(f, v1)))
	f.Add([]byte(`{"format":1,"office":"o","device":"d","users":[],"store_key":{"nonce":null,"ct":null},"pending":null}`))
	f.Add([]byte(`{"format":2,"office":"o","device":"d","table":{"body":"e30=","sig":""},"local":null,"store_key":{"nonce":null,"ct":null},"pending":null,"pending_seq":0}`))
	f.Add([]byte(`{"format":3}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		kr, err := UnmarshalKeyring(b)
		if err != nil {
			return
		}
		out, err := kr.Marshal()
		if err != nil {
			t.Fatalf("Marshal of accepted keyring: %v", err)
		}
		kr2, err := UnmarshalKeyring(out)
		if err != nil {
			t.Fatalf("re-decode: %v\n%s", err, out)
		}
		if !reflect.DeepEqual(normalizeKeyring(kr), normalizeKeyring(kr2)) {
			t.Fatalf("round trip differs:\n%#v\n%#v", kr, kr2)
		}
		if again, err := kr2.Marshal(); err != nil || !bytes.Equal(again, out) {
			t.Fatalf("Marshal is not stable: %v\n%s\n%s", err, out, again)
		}
		if kr.Format1() != (kr.Format == 1) {
			t.Fatalf("format %d, Format1 %v", kr.Format, kr.Format1())
		}
	})
}

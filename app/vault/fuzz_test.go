package vault

import (
	"bytes"
	"reflect"
	"testing"
	"time"
)

func FuzzUnmarshalEnvelope(f *testing.F) {
	k := fixedKeys(f, ClassCase, 3)
	e, err := Seal(k, ClassCase, "id", "kind", testRev, []Rev{testParent, {}}, []byte("pt"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(e.Marshal())
	f.Add([]byte{1, 0, 1, 'x'})
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := UnmarshalEnvelope(b)
		if err != nil {
			return
		}
		if got := e.Marshal(); !bytes.Equal(got, b) {
			t.Fatalf("Marshal(Unmarshal(b)) != b\n b  %x\ngot %x", b, got)
		}
		_, _ = Open(k, e, Expect{ID: e.ID, Kind: e.Kind})
	})
}

func FuzzUnmarshalKeyring(f *testing.F) {
	kr := NewKeyring("office", "dev1")
	k := fixedKeys(f, ClassContact, 1)
	if err := kr.AddUser("u", "Name", []string{"reception"}, []byte("pw"), k, TestKDF()); err != nil {
		f.Fatal(err)
	}
	if _, err := kr.InitStoreKey(k); err != nil {
		f.Fatal(err)
	}
	kr.Users[0].LockedUntil = time.Date(2025, 1, 2, 3, 4, 5, 6, time.UTC)
	kr.Pending = []PendingEvent{{At: time.Unix(1, 0).UTC(), Login: "x", Action: ActionLoginFail}}
	kr.LastRev = testRev
	b, err := kr.Marshal()
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
	f.Add([]byte(`{"format":1,"office":"o","device":"d","users":[],"store_key":{"nonce":null,"ct":null},"pending":null}`))
	f.Add([]byte(`{"format":2}`))
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
		if !reflect.DeepEqual(kr, kr2) {
			t.Fatalf("round trip differs:\n%#v\n%#v", kr, kr2)
		}
	})
}

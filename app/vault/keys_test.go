package vault

import (
	"bytes"
	"reflect"
	"testing"
)

func TestKeys(t *testing.T) {
	k := mustOfficeKeys(t)
	if !reflect.DeepEqual(k.Classes(), []Class{ClassCase, ClassContact}) {
		t.Fatalf("classes %v", k.Classes())
	}
	v1, key1, _ := k.Current(ClassCase)
	v2, err := k.Rotate(ClassCase)
	if err != nil || v1 != 1 || v2 != 2 {
		t.Fatalf("versions %d %d, %v", v1, v2, err)
	}
	cur, key2, ok := k.Current(ClassCase)
	if !ok || cur != 2 || bytes.Equal(key1, key2) || len(key2) != KeySize {
		t.Fatalf("current after rotate: %d", cur)
	}
	if old, ok := k.Get(ClassCase, 1); !ok || !bytes.Equal(old, key1) {
		t.Error("old version lost")
	}
	if _, ok := k.Get(ClassCase, 3); ok {
		t.Error("version 3 exists")
	}
	if _, err := k.Rotate("other"); err == nil {
		t.Error("rotated an unknown class")
	}
}

func TestKeysSubsetAndZero(t *testing.T) {
	k := mustOfficeKeys(t)
	sub := k.Subset(ClassContact, "unknown")
	if sub.Has(ClassCase) || !sub.Has(ClassContact) || len(sub.Classes()) != 1 {
		t.Fatalf("subset classes %v", sub.Classes())
	}
	_, key, _ := k.Current(ClassContact)
	sub.Zero()
	if sub.Has(ClassContact) || len(sub.Classes()) != 0 {
		t.Error("Has after Zero")
	}
	if bytes.Equal(key, make([]byte, KeySize)) {
		t.Error("zeroing the subset wiped the original")
	}
	k.Zero()
	if !bytes.Equal(key, make([]byte, KeySize)) {
		t.Error("Zero left key bytes")
	}
}

func TestBundleJSONRoundTrip(t *testing.T) {
	k := mustOfficeKeys(t)
	if _, err := k.Rotate(ClassContact); err != nil {
		t.Fatal(err)
	}
	b, err := marshalKeys(k)
	if err != nil {
		t.Fatal(err)
	}
	got, err := unmarshalKeys(b)
	if err != nil || !reflect.DeepEqual(got.classes, k.classes) {
		t.Fatalf("round trip: %v", err)
	}
	for _, bad := range []string{`{"x":{"current":1,"keys":{"1":"AAAA"}}}`, `{"case":{"current":2,"keys":{}}}`, `{"case":{"current":1,"keys":{"1":"AAAA"}}}`} {
		if _, err := unmarshalKeys([]byte(bad)); err == nil {
			t.Errorf("accepted %s", bad)
		}
	}
}

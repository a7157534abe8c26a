package vault

import (
	"bytes"
	"testing"
)

// fixedKeys returns a Keys holding one key per (class, version) with
// every byte set to fill, the highest version current.
func fixedKeys(t testing.TB, c Class, versions ...uint32) *Keys {
	t.Helper()
	k := newKeys()
	ck := &classKeys{versions: map[uint32][]byte{}}
	for _, v := range versions {
		ck.versions[v] = bytes.Repeat([]byte{byte(v)}, KeySize)
		ck.current = max(ck.current, v)
	}
	k.classes[c] = ck
	return k
}

// mustOfficeKeys returns fresh office keys or fails the test.
func mustOfficeKeys(t testing.TB) *Keys {
	t.Helper()
	k, err := NewOfficeKeys()
	if err != nil {
		t.Fatal(err)
	}
	return k
}

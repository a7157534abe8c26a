package vault

import (
	"bytes"
	"encoding/json"
	"slices"
	"testing"
	"time"
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

var t0 = time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)

// pw is the password of login in the test offices.
func pw(login string) []byte { return []byte("pw-" + login) }

// The people of the test office (newTestOffice), each with password
// pw(login). The first one founds the office and holds the admin key.
var testPeople = []Person{
	{Login: "admin", Name: "Admin", Roles: []string{"admin", "supervisor"}, Classes: []Class{ClassContact, ClassCase}, Admin: true},
	{Login: "carol", Name: "Carol", Roles: []string{"consultant"}, Classes: []Class{ClassContact, ClassCase}},
	{Login: "rita", Name: "Rita", Roles: []string{"reception"}, Classes: []Class{ClassContact}},
	{Login: "sue", Name: "Sue", Roles: []string{"supervisor"}, Classes: []Class{ClassContact}},
}

// testPerson returns the entry of testPeople for login.
func testPerson(t testing.TB, login string) Person {
	t.Helper()
	for _, p := range testPeople {
		if p.Login == login {
			p.Roles, p.Classes = slices.Clone(p.Roles), slices.Clone(p.Classes)
			return p
		}
	}
	t.Fatalf("no test person %q", login)
	return Person{}
}

// testGrants is the role → classes mapping of the test office, as the
// caller of ApplyUpgrades supplies it.
func testGrants(roles []string) ([]Class, bool) {
	classes := []Class{ClassContact}
	if slices.Contains(roles, "consultant") || slices.Contains(roles, "admin") {
		classes = append(classes, ClassCase)
	}
	return classes, slices.Contains(roles, "admin")
}

// newTestOffice founds an office (device "dev1") with testPeople. It
// returns the keyring, the founder's Unlocked (from Found) and the store
// key.
func newTestOffice(t testing.TB, office string) (*Keyring, *Unlocked, []byte) {
	t.Helper()
	kr := NewKeyring(office, "dev1")
	a, sk, err := kr.Found(testPeople[0], pw(testPeople[0].Login), TestKDF())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range testPeople[1:] {
		if err := kr.AddUser(a, p, pw(p.Login), TestKDF()); err != nil {
			t.Fatal(err)
		}
	}
	return kr, a, sk
}

// mustUnlock unlocks login with pw(login) at t0.
func mustUnlock(t testing.TB, kr *Keyring, login string) *Unlocked {
	t.Helper()
	un, err := kr.Unlock(login, pw(login), t0)
	if err != nil {
		t.Fatalf("unlock %s: %v", login, err)
	}
	return un
}

// mustMarshal returns kr's file bytes.
func mustMarshal(t testing.TB, kr *Keyring) []byte {
	t.Helper()
	b, err := kr.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// mustUnmarshal decodes a keyring file.
func mustUnmarshal(t testing.TB, b []byte) *Keyring {
	t.Helper()
	kr, err := UnmarshalKeyring(b)
	if err != nil {
		t.Fatalf("decode keyring: %v", err)
	}
	return kr
}

// reload returns kr as read back from its file bytes.
func reload(t testing.TB, kr *Keyring) *Keyring {
	t.Helper()
	return mustUnmarshal(t, mustMarshal(t, kr))
}

// withTable decodes the keyring file b, passes its table (decoded into a
// UserTable) to fn, re-encodes the table body the way sign does and keeps
// the old signature. A no-op fn leaves the body byte for byte unchanged.
func withTable(t testing.TB, b []byte, fn func(tab *UserTable)) *Keyring {
	t.Helper()
	kr := mustUnmarshal(t, b)
	tab := &UserTable{}
	if err := json.Unmarshal(kr.Table.Body, tab); err != nil {
		t.Fatal(err)
	}
	fn(tab)
	body, err := json.Marshal(tab)
	if err != nil {
		t.Fatal(err)
	}
	kr.Table.Body = body
	return reload(t, kr)
}

// entry returns a pointer to login's entry of tab.
func entry(t testing.TB, tab *UserTable, login string) *TableUser {
	t.Helper()
	u := tab.find(login)
	if u == nil {
		t.Fatalf("no entry %q", login)
	}
	return u
}

// localState returns login's failure state in kr.
func localState(kr *Keyring, login string) LocalState { return kr.local(login) }

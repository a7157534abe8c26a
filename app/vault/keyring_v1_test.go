package vault

import (
	"bytes"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// v1Fixture is a format-1 keyring as the earlier release wrote it.
type v1Fixture struct {
	kr   *Keyring
	keys *Keys // the office keys: contact v1, v2 (current), case v1
	sk   []byte
}

// The people of the format-1 fixture, password pw(login).
var v1People = []V1User{
	{Login: "admin", Password: pw("admin"), Roles: []string{"admin", "supervisor"}, Classes: []Class{ClassContact, ClassCase}},
	{Login: "carol", Password: pw("carol"), Roles: []string{"consultant"}, Classes: []Class{ClassContact, ClassCase}},
	{Login: "dave", Password: pw("dave"), Roles: []string{"consultant"}, Classes: []Class{ClassContact, ClassCase}},
	{Login: "rita", Password: pw("rita"), Roles: []string{"reception"}, Classes: []Class{ClassContact}},
}

func testV1(t testing.TB) v1Fixture {
	t.Helper()
	k := mustOfficeKeys(t)
	if _, err := k.Rotate(ClassContact); err != nil {
		t.Fatal(err)
	}
	kr, sk, err := NewKeyringV1ForTest("office-v1", "dev1", k, v1People, TestKDF())
	if err != nil {
		t.Fatal(err)
	}
	return v1Fixture{kr: kr, keys: k, sk: sk}
}

// convertV1 converts the fixture at the admin's login and returns the
// keyring reloaded from its file and the admin's Unlocked.
func convertV1(t testing.TB, f v1Fixture) (*Keyring, *Unlocked) {
	t.Helper()
	a := mustUnlock(t, f.kr, "admin")
	f.kr.TakeLegacyPending()
	p := Person{Login: "admin", Name: "admin", Roles: []string{"admin", "supervisor"}, Classes: []Class{ClassContact, ClassCase}}
	if err := f.kr.Convert(a, p, pw("admin"), TestKDF()); err != nil {
		t.Fatal(err)
	}
	return reload(t, f.kr), a
}

// TestV1RoundTrip checks that a format-1 keyring is read, used for logins
// and written back in format 1 until it is converted.
func TestV1RoundTrip(t *testing.T) {
	f := testV1(t)
	kr := f.kr
	if !kr.Format1() || kr.Format != 1 {
		t.Fatalf("format %d, Format1 %v", kr.Format, kr.Format1())
	}
	if _, err := kr.Unlock("rita", []byte("wrong"), t0); !errors.Is(err, ErrWrongPassword) {
		t.Fatal(err)
	}
	if _, err := kr.Unlock("nobody", []byte("x"), t0); !errors.Is(err, ErrWrongPassword) {
		t.Fatal(err)
	}
	kr.LastRev = testRev
	out := mustMarshal(t, kr)
	if !strings.Contains(string(out), "\"format\": 1,") || strings.Contains(string(out), "\"table\"") {
		t.Errorf("not written as format 1:\n%s", out)
	}
	var file keyringV1
	if err := decodeStrict(out, &file); err != nil {
		t.Fatalf("not the format-1 layout: %v", err)
	}
	if len(file.Users) != len(v1People) || file.Users[3].Failures != 1 || len(file.Pending) != 2 || file.Pending[1].Detail != "unknown login" {
		t.Errorf("format-1 file: %+v", file)
	}
	kr2 := mustUnmarshal(t, out)
	if !reflect.DeepEqual(kr, kr2) || !kr2.Format1() {
		t.Fatal("format-1 round trip differs")
	}
	if again := mustMarshal(t, kr2); !bytes.Equal(again, out) {
		t.Error("second Marshal differs")
	}
	kr2 = saveLoad(t, kr2, filepath.Join(t.TempDir(), "keyring.json"))

	// A login works and gives the format-1 view: keys, no identity, an
	// unsigned table that does not verify.
	a := mustUnlock(t, kr2, "admin")
	if a.Identity != nil || a.Admin != nil || a.AdminPub != nil || !reflect.DeepEqual(a.Keys.Classes(), []Class{ClassCase, ClassContact}) {
		t.Errorf("format-1 unlock: %+v", a)
	}
	if v, _, _ := a.Keys.Current(ClassContact); v != 2 {
		t.Errorf("contact current v%d", v)
	}
	if _, err := kr2.VerifiedTable(a.AdminPub); !errors.Is(err, ErrForged) {
		t.Errorf("VerifiedTable of format 1: %v", err)
	}
	if got, err := kr2.StoreKeyBytes(a.Keys); err != nil || !bytes.Equal(got, f.sk) {
		t.Errorf("store key: %v", err)
	}
	if opened, numbers := kr2.TakePending(a); len(opened) != 0 || len(numbers) != 0 {
		t.Errorf("sealed pending in format 1: %v %v", opened, numbers)
	}
	p := kr2.TakeLegacyPending()
	if len(p) != 2 || p[0].Login != "rita" || p[0].Action != ActionLoginFail || !p[0].At.Equal(t0) || len(kr2.TakeLegacyPending()) != 0 {
		t.Errorf("legacy pending %+v", p)
	}
	if kr3 := reload(t, kr2); !kr3.Format1() || strings.Contains(string(mustMarshal(t, kr3)), "login.fail") {
		t.Error("taken events written back")
	}
	// Admin operations need a converted keyring.
	if err := kr2.AddUser(a, Person{Login: "bob"}, []byte("x"), TestKDF()); !errors.Is(err, ErrNotAdmin) {
		t.Errorf("AddUser on format 1: %v", err)
	}
}

func TestV1Lockout(t *testing.T) {
	kr := testV1(t).kr
	path := filepath.Join(t.TempDir(), "keyring.json")
	for i := range LockAfter {
		kr = saveLoad(t, kr, path)
		if _, err := kr.Unlock("carol", []byte("wrong"), t0); !errors.Is(err, ErrWrongPassword) {
			t.Fatalf("try %d: %v", i+1, err)
		}
	}
	kr = saveLoad(t, kr, path)
	if !kr.Format1() || localState(kr, "carol").Failures != LockAfter || !kr.LockedUntil("carol").Equal(t0.Add(LockBase)) {
		t.Fatalf("state %+v", localState(kr, "carol"))
	}
	if _, err := kr.Unlock("carol", pw("carol"), t0); !errors.Is(err, ErrLocked) {
		t.Fatalf("while locked: %v", err)
	}
	if _, err := kr.Unlock("carol", pw("carol"), t0.Add(LockBase)); err != nil {
		t.Fatal(err)
	}
	if kr = saveLoad(t, kr, path); localState(kr, "carol").Failures != 0 {
		t.Error("not reset")
	}
}

// TestConvert follows a format-1 vault through its conversion: the admin's
// login converts it, a carried-over consultant's login makes her identity
// (an Upgrade), the admin's next login signs it in, and her next login is
// a full format-2 one.
func TestConvert(t *testing.T) {
	f := testV1(t)
	kr, a := convertV1(t, f)
	if kr.Format1() || kr.Format != 2 || !strings.Contains(string(mustMarshal(t, kr)), "\"format\": 2,") {
		t.Fatal("not format 2 after Convert")
	}
	if a.Admin == nil || a.Identity == nil || a.User.Legacy || a.Table.Serial != 1 {
		t.Fatalf("converting admin: %+v", a.User)
	}
	tab, err := kr.VerifiedTable(a.AdminPub)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(tab.Current, map[Class]uint32{ClassContact: 2, ClassCase: 1}) {
		t.Errorf("current %v", tab.Current)
	}
	for _, u := range tab.Users {
		if u.Legacy != (u.Login != "admin") || (u.KEMPub == nil) != u.Legacy || u.Bundle.isZero() {
			t.Errorf("entry %s: legacy %v", u.Login, u.Legacy)
		}
	}
	if len(kr.LegacyPins) != 2 {
		t.Errorf("legacy pins %+v", kr.LegacyPins)
	}
	if got, err := kr.StoreKeyBytes(a.Keys); err != nil || !bytes.Equal(got, f.sk) {
		t.Errorf("store key after convert: %v", err)
	}
	// The admin's next login is a format-2 one.
	a2 := mustUnlock(t, kr, "admin")
	if a2.Admin == nil || !bytes.Equal(a2.AdminPub, a.AdminPub) || a2.Upgraded || !reflect.DeepEqual(a2.Keys.Versions(ClassContact), []uint32{1, 2}) {
		t.Fatalf("admin after convert: %+v", a2.User)
	}
	if err := kr.Rotate(a2, ClassCase); err != nil {
		t.Fatal(err)
	}

	// The consultant's first login: her format-1 bundle gives her keys as
	// they were, the table is verified through the legacy pin, and an
	// identity is made and queued.
	carol := mustUnlock(t, kr, "carol")
	if !carol.Upgraded || carol.Identity == nil || !carol.User.Legacy || !bytes.Equal(carol.AdminPub, a.AdminPub) {
		t.Fatalf("legacy login: upgraded %v, %+v", carol.Upgraded, carol.User)
	}
	if !reflect.DeepEqual(carol.Keys.Versions(ClassCase), []uint32{1}) {
		t.Errorf("legacy case versions %v", carol.Keys.Versions(ClassCase))
	}
	if len(kr.Upgrades) != 1 || kr.Upgrades[0].Login != "carol" || kr.Upgrades[0].Class != ClassCase ||
		!bytes.Equal(kr.Upgrades[0].SignPub, carol.Identity.SignPublic()) {
		t.Fatalf("upgrades %+v", kr.Upgrades)
	}
	// A second login before the admin's replaces the queued identity.
	carol = mustUnlock(t, kr, "carol")
	rita := mustUnlock(t, kr, "rita")
	kr = reload(t, kr)
	if len(kr.Upgrades) != 2 || !bytes.Equal(kr.Upgrades[0].SignPub, carol.Identity.SignPublic()) || kr.Upgrades[1].Class != ClassContact {
		t.Fatalf("upgrades %+v", kr.Upgrades)
	}

	a3 := mustUnlock(t, kr, "admin")
	serial := kr.UnsafeTable().Serial
	signed, dropped, err := kr.ApplyUpgrades(a3, testGrants)
	if err != nil || !reflect.DeepEqual(signed, []string{"carol", "rita"}) || len(dropped) != 0 {
		t.Fatalf("ApplyUpgrades = %v %v %v", signed, dropped, err)
	}
	if len(kr.Upgrades) != 0 || kr.UnsafeTable().Serial != serial+1 {
		t.Errorf("after apply: %d upgrades, serial %d", len(kr.Upgrades), kr.UnsafeTable().Serial)
	}
	if signed, dropped, err := kr.ApplyUpgrades(a3, testGrants); signed != nil || dropped != nil || err != nil {
		t.Errorf("second ApplyUpgrades = %v %v %v", signed, dropped, err)
	}
	kr = reload(t, kr)

	// Her next login is a full format-2 one with grants.
	c2 := mustUnlock(t, kr, "carol")
	if c2.Upgraded || c2.User.Legacy || len(c2.User.Grants) == 0 || !bytes.Equal(c2.Identity.SignPublic(), carol.Identity.SignPublic()) {
		t.Fatalf("after upgrade: %+v", c2.User)
	}
	for _, c := range []Class{ClassContact, ClassCase} {
		if !reflect.DeepEqual(c2.Keys.Versions(c), a3.Keys.Versions(c)) {
			t.Errorf("%s versions %v, admin %v", c, c2.Keys.Versions(c), a3.Keys.Versions(c))
		}
	}
	if v, _, _ := c2.Keys.Current(ClassCase); v != 2 {
		t.Errorf("case current v%d", v)
	}
	r2 := mustUnlock(t, kr, "rita")
	if r2.Upgraded || r2.Keys.Has(ClassCase) || !bytes.Equal(r2.Identity.KEMPublic(), rita.Identity.KEMPublic()) {
		t.Errorf("reception after upgrade: %+v", r2.User)
	}
	if got, err := kr.StoreKeyBytes(r2.Keys); err != nil || !bytes.Equal(got, f.sk) {
		t.Errorf("store key: %v", err)
	}
	if len(kr.Upgrades) != 0 {
		t.Errorf("a format-2 login queued an upgrade: %+v", kr.Upgrades)
	}
}

// TestConvertedLegacyChanges covers admin changes of carried-over people.
func TestConvertedLegacyChanges(t *testing.T) {
	kr, a := convertV1(t, testV1(t))
	// A carried-over person has no key pair to wrap the admin key to.
	rita := Person{Login: "rita", Roles: []string{"admin"}, Classes: []Class{ClassContact}, Admin: true}
	if _, err := kr.SetRoles(a, rita, t0); !errors.Is(err, ErrNeedsReset) {
		t.Errorf("admin key for a carried-over person: %v", err)
	}
	rita = Person{Login: "rita", Roles: []string{"consultant"}, Classes: []Class{ClassContact, ClassCase}}
	// A carried-over consultant keeps case through a role change.
	carol := Person{Login: "carol", Roles: []string{"consultant", "supervisor"}, Classes: []Class{ClassContact, ClassCase}}
	if dropped, err := kr.SetRoles(a, carol, t0); err != nil || len(dropped) != 0 {
		t.Errorf("carried-over consultant's roles: %v %v", dropped, err)
	}
	// Losing a class is possible (format 1 cannot tell which she held).
	carol = Person{Login: "carol", Roles: []string{"reception"}, Classes: []Class{ClassContact}}
	if dropped, err := kr.SetRoles(a, carol, t0); err != nil || !reflect.DeepEqual(dropped, []Class{ClassCase}) {
		t.Errorf("demote carried-over: %v %v", dropped, err)
	}
	// A reset makes a full entry.
	if err := kr.ResetPassword(a, rita, []byte("new-rita"), TestKDF(), t0); err != nil {
		t.Fatal(err)
	}
	r, err := reload(t, kr).Unlock("rita", []byte("new-rita"), t0)
	if err != nil || r.Upgraded || r.User.Legacy || !r.Keys.Has(ClassCase) {
		t.Fatalf("after reset: %v %+v", err, r)
	}
	// Disabling a carried-over person deletes the format-1 bundle.
	held, err := kr.SetDisabled(a, "dave", true, t0)
	if err != nil || !reflect.DeepEqual(held, []Class{ClassContact, ClassCase}) {
		t.Errorf("disable carried-over: %v %v", held, err)
	}
	if _, err := kr.Unlock("dave", pw("dave"), t0); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled carried-over: %v", err)
	}
}

// TestLegacyPinForged: a carried-over person trusts the admin key only
// through the pin made at conversion under the office key they hold.
func TestLegacyPinForged(t *testing.T) {
	kr, _ := convertV1(t, testV1(t))
	base := mustMarshal(t, kr)

	flipped := mustUnmarshal(t, base)
	for i := range flipped.LegacyPins {
		flipped.LegacyPins[i].MAC[0] ^= 1
	}
	if _, err := reload(t, flipped).Unlock("carol", pw("carol"), t0); !errors.Is(err, ErrForged) {
		t.Errorf("flipped pin: %v", err)
	}
	// Someone without the office keys makes an admin key of their own and
	// signs the table with it; the pins do not match it.
	own := mustUnmarshal(t, base)
	own.Table = signedWithNewKey(t, own.UnsafeTable())
	if _, err := reload(t, own).Unlock("carol", pw("carol"), t0); !errors.Is(err, ErrForged) {
		t.Errorf("table under another admin key: %v", err)
	}
	// A pin for contact only does not serve a person who holds case.
	contactOnly := mustUnmarshal(t, base)
	contactOnly.LegacyPins = []LegacyPin{contactOnly.LegacyPins[slicesIndexClass(contactOnly.LegacyPins, ClassContact)]}
	if _, err := reload(t, contactOnly).Unlock("carol", pw("carol"), t0); !errors.Is(err, ErrForged) {
		t.Errorf("case holder with a contact pin: %v", err)
	}
	if _, err := reload(t, contactOnly).Unlock("rita", pw("rita"), t0); err != nil {
		t.Errorf("contact holder with a contact pin: %v", err)
	}
	// An edited table fails its signature for carried-over people too.
	edited := withTable(t, base, func(tab *UserTable) { entry(t, tab, "rita").Roles = []string{"admin"} })
	if _, err := edited.Unlock("carol", pw("carol"), t0); !errors.Is(err, ErrForged) {
		t.Errorf("edited table, carried-over login: %v", err)
	}
	if len(edited.Upgrades) != 0 {
		t.Error("upgrade queued on a forged table")
	}
}

func slicesIndexClass(p []LegacyPin, c Class) int {
	for i := range p {
		if p[i].Class == c {
			return i
		}
	}
	return -1
}

// signedWithNewKey returns tab with a new admin key, signed by it.
func signedWithNewKey(t testing.TB, tab *UserTable) SignedTable {
	t.Helper()
	id, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	cp := cloneTable(tab)
	cp.AdminPub = id.SignPublic()
	st, err := cp.sign(id.sign)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// TestForgedUpgrade: upgrades whose MAC fails, or that offer the contact
// class for a person whose roles grant case, are dropped; upgrades for
// people who are not carried over are dropped; an upgrade the admin
// cannot check waits.
func TestForgedUpgrade(t *testing.T) {
	f := testV1(t)
	kr, _ := convertV1(t, f)
	rita := mustUnlock(t, kr, "rita") // contact only; queues her own upgrade
	kr.Upgrades = nil

	// forge makes an upgrade for login with a fresh identity, MAC'd under
	// k's key of class.
	forge := func(login string, class Class, k *Keys) Upgrade {
		id, err := NewIdentity()
		if err != nil {
			t.Fatal(err)
		}
		u := entry(t, kr.UnsafeTable(), "rita")
		pt, _ := json.Marshal(bundleV2{SignSeed: id.signSeed, KEMSeed: id.kemSeed, AdminPub: kr.UnsafeTable().AdminPub})
		blob, err := sealBlob(userKEK([]byte("forger"), u.Salt, u.KDF), bundleAADv2(kr.Office, login, u.KDF, u.Salt), pt)
		if err != nil {
			t.Fatal(err)
		}
		up := Upgrade{Login: login, Class: class, KEMPub: id.KEMPublic(), SignPub: id.SignPublic(), Bundle: blob}
		up.MAC = upgradeMAC(k, up, kr.Office)
		return up
	}
	genuine := func(login string) Upgrade {
		k := reload(t, kr)
		mustUnlock(t, k, login)
		return k.Upgrades[len(k.Upgrades)-1]
	}
	badMAC := genuine("carol")
	badMAC.MAC[0] ^= 1
	movedBundle := genuine("carol")
	movedBundle.Bundle = genuine("dave").Bundle
	tests := []struct {
		name string
		up   Upgrade
	}{
		{"wrong MAC", badMAC},
		{"bundle replaced after the MAC", movedBundle},
		{"contact offered for a consultant", forge("carol", ClassContact, rita.Keys)},
		{"case MAC with the wrong key", forge("carol", ClassCase, mustOfficeKeys(t))},
		{"unknown login", forge("nobody", ClassContact, rita.Keys)},
		{"not carried over", forge("admin", ClassCase, f.keys)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k := reload(t, kr)
			k.Upgrades = []Upgrade{tt.up}
			serial := k.UnsafeTable().Serial
			a := mustUnlock(t, k, "admin")
			signed, dropped, err := k.ApplyUpgrades(a, testGrants)
			if err != nil || len(signed) != 0 || !reflect.DeepEqual(dropped, []string{tt.up.Login}) {
				t.Fatalf("ApplyUpgrades = %v %v %v", signed, dropped, err)
			}
			if len(k.Upgrades) != 0 {
				t.Error("dropped upgrade kept")
			}
			if u, ok := k.UnsafeTable().Find(tt.up.Login); ok && tt.up.Login != "admin" && !u.Legacy {
				t.Error("forged identity signed in")
			}
			if k.UnsafeTable().Serial != serial+1 {
				t.Errorf("serial %d", k.UnsafeTable().Serial)
			}
		})
	}
	// The genuine one still goes through afterwards.
	k := reload(t, kr)
	k.Upgrades = []Upgrade{badMAC, genuine("carol")}
	a := mustUnlock(t, k, "admin")
	if signed, dropped, err := k.ApplyUpgrades(a, testGrants); err != nil || !reflect.DeepEqual(signed, []string{"carol"}) || !reflect.DeepEqual(dropped, []string{"carol"}) {
		t.Fatalf("mixed: %v %v %v", signed, dropped, err)
	}
	if _, err := k.Unlock("carol", pw("carol"), t0); err != nil {
		t.Fatal(err)
	}

	// An admin who lacks the class of an upgrade leaves it for another.
	k = reload(t, kr)
	k.Upgrades = []Upgrade{genuine("carol"), genuine("rita")}
	a = mustUnlock(t, k, "admin")
	weak := &Unlocked{Keys: a.Keys.Subset(ClassContact), Admin: a.Admin, AdminPub: a.AdminPub, User: a.User}
	signed, dropped, err := k.ApplyUpgrades(weak, testGrants)
	if err != nil || !reflect.DeepEqual(signed, []string{"rita"}) || len(dropped) != 0 || len(k.Upgrades) != 1 || k.Upgrades[0].Login != "carol" {
		t.Fatalf("admin without case: %v %v %v, left %+v", signed, dropped, err, k.Upgrades)
	}
}

// TestUpgradeForgeableBySameClass documents a limit FORMAT.md states: an
// upgrade is authenticated only by the office key of its class, so someone
// who holds that key and can write keyring.json can offer their own
// identity and password for a carried-over person before an admin signs
// the upgrade in.
func TestUpgradeForgeableBySameClass(t *testing.T) {
	f := testV1(t)
	kr, _ := convertV1(t, f)
	dave := mustUnlock(t, kr, "dave") // consultant: holds case v1
	kr.Upgrades = nil
	u := entry(t, kr.UnsafeTable(), "carol")
	id, err := NewIdentity()
	if err != nil {
		t.Fatal(err)
	}
	pt, _ := json.Marshal(bundleV2{SignSeed: id.signSeed, KEMSeed: id.kemSeed, AdminPub: kr.UnsafeTable().AdminPub})
	blob, err := sealBlob(userKEK([]byte("dave's choice"), u.Salt, u.KDF), bundleAADv2(kr.Office, "carol", u.KDF, u.Salt), pt)
	if err != nil {
		t.Fatal(err)
	}
	up := Upgrade{Login: "carol", Class: ClassCase, KEMPub: id.KEMPublic(), SignPub: id.SignPublic(), Bundle: blob}
	up.MAC = upgradeMAC(dave.Keys, up, kr.Office)
	kr.Upgrades = []Upgrade{up}
	if signed, _, err := kr.ApplyUpgrades(mustUnlock(t, kr, "admin"), testGrants); err != nil || len(signed) != 1 {
		t.Fatalf("ApplyUpgrades = %v, %v", signed, err)
	}
	if _, err := kr.Unlock("carol", []byte("dave's choice"), t0); err != nil {
		t.Fatalf("the limit is gone (update FORMAT.md): %v", err)
	}
	if _, err := kr.Unlock("carol", pw("carol"), t0); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("the real person: %v", err)
	}
}

package vault

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"testing"
	"time"
)

func TestNewKeyringIDs(t *testing.T) {
	kr := NewKeyring("", "")
	if len(kr.Office) != 32 || len(kr.Device) != 8 || kr.Format != KeyringFormat || KeyringFormat != 2 {
		t.Errorf("ids %q %q format %d", kr.Office, kr.Device, kr.Format)
	}
	if kr2 := NewKeyring("o", "d"); kr2.Office != "o" || kr2.Device != "d" {
		t.Errorf("given ids not kept: %+v", kr2)
	}
}

func TestFound(t *testing.T) {
	kr, a, sk := newTestOffice(t, "")
	if a.Admin == nil || len(a.AdminPub) != 32 || a.User.Login != "admin" || a.User.AdminGrant == nil {
		t.Fatalf("founder: admin key %v, user %+v", a.Admin != nil, a.User)
	}
	if !reflect.DeepEqual(a.Keys.Classes(), []Class{ClassCase, ClassContact}) {
		t.Errorf("founder classes %v", a.Keys.Classes())
	}
	tab, err := kr.VerifiedTable(a.AdminPub)
	if err != nil {
		t.Fatal(err)
	}
	if tab.Serial != uint64(len(testPeople)) || tab.Office != kr.Office || len(tab.Users) != len(testPeople) {
		t.Errorf("table serial %d office %q users %d", tab.Serial, tab.Office, len(tab.Users))
	}
	if !reflect.DeepEqual(tab.Current, map[Class]uint32{ClassContact: 1, ClassCase: 1}) {
		t.Errorf("current %v", tab.Current)
	}
	if got, err := kr.StoreKeyBytes(a.Keys); err != nil || !bytes.Equal(got, sk) {
		t.Errorf("store key: %v", err)
	}
	// The file opens again and the founder logs in with every class and the
	// admin key.
	un := mustUnlock(t, reload(t, kr), "admin")
	if un.Admin == nil || !bytes.Equal(un.Admin.Public().(ed25519.PublicKey), a.AdminPub) || !bytes.Equal(un.AdminPub, a.AdminPub) {
		t.Error("admin key not granted to the founder")
	}
	if _, err := NewKeyring("o", "d").VerifiedTable(a.AdminPub); !errors.Is(err, ErrForged) {
		t.Errorf("VerifiedTable of an empty keyring: %v", err)
	}
}

func TestUnlock(t *testing.T) {
	kr, a, _ := newTestOffice(t, "")
	kr = reload(t, kr)
	tests := []struct {
		name, login, pw string
		err             error
		classes         []Class
		admin           bool
	}{
		{"admin", "admin", "pw-admin", nil, []Class{ClassCase, ClassContact}, true},
		{"consultant", "carol", "pw-carol", nil, []Class{ClassCase, ClassContact}, false},
		{"reception", "rita", "pw-rita", nil, []Class{ClassContact}, false},
		{"wrong password", "carol", "pw-rita", ErrWrongPassword, nil, false},
		{"unknown login", "mallory", "pw-carol", ErrWrongPassword, nil, false},
		{"empty login", "", "pw-carol", ErrWrongPassword, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			un, err := kr.Unlock(tt.login, []byte(tt.pw), t0)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				if un != nil {
					t.Error("Unlocked returned with an error")
				}
				return
			}
			if !reflect.DeepEqual(un.Keys.Classes(), tt.classes) || (un.Admin != nil) != tt.admin {
				t.Errorf("classes %v admin %v", un.Keys.Classes(), un.Admin != nil)
			}
			_, want, _ := a.Keys.Current(ClassContact)
			if _, got, _ := un.Keys.Current(ClassContact); !bytes.Equal(got, want) {
				t.Error("contact key differs from the office key")
			}
			if un.User.Login != tt.login || !bytes.Equal(un.User.SignPub, un.Identity.SignPublic()) ||
				!bytes.Equal(un.User.KEMPub, un.Identity.KEMPublic()) || !bytes.Equal(un.AdminPub, a.AdminPub) {
				t.Errorf("identity or user entry does not match: %+v", un.User)
			}
			if un.Table == nil || un.Table.Serial != kr.UnsafeTable().Serial || un.Upgraded {
				t.Error("table not returned")
			}
			msg := []byte("approval")
			if !un.Table.VerifyBy(tt.login, msg, un.Identity.Sign(msg)) || un.Table.VerifyBy("sue", msg, un.Identity.Sign(msg)) {
				t.Error("VerifyBy")
			}
			un.Zero()
			if un.Keys.Has(ClassContact) || len(un.Admin) > 0 && !bytes.Equal(un.Admin, make([]byte, len(un.Admin))) {
				t.Error("Zero left secrets")
			}
		})
	}
	if kr.PendingSeq != 3 || len(kr.Pending) != 3 {
		t.Errorf("pending: seq %d, %d events", kr.PendingSeq, len(kr.Pending))
	}
}

func TestReceptionCannotOpenCase(t *testing.T) {
	kr, _, _ := newTestOffice(t, "")
	carol, rita := mustUnlock(t, kr, "carol"), mustUnlock(t, kr, "rita")
	e, err := Seal(carol.Keys, ClassCase, "case-1", "consultation.case", testRev, nil, []byte("note"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(rita.Keys, e, Expect{ID: "case-1", Kind: "consultation.case"}); !errors.Is(err, ErrNoKey) {
		t.Fatalf("reception opened a case envelope: %v", err)
	}
	if _, err := Seal(rita.Keys, ClassCase, "c", "x.case", testRev, nil, nil); !errors.Is(err, ErrNoKey) {
		t.Fatalf("reception sealed a case envelope: %v", err)
	}
	c, err := Seal(carol.Keys, ClassContact, "biz-1", "business", testRev, nil, []byte("name"))
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := Open(rita.Keys, c, Expect{ID: "biz-1", Kind: "business"}); err != nil || string(pt) != "name" {
		t.Fatalf("reception cannot open contact data: %v", err)
	}
}

func TestLockout(t *testing.T) {
	kr, _, _ := newTestOffice(t, "")
	path := filepath.Join(t.TempDir(), "keyring.json")
	now := t0
	wantDelay := []time.Duration{0, 0, 0, 0, 30 * time.Second, time.Minute, 2 * time.Minute}
	for i, want := range wantDelay {
		kr = saveLoad(t, kr, path)
		if _, err := kr.Unlock("carol", []byte("wrong"), now); !errors.Is(err, ErrWrongPassword) {
			t.Fatalf("try %d: %v", i+1, err)
		}
		kr = saveLoad(t, kr, path)
		u := localState(kr, "carol")
		if got := u.LockedUntil.Sub(now); u.Failures != i+1 || (want == 0) != u.LockedUntil.IsZero() || (want != 0 && got != want) {
			t.Fatalf("try %d: failures %d, locked %v, want delay %v", i+1, u.Failures, got, want)
		}
		if !kr.LockedUntil("carol").Equal(u.LockedUntil) {
			t.Fatalf("LockedUntil %v", kr.LockedUntil("carol"))
		}
		if want == 0 {
			continue
		}
		// While locked even the right password is refused, without a
		// failure counted; other people are not affected.
		_, err := kr.Unlock("carol", pw("carol"), now.Add(want-time.Millisecond))
		var le *LockedError
		if !errors.Is(err, ErrLocked) || !errors.As(err, &le) || !le.Until.Equal(u.LockedUntil) {
			t.Fatalf("try %d: while locked: %v", i+1, err)
		}
		if localState(kr, "carol").Failures != i+1 {
			t.Fatalf("try %d: a locked attempt counted", i+1)
		}
		if _, err := kr.Unlock("rita", pw("rita"), now); err != nil {
			t.Fatalf("other person locked too: %v", err)
		}
		now = now.Add(want)
	}
	if _, err := kr.Unlock("carol", pw("carol"), now); err != nil {
		t.Fatalf("after lock: %v", err)
	}
	if u := localState(kr, "carol"); u.Failures != 0 || !u.LockedUntil.IsZero() || len(kr.Local) != 0 {
		t.Errorf("success did not reset: %+v (local %+v)", u, kr.Local)
	}
}

func TestLockDelay(t *testing.T) {
	tests := []struct {
		failures int
		want     time.Duration
	}{{5, 30 * time.Second}, {6, time.Minute}, {11, 32 * time.Minute}, {12, time.Hour}, {13, time.Hour}, {1000, time.Hour}}
	for _, tt := range tests {
		if got := lockDelay(tt.failures); got != tt.want {
			t.Errorf("lockDelay(%d) = %v, want %v", tt.failures, got, tt.want)
		}
	}
}

// saveLoad saves kr to path and loads it back.
func saveLoad(t *testing.T, kr *Keyring, path string) *Keyring {
	t.Helper()
	if err := kr.Save(path); err != nil {
		t.Fatal(err)
	}
	got, err := LoadKeyring(path)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func TestUserAdminErrors(t *testing.T) {
	kr, a, _ := newTestOffice(t, "")
	serial := kr.UnsafeTable().Serial
	bob := Person{Login: "bob", Name: "Bob", Roles: []string{"reception"}, Classes: []Class{ClassContact}}
	tests := []struct {
		name string
		err  error
		want error
	}{
		{"duplicate login", kr.AddUser(a, testPerson(t, "carol"), []byte("x"), TestKDF()), ErrUserExists},
		{"space in login", kr.AddUser(a, Person{Login: "bad login"}, []byte("x"), TestKDF()), ErrMalformed},
		{"empty login", kr.AddUser(a, Person{}, []byte("x"), TestKDF()), ErrMalformed},
		{"zero kdf", kr.AddUser(a, bob, []byte("x"), KDFParams{}), ErrMalformed},
		{"kdf time over cap", kr.AddUser(a, bob, []byte("x"), KDFParams{Time: 11, MemoryKiB: 1024, Threads: 1}), ErrMalformed},
		{"class not held", kr.AddUser(&Unlocked{Keys: a.Keys.Subset(ClassContact), Admin: a.Admin, AdminPub: a.AdminPub},
			Person{Login: "bob", Classes: []Class{ClassCase}}, []byte("x"), TestKDF()), ErrNoKey},
		{"reset unknown", kr.ResetPassword(a, Person{Login: "nobody"}, []byte("x"), TestKDF(), t0), ErrUnknownUser},
		{"reset over cap", kr.ResetPassword(a, testPerson(t, "rita"), []byte("x"), KDFParams{Time: 1, MemoryKiB: 1 << 21, Threads: 1}, t0), ErrMalformed},
	}
	_, err := kr.SetRoles(a, Person{Login: "nobody"}, t0)
	tests = append(tests, struct {
		name string
		err  error
		want error
	}{"roles unknown", err, ErrUnknownUser})
	_, err = kr.SetDisabled(a, "nobody", true, t0)
	tests = append(tests, struct {
		name string
		err  error
		want error
	}{"disable unknown", err, ErrUnknownUser})
	for _, tt := range tests {
		if !errors.Is(tt.err, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, tt.err, tt.want)
		}
	}
	// A refused change leaves the signed table as it was.
	if kr.UnsafeTable().Serial != serial || len(kr.UnsafeTable().Users) != len(testPeople) {
		t.Errorf("refused changes changed the table: serial %d", kr.UnsafeTable().Serial)
	}
	if _, err := kr.VerifiedTable(a.AdminPub); err != nil {
		t.Error(err)
	}
}

func TestNonAdminCannotEdit(t *testing.T) {
	kr, _, _ := newTestOffice(t, "")
	kr = reload(t, kr)
	carol := mustUnlock(t, kr, "carol")
	if carol.Admin != nil {
		t.Fatal("consultant holds the admin key")
	}
	before := mustMarshal(t, kr)
	_, err1 := kr.SetRoles(carol, testPerson(t, "rita"), t0)
	_, err2 := kr.SetDisabled(carol, "rita", true, t0)
	errs := map[string]error{
		"AddUser":       kr.AddUser(carol, Person{Login: "bob", Classes: []Class{ClassContact}}, []byte("x"), TestKDF()),
		"ResetPassword": kr.ResetPassword(carol, testPerson(t, "rita"), []byte("x"), TestKDF(), t0),
		"SetRoles":      err1,
		"SetDisabled":   err2,
		"Rotate":        kr.Rotate(carol, ClassCase),
		"Rotate nil":    kr.Rotate(nil, ClassCase),
	}
	kr.Upgrades = []Upgrade{{Login: "rita", Class: ClassContact}}
	_, _, errs["ApplyUpgrades"] = kr.ApplyUpgrades(carol, testGrants)
	kr.Upgrades = nil
	for name, err := range errs {
		if !errors.Is(err, ErrNotAdmin) {
			t.Errorf("%s by a consultant: %v, want ErrNotAdmin", name, err)
		}
	}
	if after := mustMarshal(t, kr); !bytes.Equal(before, after) {
		t.Error("refused edits changed the keyring")
	}
	if err := kr.Convert(carol, testPerson(t, "carol"), pw("carol"), TestKDF()); !errors.Is(err, ErrMalformed) {
		t.Errorf("Convert of a format-2 keyring: %v", err)
	}
}

func TestSetRolesDemotionAndRotate(t *testing.T) {
	kr, a, _ := newTestOffice(t, "")
	kr = reload(t, kr)
	// Carol keeps a copy of the file from before her demotion.
	before := mustMarshal(t, kr)
	oldCarol := mustUnlock(t, mustUnmarshal(t, before), "carol")

	demoted := Person{Login: "carol", Name: "Carol", Roles: []string{"reception"}, Classes: []Class{ClassContact}}
	dropped, err := kr.SetRoles(a, demoted, t0)
	if err != nil || !reflect.DeepEqual(dropped, []Class{ClassCase}) {
		t.Fatalf("SetRoles = %v, %v", dropped, err)
	}
	if err := kr.Rotate(a, dropped...); err != nil {
		t.Fatal(err)
	}
	kr = reload(t, kr)
	if v, _, _ := a.Keys.Current(ClassCase); v != 2 || kr.UnsafeTable().Current[ClassCase] != 2 {
		t.Fatalf("case current %d, table %v", v, kr.UnsafeTable().Current)
	}
	e, err := Seal(a.Keys, ClassCase, "case-9", "consultation.case", testRev, nil, []byte("after"))
	if err != nil || e.Key.Version != 2 {
		t.Fatalf("seal after rotation: %v %+v", err, e)
	}
	want := Expect{ID: "case-9", Kind: "consultation.case"}

	// The demoted person's login no longer yields any case key.
	carol := mustUnlock(t, kr, "carol")
	if carol.Keys.Has(ClassCase) || !reflect.DeepEqual(carol.User.Roles, []string{"reception"}) {
		t.Errorf("demoted person still holds case: %v", carol.Keys.Versions(ClassCase))
	}
	if _, err := Open(carol.Keys, e, want); !errors.Is(err, ErrNoKey) {
		t.Errorf("demoted person opened the new case version: %v", err)
	}
	// Her old copy gives case v1 only, and her identity (unchanged by
	// SetRoles) unwraps no grant of the new table.
	old := mustUnlock(t, mustUnmarshal(t, before), "carol")
	if !reflect.DeepEqual(old.Keys.Versions(ClassCase), []uint32{1}) {
		t.Errorf("old copy versions %v", old.Keys.Versions(ClassCase))
	}
	if _, err := Open(old.Keys, e, want); !errors.Is(err, ErrNoKey) {
		t.Errorf("old copy opened the new case version: %v", err)
	}
	for _, u := range kr.UnsafeTable().Users {
		for _, g := range u.Grants {
			if g.Class != ClassCase {
				continue
			}
			for _, login := range []string{"carol", u.Login} {
				if _, err := oldCarol.Identity.unwrap(grantInfo(kr.Office, login, g.Class, g.Version), g.Wrap); err == nil {
					t.Errorf("old identity unwraps %s's case v%d", u.Login, g.Version)
				}
			}
		}
	}
	// The admin still has both versions and opens old and new data.
	admin := mustUnlock(t, kr, "admin")
	if !reflect.DeepEqual(admin.Keys.Versions(ClassCase), []uint32{1, 2}) {
		t.Errorf("admin case versions %v", admin.Keys.Versions(ClassCase))
	}
	if _, err := Open(admin.Keys, e, want); err != nil {
		t.Error(err)
	}
}

func TestSetRolesPromotion(t *testing.T) {
	kr, a, _ := newTestOffice(t, "")
	if err := kr.Rotate(a, ClassCase); err != nil {
		t.Fatal(err)
	}
	serial := kr.UnsafeTable().Serial
	promoted := Person{Login: "rita", Name: "Rita S.", Roles: []string{"consultant", "supervisor"}, Classes: []Class{ClassContact, ClassCase}}
	dropped, err := kr.SetRoles(a, promoted, t0)
	if err != nil || len(dropped) != 0 || kr.UnsafeTable().Serial != serial+1 {
		t.Fatalf("SetRoles = %v, %v", dropped, err)
	}
	rita := mustUnlock(t, reload(t, kr), "rita")
	if !reflect.DeepEqual(rita.Keys.Versions(ClassCase), []uint32{1, 2}) || rita.User.Name != "Rita S." {
		t.Errorf("promoted: case versions %v, %+v", rita.Keys.Versions(ClassCase), rita.User)
	}
	if v, _, _ := rita.Keys.Current(ClassCase); v != 2 {
		t.Errorf("current case %d", v)
	}
	// Losing the supervisor role is dated; regaining it clears the date.
	sue := testPerson(t, "sue")
	sue.Roles = []string{"reception"}
	if _, err := kr.SetRoles(a, sue, t0.Add(time.Hour)); err != nil {
		t.Fatal(err)
	}
	if u, _ := kr.UnsafeTable().Find("sue"); !u.SupervisorUntil.Equal(t0.Add(time.Hour)) {
		t.Errorf("supervisor until %v", u.SupervisorUntil)
	}
	sue.Roles = []string{"supervisor"}
	if _, err := kr.SetRoles(a, sue, t0.Add(2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	if u, _ := kr.UnsafeTable().Find("sue"); !u.SupervisorUntil.IsZero() {
		t.Errorf("supervisor until %v after regaining the role", u.SupervisorUntil)
	}
	// Giving the admin key by SetRoles.
	sue.Admin = true
	if _, err := kr.SetRoles(a, sue, t0); err != nil {
		t.Fatal(err)
	}
	if s := mustUnlock(t, kr, "sue"); s.Admin == nil || !bytes.Equal(s.Admin.Seed(), a.Admin.Seed()) {
		t.Error("admin key not granted by SetRoles")
	}
	sue.Admin = false
	if _, err := kr.SetRoles(a, sue, t0); err != nil {
		t.Fatal(err)
	}
	if s := mustUnlock(t, kr, "sue"); s.Admin != nil {
		t.Error("admin key kept after SetRoles without it")
	}
}

func TestSetDisabled(t *testing.T) {
	kr, a, sk := newTestOffice(t, "")
	kr = reload(t, kr)
	oldRita := mustUnlock(t, kr, "rita")
	oldSign := oldRita.Identity.SignPublic()
	approval := oldRita.Identity.Sign([]byte("approved"))

	held, err := kr.SetDisabled(a, "rita", true, t0)
	if err != nil || !reflect.DeepEqual(held, []Class{ClassContact}) {
		t.Fatalf("SetDisabled = %v, %v", held, err)
	}
	if err := kr.Rotate(a, held...); err != nil {
		t.Fatal(err)
	}
	kr = reload(t, kr)
	u, _ := kr.UnsafeTable().Find("rita")
	if !u.Disabled || !u.Bundle.isZero() || u.Grants != nil || u.AdminGrant != nil {
		t.Errorf("disabled entry keeps keys: %+v", u)
	}
	if _, err := kr.Unlock("rita", pw("rita"), t0); !errors.Is(err, ErrDisabled) {
		t.Fatalf("disabled: %v", err)
	}
	// The store key is sealed anew under contact v2, which the others hold.
	if kr.StoreKey.Version != 2 {
		t.Errorf("store key under contact v%d", kr.StoreKey.Version)
	}
	if got, err := kr.StoreKeyBytes(mustUnlock(t, kr, "sue").Keys); err != nil || !bytes.Equal(got, sk) {
		t.Errorf("store key after rotation: %v", err)
	}
	if _, err := kr.StoreKeyBytes(oldRita.Keys); !errors.Is(err, ErrNoKey) {
		t.Errorf("store key with the disabled person's keys: %v", err)
	}

	if _, err := kr.SetDisabled(a, "rita", false, t0); !errors.Is(err, ErrNeedsReset) {
		t.Fatalf("re-enable: %v", err)
	}
	if err := kr.ResetPassword(a, testPerson(t, "rita"), []byte("new-rita"), TestKDF(), t0); err != nil {
		t.Fatal(err)
	}
	kr = reload(t, kr)
	rita, err := kr.Unlock("rita", []byte("new-rita"), t0)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rita.Keys.Versions(ClassContact), []uint32{1, 2}) || rita.User.Disabled {
		t.Errorf("after reset: contact versions %v", rita.Keys.Versions(ClassContact))
	}
	if bytes.Equal(rita.Identity.SignPublic(), oldSign) || !rita.Table.VerifyBy("rita", []byte("approved"), approval) {
		t.Error("reset did not make a new identity or lost the former signing key")
	}
	if _, err := kr.SetDisabled(a, "rita", false, t0); err != nil {
		t.Errorf("enabling an enabled person: %v", err)
	}
}

func TestResetPassword(t *testing.T) {
	kr, a, _ := newTestOffice(t, "")
	for range LockAfter {
		_, _ = kr.Unlock("rita", []byte("wrong"), t0)
	}
	if kr.LockedUntil("rita").IsZero() {
		t.Fatal("not locked")
	}
	old, _ := kr.UnsafeTable().Find("rita")
	promoted := Person{Login: "rita", Name: "Rita", Roles: []string{"consultant"}, Classes: []Class{ClassContact, ClassCase}}
	if err := kr.ResetPassword(a, promoted, []byte("new"), TestKDF(), t0); err != nil {
		t.Fatal(err)
	}
	kr = reload(t, kr)
	u, _ := kr.UnsafeTable().Find("rita")
	if bytes.Equal(u.Salt, old.Salt) || localState(kr, "rita").Failures != 0 || !kr.LockedUntil("rita").IsZero() {
		t.Errorf("reset incomplete: %+v", localState(kr, "rita"))
	}
	if len(u.FormerSignPubs) != 1 || !bytes.Equal(u.FormerSignPubs[0], old.SignPub) || !u.SignedBy(old.SignPub) || !u.SignedBy(u.SignPub) {
		t.Errorf("former signing keys %x", u.FormerSignPubs)
	}
	if _, err := kr.Unlock("rita", pw("rita"), t0); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("old password: %v", err)
	}
	rita, err := kr.Unlock("rita", []byte("new"), t0)
	if err != nil || !rita.Keys.Has(ClassCase) {
		t.Errorf("new password: %v", err)
	}
}

func TestRotate(t *testing.T) {
	kr, a, sk := newTestOffice(t, "")
	if err := kr.Rotate(a, ClassContact, ClassCase); err != nil {
		t.Fatal(err)
	}
	kr = reload(t, kr)
	if !reflect.DeepEqual(kr.UnsafeTable().Current, map[Class]uint32{ClassContact: 2, ClassCase: 2}) {
		t.Fatalf("current %v", kr.UnsafeTable().Current)
	}
	for _, p := range testPeople {
		un := mustUnlock(t, kr, p.Login)
		for _, c := range []Class{ClassContact, ClassCase} {
			want := []uint32(nil)
			if slices.Contains(p.Classes, c) {
				want = []uint32{1, 2}
			}
			if got := un.Keys.Versions(c); !reflect.DeepEqual(got, want) {
				t.Errorf("%s %s versions %v, want %v", p.Login, c, got, want)
			}
			if v, key, ok := un.Keys.Current(c); ok {
				if ak, _ := a.Keys.Get(c, 2); v != 2 || !bytes.Equal(key, ak) {
					t.Errorf("%s %s current v%d differs from the admin's", p.Login, c, v)
				}
			}
		}
	}
	if got, err := kr.StoreKeyBytes(a.Keys); err != nil || !bytes.Equal(got, sk) || kr.StoreKey.Version != 2 {
		t.Errorf("store key: %v (v%d)", err, kr.StoreKey.Version)
	}
	// An admin who does not hold a class still rotates it for its holders.
	noCase := testPerson(t, "admin")
	noCase.Classes = []Class{ClassContact}
	if _, err := kr.SetRoles(a, noCase, t0); err != nil {
		t.Fatal(err)
	}
	a = mustUnlock(t, kr, "admin")
	if err := kr.Rotate(a, ClassCase); err != nil || a.Keys.Has(ClassCase) {
		t.Fatalf("rotate without holding: %v", err)
	}
	if c := mustUnlock(t, kr, "carol"); !reflect.DeepEqual(c.Keys.Versions(ClassCase), []uint32{1, 2, 3}) {
		t.Errorf("holder versions %v", c.Keys.Versions(ClassCase))
	}
}

func TestTakePending(t *testing.T) {
	kr, _, _ := newTestOffice(t, "")
	kr = reload(t, kr)
	fails := []struct{ login, pw, wantLogin, detail string }{
		{"rita", "wrong", "rita", "wrong password"},
		{"nobody", "maybe-a-password", "", "unknown login"},
		{"carol", "wrong", "carol", "wrong password"},
	}
	for i, f := range fails {
		if _, err := kr.Unlock(f.login, []byte(f.pw), t0.Add(time.Duration(i)*time.Minute)); err == nil {
			t.Fatal("unlocked")
		}
	}
	kr = reload(t, kr)
	if kr.PendingSeq != 3 || len(kr.Pending) != 3 {
		t.Fatalf("pending seq %d, %d events", kr.PendingSeq, len(kr.Pending))
	}
	for _, se := range kr.Pending {
		var to []string
		for _, w := range se.Wraps {
			to = append(to, w.Login)
			if bytes.Contains(w.CT, []byte("maybe-a-password")) || bytes.Contains(w.CT, []byte("rita")) {
				t.Error("pending event in the clear")
			}
		}
		if !reflect.DeepEqual(to, []string{"admin", "sue"}) {
			t.Errorf("event %d sealed to %v", se.N, to)
		}
	}

	// A reception person opens none; nothing is removed.
	rita := mustUnlock(t, kr, "rita")
	opened, numbers := kr.TakePending(rita)
	if len(opened) != 0 || !reflect.DeepEqual(numbers, []uint64{1, 2, 3}) || len(kr.Pending) != 3 {
		t.Fatalf("reception took %+v, numbers %v", opened, numbers)
	}
	// A supervisor opens them all, in order, with their numbers.
	sue := mustUnlock(t, kr, "sue")
	opened, numbers = kr.TakePending(sue)
	if !reflect.DeepEqual(numbers, []uint64{1, 2, 3}) || len(opened) != 3 || len(kr.Pending) != 0 {
		t.Fatalf("supervisor took %+v, numbers %v, left %d", opened, numbers, len(kr.Pending))
	}
	for i, f := range fails {
		want := PendingEvent{At: t0.Add(time.Duration(i) * time.Minute), Login: f.wantLogin, Action: ActionLoginFail, Detail: f.detail}
		if !reflect.DeepEqual(opened[i], want) {
			t.Errorf("event %d = %+v, want %+v", i, opened[i], want)
		}
	}
	// The counter stays, so a removed event shows as a gap.
	if _, err := kr.Unlock("rita", []byte("wrong"), t0); err == nil {
		t.Fatal("unlocked")
	}
	kr = reload(t, kr)
	if kr.PendingSeq != 4 || kr.Pending[0].N != 4 {
		t.Errorf("numbering after take: seq %d, %+v", kr.PendingSeq, kr.Pending)
	}
	admin := mustUnlock(t, kr, "admin")
	if opened, numbers := kr.TakePending(admin); len(opened) != 1 || !reflect.DeepEqual(numbers, []uint64{4}) {
		t.Errorf("admin took %+v, %v", opened, numbers)
	}
	// An event with a wrap for someone else's login, or a changed wrap,
	// is not opened and stays.
	if _, err := kr.Unlock("rita", []byte("wrong"), t0); err == nil {
		t.Fatal("unlocked")
	}
	kr.Pending[0].Wraps[1].CT[40] ^= 1 // sue's copy
	kr.Pending[0].Wraps[0].Login = "carol"
	if opened, _ := kr.TakePending(mustUnlock(t, kr, "sue")); len(opened) != 0 || len(kr.Pending) != 1 {
		t.Errorf("tampered event opened: %+v", opened)
	}
	if opened, _ := kr.TakePending(mustUnlock(t, kr, "carol")); len(opened) != 0 {
		t.Errorf("wrap for admin opened by carol: %+v", opened)
	}
}

func TestStoreKey(t *testing.T) {
	kr, a, sk := newTestOffice(t, "")
	kr = saveLoad(t, kr, filepath.Join(t.TempDir(), "kr"))
	rita := mustUnlock(t, kr, "rita")
	if got, err := kr.StoreKeyBytes(rita.Keys); err != nil || !bytes.Equal(got, sk) {
		t.Fatalf("recover: %x, %v", got, err)
	}
	if _, err := kr.StoreKeyBytes(a.Keys.Subset(ClassCase)); !errors.Is(err, ErrNoKey) {
		t.Errorf("without contact key: %v", err)
	}
	if _, err := kr.StoreKeyBytes(mustOfficeKeys(t)); !errors.Is(err, ErrTampered) {
		t.Errorf("other office: %v", err)
	}
	kr.Device = "other"
	if _, err := kr.StoreKeyBytes(rita.Keys); !errors.Is(err, ErrTampered) {
		t.Errorf("moved to other device: %v", err)
	}
	kr.Device = "dev1"
	kr.StoreKey.CT[3] ^= 1
	if _, err := kr.StoreKeyBytes(rita.Keys); !errors.Is(err, ErrTampered) {
		t.Errorf("changed store key: %v", err)
	}
	empty := NewKeyring("o", "d")
	if _, err := empty.StoreKeyBytes(a.Keys); !errors.Is(err, ErrNoStoreKey) {
		t.Errorf("before init: %v", err)
	}
	if _, err := empty.InitStoreKey(a.Keys.Subset(ClassCase)); !errors.Is(err, ErrNoKey) {
		t.Errorf("init without contact: %v", err)
	}
	sk2, err := empty.InitStoreKey(a.Keys)
	if err != nil || len(sk2) != KeySize {
		t.Fatal(err)
	}
	if got, err := empty.StoreKeyBytes(rita.Keys); err != nil || !bytes.Equal(got, sk2) {
		t.Errorf("after init: %v", err)
	}
}

func TestLoadKeyringMissing(t *testing.T) {
	_, err := LoadKeyring(filepath.Join(t.TempDir(), "none"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
}

func TestSaveAtomic(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "keyring.json")
	kr, a, _ := newTestOffice(t, "")
	if err := kr.Save(path); err != nil {
		t.Fatal(err)
	}
	first, _ := os.ReadFile(path)
	if err := kr.Rotate(a, ClassCase); err != nil {
		t.Fatal(err)
	}
	if err := kr.Save(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 1 {
		t.Errorf("temp file left: %v", ents)
	}
	second, _ := os.ReadFile(path)
	if bytes.Equal(first, second) || !bytes.Equal(second, mustMarshal(t, kr)) {
		t.Error("second save did not replace the file")
	}
	// A save that cannot complete leaves neither a temp file nor a change.
	if err := kr.Save(filepath.Join(dir, "missing", "keyring.json")); err == nil {
		t.Error("saved into a missing directory")
	}
	if err := os.Mkdir(filepath.Join(dir, "sub.json"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := kr.Save(filepath.Join(dir, "sub.json")); err == nil {
		t.Error("renamed over a directory")
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 2 {
		t.Errorf("after failed saves: %v", ents)
	}
	if got, _ := os.ReadFile(path); !bytes.Equal(got, second) {
		t.Error("failed save changed the file")
	}
}

// TestSyncDirWindows: on Windows syncing a folder fails ("Access denied"),
// which made every keyring save, and `madoguchi init`, fail there. The
// Windows choice must not touch the folder at all; elsewhere the folder is
// synced (a missing folder is an error).
func TestSyncDirWindows(t *testing.T) {
	missing := filepath.Join(t.TempDir(), "missing")
	if err := syncDirFor("windows")(missing); err != nil {
		t.Fatalf("windows: %v", err)
	}
	for _, goos := range []string{"linux", "darwin", "freebsd"} {
		if err := syncDirFor(goos)(missing); err == nil {
			t.Errorf("%s: a missing folder was not opened", goos)
		}
		if err := syncDirFor(goos)(t.TempDir()); err != nil {
			t.Errorf("%s: %v", goos, err)
		}
	}
}

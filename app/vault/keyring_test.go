package vault

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"
)

var t0 = time.Date(2025, 4, 1, 9, 0, 0, 0, time.UTC)

// testKeyring returns a keyring with "alice" (all office keys) and
// "reception" (contact only), both with password "pw-<login>".
func testKeyring(t *testing.T) (*Keyring, *Keys) {
	t.Helper()
	office := mustOfficeKeys(t)
	kr := NewKeyring("", "")
	users := []struct {
		login string
		grant *Keys
	}{{"alice", office.Subset(ClassContact, ClassCase)}, {"reception", office.Subset(ClassContact)}}
	for _, u := range users {
		if err := kr.AddUser(u.login, u.login, []string{"r"}, []byte("pw-"+u.login), u.grant, TestKDF()); err != nil {
			t.Fatal(err)
		}
	}
	return kr, office
}

func TestNewKeyringIDs(t *testing.T) {
	kr := NewKeyring("", "")
	if len(kr.Office) != 32 || len(kr.Device) != 8 || kr.Format != KeyringFormat {
		t.Errorf("ids %q %q format %d", kr.Office, kr.Device, kr.Format)
	}
	if kr2 := NewKeyring("o", "d"); kr2.Office != "o" || kr2.Device != "d" {
		t.Errorf("given ids not kept: %+v", kr2)
	}
}

func TestUnlock(t *testing.T) {
	kr, office := testKeyring(t)
	tests := []struct {
		name, login, pw string
		err             error
		classes         []Class
	}{
		{"ok", "alice", "pw-alice", nil, []Class{ClassCase, ClassContact}},
		{"reception ok", "reception", "pw-reception", nil, []Class{ClassContact}},
		{"wrong password", "alice", "pw-bob", ErrWrongPassword, nil},
		{"unknown login", "mallory", "pw-alice", ErrWrongPassword, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			k, err := kr.Unlock(tt.login, []byte(tt.pw), t0)
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if err != nil {
				return
			}
			if !reflect.DeepEqual(k.Classes(), tt.classes) {
				t.Errorf("classes %v, want %v", k.Classes(), tt.classes)
			}
			_, want, _ := office.Current(ClassContact)
			if _, got, _ := k.Current(ClassContact); !bytes.Equal(got, want) {
				t.Error("contact key differs from the office key")
			}
		})
	}
	// The id typed for an unknown login is not kept: it may be a password.
	if p := kr.TakePending(); len(p) != 2 || p[0].Action != ActionLoginFail || p[1].Login != "" || p[1].Detail != "unknown login" {
		t.Errorf("pending = %+v", p)
	}
	if len(kr.TakePending()) != 0 {
		t.Error("TakePending did not clear")
	}
}

func TestReceptionCannotOpenCase(t *testing.T) {
	kr, office := testKeyring(t)
	e := sealTest(t, office)
	k, err := kr.Unlock("reception", []byte("pw-reception"), t0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Open(k, e, Expect{ID: "case-1", Kind: "consultation"}); !errors.Is(err, ErrNoKey) {
		t.Fatalf("reception opened a case envelope: %v", err)
	}
	if _, err := Seal(k, ClassCase, "c", "k", testRev, nil, nil); !errors.Is(err, ErrNoKey) {
		t.Fatalf("reception sealed a case envelope: %v", err)
	}
}

func TestLockout(t *testing.T) {
	kr, _ := testKeyring(t)
	path := filepath.Join(t.TempDir(), "keyring.json")
	now := t0
	wantDelay := []time.Duration{0, 0, 0, 0, 30 * time.Second, time.Minute, 2 * time.Minute}
	for i, want := range wantDelay {
		kr = saveLoad(t, kr, path)
		if _, err := kr.Unlock("alice", []byte("wrong"), now); !errors.Is(err, ErrWrongPassword) {
			t.Fatalf("try %d: %v", i+1, err)
		}
		kr = saveLoad(t, kr, path)
		u, _ := kr.User("alice")
		if got := u.LockedUntil.Sub(now); u.Failures != i+1 || (want == 0) != u.LockedUntil.IsZero() || (want != 0 && got != want) {
			t.Fatalf("try %d: failures %d, locked %v, want delay %v", i+1, u.Failures, got, want)
		}
		if want == 0 {
			continue
		}
		_, err := kr.Unlock("alice", []byte("pw-alice"), now.Add(want-time.Millisecond))
		var le *LockedError
		if !errors.Is(err, ErrLocked) || !errors.As(err, &le) || !le.Until.Equal(u.LockedUntil) {
			t.Fatalf("try %d: while locked: %v", i+1, err)
		}
		now = now.Add(want)
	}
	if _, err := kr.Unlock("alice", []byte("pw-alice"), now); err != nil {
		t.Fatalf("after lock: %v", err)
	}
	if u, _ := kr.User("alice"); u.Failures != 0 || !u.LockedUntil.IsZero() {
		t.Errorf("success did not reset: %+v", u)
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

func TestUserAdmin(t *testing.T) {
	kr, office := testKeyring(t)
	if err := kr.AddUser("alice", "", nil, []byte("x"), office, TestKDF()); !errors.Is(err, ErrUserExists) {
		t.Errorf("duplicate AddUser: %v", err)
	}
	if err := kr.AddUser("bad login", "", nil, []byte("x"), office, TestKDF()); !errors.Is(err, ErrMalformed) {
		t.Errorf("AddUser with space: %v", err)
	}
	if err := kr.AddUser("bob", "", nil, []byte("x"), office, KDFParams{}); !errors.Is(err, ErrMalformed) {
		t.Errorf("AddUser with zero KDF: %v", err)
	}
	for _, err := range []error{
		kr.SetDisabled("nobody", true), kr.SetRoles("nobody", nil, nil),
		kr.SetPassword("nobody", []byte("x"), office, TestKDF()),
	} {
		if !errors.Is(err, ErrUnknownUser) {
			t.Errorf("unknown user: %v", err)
		}
	}
	if err := kr.SetDisabled("alice", true); err != nil {
		t.Fatal(err)
	}
	if _, err := kr.Unlock("alice", []byte("pw-alice"), t0); !errors.Is(err, ErrDisabled) {
		t.Errorf("disabled: %v", err)
	}
	if err := kr.SetRoles("alice", []string{"supervisor"}, nil); err != nil {
		t.Fatal(err)
	}
	if u, _ := kr.User("alice"); !u.Disabled || !reflect.DeepEqual(u.Roles, []string{"supervisor"}) {
		t.Errorf("entry %+v", u)
	}
}

func TestSetPassword(t *testing.T) {
	kr, office := testKeyring(t)
	for range LockAfter {
		_, _ = kr.Unlock("reception", []byte("wrong"), t0)
	}
	old, _ := kr.User("reception")
	if err := kr.SetPassword("reception", []byte("new"), office.Subset(ClassContact, ClassCase), TestKDF()); err != nil {
		t.Fatal(err)
	}
	if u, _ := kr.User("reception"); bytes.Equal(u.Salt, old.Salt) || u.Failures != 0 || !u.LockedUntil.IsZero() {
		t.Errorf("reset incomplete: %+v", u)
	}
	if _, err := kr.Unlock("reception", []byte("pw-reception"), t0); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("old password: %v", err)
	}
	k, err := kr.Unlock("reception", []byte("new"), t0)
	if err != nil || !k.Has(ClassCase) {
		t.Errorf("new password: %v", err)
	}
}

func TestStoreKey(t *testing.T) {
	kr, office := testKeyring(t)
	if _, err := kr.StoreKeyBytes(office); !errors.Is(err, ErrNoStoreKey) {
		t.Fatalf("before init: %v", err)
	}
	sk, err := kr.InitStoreKey(office.Subset(ClassContact))
	if err != nil || len(sk) != KeySize {
		t.Fatalf("init: %v", err)
	}
	kr = saveLoad(t, kr, filepath.Join(t.TempDir(), "kr"))
	rec, err := kr.Unlock("reception", []byte("pw-reception"), t0)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := kr.StoreKeyBytes(rec); err != nil || !bytes.Equal(got, sk) {
		t.Fatalf("recover: %x, %v", got, err)
	}
	if _, err := kr.StoreKeyBytes(office.Subset(ClassCase)); !errors.Is(err, ErrNoKey) {
		t.Errorf("without contact key: %v", err)
	}
	if _, err := kr.StoreKeyBytes(mustOfficeKeys(t)); !errors.Is(err, ErrTampered) {
		t.Errorf("other office: %v", err)
	}
	kr.Device = "other"
	if _, err := kr.StoreKeyBytes(rec); !errors.Is(err, ErrTampered) {
		t.Errorf("moved to other device: %v", err)
	}
}

func TestLoadKeyringMissing(t *testing.T) {
	_, err := LoadKeyring(filepath.Join(t.TempDir(), "none"))
	if !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
}

func TestSaveMode(t *testing.T) {
	path := filepath.Join(t.TempDir(), "kr")
	if err := NewKeyring("", "").Save(path); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("mode %v", fi.Mode())
	}
	if ents, _ := os.ReadDir(filepath.Dir(path)); len(ents) != 1 {
		t.Errorf("temp file left: %v", ents)
	}
}

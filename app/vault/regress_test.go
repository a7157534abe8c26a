package vault

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// Regression tests of bugs found while writing the format-2 tests (and
// fixed since).

// SetRoles of a disabled person must not wrap office keys, nor the admin
// key, to the person's old KEM key again: SetDisabled deleted their bundle,
// but a copy of the file from before still holds it, so they could open
// the keys, including versions rotated in after they were disabled.
func TestRegressionSetRolesRegrantsDisabled(t *testing.T) {
	kr, a, _ := newTestOffice(t, "")
	rita := mustUnlock(t, kr, "rita") // her identity, as a copy of her old bundle gives it
	if _, err := kr.SetDisabled(a, "rita", true, t0); err != nil {
		t.Fatal(err)
	}
	if err := kr.Rotate(a, ClassContact); err != nil {
		t.Fatal(err)
	}
	p := Person{Login: "rita", Roles: []string{"consultant", "admin"}, Classes: []Class{ClassContact, ClassCase}, Admin: true}
	if _, err := kr.SetRoles(a, p, t0); !errors.Is(err, ErrDisabled) {
		t.Fatalf("SetRoles of a disabled person: %v", err)
	}
	u, _ := kr.UnsafeTable().Find("rita")
	if !u.Disabled || len(u.Grants) != 0 || u.AdminGrant != nil {
		t.Errorf("disabled person granted %d keys, admin grant %v", len(u.Grants), u.AdminGrant != nil)
	}
	for _, g := range u.Grants {
		if _, err := rita.Identity.unwrap(grantInfo(kr.Office, "rita", g.Class, g.Version), g.Wrap); err == nil {
			t.Errorf("old identity opens %s v%d", g.Class, g.Version)
		}
	}
}

// The format-1 decoder refuses duplicate logins (Convert would sign a table
// that no longer loads), negative failure counts, and a locked_until whose
// year leaves 0..9999 in UTC (Marshal would fail).
func TestRegressionV1Validation(t *testing.T) {
	v1 := mustMarshal(t, testV1(t).kr)
	for name, edit := range map[string]func(m map[string]any){
		"duplicate login":   func(m map[string]any) { m["users"] = append(arr(m, "users"), arr(m, "users")[1]) },
		"negative failures": func(m map[string]any) { arr(m, "users")[0].(map[string]any)["failures"] = -1 },
		"locked until year -1": func(m map[string]any) {
			arr(m, "users")[0].(map[string]any)["locked_until"] = "0000-01-01T00:00:00+01:00"
		},
	} {
		b := editKeyring(t, v1, func(m, _ map[string]any) { edit(m) })
		if _, err := UnmarshalKeyring(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// TakePending reports the time sealed with the event, not the one beside
// it in the SealedEvent, which anyone with the file can edit.
func TestRegressionPendingTime(t *testing.T) {
	kr, _, _ := newTestOffice(t, "")
	if _, err := kr.Unlock("rita", []byte("wrong"), t0); err == nil {
		t.Fatal("unlocked")
	}
	kr.Pending[0].At = t0.AddDate(-1, 0, 0)
	opened, _ := kr.TakePending(mustUnlock(t, kr, "sue"))
	if len(opened) != 1 || !opened[0].At.Equal(t0) {
		t.Errorf("event time %v, sealed %v", opened, t0)
	}
}

// A carried-over person moved across the case boundary by SetRoles must
// still be upgradable: the upgrade is MAC'd under the class of their
// format-1 bundle. Losing case lets a case upgrade through (a case MAC
// proves more than contact needs); gaining case cannot be checked and
// needs a reset.
func TestRegressionLegacyRoleChange(t *testing.T) {
	kr, a := convertV1(t, testV1(t))
	promote := Person{Login: "rita", Roles: []string{"consultant"}, Classes: []Class{ClassContact, ClassCase}}
	if _, err := kr.SetRoles(a, promote, t0); !errors.Is(err, ErrNeedsReset) {
		t.Errorf("case for a carried-over reception person: %v", err)
	}
	demote := Person{Login: "carol", Roles: []string{"reception"}, Classes: []Class{ClassContact}}
	if _, err := kr.SetRoles(a, demote, t0); err != nil {
		t.Fatal(err)
	}
	mustUnlock(t, kr, "carol")
	signed, dropped, err := kr.ApplyUpgrades(mustUnlock(t, kr, "admin"), testGrants)
	if err != nil || !reflect.DeepEqual(signed, []string{"carol"}) || len(dropped) != 0 {
		t.Fatalf("demoted carried-over person: signed %v dropped %v %v", signed, dropped, err)
	}
	if c := mustUnlock(t, kr, "carol"); c.Keys.Has(ClassCase) {
		t.Error("demoted person granted case")
	}
}

// Found returns the founder's Unlocked with their Identity, so the first
// session can sign (checkpoints, approvals) and open sealed failed logins.
func TestRegressionFoundIdentity(t *testing.T) {
	_, a, _ := newTestOffice(t, "")
	if a.Identity == nil {
		t.Fatal("no identity")
	}
	if u, _ := a.Table.Find("admin"); !u.SignedBy(a.Identity.SignPublic()) {
		t.Error("identity differs from the table")
	}
}

// Unlock of a keyring that was never founded (no table) is an unknown
// login, not a panic.
func TestRegressionUnlockWithoutTable(t *testing.T) {
	kr := NewKeyring("o", "d")
	if _, err := kr.Unlock("x", []byte("y"), time.Unix(0, 0)); !errors.Is(err, ErrWrongPassword) {
		t.Errorf("Unlock without a table: %v", err)
	}
}

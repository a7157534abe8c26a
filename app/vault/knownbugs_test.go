package vault

import (
	"reflect"
	"testing"
)

// The tests of this file pin behaviour the code does not have yet: each
// names a bug reported with a proposed patch. Remove the t.Skip line once
// the patch is in.

// ApplyUpgrades by an admin who lacks case drops the case upgrade of a
// carried-over person demoted to contact instead of leaving it for an
// admin who can check its MAC: readiness is tested against the class the
// roles call for, not the class the MAC is under.
func TestKnownBugUpgradeWaitsForCaseHolder(t *testing.T) {
	kr, a := convertV1(t, testV1(t))
	demote := Person{Login: "carol", Roles: []string{"reception"}, Classes: []Class{ClassContact}}
	if _, err := kr.SetRoles(a, demote, t0); err != nil {
		t.Fatal(err)
	}
	mustUnlock(t, kr, "carol") // queues an upgrade under case
	weak := &Unlocked{Keys: a.Keys.Subset(ClassContact), Admin: a.Admin, AdminPub: a.AdminPub, User: a.User}
	signed, dropped, err := kr.ApplyUpgrades(weak, testGrants)
	if err != nil || len(signed) != 0 || len(dropped) != 0 {
		t.Fatalf("admin without case: signed %v dropped %v %v", signed, dropped, err)
	}
	if len(kr.Upgrades) != 1 || kr.Upgrades[0].Login != "carol" {
		t.Fatalf("upgrade not kept: %+v", kr.Upgrades)
	}
	signed, _, err = kr.ApplyUpgrades(a, testGrants)
	if err != nil || !reflect.DeepEqual(signed, []string{"carol"}) {
		t.Errorf("admin with case: %v %v", signed, err)
	}
}

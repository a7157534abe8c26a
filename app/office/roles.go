package office

import (
	"fmt"
	"slices"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// Role is what a person does in the office. A person may hold several.
type Role string

// The roles; docs/DATA.md says what each may do.
const (
	RoleReception   Role = "reception"
	RoleConsultant  Role = "consultant"
	RoleCoordinator Role = "coordinator"
	RoleSupervisor  Role = "supervisor"
	RoleAdmin       Role = "admin"
)

// AllRoles lists the roles in the order screens show them.
func AllRoles() []Role {
	return []Role{RoleReception, RoleConsultant, RoleCoordinator, RoleSupervisor, RoleAdmin}
}

// Label returns the role's Japanese name.
func (r Role) Label() string {
	switch r {
	case RoleReception:
		return "受付"
	case RoleConsultant:
		return "相談員"
	case RoleCoordinator:
		return "コーディネーター"
	case RoleSupervisor:
		return "監督者"
	case RoleAdmin:
		return "システム管理者"
	}
	return string(r)
}

// ParseRoles reads a comma-separated role list such as "consultant,coordinator".
func ParseRoles(s string) ([]Role, error) {
	var out []Role
	for _, part := range strings.Split(s, ",") {
		r := Role(strings.TrimSpace(part))
		if r == "" {
			continue
		}
		if !slices.Contains(AllRoles(), r) {
			return nil, fmt.Errorf("unknown role %q: %w", r, ErrUnknownRole)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) == 0 {
		return nil, ErrUnknownRole
	}
	return out, nil
}

// caseRole reports whether r reads consultation content.
func caseRole(r Role) bool {
	return r == RoleConsultant || r == RoleCoordinator || r == RoleSupervisor
}

// classesFor returns the office key classes a set of roles grants: this is
// where the role limits become cryptographic.
func classesFor(roles []Role) []vault.Class {
	classes := []vault.Class{vault.ClassContact}
	for _, r := range roles {
		if caseRole(r) {
			return append(classes, vault.ClassCase)
		}
	}
	return classes
}

func rolesToStrings(rs []Role) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = string(r)
	}
	return out
}

func rolesFromStrings(ss []string) []Role {
	out := make([]Role, len(ss))
	for i, s := range ss {
		out[i] = Role(s)
	}
	return out
}

// Permission names something a person may do. The table below is the one
// place that says which roles may do it; screens ask Session.May to decide
// what to show, and every office method checks it again.
type Permission int

// The permissions.
const (
	PermFrontDesk       Permission = iota // businesses, reservations, check-in, schedule
	PermCase                              // read and write consultation content (needs the case key)
	PermDispatchApprove                   // approve adviser dispatches
	PermSeminar                           // create and edit seminars
	PermApplications                      // take seminar applications, mark attendance
	PermApprove                           // approve or send back consultation records
	PermStats                             // statistics
	PermMasters                           // venues, staff, support programs
	PermUsers                             // user accounts
	PermAudit                             // read and verify the access log
	PermLedger                            // read and print the handover ledger
	PermSync                              // sync this PC's vault with the server while logged in
	PermErase                             // retention rules, expired records, erasure (消去)
	PermBackup                            // back up the vault and restore it from a backup
	PermMigrate                           // import an office's existing lists (仮移行 and the real import)
	PermExport                            // hand records over as an encrypted file (needs the case key)
)

var permRoles = map[Permission][]Role{
	PermFrontDesk:       {RoleReception, RoleConsultant, RoleCoordinator, RoleSupervisor},
	PermCase:            {RoleConsultant, RoleCoordinator, RoleSupervisor},
	PermDispatchApprove: {RoleCoordinator, RoleSupervisor},
	PermSeminar:         {RoleCoordinator, RoleSupervisor},
	PermApplications:    {RoleReception, RoleCoordinator, RoleSupervisor},
	PermApprove:         {RoleSupervisor},
	PermStats:           {RoleCoordinator, RoleSupervisor},
	PermMasters:         {RoleCoordinator, RoleAdmin},
	PermUsers:           {RoleAdmin},
	PermBackup:          {RoleAdmin},
	PermAudit:           {RoleSupervisor, RoleAdmin},
	PermLedger:          {RoleSupervisor, RoleAdmin, RoleCoordinator},
	// Every person syncs what the session can open; the keys, not the
	// role, decide what of the versions it opens and indexes.
	PermSync: {RoleReception, RoleConsultant, RoleCoordinator, RoleSupervisor, RoleAdmin},
	// Erasure is signed: the server and every PC check the signer's role in
	// the admin-signed user table (purge_order.go).
	PermErase: {RoleSupervisor, RoleAdmin},
	// Moving an office's lists in is set-up work: the system administrator
	// or the supervisor who answers for the records.
	PermMigrate: {RoleSupervisor, RoleAdmin},
	// A hand-over carries the case parts, so only the case roles that deal
	// with advisers and the ward hand records over.
	PermExport: {RoleCoordinator, RoleSupervisor},
}

// May reports whether the person may do p. Case work also needs the case key
// in hand, so a role label alone never opens case content.
func (s *Session) May(p Permission) bool {
	if s == nil || s.keys == nil {
		return false
	}
	for _, r := range s.roles {
		if slices.Contains(permRoles[p], r) {
			if (p == PermCase || p == PermExport) && !s.keys.Has(vault.ClassCase) {
				return false
			}
			return true
		}
	}
	return false
}

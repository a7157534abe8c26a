package office

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

const newPassword = "new-password-9"

// TestResetPassword: a reset gives a new password and clears the lockout,
// re-enables a disabled account, can change the roles (keys of lost classes
// are rotated), keeps the person's earlier approvals valid, and is logged.
func TestResetPassword(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	approved := f.confirmedConsultation("承認後にパスワード再設定")
	f.as("kantoku", func(s *Session) {
		if err := f.o.Approve(ctx, s, approved); err != nil {
			t.Fatal(err)
		}
	})
	for range 5 {
		if _, err := f.o.Login(ctx, "soudan", []byte("wrong-password")); !errors.Is(err, ErrWrongPassword) {
			t.Fatalf("wrong password: %v", err)
		}
	}
	if _, err := f.o.Login(ctx, "soudan", []byte(testPassword)); !errors.Is(err, ErrLocked) {
		t.Fatalf("locked account: %v", err)
	}

	f.as("admin", func(s *Session) {
		users, err := f.o.Users(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		if u := findUser(users, "soudan"); u == nil || u.LockedUntil.IsZero() {
			t.Fatalf("soudan not shown as locked: %+v", u)
		}
		before := storeStateOf(t, f.o)
		if err := f.o.ResetPassword(ctx, s, "soudan", nil, []byte("short")); !errors.Is(err, ErrWeakPassword) {
			t.Fatalf("weak password: %v", err)
		}
		if err := f.o.ResetPassword(ctx, s, "nobody", nil, []byte(newPassword)); !errors.Is(err, ErrUnknownUser) {
			t.Fatalf("unknown user: %v", err)
		}
		if d := before.diff(storeStateOf(t, f.o)); d != "" {
			t.Fatalf("refused resets changed %s", d)
		}
		for _, login := range []string{"soudan", "kantoku"} {
			if err := f.o.ResetPassword(ctx, s, login, nil, []byte(newPassword)); err != nil {
				t.Fatalf("reset %s: %v", login, err)
			}
		}
		users, _ = f.o.Users(ctx, s)
		if u := findUser(users, "soudan"); u == nil || !u.LockedUntil.IsZero() || !slices.Equal(u.Roles, []Role{RoleConsultant}) {
			t.Fatalf("soudan after the reset: %+v", u)
		}
	})

	// The old password is refused at once, the new one works although the
	// lock had not run out; the roles are kept.
	if _, err := f.o.Login(ctx, "soudan", []byte(testPassword)); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("old password after the reset: %v", err)
	}
	s, err := f.o.Login(ctx, "soudan", []byte(newPassword))
	if err != nil {
		t.Fatalf("new password: %v", err)
	}
	if !s.May(PermCase) {
		t.Fatal("the reset took the case key")
	}
	c, err := f.o.Consultation(ctx, s, approved)
	if err != nil || c.Case == nil || c.Status != record.StApproved {
		t.Fatalf("record after the reset: %+v %v", c, err)
	}
	f.logout()

	// The supervisor's approval, signed with the key before the reset, still verifies.
	s, err = f.o.Login(ctx, "kantoku", []byte(newPassword))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := f.o.Consultation(ctx, s, approved); err != nil || c.Status != record.StApproved || c.ApprovalBroken {
		t.Fatalf("approval after the supervisor's reset: %+v %v", c, err)
	}
	f.logout()

	// A reset with fewer roles: the case key is rotated, and what is written
	// from then on is out of the demoted person's reach.
	f.as("admin", func(s *Session) {
		if err := f.o.ResetPassword(ctx, s, "soudan", []Role{RoleReception}, []byte(newPassword)); err != nil {
			t.Fatal(err)
		}
	})
	later := f.confirmedCase("coord", "降格の後に書いた相談")
	s, err = f.o.Login(ctx, "soudan", []byte(newPassword))
	if err != nil {
		t.Fatal(err)
	}
	if s.May(PermCase) || !s.HasRole(RoleReception) {
		t.Fatalf("demoted session roles %v", s.Roles())
	}
	if c, err := f.o.Consultation(ctx, s, later); err != nil || c.Case != nil {
		t.Fatalf("demoted person read new case content: %+v %v", c, err)
	}
	f.logout()

	// A disabled account comes back only through a reset.
	f.as("admin", func(s *Session) {
		if err := f.o.SetDisabled(ctx, s, "uketsuke", true); err != nil {
			t.Fatal(err)
		}
		if err := f.o.SetDisabled(ctx, s, "uketsuke", false); !errors.Is(err, ErrNeedsReset) {
			t.Fatalf("re-enable without a reset: %v", err)
		}
		if err := f.o.SetDisabled(ctx, s, "admin", true); !errors.Is(err, ErrForbidden) {
			t.Fatalf("admin disabled their own account: %v", err)
		}
	})
	if _, err := f.o.Login(ctx, "uketsuke", []byte(testPassword)); !errors.Is(err, ErrDisabled) {
		t.Fatalf("disabled login: %v", err)
	}
	f.as("admin", func(s *Session) {
		if err := f.o.ResetPassword(ctx, s, "uketsuke", nil, []byte(newPassword)); err != nil {
			t.Fatal(err)
		}
		if err := f.o.AddUser(ctx, s, NewUser{Login: "kanri", Name: "管理 専任", Roles: []Role{RoleAdmin}, Password: []byte(testPassword)}); err != nil {
			t.Fatal(err)
		}
	})
	if s, err := f.o.Login(ctx, "uketsuke", []byte(newPassword)); err != nil || !s.HasRole(RoleReception) {
		t.Fatalf("re-enabled account: %v", err)
	}
	f.logout()

	// An admin without the case key resets reception, not a case role.
	f.as("kanri", func(s *Session) {
		if err := f.o.ResetPassword(ctx, s, "coord", nil, []byte(newPassword)); !errors.Is(err, ErrCannotGrant) {
			t.Fatalf("admin without the case key reset a coordinator: %v", err)
		}
		if err := f.o.ResetPassword(ctx, s, "uketsuke", nil, []byte(testPassword)); err != nil {
			t.Fatalf("reception reset by the admin without the case key: %v", err)
		}
	})
	f.login("uketsuke")
	f.logout()

	s, err = f.o.Login(ctx, "kantoku", []byte(newPassword))
	if err != nil {
		t.Fatal(err)
	}
	defer f.logout()
	evs, err := f.o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActUserChange})
	if err != nil {
		t.Fatal(err)
	}
	var resets []string
	for _, ev := range evs {
		if strings.Contains(ev.Detail, "password reset") {
			resets = append(resets, ev.User+": "+ev.Detail)
		}
	}
	want := []string{
		"admin: user soudan password reset roles consultant",
		"admin: user kantoku password reset roles supervisor",
		"admin: user soudan password reset roles reception",
		"admin: user uketsuke password reset roles reception",
		"kanri: user uketsuke password reset roles reception",
	}
	if strings.Join(resets, "\n") != strings.Join(want, "\n") {
		t.Fatalf("reset events\n got %q\nwant %q", resets, want)
	}
	keys, err := f.o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActKeyChange})
	if err != nil {
		t.Fatal(err)
	}
	rotated := 0
	for _, ev := range keys {
		if strings.HasPrefix(ev.Detail, "new key versions") {
			rotated++
		}
	}
	if rotated != 2 { // the demotion (case) and the disabling (contact)
		t.Fatalf("%d key rotations logged, want 2: %+v", rotated, keys)
	}
}

// confirmedCase saves a confirmed record as login and returns its id.
func (f *fixture) confirmedCase(login, summary string) string {
	f.t.Helper()
	var id string
	f.as(login, func(s *Session) {
		f.seq++
		b := f.business(s, "再設定確認商店", "サイセッテイカクニンショウテン", "03-5562-0001")
		c := &record.Consultation{BusinessID: b.ID, ConsultantID: f.staff, Date: "2026-10-01", Start: "11:00", End: "11:30",
			Mode: "窓口", Status: record.StConfirmed, Case: &record.ConsultationCase{Summary: summary}}
		if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
			f.t.Fatalf("SaveConsultation: %v", err)
		}
		id = c.ID
	})
	return id
}

func findUser(us []User, login string) *User {
	for i := range us {
		if us[i].Login == login {
			return &us[i]
		}
	}
	return nil
}

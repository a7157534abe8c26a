package office

import (
	"context"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
)

// TestPasswordKeyWithoutTheLock: adding a person and resetting a password
// derive the new password's key (Argon2id, about a second at the production
// cost) without holding the office, so other use cases answer meanwhile.
func TestPasswordKeyWithoutTheLock(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("admin", func(s *Session) {
		calls := 0
		passwordKeyHook = func() {
			calls++
			if !f.o.mu.TryLock() {
				t.Error("the office is locked while the password's key is derived")
				return
			}
			f.o.mu.Unlock()
			done := make(chan error, 1)
			go func() { _, err := f.o.AuditEvents(ctx, s, audit.Filter{}); done <- err }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("a read during the derivation: %v", err)
				}
			case <-time.After(time.Minute):
				t.Error("a read waited for the derivation")
			}
		}
		t.Cleanup(func() { passwordKeyHook = nil })
		if err := f.o.AddUser(ctx, s, NewUser{Login: "aratana", Name: "新田 花子", Roles: []Role{RoleReception}, Password: []byte("aratana-password")}); err != nil {
			t.Fatal(err)
		}
		if err := f.o.ResetPassword(ctx, s, "aratana", nil, []byte("aratana-password-2")); err != nil {
			t.Fatal(err)
		}
		if calls != 2 {
			t.Errorf("hook ran %d times, want 2", calls)
		}
	})
	// The new password opens the account.
	if _, err := f.o.Login(ctx, "aratana", []byte("aratana-password-2")); err != nil {
		t.Fatalf("login with the reset password: %v", err)
	}
}

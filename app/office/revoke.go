package office

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// RevokeDevice lists a device (its id on the central server) as revoked in
// the signed user table: the next sync takes the table to the server, and
// the device, told so at its next contact, checks the admin's signature
// before it wipes its store. Only an admin may. Revoking it again changes
// nothing.
func (o *Office) RevokeDevice(ctx context.Context, s *Session, device string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.adminSession(ctx, s); err != nil {
		return err
	}
	if !validDeviceID(device) {
		return fmt.Errorf("revoke device %q: %w", device, ErrInvalid)
	}
	err := o.updateKeyring(func(kr *vault.Keyring) error { return kr.RevokeDevice(s.un, device) })
	if err != nil {
		return fmt.Errorf("revoke device %s: %w", device, err)
	}
	return o.tableChanged(o.event(audit.ActUserChange, "", "device "+device+" revoked"))
}

// validDeviceID reports whether s can be a device id of the central
// server: 1–64 bytes of printable ASCII without spaces.
func validDeviceID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= ' ' || s[i] > '~' {
			return false
		}
	}
	return true
}

// RevokedBy reports whether table, a signed user table that the server
// sent with a refusal, verifies with the admin key pinned in the
// logged-in person's bundle, belongs to this office and lists device (this
// PC's id on the server) as revoked. Only then may the PC wipe itself: a
// server cannot make PCs destroy their data by saying so.
func (o *Office) RevokedBy(ctx context.Context, s *Session, table []byte, device string) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return false, err
	}
	t, err := vault.VerifySignedTable(table, s.un.AdminPub)
	if err != nil || t.Office != o.kr.Office {
		return false, nil
	}
	return t.IsRevoked(device), nil
}

// Wipe deletes the vault in dir: its store and its keyring (call it with
// the vault closed). It is what a PC does when an admin revoked it
// (RevokedBy); the records stay on the server and the other PCs.
func Wipe(dir string) error {
	if err := os.RemoveAll(filepath.Join(dir, StoreDir)); err != nil {
		return fmt.Errorf("wipe store: %w", err)
	}
	if err := os.Remove(filepath.Join(dir, KeyringFile)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("wipe keyring: %w", err)
	}
	return nil
}

// RecordEnrollment writes to the access log that this PC enrolled with the
// central server of name (or joined the office through it) as device.
func (o *Office) RecordEnrollment(ctx context.Context, s *Session, name, device string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return err
	}
	return o.commit(nil, nil, o.event(audit.ActEnroll, device, "central server "+name))
}

package office

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// Join makes the vault of a PC that joins an office, in dir, from the
// office's signed user table as the central server keeps it. The vault
// gets its own device id and no store yet: the first person to log in
// (with their own password, which opens their bundle in the table and
// checks the table with the admin key pinned in it) makes the device's
// store key, and the first sync fills the store. A table the server
// forged gets no one logged in.
func Join(dir string, table []byte) error {
	if Exists(dir) {
		return ErrVaultExists
	}
	kr, err := vault.JoinKeyring(table)
	if err != nil {
		return fmt.Errorf("join: %w", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create vault folder: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("protect vault folder: %w", err)
	}
	if err := kr.Save(filepath.Join(dir, KeyringFile)); err != nil {
		return fmt.Errorf("join: save keyring: %w", err)
	}
	return nil
}

// SignedTable returns the vault's signed user table in the form the central
// server keeps, and its serial, for sync to offer the server.
func (o *Office) SignedTable(ctx context.Context, s *Session) ([]byte, uint64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return nil, 0, err
	}
	return o.kr.SignedTableBytes()
}

// AdoptTable takes a newer signed user table that sync brought from the
// server: it must verify with the admin key pinned in the logged-in
// person's bundle, name this office and have a higher serial than this
// vault's (else ErrForged: a server cannot bring back an old table, a
// removed person or a revoked key). The session's office keys are opened
// again from the new table, so versions sealed under a key rotated on
// another PC open here at once. It reports false when the table is this
// vault's. If the new table changes the person's roles or disables them,
// the session cannot go on: ErrSessionEnded, and the person logs in again.
func (o *Office) AdoptTable(ctx context.Context, s *Session, data []byte) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return false, err
	}
	var changed bool
	err := o.updateKeyring(func(kr *vault.Keyring) error {
		var err error
		changed, err = kr.AdoptTable(s.un.AdminPub, data)
		return err
	})
	if err != nil || !changed {
		return false, err
	}
	oldRoles := s.un.User.Roles
	old := s.un.Keys
	if err := o.kr.Regrant(s.un); err != nil {
		return true, fmt.Errorf("adopt user table: %w", err)
	}
	// Work running outside o.mu may still hold the old keys: they are
	// zeroed at logout with the session's.
	s.retired = append(s.retired, old)
	s.keys = s.un.Keys
	o.setTrusted(o.kr, s.un.Table)
	ev := o.event(audit.ActKeyChange, "", fmt.Sprintf("user table %d taken from the server", s.un.Table.Serial))
	if err := o.commit(nil, map[string][]byte{metaTableSerial: serialBytes(s.un.Table.Serial)}, ev); err != nil {
		return true, err
	}
	if !slices.Equal(oldRoles, s.un.User.Roles) {
		return true, fmt.Errorf("adopt user table: the roles of %s changed: %w", s.login, ErrSessionEnded)
	}
	return true, nil
}

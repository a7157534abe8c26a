package vault

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// maxSignedTable bounds the stored form of a signed table that a PC takes
// from the server.
const maxSignedTable = 16 << 20

// SignedTableBytes returns the keyring's signed user table in the form the
// central server keeps (the JSON of SignedTable) and its serial. The server
// cannot read the bundles in it nor verify it; PCs do (AdoptTable).
func (kr *Keyring) SignedTableBytes() ([]byte, uint64, error) {
	if kr.format1 || kr.table == nil {
		return nil, 0, fmt.Errorf("user table: unsigned format 1: %w", ErrForged)
	}
	b, err := json.Marshal(kr.Table)
	if err != nil {
		return nil, 0, fmt.Errorf("encode user table: %w", err)
	}
	return b, kr.table.Serial, nil
}

// decodeSignedTable decodes the stored form of a signed table and its body,
// without checking the signature.
func decodeSignedTable(data []byte) (SignedTable, *UserTable, error) {
	var st SignedTable
	if len(data) > maxSignedTable {
		return st, nil, fmt.Errorf("user table of %d bytes: %w", len(data), ErrMalformed)
	}
	if err := decodeStrict(data, &st); err != nil {
		return st, nil, fmt.Errorf("user table: %w", err)
	}
	if len(st.Sig) != 64 {
		return st, nil, fmt.Errorf("table signature length: %w", ErrMalformed)
	}
	t, err := decodeTable(st.Body)
	if err != nil {
		return st, nil, err
	}
	return st, t, nil
}

// JoinKeyring makes the keyring of a PC that joins an office, from the
// office's signed table as the central server keeps it: a new device id and
// no store key yet (the first login makes one, InitStoreKey). The table is
// not trusted here: the first login opens a person's bundle and checks the
// table with the admin key pinned inside it (Unlock), so a table the server
// forged gets no one logged in.
func JoinKeyring(data []byte) (*Keyring, error) {
	st, t, err := decodeSignedTable(data)
	if err != nil {
		return nil, fmt.Errorf("join: %w", err)
	}
	if t.Office == "" || len(t.Office) > maxOfficeLen || !validDevice(t.Office) {
		return nil, fmt.Errorf("join: office id: %w", ErrMalformed)
	}
	kr := NewKeyring(t.Office, "")
	kr.Table, kr.table = st, t
	return kr, nil
}

// AdoptTable replaces the keyring's table with a newer signed table from
// another PC (through the server). It is taken only when adminPub (the key
// pinned in the logged-in person's bundle) verifies it, it names this
// office and this admin key, and its serial is above the keyring's: it
// reports false for the same table, and fails with ErrForged for a table
// that does not verify or is older (a server replaying an old table to
// bring back a removed person), ErrMalformed for one that does not decode.
func (kr *Keyring) AdoptTable(adminPub []byte, data []byte) (bool, error) {
	st, t, err := decodeSignedTable(data)
	if err != nil {
		return false, err
	}
	if !st.verify(adminPub) || !bytes.Equal(t.AdminPub, adminPub) || t.Office != kr.Office {
		return false, fmt.Errorf("user table from the server: %w", ErrForged)
	}
	cur := kr.table
	switch {
	case cur != nil && t.Serial == cur.Serial && bytes.Equal(st.Body, kr.Table.Body):
		return false, nil
	case cur != nil && t.Serial <= cur.Serial:
		return false, fmt.Errorf("user table from the server has serial %d, this PC has %d: %w", t.Serial, cur.Serial, ErrForged)
	}
	kr.Table, kr.table, kr.format1 = st, t, false
	return true, nil
}

// Regrant opens again the office keys granted to un's person in the
// keyring's table, after AdoptTable brought a newer one (a rotated key,
// a role added or removed), and verifies the table with un's pinned admin
// key first. un.Keys, un.Table and un.User are replaced; the identity and
// the admin key stay. A person no longer in the table, or disabled, gets
// ErrDisabled.
func (kr *Keyring) Regrant(un *Unlocked) error {
	t, err := kr.VerifiedTable(un.AdminPub)
	if err != nil {
		return err
	}
	u := t.find(un.User.Login)
	if u == nil || u.Disabled || u.Bundle.isZero() {
		return fmt.Errorf("regrant %s: %w", un.User.Login, ErrDisabled)
	}
	if un.Identity == nil || string(un.Identity.SignPublic()) != string(u.SignPub) {
		return fmt.Errorf("regrant %s: the table lists other keys: %w", un.User.Login, ErrForged)
	}
	keys, err := kr.openGrants(un.Identity, u)
	if err != nil {
		return err
	}
	if un.Keys != nil {
		un.Keys.Zero()
	}
	un.Keys, un.Table, un.User = keys, t, u.clone()
	return nil
}

// HasStoreKey reports whether the keyring holds a sealed device store key
// (a vault that joined an office has none before its first login).
func (kr *Keyring) HasStoreKey() bool { return !kr.StoreKey.isZero() }

// VerifySignedTable decodes the stored form of a signed table (as the
// central server keeps it) and checks its signature with adminPub, or,
// when adminPub is nil, with the admin key the table names (the server's
// first table of an office: trust on first use, by an admin's session). It
// fails with ErrMalformed for what does not decode and ErrForged for a
// signature that does not verify or a table that names another admin key.
// The server uses it to refuse a forged table and to check people's
// signatures at self-registration; it opens no bundle.
func VerifySignedTable(data, adminPub []byte) (*UserTable, error) {
	st, t, err := decodeSignedTable(data)
	if err != nil {
		return nil, err
	}
	if adminPub == nil {
		adminPub = t.AdminPub
	}
	if !st.verify(adminPub) || !bytes.Equal(t.AdminPub, adminPub) {
		return nil, fmt.Errorf("user table: %w", ErrForged)
	}
	return t, nil
}

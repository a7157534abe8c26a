package vault

import (
	"crypto/ed25519"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// UserTable is the office's list of people and what they hold: login,
// name, roles, disabled, KDF parameters and salt, public keys, the sealed
// bundle and the office keys wrapped to each person. An office admin key
// signs it (SignedTable); every bundle pins that key's public half, so a
// table edited with a text editor is refused at login.
type UserTable struct {
	Office string `json:"office"`
	// Serial grows with every signed change.
	Serial uint64 `json:"serial"`
	// AdminPub is the office admin key's Ed25519 public half.
	AdminPub []byte `json:"admin_pub"`
	// Current is the version of each class that new data is sealed under.
	Current map[Class]uint32 `json:"current"`
	Users   []TableUser      `json:"users"`
	// Revoked are the central server's ids of devices an admin revoked:
	// signed here, so that a device told by the server to wipe its store
	// can check that an admin said so (the server cannot forge it).
	Revoked []string `json:"revoked_devices,omitempty"`
}

// TableUser is one person of the signed table.
type TableUser struct {
	Login    string    `json:"login"`
	Name     string    `json:"name"`
	Roles    []string  `json:"roles"`
	Disabled bool      `json:"disabled"`
	KDF      KDFParams `json:"kdf"`
	Salt     []byte    `json:"salt"`
	// Bundle holds the person's identity seeds and the pinned admin key,
	// sealed under their KEK (FORMAT.md). It is empty for a disabled
	// person. For a Legacy person it is the format-1 bundle (office keys).
	Bundle SealedBlob `json:"bundle,omitzero"`
	// Legacy marks a person carried over from a format-1 keyring who has
	// not logged in since (no key pairs yet).
	Legacy  bool   `json:"legacy,omitempty"`
	KEMPub  []byte `json:"kem_pub,omitempty"`
	SignPub []byte `json:"sign_pub,omitempty"`
	// FormerSignPubs are this person's earlier signing keys (before a
	// password reset), so their old approvals and checkpoints still verify.
	FormerSignPubs [][]byte `json:"former_sign_pubs,omitempty"`
	// Grants are office keys wrapped to KEMPub.
	Grants []Grant `json:"grants,omitempty"`
	// AdminGrant is the office admin key's seed wrapped to KEMPub (admins).
	AdminGrant []byte `json:"admin_grant,omitempty"`
	// SupervisorUntil is when the person lost the supervisor role; their
	// approvals signed before it stay valid.
	SupervisorUntil time.Time `json:"supervisor_until,omitzero"`
}

// Grant is one office key (class, version) wrapped to a person.
type Grant struct {
	Class   Class  `json:"class"`
	Version uint32 `json:"version"`
	Wrap    []byte `json:"wrap"`
}

// SignedTable is the table as stored: the JSON body exactly as signed, and
// the office admin key's Ed25519 signature over tableSigDomain | body.
type SignedTable struct {
	Body []byte `json:"body"`
	Sig  []byte `json:"sig"`
}

const tableSigDomain = "madoguchi user table v1\x00"

// Limits of the table.
const (
	maxUsers       = 1000
	maxGrants      = 4096
	maxWrapLen     = 4096
	maxNameLen     = 256
	maxFormerPubs  = 64
	maxRevoked     = 10000
	ed25519PubSize = ed25519.PublicKeySize
)

// sign encodes t, signs it with the admin key and returns the stored form.
func (t *UserTable) sign(admin ed25519.PrivateKey) (SignedTable, error) {
	body, err := json.Marshal(t)
	if err != nil {
		return SignedTable{}, fmt.Errorf("encode user table: %w", err)
	}
	return SignedTable{Body: body, Sig: ed25519.Sign(admin, append([]byte(tableSigDomain), body...))}, nil
}

// verify reports whether st is signed by adminPub.
func (st SignedTable) verify(adminPub []byte) bool {
	return Verify(adminPub, append([]byte(tableSigDomain), st.Body...), st.Sig)
}

// decodeTable decodes and checks a table body (not its signature).
func decodeTable(body []byte) (*UserTable, error) {
	t := &UserTable{}
	if err := decodeStrict(body, t); err != nil {
		return nil, fmt.Errorf("user table: %w", err)
	}
	if err := t.check(); err != nil {
		return nil, fmt.Errorf("user table: %w", err)
	}
	for i := range t.Users {
		t.Users[i].SupervisorUntil = t.Users[i].SupervisorUntil.UTC()
	}
	return t, nil
}

// check validates a decoded table.
func (t *UserTable) check() error {
	if len(t.AdminPub) != ed25519PubSize || len(t.Users) > maxUsers || len(t.Revoked) > maxRevoked {
		return fmt.Errorf("admin key or size: %w", ErrMalformed)
	}
	for _, d := range t.Revoked {
		if d == "" || len(d) > maxDeviceLen || !validDevice(d) {
			return fmt.Errorf("revoked device %q: %w", d, ErrMalformed)
		}
	}
	for c, v := range t.Current {
		if !c.known() || v == 0 {
			return fmt.Errorf("current %q: %w", c, ErrMalformed)
		}
	}
	seen := map[string]bool{}
	for i := range t.Users {
		u := &t.Users[i]
		if seen[u.Login] {
			return fmt.Errorf("user %d: duplicate login: %w", i, ErrMalformed)
		}
		seen[u.Login] = true
		if err := u.check(); err != nil {
			return fmt.Errorf("user %d: %w", i, err)
		}
	}
	return nil
}

// check validates one table user.
func (u *TableUser) check() error {
	switch {
	case !validLogin(u.Login) || len(u.Name) > maxNameLen:
		return fmt.Errorf("login or name: %w", ErrMalformed)
	case !u.KDF.valid():
		return fmt.Errorf("kdf params out of range: %w", ErrMalformed)
	case len(u.Salt) != SaltSize:
		return fmt.Errorf("salt length %d: %w", len(u.Salt), ErrMalformed)
	case len(u.Grants) > maxGrants || len(u.FormerSignPubs) > maxFormerPubs || len(u.AdminGrant) > maxWrapLen:
		return fmt.Errorf("too many keys: %w", ErrMalformed)
	case u.SignPub != nil && len(u.SignPub) != ed25519PubSize:
		return fmt.Errorf("sign key length: %w", ErrMalformed)
	case len(u.KEMPub) > maxWrapLen || !encodableTime(u.SupervisorUntil):
		return fmt.Errorf("kem key or time: %w", ErrMalformed)
	case u.Bundle.Class != "" || u.Bundle.Version != 0:
		return fmt.Errorf("bundle names a key: %w", ErrMalformed)
	}
	for _, g := range u.Grants {
		if !g.Class.known() || g.Version == 0 || len(g.Wrap) > maxWrapLen {
			return fmt.Errorf("grant: %w", ErrMalformed)
		}
	}
	if u.Bundle.isZero() {
		return nil
	}
	return checkBlob(u.Bundle, maxBundleLen)
}

// find returns the entry of login, or nil.
func (t *UserTable) find(login string) *TableUser {
	if t == nil {
		return nil
	}
	for i := range t.Users {
		if t.Users[i].Login == login {
			return &t.Users[i]
		}
	}
	return nil
}

// Find returns a copy of the entry of login.
func (t *UserTable) Find(login string) (TableUser, bool) {
	u := t.find(login)
	if u == nil {
		return TableUser{}, false
	}
	return u.clone(), true
}

// clone returns a deep copy.
func (u *TableUser) clone() TableUser {
	c := *u
	c.Roles = slices.Clone(u.Roles)
	c.Grants = slices.Clone(u.Grants)
	c.FormerSignPubs = slices.Clone(u.FormerSignPubs)
	return c
}

// HasRole reports whether the entry lists role.
func (u *TableUser) HasRole(role string) bool { return slices.Contains(u.Roles, role) }

// SignedBy reports whether pub is this person's current or a former
// signing key.
func (u *TableUser) SignedBy(pub []byte) bool {
	if u.SignPub != nil && string(u.SignPub) == string(pub) {
		return true
	}
	for _, p := range u.FormerSignPubs {
		if string(p) == string(pub) {
			return true
		}
	}
	return false
}

// VerifyBy reports whether sig over msg was made by login's current or a
// former signing key.
func (t *UserTable) VerifyBy(login string, msg, sig []byte) bool {
	u := t.find(login)
	if u == nil {
		return false
	}
	for _, p := range append([][]byte{u.SignPub}, u.FormerSignPubs...) {
		if Verify(p, msg, sig) {
			return true
		}
	}
	return false
}

// grantInfo is the HPKE info of an office key wrapped to a person.
func grantInfo(office, login string, c Class, version uint32) string {
	return "madoguchi grant v1|" + office + "|" + login + "|" + string(c) + "|" + strconv.FormatUint(uint64(version), 10)
}

// adminGrantInfo is the HPKE info of the admin key wrapped to an admin.
func adminGrantInfo(office, login string) string {
	return "madoguchi admin key v1|" + office + "|" + login
}

// bundleAADv2 binds a format-2 bundle to its office, login, KDF parameters
// and salt, so none of them can be changed in the file.
func bundleAADv2(office, login string, p KDFParams, salt []byte) string {
	b := lp([]byte("madoguchi bundle v2"), office)
	b = lp(b, login)
	b = binary.BigEndian.AppendUint32(b, p.Time)
	b = binary.BigEndian.AppendUint32(b, p.MemoryKiB)
	b = append(b, p.Threads)
	return string(lpb(b, salt))
}

// bundleV2 is the plaintext of a format-2 bundle (JSON).
type bundleV2 struct {
	SignSeed []byte `json:"sign_seed"`
	KEMSeed  []byte `json:"kem_seed"`
	AdminPub []byte `json:"admin_pub"`
}

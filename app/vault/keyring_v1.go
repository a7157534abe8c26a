package vault

import (
	"fmt"
	"time"
)

// keyringV1 is the keyring file of format 1: user entries whose bundles hold
// office keys directly, with roles and limits that nothing signed. It is
// read so that vaults of that release keep opening; the first admin login
// converts it to format 2 (Keyring.Convert). Until then it is written back
// in format 1.
type keyringV1 struct {
	Format   int            `json:"format"`
	Office   string         `json:"office"`
	Device   string         `json:"device"`
	Users    []userEntryV1  `json:"users"`
	StoreKey SealedBlob     `json:"store_key"`
	Pending  []PendingEvent `json:"pending"`
	LastRev  Rev            `json:"last_rev,omitzero"`
}

// userEntryV1 is one user of a format-1 keyring.
type userEntryV1 struct {
	Login       string     `json:"login"`
	Name        string     `json:"name"`
	Roles       []string   `json:"roles"`
	Disabled    bool       `json:"disabled"`
	KDF         KDFParams  `json:"kdf"`
	Salt        []byte     `json:"salt"`
	Bundle      SealedBlob `json:"bundle"`
	Failures    int        `json:"failures"`
	LockedUntil time.Time  `json:"locked_until,omitzero"`
}

// PendingEvent is an audit event recorded while the store is closed (a
// failed login); the caller writes it to the audit log once it is open.
type PendingEvent struct {
	At     time.Time `json:"at"`
	Login  string    `json:"login"`
	Action string    `json:"action"`
	Detail string    `json:"detail"`
}

// decodeKeyringV1 decodes a format-1 file into the in-memory model: every
// user a Legacy entry of an unsigned table.
func decodeKeyringV1(b []byte) (*Keyring, error) {
	v1 := &keyringV1{}
	if err := decodeStrict(b, v1); err != nil {
		return nil, err
	}
	kr := &Keyring{Format: 1, Office: v1.Office, Device: v1.Device, StoreKey: v1.StoreKey,
		LastRev: v1.LastRev, legacyPending: v1.Pending, format1: true}
	t := &UserTable{Office: v1.Office, Current: map[Class]uint32{}}
	seen := map[string]bool{}
	for _, u := range v1.Users {
		if seen[u.Login] || u.Failures < 0 || !encodableTime(u.LockedUntil) {
			return nil, fmt.Errorf("user %q: %w", u.Login, ErrMalformed)
		}
		seen[u.Login] = true
		t.Users = append(t.Users, TableUser{Login: u.Login, Name: u.Name, Roles: u.Roles, Disabled: u.Disabled,
			KDF: u.KDF, Salt: u.Salt, Bundle: u.Bundle, Legacy: true})
		if u.Failures != 0 || !u.LockedUntil.IsZero() {
			kr.Local = append(kr.Local, LocalState{Login: u.Login, Failures: u.Failures, LockedUntil: u.LockedUntil.UTC()})
		}
	}
	kr.table = t
	for i := range kr.legacyPending {
		kr.legacyPending[i].At = kr.legacyPending[i].At.UTC()
		if !encodableTime(kr.legacyPending[i].At) {
			return nil, fmt.Errorf("pending event time: %w", ErrMalformed)
		}
	}
	if kr.StoreKey.isZero() {
		kr.StoreKey = SealedBlob{}
	}
	if err := kr.checkCommon(); err != nil {
		return nil, err
	}
	for i := range t.Users {
		if err := t.Users[i].check(); err != nil {
			return nil, fmt.Errorf("user %d: %w", i, err)
		}
	}
	return kr, nil
}

// marshalV1 writes an unconverted keyring back in format 1.
func (kr *Keyring) marshalV1() keyringV1 {
	out := keyringV1{Format: 1, Office: kr.Office, Device: kr.Device, StoreKey: kr.StoreKey,
		Pending: kr.legacyPending, LastRev: kr.LastRev, Users: []userEntryV1{}}
	for _, u := range kr.table.Users {
		ls := kr.local(u.Login)
		out.Users = append(out.Users, userEntryV1{Login: u.Login, Name: u.Name, Roles: u.Roles, Disabled: u.Disabled,
			KDF: u.KDF, Salt: u.Salt, Bundle: u.Bundle, Failures: ls.Failures, LockedUntil: ls.LockedUntil})
	}
	return out
}

// bundleAADv1 is the additional data of a format-1 bundle.
func bundleAADv1(login string) string { return "madoguchi bundle v1|" + login }

// openBundleV1 opens a format-1 bundle (office keys as JSON).
func openBundleV1(u *TableUser, kek []byte) (*Keys, error) {
	pt, err := openBlob(kek, bundleAADv1(u.Login), u.Bundle)
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	return unmarshalKeys(pt)
}

// NewKeyringV1ForTest returns a format-1 keyring (as the earlier release
// wrote it) with one user per entry of users, all sharing office's keys
// according to grant. Tests of the upgrade only.
func NewKeyringV1ForTest(office, device string, k *Keys, users []V1User, p KDFParams) (*Keyring, []byte, error) {
	kr := &keyringV1{Format: 1, Office: office, Device: device, Users: []userEntryV1{}}
	for _, u := range users {
		salt, bundle, err := sealBundleV1(u.Login, u.Password, k.Subset(u.Classes...), p)
		if err != nil {
			return nil, nil, err
		}
		kr.Users = append(kr.Users, userEntryV1{Login: u.Login, Name: u.Login, Roles: u.Roles, KDF: p, Salt: salt, Bundle: bundle})
	}
	sk := make([]byte, KeySize)
	version, key, _ := k.Current(ClassContact)
	blob, err := sealBlob(key, storeKeyAAD(office, device), sk)
	if err != nil {
		return nil, nil, err
	}
	blob.Class, blob.Version = ClassContact, version
	kr.StoreKey = blob
	b, err := marshalJSON(kr)
	if err != nil {
		return nil, nil, err
	}
	out, err := UnmarshalKeyring(b)
	return out, sk, err
}

// V1User describes a user of NewKeyringV1ForTest.
type V1User struct {
	Login    string
	Password []byte
	Roles    []string
	Classes  []Class
}

// sealBundleV1 makes a salt and seals grant under the KEK of password in
// the format-1 way.
func sealBundleV1(login string, password []byte, grant *Keys, p KDFParams) ([]byte, SealedBlob, error) {
	salt := randomBytes(SaltSize)
	pt, err := marshalKeys(grant)
	if err != nil {
		return nil, SealedBlob{}, err
	}
	defer clear(pt)
	kek := userKEK(password, salt, p)
	defer clear(kek)
	blob, err := sealBlob(kek, bundleAADv1(login), pt)
	return salt, blob, err
}

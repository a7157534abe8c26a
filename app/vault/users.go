package vault

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"
)

// ErrNotAdmin is returned by the table changes of Keyring when the
// Unlocked holds no office admin key.
var ErrNotAdmin = errors.New("no office admin key")

// ErrNeedsReset is returned when a change needs the person's new key pairs,
// which only a password reset makes (re-enabling a disabled person, giving
// a carried-over person a new key class).
var ErrNeedsReset = errors.New("password reset needed")

// Person is what an admin sets for an account.
type Person struct {
	Login string
	Name  string
	Roles []string
	// Classes are the office key classes the roles grant.
	Classes []Class
	// Admin gives the person the office admin key.
	Admin bool
}

// NewKeyring returns an empty format-2 keyring. An empty office id becomes
// 16 random hex bytes, an empty device id 4 random hex bytes (8 characters).
// Found then makes its office keys and first person.
func NewKeyring(office string, device string) *Keyring {
	if office == "" {
		office = randomHex(16)
	}
	if device == "" {
		device = randomHex(4)
	}
	return &Keyring{Format: KeyringFormat, Office: office, Device: device}
}

// Found makes a new office in an empty keyring: office keys (contact v1,
// case v1), the office admin key, the first person (who gets the admin key
// and every class of first.Classes), the signed table and the device store
// key. It returns the first person's Unlocked and the store key.
func (kr *Keyring) Found(first Person, password []byte, p KDFParams) (*Unlocked, []byte, error) {
	if kr.table != nil || kr.Table.Body != nil {
		return nil, nil, fmt.Errorf("found: keyring has a user table: %w", ErrUserExists)
	}
	keys, err := NewOfficeKeys()
	if err != nil {
		return nil, nil, err
	}
	pub, admin, err := ed25519.GenerateKey(nil)
	if err != nil {
		return nil, nil, fmt.Errorf("make admin key: %w", err)
	}
	a := &Unlocked{Keys: keys, Admin: admin, AdminPub: pub}
	kr.table = &UserTable{Office: kr.Office, AdminPub: pub, Current: map[Class]uint32{ClassContact: 1, ClassCase: 1}}
	first.Admin = true
	if err := kr.AddUser(a, first, password, p); err != nil {
		a.Zero()
		return nil, nil, err
	}
	sk, err := kr.InitStoreKey(keys)
	if err != nil {
		a.Zero()
		return nil, nil, err
	}
	// The first person holds only the classes of their roles.
	held := keys.Subset(first.Classes...)
	keys.Zero()
	a.Keys = held
	a.Table = kr.table
	a.User, _ = kr.table.Find(first.Login)
	if a.Identity, err = kr.reopenIdentity(a.User, password); err != nil {
		a.Zero()
		return nil, nil, err
	}
	return a, sk, nil
}

// edit applies fn to a copy of the verified table, signs the result with
// the admin key and stores it. The table must verify against a's pinned
// key (another program may have changed the file since login).
func (kr *Keyring) edit(a *Unlocked, fn func(t *UserTable) error) error {
	if a == nil || a.Admin == nil {
		return ErrNotAdmin
	}
	var t *UserTable
	if kr.Table.Body == nil && kr.table != nil && kr.table.Serial == 0 {
		t = kr.table // a table being founded
	} else {
		var err error
		if t, err = kr.VerifiedTable(a.AdminPub); err != nil {
			return err
		}
	}
	cp := cloneTable(t)
	if err := fn(cp); err != nil {
		return err
	}
	cp.Serial++
	st, err := cp.sign(a.Admin)
	if err != nil {
		return err
	}
	kr.Table, kr.table = st, cp
	a.Table = cp
	if u, ok := cp.Find(a.User.Login); ok {
		a.User = u
	}
	return nil
}

// RevokeDevice lists the central server's device id in the signed table
// as revoked (an admin's act). Listing it again changes nothing.
func (kr *Keyring) RevokeDevice(a *Unlocked, device string) error {
	if device == "" || len(device) > maxDeviceLen || !validDevice(device) {
		return fmt.Errorf("revoke device %q: %w", device, ErrMalformed)
	}
	if t, err := kr.VerifiedTable(a.AdminPub); err == nil && slices.Contains(t.Revoked, device) {
		return nil
	}
	return kr.edit(a, func(t *UserTable) error {
		t.Revoked = append(t.Revoked, device)
		return nil
	})
}

// IsRevoked reports whether the verified table lists the device as revoked.
func (t *UserTable) IsRevoked(device string) bool { return slices.Contains(t.Revoked, device) }

// cloneTable deep-copies t.
func cloneTable(t *UserTable) *UserTable {
	c := *t
	c.Revoked = slices.Clone(t.Revoked)
	c.Current = map[Class]uint32{}
	for k, v := range t.Current {
		c.Current[k] = v
	}
	c.Users = make([]TableUser, len(t.Users))
	for i := range t.Users {
		c.Users[i] = t.Users[i].clone()
	}
	return &c
}

// AddUser adds a person: a new identity, a bundle sealed under the KEK of
// password, every version a holds of the person's classes wrapped to them,
// and the admin key if p.Admin. It fails with ErrUserExists for a taken
// login, ErrNoKey when a lacks a class to grant, ErrMalformed for an
// invalid login or KDF parameters.
func (kr *Keyring) AddUser(a *Unlocked, person Person, password []byte, p KDFParams) error {
	k, err := NewPasswordKEK(password, p)
	if err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	defer k.Zero()
	return kr.AddUserKEK(a, person, k)
}

// AddUserKEK is AddUser with the password's key derived beforehand
// (NewPasswordKEK), so that a caller can run the slow derivation without
// holding its locks.
func (kr *Keyring) AddUserKEK(a *Unlocked, person Person, k *PasswordKEK) error {
	if !validLogin(person.Login) || len(person.Name) > maxNameLen {
		return fmt.Errorf("add user: login: %w", ErrMalformed)
	}
	return kr.edit(a, func(t *UserTable) error {
		if t.find(person.Login) != nil {
			return fmt.Errorf("add user: %w", ErrUserExists)
		}
		t.Users = append(t.Users, TableUser{Login: person.Login})
		u := &t.Users[len(t.Users)-1]
		if err := kr.issue(a, u, person, k); err != nil {
			return fmt.Errorf("add user: %w", err)
		}
		return nil
	})
}

// ResetPassword gives login a new password, identity and roles, and wraps
// the person's classes anew. Earlier signing keys stay listed, so the
// person's earlier approvals still verify. It clears the local lockout.
func (kr *Keyring) ResetPassword(a *Unlocked, person Person, password []byte, p KDFParams, now time.Time) error {
	k, err := NewPasswordKEK(password, p)
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	defer k.Zero()
	return kr.ResetPasswordKEK(a, person, k, now)
}

// ResetPasswordKEK is ResetPassword with the password's key derived
// beforehand (NewPasswordKEK).
func (kr *Keyring) ResetPasswordKEK(a *Unlocked, person Person, k *PasswordKEK, now time.Time) error {
	err := kr.edit(a, func(t *UserTable) error {
		u := t.find(person.Login)
		if u == nil {
			return ErrUnknownUser
		}
		if u.SignPub != nil {
			u.FormerSignPubs = append(u.FormerSignPubs, u.SignPub)
		}
		markDemotion(u, person.Roles, now)
		u.Disabled = false
		return kr.issue(a, u, person, k)
	})
	if err != nil {
		return fmt.Errorf("reset password: %w", err)
	}
	kr.setLocal(LocalState{Login: person.Login})
	return nil
}

// issue makes u a full format-2 entry for person with a new identity.
func (kr *Keyring) issue(a *Unlocked, u *TableUser, person Person, k *PasswordKEK) error {
	if k == nil || k.kek == nil {
		return fmt.Errorf("password key: %w", ErrMalformed)
	}
	id, err := NewIdentity()
	if err != nil {
		return err
	}
	defer id.Zero()
	salt, kek, p := k.salt, k.kek, k.p
	pt, err := json.Marshal(bundleV2{SignSeed: id.signSeed, KEMSeed: id.kemSeed, AdminPub: a.AdminPub})
	if err != nil {
		return err
	}
	defer clear(pt)
	blob, err := sealBlob(kek, bundleAADv2(kr.Office, person.Login, p, salt), pt)
	if err != nil {
		return err
	}
	u.Name, u.Roles, u.KDF, u.Salt, u.Bundle = person.Name, slices.Clone(person.Roles), p, salt, blob
	u.Legacy, u.KEMPub, u.SignPub = false, id.KEMPublic(), id.SignPublic()
	u.Grants, u.AdminGrant = nil, nil
	return kr.grant(a, u, person.Classes, person.Admin)
}

// grant wraps to u every version a holds of classes (keeping u's grants of
// other classes) and, if admin, the admin key.
func (kr *Keyring) grant(a *Unlocked, u *TableUser, classes []Class, admin bool) error {
	u.Grants = slices.DeleteFunc(u.Grants, func(g Grant) bool { return slices.Contains(classes, g.Class) })
	for _, c := range classes {
		versions := a.Keys.Versions(c)
		if len(versions) == 0 {
			return fmt.Errorf("grant %s: %w", c, ErrNoKey)
		}
		for _, v := range versions {
			key, _ := a.Keys.Get(c, v)
			w, err := wrapTo(u.KEMPub, grantInfo(kr.Office, u.Login, c, v), key)
			if err != nil {
				return err
			}
			u.Grants = append(u.Grants, Grant{Class: c, Version: v, Wrap: w})
		}
	}
	u.AdminGrant = nil
	if admin {
		w, err := wrapTo(u.KEMPub, adminGrantInfo(kr.Office, u.Login), a.Admin.Seed())
		if err != nil {
			return err
		}
		u.AdminGrant = w
	}
	return nil
}

// markDemotion records when a supervisor loses the role.
func markDemotion(u *TableUser, roles []string, now time.Time) {
	switch {
	case u.HasRole(AuditRole) && !slices.Contains(roles, AuditRole):
		u.SupervisorUntil = now.UTC()
	case slices.Contains(roles, AuditRole):
		u.SupervisorUntil = time.Time{}
	}
}

// SetRoles changes login's roles and key classes without their password:
// new classes are wrapped to the person's public key, dropped classes'
// grants are removed. It returns the classes the person lost, which the
// caller must Rotate so that the person cannot read what is written next.
// A carried-over person without key pairs can only lose classes
// (ErrNeedsReset otherwise).
func (kr *Keyring) SetRoles(a *Unlocked, person Person, now time.Time) (dropped []Class, err error) {
	err = kr.edit(a, func(t *UserTable) error {
		u := t.find(person.Login)
		if u == nil {
			return ErrUnknownUser
		}
		if u.Disabled {
			return ErrDisabled // re-enabling is a password reset
		}
		held := heldClasses(u)
		if u.Legacy && slices.Contains(person.Classes, ClassCase) && !holdsCaseRole(u.Roles) {
			return ErrNeedsReset
		}
		var added []Class
		for _, c := range person.Classes {
			if !slices.Contains(held, c) {
				added = append(added, c)
			}
		}
		for _, c := range held {
			if !slices.Contains(person.Classes, c) {
				dropped = append(dropped, c)
			}
		}
		if u.Legacy && (len(added) > 0 || person.Admin) {
			return ErrNeedsReset
		}
		markDemotion(u, person.Roles, now)
		u.Name, u.Roles = person.Name, slices.Clone(person.Roles)
		u.Grants = slices.DeleteFunc(u.Grants, func(g Grant) bool { return slices.Contains(dropped, g.Class) })
		if u.Legacy {
			return nil
		}
		return kr.grant(a, u, added, person.Admin)
	})
	if err != nil {
		return nil, fmt.Errorf("set roles: %w", err)
	}
	return dropped, nil
}

// holdsCaseRole reports whether roles include one that reads case content.
func holdsCaseRole(roles []string) bool {
	for _, r := range roles {
		if r == "consultant" || r == "coordinator" || r == AuditRole {
			return true
		}
	}
	return false
}

// heldClasses lists the classes u holds any grant of (for a carried-over
// person: contact and case, since format 1 could not tell).
func heldClasses(u *TableUser) []Class {
	if u.Legacy {
		return []Class{ClassContact, ClassCase}
	}
	var out []Class
	for _, g := range u.Grants {
		if !slices.Contains(out, g.Class) {
			out = append(out, g.Class)
		}
	}
	slices.Sort(out)
	return out
}

// SetDisabled disables login (deleting the bundle and every grant, and
// returning the classes the person held, which the caller must Rotate) or
// re-enables it. A disabled person has no bundle left, so re-enabling
// fails with ErrNeedsReset: the admin gives a new password instead.
func (kr *Keyring) SetDisabled(a *Unlocked, login string, disabled bool, now time.Time) (held []Class, err error) {
	err = kr.edit(a, func(t *UserTable) error {
		u := t.find(login)
		if u == nil {
			return ErrUnknownUser
		}
		if !disabled {
			if u.Bundle.isZero() {
				return ErrNeedsReset
			}
			u.Disabled = false
			return nil
		}
		held = heldClasses(u)
		markDemotion(u, nil, now)
		u.Disabled, u.Bundle, u.Grants, u.AdminGrant = true, SealedBlob{}, nil, nil
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("set disabled: %w", err)
	}
	return held, nil
}

// Rotate makes a new version of each class: a fresh random key, wrapped to
// every enabled person who holds the class (after the change that called
// for it), made current in the table and, where a holds the class, in
// a.Keys. Old versions stay with their holders, so history still opens.
// When contact rotates the device store key is sealed anew under it.
// Nothing already written is re-encrypted.
func (kr *Keyring) Rotate(a *Unlocked, classes ...Class) error {
	if a == nil || a.Admin == nil {
		return ErrNotAdmin
	}
	var storeKey []byte
	if slices.Contains(classes, ClassContact) && !kr.StoreKey.isZero() {
		var err error
		if storeKey, err = kr.StoreKeyBytes(a.Keys); err != nil {
			return fmt.Errorf("rotate: %w", err)
		}
		defer clear(storeKey)
	}
	err := kr.edit(a, func(t *UserTable) error {
		for _, c := range classes {
			v := t.Current[c] + 1
			var key []byte
			if a.Keys.Has(c) {
				key = a.Keys.rotateTo(c, v)
			} else {
				key = randomBytes(KeySize)
				defer clear(key)
			}
			t.Current[c] = v
			for i := range t.Users {
				u := &t.Users[i]
				if u.Disabled || u.Legacy || !slices.Contains(heldClasses(u), c) {
					continue
				}
				w, err := wrapTo(u.KEMPub, grantInfo(kr.Office, u.Login, c, v), key)
				if err != nil {
					return err
				}
				u.Grants = append(u.Grants, Grant{Class: c, Version: v, Wrap: w})
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	if storeKey != nil {
		return kr.sealStoreKey(a.Keys, storeKey)
	}
	return nil
}

// Convert turns a format-1 keyring into format 2 at the first admin login:
// it makes the office admin key and the admin's identity, signs a table in
// which everyone else is a carried-over (Legacy) entry with their format-1
// bundle, and pins the admin key for them under the office keys a holds.
// a comes from Unlock of the same keyring; password is the admin's.
// Format-1 pending events must have been taken (TakeLegacyPending).
func (kr *Keyring) Convert(a *Unlocked, person Person, password []byte, p KDFParams) error {
	if !kr.format1 {
		return fmt.Errorf("convert: not format 1: %w", ErrMalformed)
	}
	pub, admin, err := ed25519.GenerateKey(nil)
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	t := cloneTable(kr.table)
	t.AdminPub = pub
	for _, c := range []Class{ClassContact, ClassCase} {
		t.Current[c] = 1
		if v, _, ok := a.Keys.Current(c); ok {
			t.Current[c] = v
		}
	}
	a.Admin, a.AdminPub = admin, pub
	kr.table, kr.Table = t, SignedTable{}
	if err := kr.edit(a, func(t *UserTable) error {
		u := t.find(person.Login)
		if u == nil {
			return ErrUnknownUser
		}
		person.Admin = true
		k, err := NewPasswordKEK(password, p)
		if err != nil {
			return err
		}
		defer k.Zero()
		return kr.issue(a, u, person, k)
	}); err != nil {
		a.Zero()
		return fmt.Errorf("convert: %w", err)
	}
	kr.LegacyPins = nil
	for _, c := range a.Keys.Classes() {
		kr.LegacyPins = append(kr.LegacyPins, LegacyPin{Class: c, MAC: legacyPinMAC(a.Keys, c, kr.Office, pub)})
	}
	kr.format1, kr.Format = false, KeyringFormat
	id, err := kr.reopenIdentity(a.User, password)
	if err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	a.Identity = id
	return nil
}

// reopenIdentity opens u's format-2 bundle with password.
func (kr *Keyring) reopenIdentity(u TableUser, password []byte) (*Identity, error) {
	kek := userKEK(password, u.Salt, u.KDF)
	defer clear(kek)
	pt, err := openBlob(kek, bundleAADv2(kr.Office, u.Login, u.KDF, u.Salt), u.Bundle)
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	var b bundleV2
	if err := decodeStrict(pt, &b); err != nil {
		return nil, err
	}
	return identityFromSeeds(b.SignSeed, b.KEMSeed)
}

// TakeLegacyPending returns the format-1 failed logins (in the clear) and
// clears them.
func (kr *Keyring) TakeLegacyPending() []PendingEvent {
	p := kr.legacyPending
	kr.legacyPending = nil
	return p
}

// selfUpgrade makes a carried-over person's first identity at login: a
// format-2 bundle under the same KEK, and an Upgrade that an admin signs
// into the table later.
func (kr *Keyring) selfUpgrade(un *Unlocked, u *TableUser, kek []byte, class Class) error {
	id, err := NewIdentity()
	if err != nil {
		return err
	}
	pt, err := json.Marshal(bundleV2{SignSeed: id.signSeed, KEMSeed: id.kemSeed, AdminPub: un.AdminPub})
	if err != nil {
		return err
	}
	defer clear(pt)
	blob, err := sealBlob(kek, bundleAADv2(kr.Office, u.Login, u.KDF, u.Salt), pt)
	if err != nil {
		return err
	}
	up := Upgrade{Login: u.Login, Class: class, KEMPub: id.KEMPublic(), SignPub: id.SignPublic(), Bundle: blob}
	up.MAC = upgradeMAC(un.Keys, up, kr.Office)
	kr.Upgrades = append(slices.DeleteFunc(kr.Upgrades, func(x Upgrade) bool { return x.Login == u.Login }), up)
	un.Identity, un.Upgraded = id, true
	return nil
}

// upgradeMAC authenticates an Upgrade under the version-1 key of its class.
func upgradeMAC(k *Keys, up Upgrade, office string) []byte {
	key, ok := k.Get(up.Class, 1)
	if !ok {
		return nil
	}
	mk := hkdfKey(key, "madoguchi upgrade v1")
	defer clear(mk)
	m := hmac.New(sha256.New, mk)
	b := lp(lp(nil, office), up.Login)
	b = lpb(lpb(b, up.KEMPub), up.SignPub)
	m.Write(lpb(lpb(b, up.Bundle.Nonce), up.Bundle.CT))
	return m.Sum(nil)
}

// ApplyUpgrades signs the identities that carried-over people made into the
// table, wrapping their classes to them. grantsFor says which classes and
// whether the admin key the roles of a person grant. An upgrade whose MAC
// a cannot check (a lacks the class) or whose classes a cannot grant waits
// for another admin; one whose MAC fails, or that names the wrong class
// for the person's roles, is dropped. It returns the logins signed in and
// those dropped.
func (kr *Keyring) ApplyUpgrades(a *Unlocked, grantsFor func(roles []string) ([]Class, bool)) (signed, dropped []string, err error) {
	if len(kr.Upgrades) == 0 {
		return nil, nil, nil
	}
	var keep []Upgrade
	err = kr.edit(a, func(t *UserTable) error {
		for _, up := range kr.Upgrades {
			u := t.find(up.Login)
			if u == nil || !u.Legacy || u.Disabled {
				dropped = append(dropped, up.Login)
				continue
			}
			classes, _ := grantsFor(u.Roles)
			want := ClassContact
			if slices.Contains(classes, ClassCase) {
				want = ClassCase
			}
			ready := a.Keys.Has(up.Class) // the class its MAC is checked under
			for _, c := range classes {
				ready = ready && a.Keys.Has(c)
			}
			switch {
			case up.Class != want && !(up.Class == ClassCase && want == ClassContact):
				dropped = append(dropped, up.Login)
				continue
			case !ready:
				keep = append(keep, up)
				continue
			case !hmac.Equal(up.MAC, upgradeMAC(a.Keys, up, kr.Office)):
				dropped = append(dropped, up.Login)
				continue
			}
			u.Legacy, u.Bundle, u.KEMPub, u.SignPub, u.Grants = false, up.Bundle, up.KEMPub, up.SignPub, nil
			// The admin key is never granted to an upgrade: anyone holding
			// the same office key could have made it. A carried-over admin
			// gets it back with a password reset.
			if err := kr.grant(a, u, classes, false); err != nil {
				return err
			}
			signed = append(signed, up.Login)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("apply upgrades: %w", err)
	}
	kr.Upgrades = keep
	return signed, dropped, nil
}

// sealPending queues ev sealed to every supervisor of the (not yet
// verified) table, numbered by PendingSeq.
func (kr *Keyring) sealPending(ev PendingEvent) {
	kr.PendingSeq++
	se := SealedEvent{N: kr.PendingSeq, At: ev.At, Wraps: []Wrap{}}
	pt, _ := json.Marshal(ev)
	if kr.table != nil {
		for _, u := range kr.table.supervisors() {
			ct, err := wrapTo(u.KEMPub, pendingInfo(kr.Office, se.N, u.Login), pt)
			if err == nil {
				se.Wraps = append(se.Wraps, Wrap{Login: u.Login, CT: ct})
			}
		}
	}
	kr.Pending = append(kr.Pending, se)
}

// pendingInfo is the HPKE info of a sealed failed login.
func pendingInfo(office string, n uint64, login string) string {
	return "madoguchi pending v1|" + office + "|" + strconv.FormatUint(n, 10) + "|" + login
}

// TakePending opens the sealed failed logins addressed to a's person and
// removes them from the keyring. It also returns the numbers of every
// pending event the keyring held before (opened or not), so the caller can
// check that none went missing since it last looked.
func (kr *Keyring) TakePending(a *Unlocked) (opened []PendingEvent, numbers []uint64) {
	var keep []SealedEvent
	for _, se := range kr.Pending {
		numbers = append(numbers, se.N)
		took := false
		for _, w := range se.Wraps {
			if w.Login != a.User.Login || a.Identity == nil {
				continue
			}
			pt, err := a.Identity.unwrap(pendingInfo(kr.Office, se.N, w.Login), w.CT)
			var ev PendingEvent
			if err == nil && decodeStrict(pt, &ev) == nil {
				ev.At = ev.At.UTC() // the sealed time, not the editable one beside it
				ev.Action = ActionLoginFail
				opened = append(opened, ev)
				took = true
			}
		}
		if !took {
			keep = append(keep, se)
		}
	}
	kr.Pending = keep
	return opened, numbers
}

// PasswordKEK is the key-encryption key of a new password with its salt and
// Argon2id parameters. Deriving it is the slow part of adding a person or
// resetting a password; it is made before the keyring is edited. Zero
// clears it; a zeroed PasswordKEK is refused.
type PasswordKEK struct {
	salt, kek []byte
	p         KDFParams
}

// NewPasswordKEK derives the key of password under a new random salt.
func NewPasswordKEK(password []byte, p KDFParams) (*PasswordKEK, error) {
	if !p.valid() {
		return nil, fmt.Errorf("kdf params out of range: %w", ErrMalformed)
	}
	salt := randomBytes(SaltSize)
	return &PasswordKEK{salt: salt, kek: userKEK(password, salt, p), p: p}, nil
}

// Zero clears the key.
func (k *PasswordKEK) Zero() {
	if k != nil {
		clear(k.kek)
		k.kek = nil
	}
}

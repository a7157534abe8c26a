package vault

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"
)

// Lockout policy of Unlock.
const (
	// LockAfter is the number of consecutive wrong passwords that starts
	// the lockout.
	LockAfter = 5
	// LockBase is the first lockout delay; each further failure doubles it.
	LockBase = 30 * time.Second
	// LockMax caps the lockout delay.
	LockMax = time.Hour
	// ActionLoginFail is the Action of the pending event queued by every
	// failed Unlock.
	ActionLoginFail = "login.fail"
	// AuditRole is the role whose holders receive sealed failed logins.
	AuditRole = "supervisor"
	// maxLoginLen bounds a login id.
	maxLoginLen = 128
	// maxBundleLen bounds a sealed bundle.
	maxBundleLen = 1 << 20
	// SaltSize is the length of a password salt.
	SaltSize = 16
)

// Unlocked is what a successful Unlock hands the caller: the office keys
// the person's grants open, their identity, the office admin key for an
// admin, and the user table verified against the admin key pinned in the
// person's bundle. Zero wipes the secrets.
type Unlocked struct {
	Keys     *Keys
	Identity *Identity // nil only for a format-1 keyring
	// Admin is the office admin signing key, for people with an admin grant.
	Admin ed25519.PrivateKey
	// AdminPub is the pinned admin key (nil for a format-1 keyring).
	AdminPub []byte
	// Table is the verified table (for a format-1 keyring: the unsigned
	// one, which Convert then signs).
	Table *UserTable
	// User is the person's verified entry.
	User TableUser
	// Upgraded is true when this login made the person's first identity
	// (carried over from format 1); an admin's next login signs it in.
	Upgraded bool
}

// Zero wipes the keys, identity and admin key.
func (u *Unlocked) Zero() {
	if u == nil {
		return
	}
	if u.Keys != nil {
		u.Keys.Zero()
	}
	u.Identity.Zero()
	clear(u.Admin)
}

// Unlock opens login's bundle with password, checks the signed user table
// against the admin key pinned in the bundle, and opens the office keys
// wrapped to the person. On failure it queues a sealed pending event and
// returns:
//   - ErrWrongPassword for an unknown login (after the same key derivation
//     a known login costs) or a wrong password. A wrong password counts:
//     from the fifth in a row LockedUntil = now + 30s × 2^(failures−5), at
//     most one hour;
//   - ErrDisabled for a disabled person;
//   - a *LockedError (errors.Is ErrLocked) while locked out, without
//     deriving anything;
//   - ErrForged when the table is not signed by the pinned key, belongs to
//     another office, or does not list the person's own public keys.
//
// Success resets the failure count. The caller saves the keyring after
// every Unlock, successful or not, so the count survives restarts.
func (kr *Keyring) Unlock(login string, password []byte, now time.Time) (*Unlocked, error) {
	now = now.UTC()
	t := kr.table
	u := t.find(login)
	st := kr.local(login)
	switch {
	case u == nil:
		// Cost the same as a known login, so ids cannot be probed by time.
		clear(userKEK(password, fakeSalt(kr.Office, login), kr.typicalKDF()))
		// What was typed is not recorded: it may be a password typed into
		// the id field.
		return nil, kr.fail(now, "", "unknown login", ErrWrongPassword)
	case u.Disabled || u.Bundle.isZero():
		return nil, kr.fail(now, login, "disabled", ErrDisabled)
	case now.Before(st.LockedUntil):
		return nil, kr.fail(now, login, "locked", &LockedError{Until: st.LockedUntil})
	}
	kek := userKEK(password, u.Salt, u.KDF)
	defer clear(kek)
	var un *Unlocked
	var err error
	if u.Legacy {
		un, err = kr.unlockLegacy(u, kek)
	} else {
		un, err = kr.unlockV2(u, kek)
	}
	if errors.Is(err, ErrWrongPassword) {
		st.Failures++
		if st.Failures >= LockAfter {
			st.LockedUntil = now.Add(lockDelay(st.Failures))
		}
		kr.setLocal(st)
		return nil, kr.fail(now, login, "wrong password", err)
	}
	if err != nil {
		return nil, fmt.Errorf("unlock: %w", err)
	}
	kr.setLocal(LocalState{Login: login})
	un.User = u.clone()
	return un, nil
}

// unlockV2 opens a format-2 bundle and the grants.
func (kr *Keyring) unlockV2(u *TableUser, kek []byte) (*Unlocked, error) {
	pt, err := openBlob(kek, bundleAADv2(kr.Office, u.Login, u.KDF, u.Salt), u.Bundle)
	if errors.Is(err, ErrTampered) {
		return nil, ErrWrongPassword
	}
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	var b bundleV2
	if err := decodeStrict(pt, &b); err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	id, err := identityFromSeeds(b.SignSeed, b.KEMSeed)
	if err != nil {
		return nil, fmt.Errorf("bundle: %w", err)
	}
	t, err := kr.VerifiedTable(b.AdminPub)
	if err != nil {
		id.Zero()
		return nil, err
	}
	if string(id.SignPublic()) != string(u.SignPub) || string(id.KEMPublic()) != string(u.KEMPub) {
		id.Zero()
		return nil, fmt.Errorf("user table lists other keys for %s: %w", u.Login, ErrForged)
	}
	un := &Unlocked{Identity: id, AdminPub: b.AdminPub, Table: t}
	if un.Keys, err = kr.openGrants(id, u); err != nil {
		un.Zero()
		return nil, err
	}
	if u.AdminGrant != nil {
		seed, err := id.unwrap(adminGrantInfo(kr.Office, u.Login), u.AdminGrant)
		if err != nil || len(seed) != ed25519.SeedSize {
			un.Zero()
			return nil, fmt.Errorf("admin key: %w", ErrForged)
		}
		un.Admin = ed25519.NewKeyFromSeed(seed)
		clear(seed)
		if string(un.Admin.Public().(ed25519.PublicKey)) != string(b.AdminPub) {
			un.Zero()
			return nil, fmt.Errorf("admin key: %w", ErrForged)
		}
	}
	return un, nil
}

// openGrants unwraps every office key granted to u and makes the table's
// current versions current.
func (kr *Keyring) openGrants(id *Identity, u *TableUser) (*Keys, error) {
	k := newKeys()
	for _, g := range u.Grants {
		key, err := id.unwrap(grantInfo(kr.Office, u.Login, g.Class, g.Version), g.Wrap)
		if err != nil || len(key) != KeySize {
			k.Zero()
			return nil, fmt.Errorf("grant %s v%d: %w", g.Class, g.Version, ErrForged)
		}
		k.add(g.Class, g.Version, key)
	}
	k.setCurrent(kr.table.Current)
	return k, nil
}

// unlockLegacy opens a format-1 bundle. In a converted keyring the admin
// key is authenticated by the legacy pin of the highest class the person
// holds, and the person's first identity is made here (an Upgrade).
func (kr *Keyring) unlockLegacy(u *TableUser, kek []byte) (*Unlocked, error) {
	keys, err := openBundleV1(u, kek)
	if errors.Is(err, ErrTampered) {
		return nil, ErrWrongPassword
	}
	if err != nil {
		return nil, err
	}
	un := &Unlocked{Keys: keys, Table: kr.table}
	if kr.format1 {
		return un, nil
	}
	class := highestClass(keys)
	pinned := false
	for _, p := range kr.LegacyPins {
		if p.Class == class && hmac.Equal(p.MAC, legacyPinMAC(keys, class, kr.Office, kr.table.AdminPub)) {
			pinned = true
		}
	}
	if !pinned {
		keys.Zero()
		return nil, fmt.Errorf("legacy pin: %w", ErrForged)
	}
	if un.Table, err = kr.VerifiedTable(kr.table.AdminPub); err != nil {
		keys.Zero()
		return nil, err
	}
	un.AdminPub = kr.table.AdminPub
	keys.setCurrent(kr.table.Current)
	if err := kr.selfUpgrade(un, u, kek, class); err != nil {
		un.Zero()
		return nil, err
	}
	return un, nil
}

// highestClass is case when k holds it, else contact.
func highestClass(k *Keys) Class {
	if k.Has(ClassCase) {
		return ClassCase
	}
	return ClassContact
}

// legacyPinMAC is the pin of adminPub under the version-1 key of class.
func legacyPinMAC(k *Keys, class Class, office string, adminPub []byte) []byte {
	key, ok := k.Get(class, 1)
	if !ok {
		return nil
	}
	mk := hkdfKey(key, "madoguchi legacy pin v1")
	defer clear(mk)
	m := hmac.New(sha256.New, mk)
	m.Write(lpb(lp(nil, office), adminPub))
	return m.Sum(nil)
}

// typicalKDF is the KDF cost of the first person of the table (the cost an
// unknown login pays), or DefaultKDF.
func (kr *Keyring) typicalKDF() KDFParams {
	if kr.table != nil && len(kr.table.Users) > 0 {
		return kr.table.Users[0].KDF
	}
	return DefaultKDF
}

// fakeSalt is a salt for an unknown login, the same each time.
func fakeSalt(office, login string) []byte {
	s := sha256.Sum256([]byte("madoguchi fake salt|" + office + "|" + login))
	return s[:SaltSize]
}

// fail queues a sealed failed-login event and returns err wrapped.
func (kr *Keyring) fail(now time.Time, login, detail string, err error) error {
	ev := PendingEvent{At: now, Login: login, Action: ActionLoginFail, Detail: detail}
	if kr.format1 {
		kr.legacyPending = append(kr.legacyPending, ev)
	} else {
		kr.sealPending(ev)
	}
	return fmt.Errorf("unlock: %w", err)
}

// lockDelay is the lockout after the given number of consecutive failures
// (at least LockAfter).
func lockDelay(failures int) time.Duration {
	d := LockBase
	for i := LockAfter; i < failures && d < LockMax; i++ {
		d *= 2
	}
	return min(d, LockMax)
}

// userKEK derives the KEK and wipes the master.
func userKEK(password, salt []byte, p KDFParams) []byte {
	master := DeriveMaster(password, salt, p)
	defer clear(master)
	return DeriveKEK(master)
}

// validLogin reports whether s is 1 to 128 bytes of UTF-8 without control
// or space characters.
func validLogin(s string) bool {
	if len(s) == 0 || len(s) > maxLoginLen || !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == utf8.RuneError {
			return false
		}
	}
	return true
}

// supervisors lists the table's people who receive sealed events.
func (t *UserTable) supervisors() []*TableUser {
	var out []*TableUser
	for i := range t.Users {
		u := &t.Users[i]
		if !u.Disabled && u.KEMPub != nil && slices.Contains(u.Roles, AuditRole) {
			out = append(out, u)
		}
	}
	return out
}

package vault

import (
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"time"
	"unicode"
	"unicode/utf8"
)

// Limits of user entries.
const (
	SaltSize     = 16
	maxLoginLen  = 128
	maxBundleLen = 1 << 20
)

// AddUser adds a user whose bundle holds every key of grant, sealed under
// a KEK derived from password with p. It fails with ErrUserExists if the
// login is taken and ErrMalformed for an invalid login or p out of range.
func (kr *Keyring) AddUser(login, name string, roles []string, password []byte, grant *Keys, p KDFParams) error {
	if !validLogin(login) {
		return fmt.Errorf("add user: login: %w", ErrMalformed)
	}
	if kr.find(login) != nil {
		return fmt.Errorf("add user: %w", ErrUserExists)
	}
	salt, bundle, err := sealBundle(login, password, grant, p)
	if err != nil {
		return fmt.Errorf("add user: %w", err)
	}
	kr.Users = append(kr.Users, UserEntry{
		Login: login, Name: name, Roles: slices.Clone(roles),
		KDF: p, Salt: salt, Bundle: bundle,
	})
	return nil
}

// SetPassword resets the password of login: a new salt, p, and a new
// bundle holding every key of grant. It also clears the lockout. Changing
// which keys a user holds is done through SetPassword, since the bundle
// cannot be re-sealed without the user's password.
func (kr *Keyring) SetPassword(login string, password []byte, grant *Keys, p KDFParams) error {
	u := kr.find(login)
	if u == nil {
		return fmt.Errorf("set password: %w", ErrUnknownUser)
	}
	salt, bundle, err := sealBundle(login, password, grant, p)
	if err != nil {
		return fmt.Errorf("set password: %w", err)
	}
	u.KDF, u.Salt, u.Bundle = p, salt, bundle
	u.Failures, u.LockedUntil = 0, time.Time{}
	return nil
}

// SetRoles replaces the role list of login. It does not change the keys
// the user holds: the bundle is sealed under the user's KEK, which needs
// the password, so grant is ignored and key grants change only through
// SetPassword. grant stays in the signature for callers that pass it.
func (kr *Keyring) SetRoles(login string, roles []string, grant *Keys) error {
	_ = grant
	u := kr.find(login)
	if u == nil {
		return fmt.Errorf("set roles: %w", ErrUnknownUser)
	}
	u.Roles = slices.Clone(roles)
	return nil
}

// SetDisabled disables or re-enables login.
func (kr *Keyring) SetDisabled(login string, disabled bool) error {
	u := kr.find(login)
	if u == nil {
		return fmt.Errorf("set disabled: %w", ErrUnknownUser)
	}
	u.Disabled = disabled
	return nil
}

// bundleAAD is the additional data of login's bundle.
func bundleAAD(login string) string { return "madoguchi bundle v1|" + login }

// sealBundle makes a salt and seals grant under the KEK of password.
func sealBundle(login string, password []byte, grant *Keys, p KDFParams) ([]byte, SealedBlob, error) {
	if !p.valid() {
		return nil, SealedBlob{}, fmt.Errorf("kdf params out of range: %w", ErrMalformed)
	}
	if grant == nil {
		return nil, SealedBlob{}, fmt.Errorf("no grant: %w", ErrNoKey)
	}
	salt := make([]byte, SaltSize)
	if _, err := rand.Read(salt); err != nil {
		return nil, SealedBlob{}, err
	}
	pt, err := marshalKeys(grant)
	if err != nil {
		return nil, SealedBlob{}, err
	}
	defer clear(pt)
	kek := userKEK(password, salt, p)
	defer clear(kek)
	blob, err := sealBlob(kek, bundleAAD(login), pt)
	return salt, blob, err
}

// openBundle opens u's bundle with password. A wrong password wraps
// ErrWrongPassword.
func openBundle(u *UserEntry, password []byte) (*Keys, error) {
	kek := userKEK(password, u.Salt, u.KDF)
	defer clear(kek)
	pt, err := openBlob(kek, bundleAAD(u.Login), u.Bundle)
	if errors.Is(err, ErrTampered) {
		return nil, ErrWrongPassword
	}
	if err != nil {
		return nil, err
	}
	defer clear(pt)
	return unmarshalKeys(pt)
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

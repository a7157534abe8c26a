package office

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"madoguchi/app/audit"
	"madoguchi/app/vault"
)

// User is an account as the admin screen shows it.
type User struct {
	Login       string
	Name        string
	Roles       []Role
	Disabled    bool
	LockedUntil time.Time // zero when not locked
}

// NewUser is what an admin enters to create an account.
type NewUser struct {
	Login    string
	Name     string
	Roles    []Role
	Password []byte
}

var loginPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{1,31}$`)

// CheckLogin validates a login id: 2–32 characters of a-z, 0-9, ".", "_", "-".
func CheckLogin(login string) error {
	if !loginPattern.MatchString(login) {
		return fmt.Errorf("login %q: %w", login, ErrBadLogin)
	}
	return nil
}

// ErrBadLogin is returned for a login id that breaks the CheckLogin rule.
var ErrBadLogin = fmt.Errorf("bad login id")

// Users lists the accounts.
func (o *Office) Users(s *Session) ([]User, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(s, PermUsers); err != nil {
		return nil, err
	}
	now := o.opt.now()
	out := make([]User, 0, len(o.kr.Users))
	for _, u := range o.kr.Users {
		x := User{Login: u.Login, Name: u.Name, Roles: rolesFromStrings(u.Roles), Disabled: u.Disabled}
		if u.LockedUntil.After(now) {
			x.LockedUntil = u.LockedUntil
		}
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Login, b.Login) })
	return out, nil
}

// grantFor returns the keys to give someone with roles, or ErrCannotGrant
// when the admin does not hold them (an admin without the case key cannot
// create consultants).
func grantFor(s *Session, roles []Role) (*vault.Keys, error) {
	classes := classesFor(roles)
	for _, c := range classes {
		if !s.keys.Has(c) {
			return nil, ErrCannotGrant
		}
	}
	return s.keys.Subset(classes...), nil
}

// AddUser creates an account. Only an admin may, and only with keys the admin
// holds.
func (o *Office) AddUser(s *Session, nu NewUser) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(s, PermUsers); err != nil {
		return err
	}
	if err := CheckLogin(nu.Login); err != nil {
		return err
	}
	if strings.TrimSpace(nu.Name) == "" {
		return ErrNoName
	}
	if len(nu.Roles) == 0 {
		return ErrUnknownRole
	}
	if err := checkPassword(nu.Password); err != nil {
		return err
	}
	grant, err := grantFor(s, nu.Roles)
	if err != nil {
		return err
	}
	defer grant.Zero()
	err = o.updateKeyring(func(kr *vault.Keyring) error {
		return kr.AddUser(nu.Login, nu.Name, rolesToStrings(nu.Roles), nu.Password, grant, o.opt.kdf())
	})
	if err != nil {
		return fmt.Errorf("add user %s: %w", nu.Login, err)
	}
	return o.commitEvents([]audit.Event{o.event(audit.ActUserAdd, "", "user "+nu.Login+" roles "+strings.Join(rolesToStrings(nu.Roles), ","))})
}

// ErrNoName is returned when a new account has no name.
var ErrNoName = fmt.Errorf("user name missing")

// ResetPassword gives an account a new password and, when roles is not nil,
// new roles. The account's key bundle is made anew from the admin's keys, so
// this is also how roles that need other keys are granted.
func (o *Office) ResetPassword(s *Session, login string, roles []Role, password []byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(s, PermUsers); err != nil {
		return err
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	u, ok := o.kr.User(login)
	if !ok {
		return ErrUnknownUser
	}
	if roles == nil {
		roles = rolesFromStrings(u.Roles)
	}
	grant, err := grantFor(s, roles)
	if err != nil {
		return err
	}
	defer grant.Zero()
	err = o.updateKeyring(func(kr *vault.Keyring) error {
		if err := kr.SetPassword(login, password, grant, o.opt.kdf()); err != nil {
			return err
		}
		return kr.SetRoles(login, rolesToStrings(roles), grant)
	})
	if err != nil {
		return fmt.Errorf("reset password of %s: %w", login, err)
	}
	return o.commitEvents([]audit.Event{o.event(audit.ActUserChange, "", "user "+login+" password reset roles "+strings.Join(rolesToStrings(roles), ","))})
}

// SetDisabled disables or re-enables an account. An admin cannot disable
// their own account.
func (o *Office) SetDisabled(s *Session, login string, disabled bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(s, PermUsers); err != nil {
		return err
	}
	if login == s.Login && disabled {
		return fmt.Errorf("disable self: %w", ErrForbidden)
	}
	err := o.updateKeyring(func(kr *vault.Keyring) error { return kr.SetDisabled(login, disabled) })
	if err != nil {
		return fmt.Errorf("disable %s: %w", login, err)
	}
	return o.commitEvents([]audit.Event{o.event(audit.ActUserChange, "", fmt.Sprintf("user %s disabled=%v", login, disabled))})
}

package office

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/vault"
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

// Users lists the accounts of the signed user table.
func (o *Office) Users(ctx context.Context, s *Session) ([]User, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermUsers); err != nil {
		return nil, err
	}
	now := o.opt.now()
	out := make([]User, 0, len(o.table.Users))
	for _, u := range o.table.Users {
		x := User{Login: u.Login, Name: u.Name, Roles: rolesFromStrings(u.Roles), Disabled: u.Disabled}
		if until := o.kr.LockedUntil(u.Login); until.After(now) {
			x.LockedUntil = until
		}
		out = append(out, x)
	}
	slices.SortFunc(out, func(a, b User) int { return strings.Compare(a.Login, b.Login) })
	return out, nil
}

// person is the table entry an admin sets for login with roles, or
// ErrCannotGrant when the admin does not hold the keys the roles need (an
// admin without the case key cannot create consultants).
func person(s *Session, login, name string, roles []Role) (vault.Person, error) {
	classes := classesFor(roles)
	for _, c := range classes {
		if !s.keys.Has(c) {
			return vault.Person{}, ErrCannotGrant
		}
	}
	return vault.Person{Login: login, Name: name, Roles: rolesToStrings(roles), Classes: classes,
		Admin: slices.Contains(roles, RoleAdmin)}, nil
}

// adminSession checks that s may manage users and holds the office admin
// key (a flag in a file is not enough).
func (o *Office) adminSession(ctx context.Context, s *Session) error {
	if err := o.session(ctx, s, PermUsers); err != nil {
		return err
	}
	if s.un == nil || s.un.Admin == nil {
		return fmt.Errorf("no office admin key: %w", ErrForbidden)
	}
	return nil
}

// AddUser creates an account: key pairs, a bundle under the new password,
// the office keys of the roles wrapped to the person, all in the signed
// table. Only an admin may, and only with keys the admin holds.
func (o *Office) AddUser(ctx context.Context, s *Session, nu NewUser) error {
	check := func() error {
		if err := o.adminSession(ctx, s); err != nil {
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
		return checkPassword(nu.Password)
	}
	k, err := o.passwordKey(check, nu.Password)
	if err != nil {
		return err
	}
	defer k.Zero()
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := check(); err != nil { // again: the session may have ended meanwhile
		return err
	}
	p, err := person(s, nu.Login, nu.Name, nu.Roles)
	if err != nil {
		return err
	}
	err = o.updateKeyring(func(kr *vault.Keyring) error { return kr.AddUserKEK(s.un, p, k) })
	if err != nil {
		return fmt.Errorf("add user %s: %w", nu.Login, err)
	}
	return o.tableChanged(o.event(audit.ActUserAdd, "", "user "+nu.Login+" roles "+strings.Join(p.Roles, ",")))
}

// tableChanged anchors the new table serial in the store with the events.
func (o *Office) tableChanged(evs ...audit.Event) error {
	return o.commit(nil, map[string][]byte{metaTableSerial: serialBytes(o.table.Serial)}, evs...)
}

// ResetPassword gives an account a new password, new key pairs and, when
// roles is not nil, new roles. Office keys of classes the account loses are
// rotated.
func (o *Office) ResetPassword(ctx context.Context, s *Session, login string, roles []Role, password []byte) error {
	check := func() error {
		if err := o.adminSession(ctx, s); err != nil {
			return err
		}
		return checkPassword(password)
	}
	k, err := o.passwordKey(check, password)
	if err != nil {
		return err
	}
	defer k.Zero()
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := check(); err != nil { // again: the session may have ended meanwhile
		return err
	}
	u, ok := o.table.Find(login)
	if !ok {
		return ErrUnknownUser
	}
	if roles == nil {
		roles = rolesFromStrings(u.Roles)
	}
	p, err := person(s, login, u.Name, roles)
	if err != nil {
		return err
	}
	lost := lostClasses(u, p.Classes)
	err = o.updateKeyring(func(kr *vault.Keyring) error {
		return kr.ResetPasswordKEK(s.un, p, k, o.opt.now())
	})
	if err != nil {
		return fmt.Errorf("reset password of %s: %w", login, err)
	}
	evs := []audit.Event{o.event(audit.ActUserChange, "", "user "+login+" password reset roles "+strings.Join(p.Roles, ","))}
	return o.rotate(s, lost, evs)
}

// SetRoles changes an account's roles without touching its password: keys
// of new classes are wrapped to the person, keys of lost classes rotated.
func (o *Office) SetRoles(ctx context.Context, s *Session, login string, roles []Role) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.adminSession(ctx, s); err != nil {
		return err
	}
	if len(roles) == 0 {
		return ErrUnknownRole
	}
	u, ok := o.table.Find(login)
	if !ok {
		return ErrUnknownUser
	}
	p, err := person(s, login, u.Name, roles)
	if err != nil {
		return err
	}
	var lost []vault.Class
	err = o.updateKeyring(func(kr *vault.Keyring) error {
		var err error
		lost, err = kr.SetRoles(s.un, p, o.opt.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("set roles of %s: %w", login, err)
	}
	return o.rotate(s, lost, []audit.Event{o.event(audit.ActUserChange, "", "user "+login+" roles "+strings.Join(p.Roles, ","))})
}

// lostClasses lists the classes u holds that classes does not.
func lostClasses(u vault.TableUser, classes []vault.Class) []vault.Class {
	var out []vault.Class
	for _, g := range u.Grants {
		if !slices.Contains(classes, g.Class) && !slices.Contains(out, g.Class) {
			out = append(out, g.Class)
		}
	}
	if u.Legacy {
		for _, c := range []vault.Class{vault.ClassContact, vault.ClassCase} {
			if !slices.Contains(classes, c) {
				out = append(out, c)
			}
		}
	}
	return out
}

// rotate makes new versions of classes (after someone lost them), so that
// what is written from now on is sealed under keys the person never had,
// and logs evs and the rotation together.
func (o *Office) rotate(s *Session, classes []vault.Class, evs []audit.Event) error {
	if len(classes) > 0 {
		err := o.updateKeyring(func(kr *vault.Keyring) error { return kr.Rotate(s.un, classes...) })
		if err != nil {
			return fmt.Errorf("rotate keys: %w", err)
		}
		names := make([]string, len(classes))
		for i, c := range classes {
			names[i] = fmt.Sprintf("%s v%d", c, o.table.Current[c])
		}
		evs = append(evs, o.event(audit.ActKeyChange, "", "new key versions "+strings.Join(names, ",")))
	}
	return o.tableChanged(evs...)
}

// SetDisabled disables an account (its bundle and keys are deleted and the
// office keys it held rotated) or re-enables one, which needs a password
// reset (ErrNeedsReset). An admin cannot disable their own account.
func (o *Office) SetDisabled(ctx context.Context, s *Session, login string, disabled bool) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.adminSession(ctx, s); err != nil {
		return err
	}
	if login == s.login && disabled {
		return fmt.Errorf("disable self: %w", ErrForbidden)
	}
	var held []vault.Class
	err := o.updateKeyring(func(kr *vault.Keyring) error {
		var err error
		held, err = kr.SetDisabled(s.un, login, disabled, o.opt.now())
		return err
	})
	if err != nil {
		return fmt.Errorf("disable %s: %w", login, err)
	}
	return o.rotate(s, held, []audit.Event{o.event(audit.ActUserChange, "", fmt.Sprintf("user %s disabled=%v", login, disabled))})
}

// passwordKey runs check under the office lock, then derives the key of a
// new password without it: Argon2id takes about a second at the production
// cost, and searches and saves of other windows go on meanwhile.
func (o *Office) passwordKey(check func() error, password []byte) (*vault.PasswordKEK, error) {
	o.mu.Lock()
	err := check()
	o.mu.Unlock()
	if err != nil {
		return nil, err
	}
	if passwordKeyHook != nil {
		passwordKeyHook()
	}
	return vault.NewPasswordKEK(password, o.opt.kdf())
}

// passwordKeyHook, when set (tests), runs before a new password's key is
// derived.
var passwordKeyHook func()

// UserName returns the name of the person with login, or "" for a login
// the user table does not hold, for screens that show who did something
// (受付者). Everyone at the front desk may ask.
func (o *Office) UserName(ctx context.Context, s *Session, login string) (string, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return "", err
	}
	for _, u := range o.table.Users {
		if u.Login == login {
			return u.Name, nil
		}
	}
	return "", nil
}

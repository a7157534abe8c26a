// Package office holds the use cases of a consultation office: login, users
// and roles, businesses, reservations, consultation records, dispatches,
// seminars, masters, search, statistics and printing. It is the one place
// that decides who may do what, and it writes the access log.
//
// An Office is one vault folder: keyring.json (the keys, sealed per user) and
// store/ (the Badger database, encrypted with the device store key). Open
// reads the keyring; Login unlocks it with a password and opens the store.
// One person is logged in at a time; every method takes that Session.
package office

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
	"time"
	"unicode/utf8"

	"madoguchi/app/audit"
	"madoguchi/app/vault"
	"madoguchi/reports"
	"madoguchi/storage/local"
)

// KeyringFile and StoreDir are the names inside a vault folder.
const (
	KeyringFile = "keyring.json"
	StoreDir    = "store"
)

// MinPasswordLen is the shortest password accepted for a new account.
const MinPasswordLen = 10

// Options configure an Office. The zero value is the production setting.
type Options struct {
	// KDF is the Argon2id cost for new passwords; zero means vault.DefaultKDF.
	KDF vault.KDFParams
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Bulk opens the store for loading a large import (demo data): fast,
	// but not crash-safe until the import returns. Never for daily work.
	Bulk bool
}

func (o Options) now() time.Time {
	if o.Now != nil {
		return o.Now()
	}
	return time.Now()
}

func (o Options) kdf() vault.KDFParams {
	if o.KDF == (vault.KDFParams{}) {
		return vault.DefaultKDF
	}
	return o.KDF
}

// Office is an open vault folder. Its methods are safe for concurrent use.
type Office struct {
	dir string
	opt Options

	mu     sync.Mutex // guards everything below and serialises writes
	kr     *vault.Keyring
	store  *local.Store
	clock  *vault.Clock
	head   audit.Head
	sess   *Session
	render *reports.Renderer
}

// Session is a logged-in person. It holds the office keys the person's roles
// grant; Logout zeroes them.
type Session struct {
	Login string
	Name  string
	Roles []Role
	keys  *vault.Keys
}

// HasRole reports whether the person holds r.
func (s *Session) HasRole(r Role) bool {
	for _, x := range s.Roles {
		if x == r {
			return true
		}
	}
	return false
}

// Exists reports whether dir holds a vault.
func Exists(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, KeyringFile))
	return err == nil
}

// Init creates a new vault in dir with its first account, which holds the
// admin and supervisor roles: someone must hold the case key to grant it to
// consultants later, and in a ward office that is the responsible officer.
func Init(dir, login, name string, password []byte, opt Options) error {
	if Exists(dir) {
		return ErrVaultExists
	}
	if err := checkPassword(password); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("create vault folder: %w", err)
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return fmt.Errorf("protect vault folder: %w", err)
	}
	kr := vault.NewKeyring("", "")
	keys, err := vault.NewOfficeKeys()
	if err != nil {
		return fmt.Errorf("make office keys: %w", err)
	}
	defer keys.Zero()
	storeKey, err := kr.InitStoreKey(keys)
	if err != nil {
		return fmt.Errorf("make store key: %w", err)
	}
	roles := []Role{RoleAdmin, RoleSupervisor}
	if err := kr.AddUser(login, name, rolesToStrings(roles), password, keys.Subset(classesFor(roles)...), opt.kdf()); err != nil {
		return fmt.Errorf("add first user: %w", err)
	}
	st, err := local.Open(filepath.Join(dir, StoreDir), storeKey, local.Options{})
	if err != nil {
		return mapStoreErr(err)
	}
	o := &Office{dir: dir, opt: opt, kr: kr, store: st, clock: vault.NewClock(kr.Device, opt.now)}
	o.sess = &Session{Login: login, Name: name, Roles: roles, keys: keys}
	err = o.commit(nil, nil, o.event(audit.ActInit, "", "vault created"),
		o.event(audit.ActUserAdd, "", "user "+login+" roles admin,supervisor"))
	if cerr := st.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	if err != nil {
		return err
	}
	return kr.Save(filepath.Join(dir, KeyringFile))
}

func checkPassword(pw []byte) error {
	if utf8.RuneCount(pw) < MinPasswordLen {
		return ErrWeakPassword
	}
	return nil
}

// Open reads the keyring of the vault in dir. Nothing is decrypted yet.
func Open(dir string, opt Options) (*Office, error) {
	kr, err := loadKeyring(dir)
	if err != nil {
		return nil, err
	}
	return &Office{dir: dir, opt: opt, kr: kr}, nil
}

func loadKeyring(dir string) (*vault.Keyring, error) {
	kr, err := vault.LoadKeyring(filepath.Join(dir, KeyringFile))
	switch {
	case err == nil:
		return kr, nil
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("open %s: %w", dir, ErrNoVault)
	case errors.Is(err, vault.ErrNewerFormat):
		return nil, fmt.Errorf("open %s: %w", dir, ErrNewerVault)
	case errors.Is(err, vault.ErrMalformed):
		return nil, fmt.Errorf("open %s: %w: %v", dir, ErrDamagedKeyring, err)
	}
	return nil, fmt.Errorf("open %s: %w", dir, err)
}

// Dir returns the vault folder.
func (o *Office) Dir() string { return o.dir }

// Device returns this vault's device id.
func (o *Office) Device() string { return o.kr.Device }

// Login unlocks the keyring with the password, opens the store and starts a
// session. Failed attempts count towards the lockout and are written to the
// access log at the next successful login.
func (o *Office) Login(login string, password []byte) (*Session, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sess != nil {
		return nil, fmt.Errorf("login: someone is logged in: %w", ErrForbidden)
	}
	now := o.opt.now()
	var keys *vault.Keys
	err := o.updateKeyring(func(kr *vault.Keyring) error {
		var uerr error
		keys, uerr = kr.Unlock(login, password, now)
		return uerr
	})
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if err := o.openStore(keys); err != nil {
		keys.Zero()
		return nil, err
	}
	u, _ := o.kr.User(login)
	s := &Session{Login: login, Name: u.Name, Roles: rolesFromStrings(u.Roles), keys: keys}
	o.sess = s
	if err := o.flushPending(); err != nil {
		o.closeLocked()
		return nil, err
	}
	if err := o.commit(nil, nil, o.event(audit.ActLoginOK, "", "")); err != nil {
		o.closeLocked()
		return nil, err
	}
	return s, nil
}

// updateKeyring re-reads the keyring file, applies fn and saves it, so that
// two programs on one vault lose as little as possible of each other's
// changes (lockout counters, users). fn's error is returned after saving.
func (o *Office) updateKeyring(fn func(*vault.Keyring) error) error {
	kr, err := loadKeyring(o.dir)
	if err != nil {
		return err
	}
	ferr := fn(kr)
	if err := kr.Save(filepath.Join(o.dir, KeyringFile)); err != nil {
		return fmt.Errorf("save keyring: %w", err)
	}
	o.kr = kr
	return ferr
}

func (o *Office) openStore(keys *vault.Keys) error {
	storeKey, err := o.kr.StoreKeyBytes(keys)
	if err != nil {
		return fmt.Errorf("open store key: %w", err)
	}
	st, err := local.Open(filepath.Join(o.dir, StoreDir), storeKey, local.Options{Bulk: o.opt.Bulk})
	for i := range storeKey {
		storeKey[i] = 0
	}
	if err != nil {
		return mapStoreErr(err)
	}
	o.store = st
	o.clock = vault.NewClock(o.kr.Device, o.opt.now)
	if b, err := st.Meta(metaHLC); err == nil {
		if r, err := vault.ParseRev(string(b)); err == nil {
			o.clock.Observe(r)
		}
	}
	last, err := st.LastAudit()
	switch {
	case errors.Is(err, local.ErrNotFound):
		o.head = audit.Head{}
	case err != nil:
		return fmt.Errorf("read access log head: %w", err)
	default:
		ev, err := audit.Unmarshal(last.Data)
		if err != nil {
			return fmt.Errorf("read access log head: %w", err)
		}
		o.head = ev.HeadAfter()
	}
	return nil
}

func mapStoreErr(err error) error {
	switch {
	case errors.Is(err, local.ErrLocked):
		return fmt.Errorf("open store: %w", ErrVaultInUse)
	case errors.Is(err, local.ErrWrongKey):
		return fmt.Errorf("open store: %w", local.ErrWrongKey)
	}
	return fmt.Errorf("open store: %w", err)
}

// flushPending writes the failed logins the keyring remembered into the log.
func (o *Office) flushPending() error {
	var pending []vault.PendingEvent
	err := o.updateKeyring(func(kr *vault.Keyring) error {
		pending = kr.TakePending()
		return nil
	})
	if err != nil || len(pending) == 0 {
		return err
	}
	evs := make([]audit.Event, len(pending))
	for i, p := range pending {
		evs[i] = audit.Event{At: p.At.UTC(), User: p.Login, Device: o.kr.Device, Action: p.Action, Detail: p.Detail}
	}
	return o.commitEvents(evs)
}

// Logout ends the session: the store closes and the keys are zeroed. The
// window's idle lock calls it too.
func (o *Office) Logout() error {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.closeLocked()
}

// Close is Logout; it exists so an Office can be deferred like a file.
func (o *Office) Close() error { return o.Logout() }

func (o *Office) closeLocked() error {
	if o.sess != nil {
		o.sess.keys.Zero()
		o.sess = nil
	}
	if o.store == nil {
		return nil
	}
	err := o.store.Close()
	o.store = nil
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return nil
}

// session checks that s is the logged-in session and may do p. Call with
// o.mu held.
func (o *Office) session(s *Session, p Permission) error {
	if s == nil || o.sess != s || o.store == nil {
		return ErrNotLoggedIn
	}
	if !s.May(p) {
		return ErrForbidden
	}
	return nil
}

// KDF returns the Argon2id cost this office uses for new passwords.
func (o *Office) KDF() vault.KDFParams { return o.opt.kdf() }

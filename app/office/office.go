// Package office holds the use cases of a consultation office: login, users
// and roles, businesses, reservations, consultation records, dispatches,
// seminars, masters, search, statistics and printing. It is the one place
// that decides who may do what, and it writes the access log.
//
// An Office is one vault folder: keyring.json (the keys, sealed per user) and
// store/ (the Badger database, encrypted with the device store key). Open
// reads the keyring; Login unlocks it with a password and opens the store.
// One person is logged in at a time; every use case takes a context and
// that Session.
package office

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/reports"
	"github.com/madoguchi-jp/madoguchi/storage/local"
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
	// ReleaseAfter, when above zero, makes a logged-in office give memory
	// back once no use case has run for that long: the pages of the
	// store's files that reads left resident (local.Store.Release) and the
	// Go heap's free pages (debug.FreeOSMemory, which is process-wide).
	// The desktop window sets it; commands, which end soon, do not.
	ReleaseAfter time.Duration
	// OfficeHours are the hours the access-log analysis counts as office
	// hours (zero: 8:30–17:30 on weekdays, see audit.OfficeHours).
	OfficeHours audit.OfficeHours

	// released, when set, is called after each release (tests).
	released func()
	// backupRead, when set, is called after a backup read the store and
	// before it compares the keyring (tests).
	backupRead func()
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

// Office is an open vault folder. Its methods are safe for concurrent use;
// long ones do their slow part without holding the office (see work.go).
type Office struct {
	dir    string
	opt    Options
	render *reports.Renderer // safe for concurrent use

	// mu guards the fields below and serialises writes and the access log.
	// kr and table are also changed only with cmu held, so that work
	// outside mu reads them under cmu (trusted).
	mu    sync.Mutex
	kr    *vault.Keyring
	table *vault.UserTable // verified against the session's pinned admin key
	store *local.Store     // set at login, closed at logout when no work runs
	clock *vault.Clock     // safe for concurrent use
	head  audit.Head
	// openedSeq is the sequence number of the last access-log entry when
	// the store was opened (a restore's rejoin needs the backup's last).
	openedSeq uint64
	sess      *Session
	// sinceCheckpoint counts the events since the last signed checkpoint.
	sinceCheckpoint int

	// cmu guards the caches, which work fills outside mu too. Take it
	// alone or inside mu, never mu inside it.
	cmu sync.Mutex
	// approvals caches approval checks by id and rev.
	approvals map[string]bool
	// blindCache caches blind-index counts by entry key for the session.
	blindCache map[string]uint32
	// warnings are access-log warnings found by reads, written with the
	// next commit.
	warnings []audit.Event

	// idle tells releaseWhenIdle when the office was last used (see
	// release.go); stopRelease (o.mu) stops it at logout.
	idle        idleClock
	stopRelease chan struct{}
}

// Session is a logged-in person. Its login, name and roles come from the
// signed user table and cannot be changed by a caller; it holds the office
// keys the person's grants open and their identity. Logout zeroes them.
type Session struct {
	login string
	name  string
	roles []Role
	keys  *vault.Keys
	un    *vault.Unlocked
	// retired are office keys replaced by a newer user table during the
	// session (AdoptTable); zeroed at logout.
	retired []*vault.Keys

	// works is the work running outside o.mu (o.mu); Logout cancels it.
	works map[*work]bool
	// busy counts that work; Logout waits for it before it closes the
	// store and zeroes the keys.
	busy   sync.WaitGroup
	ending bool          // Logout has begun (o.mu)
	ended  chan struct{} // closed when Logout has finished
}

func newSession(login, name string, roles []Role, un *vault.Unlocked) *Session {
	return &Session{login: login, name: name, roles: roles, keys: un.Keys, un: un, ended: make(chan struct{})}
}

// Login returns the person's login id.
func (s *Session) Login() string { return s.login }

// Name returns the person's name.
func (s *Session) Name() string { return s.name }

// Roles returns a copy of the person's roles.
func (s *Session) Roles() []Role { return slices.Clone(s.roles) }

// HasRole reports whether the person holds r.
func (s *Session) HasRole(r Role) bool { return slices.Contains(s.roles, r) }

// signs reports whether the session's identity is in the signed table, so
// that its signatures (approvals, checkpoints) verify.
func (s *Session) signs(t *vault.UserTable) bool {
	if s.un == nil || s.un.Identity == nil || t == nil {
		return false
	}
	u, ok := t.Find(s.login)
	return ok && string(u.SignPub) == string(s.un.Identity.SignPublic())
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
	roles := []Role{RoleAdmin, RoleSupervisor}
	un, storeKey, err := kr.Found(vault.Person{Login: login, Name: name, Roles: rolesToStrings(roles),
		Classes: classesFor(roles)}, password, opt.kdf())
	if err != nil {
		return fmt.Errorf("make office keys: %w", err)
	}
	defer clear(storeKey)
	st, err := local.Open(filepath.Join(dir, StoreDir), storeKey, local.Options{})
	if err != nil {
		un.Zero()
		return mapStoreErr(filepath.Join(dir, StoreDir), err)
	}
	o := &Office{dir: dir, opt: opt, kr: kr, table: un.Table, store: st, clock: vault.NewClock(kr.Device, opt.now), render: reports.New()}
	o.sess = newSession(login, name, roles, un)
	err = o.commit(nil, map[string][]byte{metaAdminPub: un.AdminPub, metaTableSerial: serialBytes(un.Table.Serial)},
		o.event(audit.ActInit, "", "vault created"),
		o.event(audit.ActUserAdd, "", "user "+login+" roles admin,supervisor"))
	if err == nil {
		err = kr.Save(filepath.Join(dir, KeyringFile))
	}
	if err == nil {
		err = o.checkpoint(true) // the founder's first signed checkpoint
	}
	if cerr := st.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("close store: %w", cerr)
	}
	un.Zero()
	return err
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
	return &Office{dir: dir, opt: opt, kr: kr, render: reports.New()}, nil
}

func loadKeyring(dir string) (*vault.Keyring, error) {
	kr, _, err := loadKeyringRaw(dir)
	return kr, err
}

// loadKeyringRaw is loadKeyring that also returns the file's bytes.
func loadKeyringRaw(dir string) (*vault.Keyring, []byte, error) {
	raw, err := os.ReadFile(filepath.Join(dir, KeyringFile))
	var kr *vault.Keyring
	if err == nil {
		kr, err = vault.UnmarshalKeyring(raw)
	}
	return kr, raw, keyringErr(dir, err)
}

// keyringErr maps an error of reading the keyring to this package's.
func keyringErr(dir string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("open %s: %w", dir, ErrNoVault)
	case errors.Is(err, vault.ErrNewerFormat):
		return fmt.Errorf("open %s: %w", dir, ErrNewerVault)
	case errors.Is(err, vault.ErrMalformed):
		return fmt.Errorf("open %s: %w: %v", dir, ErrDamagedKeyring, err)
	}
	return fmt.Errorf("open %s: %w", dir, err)
}

// Dir returns the vault folder.
func (o *Office) Dir() string { return o.dir }

// Device returns this vault's device id.
func (o *Office) Device() string {
	kr, _ := o.trusted()
	return kr.Device
}

// trusted returns the keyring and the verified user table; work outside
// o.mu reads them with it.
func (o *Office) trusted() (*vault.Keyring, *vault.UserTable) {
	o.cmu.Lock()
	defer o.cmu.Unlock()
	return o.kr, o.table
}

// setTrusted replaces the keyring and the verified user table. Call with
// o.mu held.
func (o *Office) setTrusted(kr *vault.Keyring, t *vault.UserTable) {
	o.cmu.Lock()
	defer o.cmu.Unlock()
	o.kr, o.table = kr, t
}

// Login unlocks the keyring with the password, opens the store and starts a
// session. Failed attempts count towards the lockout and are written to the
// access log at the next successful login.
func (o *Office) Login(ctx context.Context, login string, password []byte) (*Session, error) {
	now := o.opt.now()
	return o.login(password, func(kr *vault.Keyring) (*vault.Unlocked, error) { return kr.Unlock(login, password, now) })
}

// login is Login with the keys from unlock, which gets the keyring as it
// is on disk (and saved after it, with the failure counters it changed).
func (o *Office) login(password []byte, unlock func(*vault.Keyring) (*vault.Unlocked, error)) (*Session, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.sess != nil {
		return nil, fmt.Errorf("login: someone is logged in: %w", ErrForbidden)
	}
	var un *vault.Unlocked
	err := o.updateKeyring(func(kr *vault.Keyring) error {
		var uerr error
		un, uerr = unlock(kr)
		return uerr
	})
	if err != nil {
		return nil, fmt.Errorf("login: %w", err)
	}
	if err := o.initStoreKey(un.Keys); err != nil {
		un.Zero()
		return nil, err
	}
	if err := o.openStore(un.Keys); err != nil {
		un.Zero()
		return nil, err
	}
	s := newSession(un.User.Login, un.User.Name, rolesFromStrings(un.User.Roles), un)
	o.sess = s
	o.setTrusted(o.kr, un.Table)
	if err := o.afterUnlock(s, password); err != nil {
		o.abortLocked()
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
	kr, raw, err := loadKeyringRaw(o.dir)
	if err != nil {
		return err
	}
	ferr := fn(kr)
	if b, err := kr.Marshal(); err != nil || !bytes.Equal(b, raw) { // unchanged: no write, no fsync
		if err := kr.Save(filepath.Join(o.dir, KeyringFile)); err != nil {
			return fmt.Errorf("save keyring: %w", err)
		}
	}
	o.setTrusted(kr, o.table)
	if o.sess != nil && o.sess.un != nil && o.sess.un.AdminPub != nil {
		t, err := kr.VerifiedTable(o.sess.un.AdminPub)
		if err == nil && o.table != nil && t.Serial < o.table.Serial {
			err = fmt.Errorf("user table serial went back from %d to %d: %w", o.table.Serial, t.Serial, ErrForged)
		}
		if err != nil {
			return fmt.Errorf("keyring changed: %w", err)
		}
		o.setTrusted(kr, t)
	}
	return ferr
}

// initStoreKey makes the device store key of a vault that joined an
// office (Join) at its first login; a vault with a store key is left as
// it is. Call with o.mu held.
func (o *Office) initStoreKey(keys *vault.Keys) error {
	if o.kr.HasStoreKey() {
		return nil
	}
	if _, err := os.Stat(filepath.Join(o.dir, StoreDir)); err == nil {
		// A store without its key: the keyring was replaced.
		return fmt.Errorf("open store: keyring.json has no store key: %w", ErrWrongStoreKey)
	}
	err := o.updateKeyring(func(kr *vault.Keyring) error {
		if kr.HasStoreKey() {
			return nil
		}
		sk, err := kr.InitStoreKey(keys)
		clear(sk)
		return err
	})
	if err != nil {
		return fmt.Errorf("make store key: %w", err)
	}
	return nil
}

func (o *Office) openStore(keys *vault.Keys) error {
	storeKey, err := o.kr.StoreKeyBytes(keys)
	if err != nil {
		return fmt.Errorf("open store key: %w", err)
	}
	// The store keeps its own copy of the key for as long as it is open.
	st, err := local.Open(filepath.Join(o.dir, StoreDir), storeKey, local.Options{Bulk: o.opt.Bulk})
	clear(storeKey)
	if err != nil {
		return mapStoreErr(filepath.Join(o.dir, StoreDir), err)
	}
	o.store = st
	o.startRelease(st)
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
	o.openedSeq = o.head.Seq
	return nil
}

// mapStoreErr maps an error of local.Open to this package's sentinels. The
// store's error already names the operation and the folder ("open store in
// DIR: …"), so it is kept as it is behind the sentinel.
func mapStoreErr(dir string, err error) error {
	switch {
	case errors.Is(err, local.ErrLocked):
		return fmt.Errorf("%w: %w", ErrVaultInUse, err)
	case errors.Is(err, local.ErrWrongKey):
		return fmt.Errorf("%w: %w", ErrWrongStoreKey, err)
	case errors.Is(err, local.ErrNewerSchema):
		return fmt.Errorf("%w: %w", ErrNewerVault, err)
	case errors.Is(err, local.ErrCorrupt):
		return &StoreDamagedError{Dir: dir, Err: err}
	}
	return err
}

// Logout ends the session: the store closes and the keys are zeroed. The
// window's idle lock calls it too. Work of the session still running (a
// print, statistics, a search, an import) is cancelled first, and Logout
// waits for it to stop, which it does at its next record or sheet. A
// Logout while another is under way waits for that one.
func (o *Office) Logout() error {
	o.mu.Lock()
	s := o.sess
	if s != nil {
		if s.ending {
			o.mu.Unlock()
			<-s.ended
			return nil
		}
		s.ending = true
		s.stopWork()
		o.mu.Unlock()
		s.busy.Wait()
		o.mu.Lock()
		defer close(s.ended)
	}
	defer o.mu.Unlock()
	return o.closeLocked()
}

// Close is Logout; it exists so an Office can be deferred like a file.
func (o *Office) Close() error { return o.Logout() }

// abortLocked ends a login that failed after the store opened: nothing is
// signed for a session that never began.
func (o *Office) abortLocked() {
	var un *vault.Unlocked
	if o.sess != nil {
		un, o.sess.un = o.sess.un, nil // no identity: closeLocked signs nothing
	}
	_ = o.closeLocked()
	un.Zero()
}

func (o *Office) closeLocked() error {
	var cerr error
	if o.sess != nil {
		if o.store != nil {
			cerr = errors.Join(o.logWarnings(), o.checkpoint(true))
		}
		o.sess.stopWork()
		o.sess.un.Zero()
		o.sess.keys.Zero()
		for _, k := range o.sess.retired {
			k.Zero()
		}
		o.sess = nil
		o.setTrusted(o.kr, nil)
		o.cmu.Lock()
		o.approvals, o.blindCache, o.warnings = nil, nil, nil
		o.cmu.Unlock()
	}
	if o.store == nil {
		return nil
	}
	o.stopReleasing()
	err := o.store.Close()
	o.store = nil
	if err != nil {
		return fmt.Errorf("close store: %w", err)
	}
	return cerr
}

// session checks that s is the logged-in session and may do p, and that
// ctx is not done. Call with o.mu held.
func (o *Office) session(ctx context.Context, s *Session, p Permission) error {
	if err := o.current(s); err != nil {
		return err
	}
	if !s.May(p) {
		return ErrForbidden
	}
	return ctxErr(ctx)
}

// KDF returns the Argon2id cost this office uses for new passwords.
func (o *Office) KDF() vault.KDFParams { return o.opt.kdf() }

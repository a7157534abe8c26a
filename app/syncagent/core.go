package syncagent

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// ErrPasswordChanged: the person's login on the server has another
// password than the one they logged in with on this PC (changed on
// another PC during this session), and this session's one
// re-registration was used already; logging in again on this PC fixes it.
var ErrPasswordChanged = errors.New("the server login has another password than this PC's login")

// auth gives the auth keys of a person's server login.
type auth interface {
	// keyFor returns the auth key for the login's salt and parameters on
	// the server, or nil when it cannot be had.
	keyFor(salt []byte, p vault.KDFParams) []byte
	// failed tells that the key for salt was refused.
	failed(salt []byte)
	// registration returns a fresh salt, its parameters and the auth key
	// derived with them, for the person's own registration; ok false when
	// none is left.
	registration() (salt []byte, p vault.KDFParams, key []byte, ok bool)
	// registered tells that the registration's salt is now the login's.
	registered(salt []byte, p vault.KDFParams, key []byte)
}

// passwordAuth derives every key from the password when it is asked for
// (the one-shot sync of the command line, which holds the password for
// its run).
type passwordAuth struct {
	pw      []byte
	kdf     vault.KDFParams
	regSalt []byte // loginSalt
}

func (a passwordAuth) keyFor(salt []byte, p vault.KDFParams) []byte {
	return vault.DeriveLoginKey(a.pw, salt, p)
}

func (a passwordAuth) failed([]byte) {}

func (a passwordAuth) registration() ([]byte, vault.KDFParams, []byte, bool) {
	return a.regSalt, a.kdf, vault.DeriveLoginKey(a.pw, a.regSalt, a.kdf), true
}

func (a passwordAuth) registered([]byte, vault.KDFParams, []byte) {}

// derivedAuth holds keys derived from the password at login, which it
// does not keep: the key for the person's own registration salt
// (loginSalt), which it registers when the server does not know the
// login or has another password for it (once), and the key for the
// login's salt as this PC saw it last on the server
// (syncclient.LoadSalt), when that is another.
type derivedAuth struct {
	mu   sync.Mutex
	salt []byte
	kdf  vault.KDFParams
	key  []byte // nil: no key (no salt seen, or refused)

	regSalt []byte
	regKDF  vault.KDFParams
	regKey  []byte // nil once refused
	regUsed bool
}

// deriveAuth derives the keys of login from password (the two
// derivations run at once); regSalt is loginSalt's.
func deriveAuth(dir, login string, password []byte, kdf vault.KDFParams, regSalt []byte) *derivedAuth {
	a := &derivedAuth{regSalt: regSalt, regKDF: kdf}
	var wg sync.WaitGroup
	if saved, ok := syncclient.LoadSalt(dir, login); ok && (string(saved.Salt) != string(regSalt) || saved.KDF != kdf) {
		a.salt, a.kdf = saved.Salt, saved.KDF
		wg.Go(func() { a.key = vault.DeriveLoginKey(password, saved.Salt, saved.KDF) })
	}
	a.regKey = vault.DeriveLoginKey(password, regSalt, kdf)
	wg.Wait()
	return a
}

// loginSalt is the salt a person registers their server login with: a
// hash of their Ed25519 signature (deterministic) over the office and the
// login, so that every PC where the person logs in derives the same salt,
// and with it the key, from the password without asking the server (a
// login while the server cannot be reached), and no one without the
// person's signing key knows it ahead. A person without a signing key
// gets a random salt (the server refuses their registration anyway).
func loginSalt(sign func([]byte) []byte, office, login string) []byte {
	sig := sign([]byte("madoguchi login salt v1\x00" + office + "\x00" + login))
	if len(sig) == 0 {
		return freshSalt()
	}
	h := sha256.Sum256(sig)
	return h[:vault.LoginSaltSize]
}

func (a *derivedAuth) keyFor(salt []byte, p vault.KDFParams) []byte {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case a.regKey != nil && string(salt) == string(a.regSalt) && p == a.regKDF:
		return a.regKey
	case a.key != nil && string(salt) == string(a.salt) && p == a.kdf:
		return a.key
	}
	return nil
}

func (a *derivedAuth) failed(salt []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	switch {
	case string(salt) == string(a.regSalt):
		// Registered with this password by this person on another PC or
		// before: the password differs now. One registration may set it.
		if a.regUsed {
			clear(a.regKey)
			a.regKey = nil
		}
	case string(salt) == string(a.salt):
		clear(a.key)
		a.key = nil
	}
}

func (a *derivedAuth) registration() ([]byte, vault.KDFParams, []byte, bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.regKey == nil || a.regUsed {
		return nil, vault.KDFParams{}, nil, false
	}
	return a.regSalt, a.regKDF, a.regKey, true
}

func (a *derivedAuth) registered([]byte, vault.KDFParams, []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.regUsed = true
}

// forget zeroes the keys (the session ended).
func (a *derivedAuth) forget() {
	a.mu.Lock()
	defer a.mu.Unlock()
	clear(a.key)
	clear(a.regKey)
	a.key, a.regKey = nil, nil
}

func freshSalt() []byte {
	salt := make([]byte, vault.LoginSaltSize)
	if _, err := rand.Read(salt); err != nil {
		panic("syncagent: crypto/rand: " + err.Error()) // does not fail
	}
	return salt
}

// serverLogin logs login in on the server with a key of au. A login the
// server does not know, or whose password differs from this PC's, is
// registered with the person's signing key (the password opened their
// keys on this PC; sign proves it to the server), once. The server's salt
// is remembered in the device folder of dir for the next login on this
// PC.
func serverLogin(ctx context.Context, cl *syncclient.Client, dir, login string, sign func([]byte) []byte, au auth, now time.Time) (syncclient.Session, error) {
	salt, p, err := cl.LoginSalt(ctx, login)
	if err != nil {
		return syncclient.Session{}, fmt.Errorf("server login: %w", err)
	}
	_ = syncclient.SaveSalt(dir, login, syncclient.SavedSalt{Salt: salt, KDF: p}) // a cache: the next login derives with it
	if key := au.keyFor(salt, p); key != nil {
		se, err := cl.LoginWithKey(ctx, login, key)
		if err == nil {
			return se, nil
		}
		if !errors.Is(err, syncclient.ErrLoginFailed) {
			return syncclient.Session{}, fmt.Errorf("server login: %w", err)
		}
		au.failed(salt)
	}
	rs, rp, rk, ok := au.registration()
	if !ok {
		return syncclient.Session{}, fmt.Errorf("server login: %w: %w", ErrPasswordChanged, syncclient.ErrLoginFailed)
	}
	if err := cl.RegisterWithKey(ctx, login, rs, rp, rk, sign, now); err != nil {
		return syncclient.Session{}, fmt.Errorf("server login: register: %w", err)
	}
	au.registered(rs, rp, rk)
	_ = syncclient.SaveSalt(dir, login, syncclient.SavedSalt{Salt: rs, KDF: rp})
	se, err := cl.LoginWithKey(ctx, login, rk)
	if err != nil {
		return syncclient.Session{}, fmt.Errorf("server login after registering: %w", err)
	}
	return se, nil
}

// run is what one sync does, for the loop of an Agent and for Once.
type run struct {
	o      *office.Office
	s      *office.Session
	creds  syncclient.Creds
	cl     *syncclient.Client
	login  string
	au     auth
	now    func() time.Time
	rescan bool
	// session is the server session kept between syncs (nil: none kept),
	// guarded by sessionMu when that is set.
	session   *syncclient.Session
	sessionMu *sync.Mutex
	// renewed is called after the device certificate was renewed.
	renewed func()
	// clientMu, when set, is held for writing while the certificate may
	// be renewed (which must not overlap other calls of cl) and for
	// reading during the rest of the sync.
	clientMu *sync.RWMutex
	// progress receives the steps; connect marks the login on the server.
	progress func(syncer.Progress)
	connect  func()
	// webErr is what web booking could not do in the last sync (nil: all
	// done), purgeErr what the server's part of erasures could not.
	webErr, purgeErr error
}

// once renews the device certificate when due, writes a join's
// enrollment into the access log, logs in on the server (or uses the kept
// session) and runs syncer.Run with the vault's user table.
func (r *run) once(ctx context.Context) (syncer.Result, error) {
	dir := r.o.Dir()
	// A device certificate in its last 30 days is renewed before the sync
	// (a new key made here; the old certificate is refused afterwards).
	if r.clientMu != nil {
		r.clientMu.Lock()
	}
	renewed, err := r.cl.RenewIfDue(ctx, dir, r.now())
	if r.clientMu != nil {
		r.clientMu.Unlock()
		r.clientMu.RLock()
		defer r.clientMu.RUnlock()
	}
	if err != nil {
		return syncer.Result{}, fmt.Errorf("renew the device certificate: %w", err)
	} else if renewed && r.renewed != nil {
		r.renewed()
	}
	if syncclient.Joined(dir) {
		if err := r.o.RecordEnrollment(ctx, r.s, r.creds.Name, r.creds.Device); err != nil {
			return syncer.Result{}, fmt.Errorf("record the join: %w", err)
		}
		if err := syncclient.ClearJoined(dir); err != nil {
			return syncer.Result{}, err
		}
	}
	local := r.o.Replica(r.s)
	opt := syncer.Options{Tables: tables{r.o, r.s}, Rescan: r.rescan, Progress: r.progress}
	for attempt := 0; ; attempt++ {
		if r.connect != nil {
			r.connect()
		}
		se, err := r.serverSession(ctx, local)
		if err != nil {
			return syncer.Result{}, err
		}
		res, err := syncer.Run(ctx, local, r.cl.Remote(se), opt)
		if errors.Is(err, syncclient.ErrSession) && r.session != nil && attempt == 0 {
			// The kept session expired or the server restarted: log in
			// again once.
			r.dropSession(se)
			continue
		}
		if err != nil {
			return res, fmt.Errorf("sync: %w", err)
		}
		// Web booking does not make the sync fail: what it could not do
		// is in webErr, and is tried again at the next sync.
		r.webErr = r.webBooking(ctx, se)
		r.purgeErr = r.purges(ctx, se)
		return res, nil
	}
}

// serverSession returns the kept server session while it lasts, or logs
// in.
func (r *run) serverSession(ctx context.Context, local syncer.Local) (syncclient.Session, error) {
	if r.sessionMu != nil {
		r.sessionMu.Lock()
		defer r.sessionMu.Unlock()
	}
	if r.session != nil && r.session.Token != nil && r.now().Add(time.Minute).Before(r.session.Expires) {
		return *r.session, nil
	}
	_, sign := local.Signer()
	se, err := serverLogin(ctx, r.cl, r.o.Dir(), r.login, sign, r.au, r.now())
	if err != nil {
		return syncclient.Session{}, err
	}
	if r.session != nil {
		*r.session = se
	}
	return se, nil
}

// dropSession forgets the kept session se (the server refused it).
func (r *run) dropSession(se syncclient.Session) {
	if r.session == nil {
		return
	}
	if r.sessionMu != nil {
		r.sessionMu.Lock()
		defer r.sessionMu.Unlock()
	}
	if string(r.session.Token) == string(se.Token) {
		*r.session = syncclient.Session{}
	}
}

// tables carries the vault's user table for syncer.
type tables struct {
	o *office.Office
	s *office.Session
}

func (t tables) SignedTable(ctx context.Context) ([]byte, uint64, error) {
	return t.o.SignedTable(ctx, t.s)
}

func (t tables) AdoptTable(ctx context.Context, data []byte) (bool, error) {
	return t.o.AdoptTable(ctx, t.s, data)
}

// OnceOptions tune Once.
type OnceOptions struct {
	// KDF are the Argon2id parameters of a login key registered on the
	// server (zero: vault.DefaultKDF).
	KDF vault.KDFParams
	// Rescan: see syncer.Options.Rescan.
	Rescan bool
	// Progress, when set, receives the engine's progress.
	Progress func(syncer.Progress)
	// Renewed, when set, is called after the device certificate was
	// renewed.
	Renewed func()
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// WebBooking, when set, receives what web booking could not do in this
	// sync (the sync itself succeeded).
	WebBooking func(error)
	// Erasure, when set, receives what the server's part of erasures
	// (sending purge orders, keeping receipts) could not do in this sync,
	// which succeeded; it is tried again at the next.
	Erasure func(error)
}

// Once syncs the vault of o once, for the person of s whose password the
// caller holds for the call (the command line): it renews the device
// certificate when due, logs the person in on the server (registering
// their server login with their signing key when the server does not
// know it or has another password), and runs the engine. An error that
// tells of this PC's revocation is to be passed to WipeRevoked.
func Once(ctx context.Context, o *office.Office, s *office.Session, creds syncclient.Creds, login string, password []byte, opt OnceOptions) (syncer.Result, error) {
	cl := syncclient.New(creds)
	defer cl.Close()
	kdf := opt.KDF
	if kdf == (vault.KDFParams{}) {
		kdf = vault.DefaultKDF
	}
	now := opt.Now
	if now == nil {
		now = time.Now
	}
	_, sign := o.Replica(s).Signer()
	au := passwordAuth{pw: password, kdf: kdf, regSalt: loginSalt(sign, creds.Office, login)}
	r := &run{o: o, s: s, creds: creds, cl: cl, login: login, au: au,
		now: now, rescan: opt.Rescan, renewed: opt.Renewed, progress: opt.Progress}
	res, err := r.once(ctx)
	if err == nil && r.webErr != nil && opt.WebBooking != nil {
		opt.WebBooking(r.webErr)
	}
	if err == nil && r.purgeErr != nil && opt.Erasure != nil {
		opt.Erasure(r.purgeErr)
	}
	return res, err
}

// WipeRevoked handles err of a sync: when the server says this device was
// revoked and sends the signed user table that lists it, and the table
// verifies with the admin key pinned in the logged-in person's bundle
// (office.RevokedBy), it closes o and wipes the PC's vault (store and
// keyring, office.Wipe) and its device credentials (syncclient.Forget),
// and reports true. A refusal without a verified admin's signature wipes
// nothing. before, when set, is called after the check and before o is
// closed (the window ends its session there).
func WipeRevoked(ctx context.Context, o *office.Office, s *office.Session, device string, err error, before func()) (bool, error) {
	var re *syncclient.RevokedError
	if !errors.As(err, &re) || len(re.Table) == 0 {
		return false, nil
	}
	ok, verr := o.RevokedBy(ctx, s, re.Table, device)
	if verr != nil || !ok {
		return false, nil
	}
	if before != nil {
		before()
	}
	dir := o.Dir()
	if cerr := o.Close(); cerr != nil {
		return false, fmt.Errorf("close the revoked vault: %w", cerr)
	}
	if werr := office.Wipe(dir); werr != nil {
		return false, werr
	}
	if werr := syncclient.Forget(dir); werr != nil {
		return false, werr
	}
	return true, nil
}

package server

import (
	"bytes"
	"context"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Paths of the login endpoints (all need the device's certificate).
const (
	PathLoginSalt = "/v1/login/salt"
	PathLogin     = "/v1/login"
	PathSession   = "/v1/session"
	PathLogins    = "/v1/logins"
)

// MaxLoginRequest is the largest body of a login request, in bytes.
const MaxLoginRequest = 4 << 10

// Defaults of the login settings of a Server.
const (
	SessionTTL             = 15 * time.Minute
	DefaultLoginPerMinute  = 5
	DefaultDevicePerMinute = 20
	authKeySize            = vault.KeySize
	tokenSize              = 32
)

// DefaultVerifierKDF is the server's slow hash of an auth key: Argon2id,
// t=2, 19 MiB, one lane. The auth key is itself the output of Argon2id of
// the password, so this hash adds its cost to a guess made from a stolen
// store. Treat it as a constant.
var DefaultVerifierKDF = vault.KDFParams{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}

// Reasons of a login refusal.
const (
	ReasonLoginFailed    = "login_failed"    // wrong login or auth key, alike
	ReasonLoginLocked    = "login_locked"    // too many failures; Retry-After says until when
	ReasonRateLimited    = "rate_limited"    // HTTP 429 with Retry-After
	ReasonSessionInvalid = "session_invalid" // unknown, expired, or of another device
	ReasonForbidden      = "forbidden"
)

// LoginSaltRequest is the body of POST /v1/login/salt.
type LoginSaltRequest struct {
	Login string `json:"login"`
}

// LoginSaltResponse tells a client how to derive the login's auth key
// (vault.DeriveLoginKey). An unknown login gets the same shape: a salt
// that is stable for it and the default parameters.
type LoginSaltResponse struct {
	Salt []byte          `json:"salt"`
	KDF  vault.KDFParams `json:"kdf"`
}

// LoginRequest is the body of POST /v1/login.
type LoginRequest struct {
	Login   string `json:"login"`
	AuthKey []byte `json:"auth_key"`
}

// LoginResponse is a session: a bearer token valid until Expires, only
// on a connection with the certificate of the device that logged in.
type LoginResponse struct {
	Token   []byte    `json:"token"`
	Expires time.Time `json:"expires"`
	Admin   bool      `json:"admin"`
}

// SessionResponse is the answer to GET /v1/session.
type SessionResponse struct {
	Login   string    `json:"login"`
	Device  string    `json:"device"`
	Expires time.Time `json:"expires"`
	Admin   bool      `json:"admin"`
}

// SetLoginRequest is the body of POST /v1/logins: a new login or a new
// password. An admin's session may set any login; anyone else's only its
// own, and not as an admin.
type SetLoginRequest struct {
	Login   string          `json:"login"`
	Salt    []byte          `json:"salt"`
	KDF     vault.KDFParams `json:"kdf"`
	AuthKey []byte          `json:"auth_key"`
	Admin   bool            `json:"admin"`
}

// decodeStrict reads one JSON object of at most max bytes with known
// fields and nothing after it.
func decodeStrict(body io.Reader, max int, v any) error {
	raw, err := io.ReadAll(io.LimitReader(body, int64(max)+1))
	if err != nil {
		return err
	}
	if len(raw) > max {
		return fmt.Errorf("request over %d bytes", max)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("request: %v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return errors.New("data after the request")
	}
	return nil
}

// DecodeLoginSaltRequest reads a salt request strictly (a valid login).
func DecodeLoginSaltRequest(body io.Reader) (LoginSaltRequest, error) {
	var req LoginSaltRequest
	if err := decodeStrict(body, MaxLoginRequest, &req); err != nil {
		return req, err
	}
	return req, central.CheckLogin(req.Login)
}

// DecodeLoginRequest reads a login request strictly: a valid login and a
// 32-byte auth key.
func DecodeLoginRequest(body io.Reader) (LoginRequest, error) {
	var req LoginRequest
	if err := decodeStrict(body, MaxLoginRequest, &req); err != nil {
		return req, err
	}
	if err := central.CheckLogin(req.Login); err != nil {
		return req, err
	}
	if len(req.AuthKey) != authKeySize {
		return req, fmt.Errorf("auth key of %d bytes", len(req.AuthKey))
	}
	return req, nil
}

// DecodeSetLoginRequest reads a set-login request strictly: a valid login,
// a 16-byte salt, parameters within the vault's caps and a 32-byte auth
// key.
func DecodeSetLoginRequest(body io.Reader) (SetLoginRequest, error) {
	var req SetLoginRequest
	if err := decodeStrict(body, MaxLoginRequest, &req); err != nil {
		return req, err
	}
	if err := central.CheckLogin(req.Login); err != nil {
		return req, err
	}
	if len(req.Salt) != vault.LoginSaltSize || !req.KDF.Valid() || len(req.AuthKey) != authKeySize {
		return req, fmt.Errorf("salt of %d bytes, auth key of %d, kdf %+v", len(req.Salt), len(req.AuthKey), req.KDF)
	}
	return req, nil
}

// verifier is what the store keeps of a login, as its opaque verifier:
//
//	"MLV1" | u8 flags (1: admin) | client kdf (u32 time, u32 memory_kib, u8 threads) | salt (16)
//	       | server kdf (the same layout) | server salt (16) | hash (32)
//
// The client's salt and parameters are what the salt endpoint gives out;
// hash = Argon2id(auth key, server salt, server kdf), 32 bytes.
type verifier struct {
	admin     bool
	kdf       vault.KDFParams
	salt      [vault.LoginSaltSize]byte
	serverKDF vault.KDFParams
	ssalt     [16]byte
	hash      [32]byte
}

const verifierMagic = "MLV1"
const verifierSize = 4 + 1 + 9 + 16 + 9 + 16 + 32

func putKDF(b []byte, p vault.KDFParams) []byte {
	b = binary.BigEndian.AppendUint32(b, p.Time)
	b = binary.BigEndian.AppendUint32(b, p.MemoryKiB)
	return append(b, p.Threads)
}

func getKDF(b []byte) vault.KDFParams {
	return vault.KDFParams{Time: binary.BigEndian.Uint32(b), MemoryKiB: binary.BigEndian.Uint32(b[4:]), Threads: b[8]}
}

func (v verifier) encode() []byte {
	b := make([]byte, 0, verifierSize)
	b = append(b, verifierMagic...)
	flags := byte(0)
	if v.admin {
		flags = 1
	}
	b = append(b, flags)
	b = putKDF(b, v.kdf)
	b = append(b, v.salt[:]...)
	b = putKDF(b, v.serverKDF)
	b = append(b, v.ssalt[:]...)
	return append(b, v.hash[:]...)
}

func decodeVerifier(b []byte) (verifier, error) {
	var v verifier
	if len(b) != verifierSize || string(b[:4]) != verifierMagic || b[4] > 1 {
		return v, fmt.Errorf("login verifier of %d bytes: %w", len(b), central.ErrCorrupt)
	}
	v.admin = b[4] == 1
	v.kdf = getKDF(b[5:])
	copy(v.salt[:], b[14:])
	v.serverKDF = getKDF(b[30:])
	copy(v.ssalt[:], b[39:])
	copy(v.hash[:], b[55:])
	if !v.kdf.Valid() || !v.serverKDF.Valid() {
		return v, fmt.Errorf("login verifier with parameters out of range: %w", central.ErrCorrupt)
	}
	return v, nil
}

// session is a live login session.
type session struct {
	device, login string
	admin         bool
	expires       time.Time
}

// bucket is a token bucket: up to perMinute tokens, refilled at
// perMinute a minute.
type bucket struct {
	tokens float64
	last   time.Time
}

// loginState is the server's memory of sessions and rate limits. With
// several server processes on one database each keeps its own: a client
// keeps its session with the process it logged in to, and the limits are
// per process (the store's lockout is shared).
type loginState struct {
	once     sync.Once
	mu       sync.Mutex
	sessions map[[32]byte]session // by SHA-256 of the token
	buckets  map[string]*bucket
	hashSem  chan struct{}
	// onHash, when set (tests), is called at each slow hash.
	onHash func()
}

func (s *Server) state() *loginState {
	s.login.once.Do(func() {
		s.login.sessions = map[[32]byte]session{}
		s.login.buckets = map[string]*bucket{}
		s.login.hashSem = make(chan struct{}, max(1, runtime.NumCPU()))
	})
	return &s.login
}

func (s *Server) loginKDF() vault.KDFParams {
	if s.LoginKDF != (vault.KDFParams{}) {
		return s.LoginKDF
	}
	return vault.DefaultKDF
}

func (s *Server) verifierKDF() vault.KDFParams {
	if s.VerifierKDF != (vault.KDFParams{}) {
		return s.VerifierKDF
	}
	return DefaultVerifierKDF
}

func (s *Server) lockout() central.Lockout {
	if s.Lockout != (central.Lockout{}) {
		return s.Lockout
	}
	return central.DefaultLockout
}

func (s *Server) sessionTTL() time.Duration {
	if s.SessionTTL > 0 {
		return s.SessionTTL
	}
	return SessionTTL
}

// secret derives a key of the server's own from its CA key: the same in
// every process that serves the identity, and across restarts.
func (id *Identity) secret(info string) []byte {
	k, err := hkdf.Key(sha256.New, id.caKey.Seed(), nil, info, 32)
	if err != nil {
		panic("server: hkdf: " + err.Error())
	}
	return k
}

// keyed returns HMAC-SHA256(secret(info), office | 0 | login).
func (s *Server) keyed(info, login string) []byte {
	m := hmac.New(sha256.New, s.ID.secret(info))
	m.Write([]byte(s.ID.Office))
	m.Write([]byte{0})
	m.Write([]byte(login))
	return m.Sum(nil)
}

// fakeSalt is the salt an unknown login is given: stable for the login,
// different for each, and not telling it from a real one.
func (s *Server) fakeSalt(login string) []byte {
	return s.keyed("madoguchi fake login salt v1", login)[:vault.LoginSaltSize]
}

// loginTag names a login in the server's log without its text.
func (s *Server) loginTag(login string) string {
	return hex.EncodeToString(s.keyed("madoguchi login log tag v1", login)[:8])
}

// slowHash is Argon2id(key, salt, p), at most one per CPU at a time (each
// takes p.MemoryKiB of memory).
func (s *Server) slowHash(key, salt []byte, p vault.KDFParams) []byte {
	st := s.state()
	st.hashSem <- struct{}{}
	defer func() { <-st.hashSem }()
	if st.onHash != nil {
		st.onHash()
	}
	return argon2.IDKey(key, salt, p.Time, p.MemoryKiB, p.Threads, 32)
}

// SetLogin stores the verifier of login's auth key, derived by the client
// with salt and p (vault.DeriveLoginKey); admin marks a login whose
// sessions may set other logins. It is the operator's way to register
// the first admin, and what POST /v1/logins does.
func (s *Server) SetLogin(ctx context.Context, login string, salt []byte, p vault.KDFParams, authKey []byte, admin bool) error {
	if err := central.CheckLogin(login); err != nil {
		return err
	}
	v, err := s.makeVerifier(salt, p, authKey, admin)
	if err != nil {
		return err
	}
	return s.Store.SetLogin(ctx, s.ID.Office, login, v)
}

// allow takes a token from the bucket key (perMinute a minute, as many at
// once); when it is empty it returns how long until the next.
func (s *Server) allow(key string, perMinute int, now time.Time) (bool, time.Duration) {
	if perMinute <= 0 {
		return true, 0
	}
	st := s.state()
	st.mu.Lock()
	defer st.mu.Unlock()
	rate := float64(perMinute) / float64(time.Minute)
	b := st.buckets[key]
	if b == nil {
		if len(st.buckets) >= 1<<14 {
			s.pruneBuckets(now)
		}
		b = &bucket{tokens: float64(perMinute), last: now}
		st.buckets[key] = b
	}
	if el := now.Sub(b.last); el > 0 {
		b.tokens = math.Min(float64(perMinute), b.tokens+float64(el)*rate)
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	return false, time.Duration((1 - b.tokens) / rate)
}

// pruneBuckets forgets the buckets that are full again (st.mu held).
func (s *Server) pruneBuckets(now time.Time) {
	for k, b := range s.login.buckets {
		if now.Sub(b.last) >= time.Minute {
			delete(s.login.buckets, k)
		}
	}
}

func retryAfter(w http.ResponseWriter, d time.Duration) {
	w.Header().Set("Retry-After", strconv.Itoa(max(1, int(math.Ceil(d.Seconds())))))
}

func (s *Server) rateLimited(w http.ResponseWriter, device, login string, now time.Time) bool {
	per := func(v, def int) int {
		if v != 0 {
			return v
		}
		return def
	}
	ok, wait := s.allow("d\x00"+device, per(s.DevicePerMinute, DefaultDevicePerMinute), now)
	if ok && login != "" {
		ok, wait = s.allow("l\x00"+login, per(s.LoginPerMinute, DefaultLoginPerMinute), now)
	}
	if ok {
		return false
	}
	if login == "" {
		s.logf("login rate limited: %s device %s", now.UTC().Format(time.RFC3339), device)
	} else {
		s.logf("login rate limited: %s device %s login %s", now.UTC().Format(time.RFC3339), device, s.loginTag(login))
	}
	retryAfter(w, wait)
	refuse(w, http.StatusTooManyRequests, ReasonRateLimited)
	return true
}

func (s *Server) loginSalt(w http.ResponseWriter, r *http.Request, device string) {
	req, err := DecodeLoginSaltRequest(http.MaxBytesReader(w, r.Body, MaxLoginRequest))
	if err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	if s.rateLimited(w, device, "", s.now()) {
		return
	}
	l, err := s.Store.Login(r.Context(), s.ID.Office, req.Login)
	switch {
	case errors.Is(err, central.ErrNotFound):
		reply(w, LoginSaltResponse{Salt: s.fakeSalt(req.Login), KDF: s.loginKDF()})
		return
	case err != nil:
		s.logf("login salt: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	v, err := decodeVerifier(l.Verifier)
	if err != nil {
		s.logf("login salt: login %s: %v", s.loginTag(req.Login), err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	reply(w, LoginSaltResponse{Salt: v.salt[:], KDF: v.kdf})
}

// loginFailure logs a failed login: the time, the device and the login's
// tag, never what was sent.
func (s *Server) loginFailure(now time.Time, device, login, why string) {
	s.logf("login failed: %s device %s login %s: %s", now.UTC().Format(time.RFC3339), device, s.loginTag(login), why)
}

func (s *Server) doLogin(w http.ResponseWriter, r *http.Request, device string) {
	req, err := DecodeLoginRequest(http.MaxBytesReader(w, r.Body, MaxLoginRequest))
	if err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	now := s.now()
	if s.rateLimited(w, device, req.Login, now) {
		return
	}
	ctx := r.Context()
	l, err := s.Store.Login(ctx, s.ID.Office, req.Login)
	known := err == nil
	if err != nil && !errors.Is(err, central.ErrNotFound) {
		s.logf("login: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	var v verifier
	if known {
		if v, err = decodeVerifier(l.Verifier); err != nil {
			s.logf("login: login %s: %v", s.loginTag(req.Login), err)
			refuse(w, http.StatusInternalServerError, ReasonInternal)
			return
		}
	} else {
		// An unknown login costs the same slow hash as a known one.
		v.serverKDF = s.verifierKDF()
		copy(v.ssalt[:], s.fakeSalt(req.Login))
	}
	sum := s.slowHash(req.AuthKey, v.ssalt[:], v.serverKDF)
	match := subtle.ConstantTimeCompare(sum, v.hash[:]) == 1 && known
	if known && l.Locked(now) {
		// Not counted: attempts during a lockout do not lengthen it.
		s.loginFailure(now, device, req.Login, "locked")
		retryAfter(w, l.LockedUntil.Sub(now))
		refuse(w, http.StatusForbidden, ReasonLoginLocked)
		return
	}
	if !match {
		s.loginFailure(now, device, req.Login, "wrong login or auth key")
		if known {
			l, err = s.Store.LoginFailed(ctx, s.ID.Office, req.Login, now, s.lockout())
			if err != nil {
				s.logf("login: counting a failure: %v", err)
			} else if l.Locked(now) {
				s.logf("login locked: %s login %s until %s after %d failures", now.UTC().Format(time.RFC3339),
					s.loginTag(req.Login), l.LockedUntil.Format(time.RFC3339), l.Failures)
			}
		}
		refuse(w, http.StatusUnauthorized, ReasonLoginFailed)
		return
	}
	if l.Failures > 0 {
		if err := s.Store.LoginSucceeded(ctx, s.ID.Office, req.Login); err != nil {
			s.logf("login: clearing failures: %v", err)
			refuse(w, http.StatusInternalServerError, ReasonInternal)
			return
		}
	}
	tok := make([]byte, tokenSize)
	if _, err := rand.Read(tok); err != nil {
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	exp := now.Add(s.sessionTTL())
	st := s.state()
	st.mu.Lock()
	for k, se := range st.sessions { // drop the expired ones
		if !now.Before(se.expires) {
			delete(st.sessions, k)
		}
	}
	st.sessions[sha256.Sum256(tok)] = session{device: device, login: req.Login, admin: v.admin, expires: exp}
	st.mu.Unlock()
	s.logf("login: device %s login %s", device, s.loginTag(req.Login))
	reply(w, LoginResponse{Token: tok, Expires: exp, Admin: v.admin})
}

// withSession serves a request that carries a session token
// ("Authorization: Bearer <base64url>") of a live session of this device.
func (s *Server) withSession(h func(w http.ResponseWriter, r *http.Request, se session)) func(http.ResponseWriter, *http.Request, string) {
	return func(w http.ResponseWriter, r *http.Request, device string) {
		text, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		tok, err := base64.RawURLEncoding.Strict().DecodeString(text)
		if !ok || err != nil || len(tok) != tokenSize {
			refuse(w, http.StatusUnauthorized, ReasonSessionInvalid)
			return
		}
		key := sha256.Sum256(tok)
		now := s.now()
		st := s.state()
		st.mu.Lock()
		se, ok := st.sessions[key]
		if ok && !now.Before(se.expires) {
			delete(st.sessions, key)
			ok = false
		}
		st.mu.Unlock()
		if !ok {
			refuse(w, http.StatusUnauthorized, ReasonSessionInvalid)
			return
		}
		if se.device != device {
			s.logf("session of device %s presented by device %s: refused", se.device, device)
			refuse(w, http.StatusUnauthorized, ReasonSessionInvalid)
			return
		}
		// A login deleted meanwhile (its person removed from the table, on
		// this server process or another) ends its sessions at once.
		if _, err := s.Store.Login(r.Context(), s.ID.Office, se.login); errors.Is(err, central.ErrNotFound) {
			st.mu.Lock()
			delete(st.sessions, key)
			st.mu.Unlock()
			refuse(w, http.StatusUnauthorized, ReasonSessionInvalid)
			return
		} else if err != nil {
			s.logf("session: %v", err)
			refuse(w, http.StatusInternalServerError, ReasonInternal)
			return
		}
		h(w, r, se)
	}
}

func (s *Server) sessionInfo(w http.ResponseWriter, _ *http.Request, se session) {
	reply(w, SessionResponse{Login: se.login, Device: se.device, Expires: se.expires, Admin: se.admin})
}

func (s *Server) setLogin(w http.ResponseWriter, r *http.Request, se session) {
	req, err := DecodeSetLoginRequest(http.MaxBytesReader(w, r.Body, MaxLoginRequest))
	if err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	if !se.admin && (req.Login != se.login || req.Admin) {
		s.logf("set login refused: device %s login %s is not an admin", se.device, s.loginTag(se.login))
		refuse(w, http.StatusForbidden, ReasonForbidden)
		return
	}
	if err := s.SetLogin(r.Context(), req.Login, req.Salt, req.KDF, req.AuthKey, req.Admin); err != nil {
		s.logf("set login: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	s.logf("login %s set by login %s on device %s (admin %v)", s.loginTag(req.Login), s.loginTag(se.login), se.device, req.Admin)
	reply(w, struct{}{})
}

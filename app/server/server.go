package server

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Paths of the protocol.
const (
	PathEnroll = "/v1/enroll"
	PathPing   = "/v1/ping"
)

// MaxEnrollRequest is the largest body of an enroll request, in bytes.
const MaxEnrollRequest = 16 << 10

// enrollReadTimeout is how long an enroll request's body may take.
const enrollReadTimeout = 30 * time.Second

// EnrollRequest is the body of POST /v1/enroll.
type EnrollRequest struct {
	Token []byte `json:"token"` // the code's 32-byte token
	CSR   []byte `json:"csr"`   // DER certificate request, signed by the device's key
	Name  string `json:"name"`  // the device's display name
}

// EnrollResponse is the answer to a successful enroll.
type EnrollResponse struct {
	Cert   []byte `json:"cert"`   // DER client certificate
	CA     []byte `json:"ca"`     // DER certificate of the office CA
	Device string `json:"device"` // the device id
	Office string `json:"office"` // the office id
	Name   string `json:"name"`   // the office name
}

// PingResponse is the answer to GET /v1/ping.
type PingResponse struct {
	Name   string `json:"name"`
	Office string `json:"office"`
	Device string `json:"device"`
}

// ErrorResponse is the body of every refusal: a code a client maps to its
// sentinels (see the Reason constants).
type ErrorResponse struct {
	Error string `json:"error"`
	// Table, with ReasonRevoked, is the office's signed user table that
	// lists the device as revoked: the device checks the admin's signature
	// before it wipes its store.
	Table []byte `json:"table,omitempty"`
}

// Reasons of a refusal.
const (
	ReasonTokenUnknown = "token_unknown"
	ReasonTokenUsed    = "token_used"
	ReasonTokenExpired = "token_expired"
	ReasonBadRequest   = "bad_request"
	ReasonNoCert       = "certificate_required"
	ReasonRevoked      = "device_revoked" // the device is to wipe its store
	ReasonInternal     = "internal"
)

// Server serves the channel for one office.
type Server struct {
	ID    *Identity
	Store central.Store
	// Now is the clock (tests); nil means time.Now.
	Now func() time.Time
	// Log receives refusals and failures; nil discards them. It never
	// receives a token.
	Log *log.Logger
	// Validity of new client certificates; zero means DeviceValidity.
	Validity time.Duration

	// LoginKDF are the Argon2id parameters the salt endpoint gives for an
	// unknown login (zero: vault.DefaultKDF); a client registering a login
	// should use them too, so that the two look alike.
	LoginKDF vault.KDFParams
	// VerifierKDF is the server's slow hash of auth keys (zero:
	// DefaultVerifierKDF).
	VerifierKDF vault.KDFParams
	// Lockout is the policy after failed logins (zero:
	// central.DefaultLockout).
	Lockout central.Lockout
	// LoginPerMinute and DevicePerMinute limit login attempts per login
	// and per device (zero: the defaults; negative: no limit).
	LoginPerMinute, DevicePerMinute int
	// SessionTTL is the life of a session (zero: SessionTTL).
	SessionTTL time.Duration
	// StreamPageTimeout is how long a device may take to receive one page
	// of a pull stream before the server ends it (zero: a minute).
	StreamPageTimeout time.Duration

	login loginState
}

func (s *Server) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Server) logf(format string, args ...any) {
	if s.Log != nil {
		s.Log.Printf(format, args...)
	}
}

// TLSConfig is the server's TLS: 1.3 only; a client certificate is
// verified against the office CA whenever one is sent, and the handshake
// is refused unless the certificate names this office and its device is
// enrolled with exactly this certificate. Only the enroll endpoint serves
// a connection without a certificate. A revoked device still completes
// the handshake so that every request can tell it it was revoked (and is
// to wipe its store); it gets nothing else.
func (s *Server) TLSConfig() *tls.Config {
	pool := x509.NewCertPool()
	pool.AddCert(s.ID.CA)
	return &tls.Config{
		MinVersion:   tls.VersionTLS13,
		MaxVersion:   tls.VersionTLS13,
		Certificates: []tls.Certificate{s.ID.Cert},
		ClientAuth:   tls.VerifyClientCertIfGiven,
		ClientCAs:    pool,
		Time:         s.Now,
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return nil // the handlers refuse all but enroll
			}
			d, err := s.device(context.Background(), cs.PeerCertificates[0], true)
			if err != nil {
				// The certificate a renewal replaced opens a connection
				// for asking that renewal again (renewing), and every
				// other request on it is refused.
				if _, perr := s.previousCert(context.Background(), cs.PeerCertificates[0]); perr == nil {
					s.logf("device connected with the certificate its renewal replaced: only the renewal is answered")
					return nil
				}
				s.logf("refused client certificate: %v", err)
				return err
			}
			if d.Revoked {
				s.logf("revoked device %s connected", d.ID)
			}
			return nil
		},
	}
}

// device looks the certificate's device up and checks that it is the
// enrolled one; with touch it records the contact of a device that is not
// revoked (once per connection: a write per request would cost a disk sync
// each).
func (s *Server) device(ctx context.Context, c *x509.Certificate, touch bool) (central.Device, error) {
	if len(c.Subject.Organization) != 1 || c.Subject.Organization[0] != s.ID.Office {
		return central.Device{}, fmt.Errorf("certificate of another office")
	}
	ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	d, err := s.Store.Device(ctx, s.ID.Office, c.Subject.CommonName)
	if err != nil {
		return central.Device{}, fmt.Errorf("device %q: %w", c.Subject.CommonName, err)
	}
	sum := sha256.Sum256(c.Raw)
	if string(d.CertSHA256) != string(sum[:]) {
		return central.Device{}, fmt.Errorf("device %s: not its enrolled certificate", d.ID)
	}
	if d.Revoked || !touch {
		return d, nil
	}
	if err := s.Store.Touch(ctx, s.ID.Office, d.ID, s.now()); errors.Is(err, central.ErrRevoked) {
		d.Revoked = true
	} else if err != nil {
		return central.Device{}, fmt.Errorf("device %s: %w", d.ID, err)
	}
	return d, nil
}

// Handler serves the protocol's endpoints.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST "+PathEnroll, s.enroll)
	mux.HandleFunc("GET "+PathPing, s.authenticated(s.ping))
	mux.HandleFunc("POST "+PathRenew, s.renewing)
	mux.HandleFunc("POST "+PathLoginSalt, s.authenticated(s.loginSalt))
	mux.HandleFunc("POST "+PathLogin, s.authenticated(s.doLogin))
	mux.HandleFunc("GET "+PathSession, s.authenticated(s.withSession(s.sessionInfo)))
	mux.HandleFunc("POST "+PathLogins, s.authenticated(s.withSession(s.setLogin)))
	mux.HandleFunc("POST "+PathFirstAdmin, s.authenticated(s.firstAdmin))
	mux.HandleFunc("GET "+PathDevices, s.authenticated(s.withSession(s.listDevices)))
	mux.HandleFunc("POST "+PathDeviceRevoke, s.authenticated(s.withSession(s.revokeDevice)))
	mux.HandleFunc("POST "+PathCodes, s.authenticated(s.withSession(s.issueCode)))
	mux.HandleFunc("POST "+PathRegister, s.authenticated(s.register))
	mux.HandleFunc("POST "+PathPush, s.authenticated(s.withSession(s.push)))
	mux.HandleFunc("GET "+PathPull, s.authenticated(s.withSession(s.pull)))
	mux.HandleFunc("GET "+PathTable, s.authenticated(s.getTable))
	mux.HandleFunc("PUT "+PathTable, s.authenticated(s.withSession(s.putTable)))
	mux.HandleFunc("POST "+PathPurge, s.authenticated(s.withSession(s.purgeOrder)))
	mux.HandleFunc("PUT "+bookingproto.PathPublish, s.authenticated(s.withSession(s.publishBooking)))
	mux.HandleFunc("GET "+bookingproto.PathRequests, s.authenticated(s.withSession(s.bookingRequests)))
	mux.HandleFunc("POST "+bookingproto.PathStatus, s.authenticated(s.withSession(s.bookingStatus)))
	return mux
}

// authenticated serves a request only on a connection with a verified
// client certificate of a device that is enrolled and, checked again at
// each request (a revocation also ends a kept-alive connection's service),
// not revoked; a revoked device is told so (ReasonRevoked).
func (s *Server) authenticated(h func(w http.ResponseWriter, r *http.Request, device string)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.TLS == nil || len(r.TLS.VerifiedChains) == 0 || len(r.TLS.PeerCertificates) == 0 {
			refuse(w, http.StatusUnauthorized, ReasonNoCert)
			return
		}
		d, err := s.device(r.Context(), r.TLS.PeerCertificates[0], false)
		if err != nil {
			s.logf("refused request: %v", err)
			refuse(w, http.StatusUnauthorized, ReasonNoCert)
			return
		}
		if d.Revoked {
			s.refuseRevoked(w, r, d.ID)
			return
		}
		h(w, r, d.ID)
	}
}

func (s *Server) ping(w http.ResponseWriter, _ *http.Request, device string) {
	reply(w, PingResponse{Name: s.ID.Name, Office: s.ID.Office, Device: device})
}

// refuseRevoked answers a revoked device, with the signed table that says
// so when the office's table lists it.
func (s *Server) refuseRevoked(w http.ResponseWriter, r *http.Request, device string) {
	resp := ErrorResponse{Error: ReasonRevoked}
	if t, err := s.Store.Table(r.Context(), s.ID.Office); err == nil {
		if ut, err := vault.VerifySignedTable(t.Data, nil); err == nil && ut.IsRevoked(device) {
			resp.Table = t.Data
		}
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusForbidden)
	_ = json.NewEncoder(w).Encode(resp)
}

func refuse(w http.ResponseWriter, status int, reason string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(ErrorResponse{Error: reason})
}

func reply(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// DecodeEnrollRequest reads an enroll request strictly: one JSON object of
// at most MaxEnrollRequest bytes with known fields, a 32-byte token, a CSR
// whose signature verifies over an Ed25519 or ECDSA P-256 key, and a
// device name within the store's limits. It returns the CSR's public key.
func DecodeEnrollRequest(body io.Reader) (EnrollRequest, any, error) {
	var req EnrollRequest
	raw, err := io.ReadAll(io.LimitReader(body, MaxEnrollRequest+1))
	if err != nil {
		return req, nil, err
	}
	if len(raw) > MaxEnrollRequest {
		return req, nil, fmt.Errorf("request over %d bytes", MaxEnrollRequest)
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, nil, fmt.Errorf("request: %v", err)
	}
	if dec.More() {
		return req, nil, errors.New("data after the request")
	}
	if _, err := dec.Token(); err != io.EOF {
		return req, nil, errors.New("data after the request")
	}
	if len(req.Token) != 32 {
		return req, nil, fmt.Errorf("token of %d bytes", len(req.Token))
	}
	if err := central.CheckDevice(central.Device{ID: "x", Name: req.Name, CertSHA256: make([]byte, 32)}); err != nil {
		return req, nil, err
	}
	csr, err := x509.ParseCertificateRequest(req.CSR)
	if err != nil {
		return req, nil, fmt.Errorf("csr: %v", err)
	}
	if err := csr.CheckSignature(); err != nil {
		return req, nil, fmt.Errorf("csr signature: %v", err)
	}
	switch k := csr.PublicKey.(type) {
	case ed25519.PublicKey:
	case *ecdsa.PublicKey:
		if k.Curve != elliptic.P256() {
			return req, nil, errors.New("csr: ECDSA key not on P-256")
		}
	default:
		return req, nil, fmt.Errorf("csr: %T key", csr.PublicKey)
	}
	return req, csr.PublicKey, nil
}

func (s *Server) enroll(w http.ResponseWriter, r *http.Request) {
	// The body is small: a client that drips it is cut off.
	_ = http.NewResponseController(w).SetReadDeadline(time.Now().Add(enrollReadTimeout))
	req, pub, err := DecodeEnrollRequest(http.MaxBytesReader(w, r.Body, MaxEnrollRequest))
	if err != nil {
		s.logf("enroll: bad request: %v", err)
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	device, err := randomID("d-")
	if err != nil {
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	now := s.now()
	validity := s.Validity
	if validity == 0 {
		validity = DeviceValidity
	}
	der, err := s.ID.IssueDevice(pub, device, now, validity)
	if err != nil {
		s.logf("enroll: issuing: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	sum := sha256.Sum256(der)
	var tok [32]byte
	copy(tok[:], req.Token)
	_, err = s.Store.Enroll(r.Context(), TokenHash(tok), central.Device{
		Office: s.ID.Office, ID: device, Name: req.Name, CertSHA256: sum[:], Cert: der, Created: now,
	}, now)
	switch {
	case err == nil:
	case errors.Is(err, central.ErrNotFound):
		s.logf("enroll refused: %v", err)
		refuse(w, http.StatusForbidden, ReasonTokenUnknown)
		return
	case errors.Is(err, central.ErrTokenUsed):
		s.logf("enroll refused: %v", err)
		refuse(w, http.StatusForbidden, ReasonTokenUsed)
		return
	case errors.Is(err, central.ErrTokenExpired):
		s.logf("enroll refused: %v", err)
		refuse(w, http.StatusForbidden, ReasonTokenExpired)
		return
	default:
		s.logf("enroll: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	s.logf("enrolled device %s", device)
	reply(w, EnrollResponse{Cert: der, CA: s.ID.CA.Raw, Device: device, Office: s.ID.Office, Name: s.ID.Name})
}

// Serve serves on ln until ctx ends, then shuts down gracefully (waiting
// up to 10 s for requests in flight).
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		TLSConfig:         s.TLSConfig(),
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          s.Log,
	}
	if hs.ErrorLog == nil {
		hs.ErrorLog = log.New(io.Discard, "", 0)
	}
	done := make(chan error, 1)
	go func() { done <- hs.ServeTLS(ln, "", "") }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-done; !errors.Is(serr, http.ErrServerClosed) && err == nil {
		err = serr
	}
	return err
}

package server

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"net/http"
	"slices"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// PathRegister is where a person registers their own server login.
const PathRegister = "/v1/login/register"

// Reasons of a refused registration.
const (
	ReasonRegisterRefused = "register_refused" // not in the table, disabled, or the signature does not verify
)

// RegisterSkew is how far a registration's time may be from the server's.
const RegisterSkew = 10 * time.Minute

// RegisterRequest is the body of POST /v1/login/register: a person sets
// their own server login (the first time on the server, or after a new
// password) from an enrolled PC, without an admin. They prove who they are
// with the signing key of their bundle, which only their password opens:
// Sig is their Ed25519 signature over RegisterMessage, checked against
// their key in the office's signed user table that the server keeps. The
// admin flag of the login comes from the table's roles.
type RegisterRequest struct {
	Login   string          `json:"login"`
	Salt    []byte          `json:"salt"`
	KDF     vault.KDFParams `json:"kdf"`
	AuthKey []byte          `json:"auth_key"`
	At      int64           `json:"at"` // Unix milliseconds
	Sig     []byte          `json:"sig"`
}

const registerDomain = "madoguchi login register v1\x00"

// RegisterMessage is what a registration's signature covers: the office
// and device (so it cannot be replayed on another PC's connection), the
// login, the salt and parameters, a hash of the auth key and the time.
func RegisterMessage(office, device string, r RegisterRequest) []byte {
	lp := func(b []byte, s []byte) []byte { return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...) }
	m := []byte(registerDomain)
	m = lp(m, []byte(office))
	m = lp(m, []byte(device))
	m = lp(m, []byte(r.Login))
	m = lp(m, r.Salt)
	m = binary.BigEndian.AppendUint32(m, r.KDF.Time)
	m = binary.BigEndian.AppendUint32(m, r.KDF.MemoryKiB)
	m = append(m, r.KDF.Threads)
	h := sha256.Sum256(r.AuthKey)
	m = append(m, h[:]...)
	return binary.BigEndian.AppendUint64(m, uint64(r.At))
}

// DecodeRegisterRequest reads a registration strictly (fuzzed).
func DecodeRegisterRequest(body io.Reader) (RegisterRequest, error) {
	var req RegisterRequest
	if err := decodeStrict(body, MaxLoginRequest, &req); err != nil {
		return req, err
	}
	if err := central.CheckLogin(req.Login); err != nil {
		return req, err
	}
	if len(req.Salt) != vault.LoginSaltSize || !req.KDF.Valid() || len(req.AuthKey) != authKeySize || len(req.Sig) != 64 {
		return req, fmt.Errorf("salt of %d bytes, auth key of %d, signature of %d, kdf %+v", len(req.Salt), len(req.AuthKey), len(req.Sig), req.KDF)
	}
	return req, nil
}

func (s *Server) register(w http.ResponseWriter, r *http.Request, device string) {
	req, err := DecodeRegisterRequest(http.MaxBytesReader(w, r.Body, MaxLoginRequest))
	if err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	if d := s.now().Sub(time.UnixMilli(req.At)); d > RegisterSkew || d < -RegisterSkew {
		s.logf("register refused: device %s login %s: time off by %s", device, s.loginTag(req.Login), d.Round(time.Second))
		refuse(w, http.StatusForbidden, ReasonRegisterRefused)
		return
	}
	t, err := s.Store.Table(r.Context(), s.ID.Office)
	if err != nil && !errors.Is(err, central.ErrNotFound) {
		s.logf("register: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	var u *vault.TableUser
	if err == nil {
		if table, verr := vault.VerifySignedTable(t.Data, nil); verr == nil {
			if tu, ok := table.Find(req.Login); ok {
				u = &tu
			}
		}
	}
	if u == nil || u.Disabled || len(u.SignPub) == 0 || !vault.Verify(u.SignPub, RegisterMessage(s.ID.Office, device, req), req.Sig) {
		s.logf("register refused: device %s login %s: not in the table, disabled, or the signature does not verify", device, s.loginTag(req.Login))
		refuse(w, http.StatusForbidden, ReasonRegisterRefused)
		return
	}
	admin := slices.Contains(u.Roles, "admin")
	if err := s.SetLogin(r.Context(), req.Login, req.Salt, req.KDF, req.AuthKey, admin); err != nil {
		s.logf("register: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	s.logf("login %s registered itself on device %s (admin %v)", s.loginTag(req.Login), device, admin)
	reply(w, struct{}{})
}

// checkTable verifies a table offered with PUT /v1/table: with the admin
// key of the office's stored table (pinned by the first, which an admin's
// session stored), its declared serial its body's. It returns the table.
func checkTable(stored *central.Table, m TableMessage) (*vault.UserTable, error) {
	var pin []byte
	if stored != nil {
		old, err := vault.VerifySignedTable(stored.Data, nil)
		if err != nil {
			return nil, fmt.Errorf("stored table: %w", err)
		}
		pin = old.AdminPub
	}
	t, err := vault.VerifySignedTable(m.Data, pin)
	if err != nil {
		return nil, err
	}
	if t.Serial != m.Serial || (pin != nil && !bytes.Equal(t.AdminPub, pin)) {
		return nil, fmt.Errorf("table serial %d declared %d: %w", t.Serial, m.Serial, vault.ErrForged)
	}
	return t, nil
}

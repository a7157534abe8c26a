package server

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"

	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// PathFirstAdmin registers the office's first admin login, right after
// an enrollment with a first-admin token, over the new device's
// certificate.
const PathFirstAdmin = "/v1/enroll/admin"

// ReasonAdminExists refuses a first-admin registration once the office
// has an admin login.
const ReasonAdminExists = "admin_exists"

// FirstAdminRequest is the body of POST /v1/enroll/admin: the token the
// device enrolled with (it must carry the first-admin right and have
// enrolled this very device) and the admin's login verifier input, as in
// SetLoginRequest (the client derives the auth key from the password with
// vault.DeriveLoginKey; the password never leaves the PC).
type FirstAdminRequest struct {
	Token   []byte          `json:"token"`
	Login   string          `json:"login"`
	Salt    []byte          `json:"salt"`
	KDF     vault.KDFParams `json:"kdf"`
	AuthKey []byte          `json:"auth_key"`
}

// HasAdmin reports whether the office has an admin login.
func HasAdmin(ctx context.Context, st central.Store, office string) (bool, error) {
	ls, err := st.Logins(ctx, office)
	if err != nil {
		return false, err
	}
	for _, l := range ls {
		v, err := decodeVerifier(l.Verifier)
		if err != nil {
			return false, err
		}
		if v.admin {
			return true, nil
		}
	}
	return false, nil
}

// ErrAdminExists refuses a first-admin token once the office has an admin.
var ErrAdminExists = errors.New("the office has an admin login already")

func (s *Server) firstAdmin(w http.ResponseWriter, r *http.Request, device string) {
	var req FirstAdminRequest
	err := decodeStrict(http.MaxBytesReader(w, r.Body, MaxLoginRequest), MaxLoginRequest, &req)
	if err == nil {
		err = central.CheckLogin(req.Login)
	}
	if err == nil && (len(req.Token) != 32 || len(req.Salt) != vault.LoginSaltSize || !req.KDF.Valid() || len(req.AuthKey) != authKeySize) {
		err = fmt.Errorf("token of %d bytes, salt of %d, auth key of %d, kdf %+v", len(req.Token), len(req.Salt), len(req.AuthKey), req.KDF)
	}
	if err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	ctx := r.Context()
	var tok [32]byte
	copy(tok[:], req.Token)
	t, err := s.Store.Token(ctx, TokenHash(tok))
	if err != nil || !t.FirstAdmin || t.UsedBy != device || t.Office != s.ID.Office {
		s.logf("first admin refused: device %s: not enrolled with a first-admin token", device)
		refuse(w, http.StatusForbidden, ReasonForbidden)
		return
	}
	// The store adds the login only if the office has no login at all, in
	// one atomic step (also between server processes): before the first
	// admin the office has none, since every other login is set by an
	// admin's session or against the user table that only an admin
	// stores. Of two devices enrolled with two first-admin tokens that
	// register at the same moment, one gets admin_exists.
	v, err := s.makeVerifier(req.Salt, req.KDF, req.AuthKey, true)
	if err == nil {
		err = s.Store.AddFirstLogin(ctx, s.ID.Office, req.Login, v)
	}
	switch {
	case errors.Is(err, central.ErrConflict):
		s.logf("first admin refused: device %s: the office has an admin", device)
		refuse(w, http.StatusConflict, ReasonAdminExists)
		return
	case err != nil:
		s.logf("first admin: %v", err)
		refuse(w, http.StatusInternalServerError, ReasonInternal)
		return
	}
	s.logf("first admin %s registered on device %s", s.loginTag(req.Login), device)
	reply(w, struct{}{})
}

// makeVerifier makes the stored verifier of an auth key (SetLogin and the
// first admin).
func (s *Server) makeVerifier(salt []byte, p vault.KDFParams, authKey []byte, admin bool) ([]byte, error) {
	if len(salt) != vault.LoginSaltSize || !p.Valid() || len(authKey) != authKeySize {
		return nil, fmt.Errorf("salt of %d bytes, auth key of %d, kdf %+v: %w", len(salt), len(authKey), p, central.ErrInvalid)
	}
	v := verifier{admin: admin, kdf: p, serverKDF: s.verifierKDF()}
	copy(v.salt[:], salt)
	if _, err := rand.Read(v.ssalt[:]); err != nil {
		return nil, err
	}
	copy(v.hash[:], s.slowHash(authKey, v.ssalt[:], v.serverKDF))
	return v.encode(), nil
}

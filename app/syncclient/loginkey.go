package syncclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// LoginSalt asks the server for login's salt and Argon2id parameters (an
// unknown login gets a stable salt of its own and the default
// parameters, alike).
func (c *Client) LoginSalt(ctx context.Context, login string) ([]byte, vault.KDFParams, error) {
	body, err := json.Marshal(server.LoginSaltRequest{Login: login})
	if err != nil {
		return nil, vault.KDFParams{}, err
	}
	var salt server.LoginSaltResponse
	if err := call(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathLoginSalt, body, &salt); err != nil {
		return nil, vault.KDFParams{}, fmt.Errorf("login salt: %w", err)
	}
	if len(salt.Salt) != vault.LoginSaltSize || !salt.KDF.Valid() {
		return nil, vault.KDFParams{}, fmt.Errorf("salt of %d bytes, kdf %+v from the server: %w", len(salt.Salt), salt.KDF, ErrRefused)
	}
	return salt.Salt, salt.KDF, nil
}

// LoginWithKey logs login in with an auth key derived beforehand
// (vault.DeriveLoginKey with the login's salt and parameters on the
// server): the password need not be kept for it.
func (c *Client) LoginWithKey(ctx context.Context, login string, key []byte) (Session, error) {
	body, err := json.Marshal(server.LoginRequest{Login: login, AuthKey: key})
	if err != nil {
		return Session{}, err
	}
	var ans server.LoginResponse
	if err := call(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathLogin, body, &ans); err != nil {
		return Session{}, err
	}
	if len(ans.Token) != 32 {
		return Session{}, fmt.Errorf("session token of %d bytes: %w", len(ans.Token), ErrRefused)
	}
	return Session{Login: login, Token: ans.Token, Expires: ans.Expires, Admin: ans.Admin}, nil
}

// RegisterWithKey is Register with the salt, parameters and auth key
// derived beforehand (vault.DeriveLoginKey): the password need not be
// kept for it. salt must be fresh (vault.LoginSaltSize random bytes).
func (c *Client) RegisterWithKey(ctx context.Context, login string, salt []byte, p vault.KDFParams, key []byte, sign func([]byte) []byte, now time.Time) error {
	req := server.RegisterRequest{Login: login, Salt: salt, KDF: p, AuthKey: key, At: now.UnixMilli()}
	req.Sig = sign(server.RegisterMessage(c.creds.Office, c.creds.Device, req))
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	var ok struct{}
	return call(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathRegister, body, &ok)
}

// Files beside the credentials in DIR/device that are no secret: the
// server's login salts seen from this PC, and the mark of a join whose
// enrollment is not yet in the vault's access log.
const (
	saltsFile  = "login-salts.json"
	joinedFile = "joined"
)

// SavedSalt is a login's salt and Argon2id parameters on the server, as
// this PC saw them last.
type SavedSalt struct {
	Salt []byte          `json:"salt"`
	KDF  vault.KDFParams `json:"kdf"`
}

// LoadSalt returns login's salt on the server as this PC saw it last
// (SaveSalt), so that the auth key can be derived from the password at a
// login while the server cannot be reached; ok is false when none was
// saved or the file is unreadable.
func LoadSalt(dir, login string) (SavedSalt, bool) {
	m := loadSalts(dir)
	s, ok := m[login]
	if !ok || len(s.Salt) != vault.LoginSaltSize || !s.KDF.Valid() {
		return SavedSalt{}, false
	}
	return s, true
}

func loadSalts(dir string) map[string]SavedSalt {
	m := map[string]SavedSalt{}
	raw, err := os.ReadFile(filepath.Join(dir, credsDir, saltsFile))
	if err != nil || len(raw) > 1<<20 {
		return m
	}
	if json.Unmarshal(raw, &m) != nil {
		return map[string]SavedSalt{}
	}
	return m
}

// SaveSalt remembers login's salt and parameters on the server in the
// device folder of dir (mode 0600; a salt is no secret, the server gives
// it to every enrolled device). It changes nothing when they are known.
func SaveSalt(dir, login string, s SavedSalt) error {
	m := loadSalts(dir)
	if old, ok := m[login]; ok && string(old.Salt) == string(s.Salt) && old.KDF == s.KDF {
		return nil
	}
	m[login] = s
	raw, err := json.Marshal(m)
	if err != nil {
		return err
	}
	d := filepath.Join(dir, credsDir)
	if _, err := os.Stat(filepath.Join(d, infoFile)); err != nil {
		return fmt.Errorf("save login salt: %w", ErrNotEnrolled)
	}
	tmp := filepath.Join(d, saltsFile+".tmp")
	if err := writeFile(tmp, raw); err != nil {
		return fmt.Errorf("save login salt: %w", err)
	}
	if err := os.Rename(tmp, filepath.Join(d, saltsFile)); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("save login salt: %w", err)
	}
	return nil
}

// MarkJoined marks the device folder of dir as that of a PC that joined
// the office and has not yet written its enrollment into the vault's
// access log (which needs a person logged in).
func MarkJoined(dir string) error {
	if err := writeFile(filepath.Join(dir, credsDir, joinedFile), nil); err != nil {
		return fmt.Errorf("mark the join: %w", err)
	}
	return nil
}

// Joined reports whether MarkJoined marked dir and ClearJoined did not
// clear it yet.
func Joined(dir string) bool {
	_, err := os.Stat(filepath.Join(dir, credsDir, joinedFile))
	return err == nil
}

// ClearJoined removes the mark of MarkJoined.
func ClearJoined(dir string) error {
	if err := os.Remove(filepath.Join(dir, credsDir, joinedFile)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("clear the join mark: %w", err)
	}
	return nil
}

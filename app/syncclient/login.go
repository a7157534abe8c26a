package syncclient

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// Session is a login session with the server: a bearer token that the
// server accepts only from this device, until Expires.
type Session struct {
	Login   string
	Token   []byte
	Expires time.Time
	Admin   bool
}

// LoginKey asks the server for login's salt and parameters and derives
// the auth key from the password (vault.DeriveLoginKey). The password
// never leaves this function.
func (c *Client) LoginKey(ctx context.Context, login, password string) ([]byte, error) {
	salt, p, err := c.LoginSalt(ctx, login)
	if err != nil {
		return nil, err
	}
	return vault.DeriveLoginKey([]byte(password), salt, p), nil
}

// Login logs login in: salt, derivation of the auth key, login. A wrong
// login or password gives ErrLoginFailed; ErrLoginLocked and
// ErrRateLimited say to wait.
func (c *Client) Login(ctx context.Context, login, password string) (Session, error) {
	key, err := c.LoginKey(ctx, login, password)
	if err != nil {
		return Session{}, err
	}
	return c.LoginWithKey(ctx, login, key)
}

// Session asks the server what it knows of the session s.
func (c *Client) Session(ctx context.Context, s Session) (server.SessionResponse, error) {
	var ans server.SessionResponse
	err := callAuth(ctx, c.hc, http.MethodGet, c.creds.Addr, server.PathSession, s.Token, nil, &ans)
	return ans, err
}

// SetLogin registers login with password on the server (a new login, or a
// new password), under the session s: an admin's session for any login,
// anyone's for its own. A fresh salt is drawn; p are the Argon2id
// parameters (vault.DefaultKDF unless there is a reason).
func (c *Client) SetLogin(ctx context.Context, s Session, login, password string, p vault.KDFParams, admin bool) error {
	salt := make([]byte, vault.LoginSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	body, err := json.Marshal(server.SetLoginRequest{Login: login, Salt: salt, KDF: p,
		AuthKey: vault.DeriveLoginKey([]byte(password), salt, p), Admin: admin})
	if err != nil {
		return err
	}
	var ans struct{}
	return callAuth(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathLogins, s.Token, body, &ans)
}

// RegisterFirstAdmin registers login with password as the office's first
// admin, right after Enroll with codeText (whose token must carry the
// first-admin right). ErrAdminExists once the office has an admin,
// ErrForbidden for a token without the right.
func (c *Client) RegisterFirstAdmin(ctx context.Context, codeText, login, password string, p vault.KDFParams) error {
	code, err := server.ParseCode(codeText)
	if err != nil {
		return err
	}
	salt := make([]byte, vault.LoginSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	body, err := json.Marshal(server.FirstAdminRequest{Token: code.Token[:], Login: login, Salt: salt, KDF: p,
		AuthKey: vault.DeriveLoginKey([]byte(password), salt, p)})
	if err != nil {
		return err
	}
	var ans struct{}
	return call(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathFirstAdmin, body, &ans)
}

// Devices lists the office's devices (an admin's session; ErrForbidden
// otherwise).
func (c *Client) Devices(ctx context.Context, s Session) ([]server.DeviceInfo, error) {
	var ans []server.DeviceInfo
	err := callAuth(ctx, c.hc, http.MethodGet, c.creds.Addr, server.PathDevices, s.Token, nil, &ans)
	return ans, err
}

// RevokeDevice revokes a device of the office: its certificate is refused
// from its next request on (an admin's session; ErrOwnDevice for this
// device, ErrUnknownDevice for an id the office does not have).
func (c *Client) RevokeDevice(ctx context.Context, s Session, device string) error {
	body, err := json.Marshal(server.RevokeRequest{Device: device})
	if err != nil {
		return err
	}
	var ans struct{}
	return callAuth(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathDeviceRevoke, s.Token, body, &ans)
}

// Device is this client's device id.
func (c *Client) Device() string { return c.creds.Device }

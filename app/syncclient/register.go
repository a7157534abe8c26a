package syncclient

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"net/http"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// ErrRegisterRefused: the server refused a person's own registration (not
// in the office's user table on the server, disabled, or a signature that
// does not verify: the table on the server may be older than this PC's).
var ErrRegisterRefused = errors.New("registration refused by the server")

// Register sets login's own server login to password, proving who it is
// with sign, the person's Ed25519 signing function (from their bundle,
// which their password opened on this PC): no admin is needed. p are the
// Argon2id parameters of the login key.
func (c *Client) Register(ctx context.Context, login, password string, p vault.KDFParams, sign func([]byte) []byte, now time.Time) error {
	salt := make([]byte, vault.LoginSaltSize)
	if _, err := rand.Read(salt); err != nil {
		return err
	}
	req := server.RegisterRequest{Login: login, Salt: salt, KDF: p,
		AuthKey: vault.DeriveLoginKey([]byte(password), salt, p), At: now.UnixMilli()}
	req.Sig = sign(server.RegisterMessage(c.creds.Office, c.creds.Device, req))
	body, err := json.Marshal(req)
	if err != nil {
		return err
	}
	var ok struct{}
	return call(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathRegister, body, &ok)
}

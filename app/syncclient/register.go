package syncclient

import (
	"context"
	"crypto/rand"
	"errors"
	"time"

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
	return c.RegisterWithKey(ctx, login, salt, p, vault.DeriveLoginKey([]byte(password), salt, p), sign, now)
}

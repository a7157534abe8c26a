package syncclient

import (
	"context"
	"fmt"
	"net/http"

	"github.com/madoguchi-jp/madoguchi/app/purge"
	"github.com/madoguchi-jp/madoguchi/app/server"
)

// maxReceipt bounds the server's receipt of a purge order.
const maxReceipt = 4096

// Purge sends a purge order that this PC carried out (its JSON) to the
// server, which verifies it against the office's user table and erases
// the order's records from its store, and returns the server's receipt as
// sent (its JSON) once it verifies: of the office office (the vault's) and
// this order, signed by the key this PC pins of its server. A receipt that
// does not verify is ErrRefused.
func (c *Client) Purge(ctx context.Context, s Session, office string, order *purge.Order) (*purge.Receipt, []byte, error) {
	raw, err := do(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathPurge, s.Token, "application/json", order.Marshal(), maxReceipt)
	if err != nil {
		return nil, nil, fmt.Errorf("purge order %s: %w", order.Hash()[:16], err)
	}
	r, err := purge.VerifyReceipt(raw, c.creds.Pin, office, order.Hash())
	if err != nil {
		return nil, nil, fmt.Errorf("purge receipt: %v: %w", err, ErrRefused)
	}
	return r, raw, nil
}

package syncagent

import (
	"context"
	"errors"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/syncclient"
)

// purges runs the server's part of erasures after a sync under the server
// session se: every order carried out on this PC whose order version the
// server has and whose receipt is missing goes to the server, which
// verifies it and erases the order's records from its store; the
// receipt, verified with the pinned server key, is kept with the order
// (office.SetPurgeReceipt). What it could not do is tried again at the
// next sync.
func (r *run) purges(ctx context.Context, se syncclient.Session) error {
	due, err := r.o.PurgesDue(ctx, r.s)
	if err != nil {
		return fmt.Errorf("purge orders: %w", err)
	}
	var errs []error
	for _, p := range due {
		_, raw, err := r.cl.Purge(ctx, se, p.Office, p)
		if err == nil {
			err = r.o.SetPurgeReceipt(ctx, r.s, p.Hash(), raw, r.creds.Pin)
		}
		if err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

package syncagent

import (
	"context"
	"errors"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
)

// webBooking runs web booking's part of a sync under the server session
// se: the statuses set on this PC go to the server, the requests after
// this PC's cursor come in (still sealed), and the office's free slots are
// published when they changed. A session that may not read contact data
// (an administrator alone) publishes and handles nothing.
func (r *run) webBooking(ctx context.Context, se syncclient.Session) error {
	if !r.s.May(office.PermFrontDesk) {
		return nil
	}
	pending, err := r.o.PendingWebStatus(ctx, r.s)
	if err != nil {
		return err
	}
	for _, u := range pending {
		if err := r.cl.SetBookingStatus(ctx, se, u); err != nil {
			return fmt.Errorf("send the status of %s: %w", u.Ref, err)
		}
		if err := r.o.WebStatusSent(ctx, r.s, u); err != nil {
			return err
		}
	}
	for {
		after, err := r.o.WebCursor(ctx, r.s)
		if err != nil {
			return err
		}
		page, err := r.cl.BookingRequests(ctx, se, after, 0)
		if err != nil {
			return fmt.Errorf("receive web booking requests: %w", err)
		}
		if err := r.o.ApplyBookingRequests(ctx, r.s, r.creds.Office, page); err != nil {
			return err
		}
		if !page.More {
			break
		}
	}
	p, err := r.o.BookingPublication(ctx, r.s, office.DefaultWebHours, r.creds.Name)
	if errors.Is(err, office.ErrForbidden) {
		return nil // no contact key in this session
	} else if err != nil {
		return err
	}
	changed, err := r.o.PublicationChanged(ctx, r.s, p)
	if err != nil || !changed {
		return err
	}
	err = r.cl.PublishBooking(ctx, se, p)
	if errors.Is(err, syncclient.ErrPublicationStale) {
		return nil // another PC published later; the next sync publishes again
	} else if err != nil {
		return fmt.Errorf("publish the free slots: %w", err)
	}
	return r.o.PublicationSent(ctx, r.s, p)
}

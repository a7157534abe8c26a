package syncclient

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
)

// ErrPublicationStale: the server holds a publication of the office with a
// serial not below this one (another PC published later).
var ErrPublicationStale = errors.New("a newer booking publication is on the server")

// reasonStale is the server's refusal of a publication that is not newer
// than the stored one (bookingproto.PathPublish).
const reasonStale = "stale"

// maxRequestsPage bounds the requests of one page the PC takes.
const maxRequestsPage = 500

// PublishBooking sends the office's booking publication under session s.
func (c *Client) PublishBooking(ctx context.Context, s Session, p *bookingproto.Publication) error {
	body, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("publication: %w", err)
	}
	_, err = do(ctx, c.hc, http.MethodPut, c.creds.Addr, bookingproto.PathPublish, s.Token, "application/json", body, maxAnswer)
	return err
}

// BookingRequests asks for up to limit requests whose cursor is above
// after (limit 0: the server's page size). The forms in them are sealed;
// the office opens and checks them.
func (c *Client) BookingRequests(ctx context.Context, s Session, after uint64, limit int) (bookingproto.RequestsPage, error) {
	q := url.Values{"after": {strconv.FormatUint(after, 10)}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	raw, err := do(ctx, c.hc, http.MethodGet, c.creds.Addr, bookingproto.PathRequests+"?"+q.Encode(), s.Token, "", nil, maxPullAnswer)
	if err != nil {
		return bookingproto.RequestsPage{}, err
	}
	return decodeRequestsPage(raw, after)
}

// decodeRequestsPage decodes a page of requests and checks its framing:
// cursors ascending above after, Next the last of them (or after, on an
// empty page), at most maxRequestsPage requests.
func decodeRequestsPage(raw []byte, after uint64) (bookingproto.RequestsPage, error) {
	var p bookingproto.RequestsPage
	if err := json.Unmarshal(raw, &p); err != nil {
		return bookingproto.RequestsPage{}, fmt.Errorf("booking requests: %v: %w", err, ErrRefused)
	}
	if len(p.Requests) > maxRequestsPage {
		return bookingproto.RequestsPage{}, fmt.Errorf("booking requests: %d in one page: %w", len(p.Requests), ErrRefused)
	}
	last := after
	for _, r := range p.Requests {
		if r.Cursor <= last {
			return bookingproto.RequestsPage{}, fmt.Errorf("booking requests: cursor %d after %d: %w", r.Cursor, last, ErrRefused)
		}
		last = r.Cursor
	}
	if p.Next != last && (len(p.Requests) > 0 || p.Next < after) {
		return bookingproto.RequestsPage{}, fmt.Errorf("booking requests: next %d, last %d: %w", p.Next, last, ErrRefused)
	}
	if p.More && len(p.Requests) == 0 {
		return bookingproto.RequestsPage{}, fmt.Errorf("booking requests: an empty page with more: %w", ErrRefused)
	}
	return p, nil
}

// SetBookingStatus tells the server the status the office gave a request.
func (c *Client) SetBookingStatus(ctx context.Context, s Session, u bookingproto.StatusUpdate) error {
	body, err := json.Marshal(u)
	if err != nil {
		return fmt.Errorf("status: %w", err)
	}
	_, err = do(ctx, c.hc, http.MethodPost, c.creds.Addr, bookingproto.PathStatus, s.Token, "application/json", body, maxAnswer)
	return err
}

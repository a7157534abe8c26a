package syncclient

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// maxPullAnswer bounds a pull answer: a page of MaxPageBytes, or one
// envelope of MaxEnvelope, and the framing of MaxPage envelopes.
const maxPullAnswer = central.MaxEnvelope + central.MaxPageBytes + central.MaxPage*(1<<10)

// maxTableAnswer bounds the answer of GET /v1/table.
const maxTableAnswer = central.MaxTable*4/3 + 1<<10

// Push sends one batch of this device's chain under the session s. The
// server stores it atomically; a batch it holds already changes nothing.
func (c *Client) Push(ctx context.Context, s Session, req *syncproto.PushRequest) (*syncproto.PushResponse, error) {
	raw, err := do(ctx, c.hc, http.MethodPost, c.creds.Addr, server.PathPush, s.Token, "application/octet-stream", req.Marshal(), maxAnswer)
	if err != nil {
		return nil, err
	}
	resp, err := syncproto.UnmarshalPushResponse(raw)
	if err != nil {
		return nil, fmt.Errorf("push answer: %w", err)
	}
	return resp, nil
}

// Pull asks for up to limit envelopes after the cursor (limit 0: the
// server's page size). The answer is decoded, not checked: the caller runs
// it through a syncproto.Checker.
func (c *Client) Pull(ctx context.Context, s Session, after uint64, limit int) (*syncproto.PullResponse, error) {
	q := url.Values{"after": {strconv.FormatUint(after, 10)}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	raw, err := do(ctx, c.hc, http.MethodGet, c.creds.Addr, server.PathPull+"?"+q.Encode(), s.Token, "", nil, maxPullAnswer)
	if err != nil {
		return nil, err
	}
	resp, err := syncproto.UnmarshalPullResponse(raw)
	if err != nil {
		return nil, fmt.Errorf("pull answer: %w", err)
	}
	return resp, nil
}

// streamIdle is how long a pull stream may go without a page (while the
// client waits for one) before the client gives it up (a variable for
// tests).
var streamIdle = 30 * time.Second

// PullPages asks for up to pages pages of limit envelopes after the cursor
// (limit 0: the server's page size) in one answer, and calls each with
// every page as it arrives, in cursor order, while the next ones are on
// their way. It returns nil when the stream ends: the server stops at
// pages, after a share of data, or once the device has caught up, and the
// caller goes on after the last page's Next. A stream that breaks inside
// a page, or brings no page for 30 s, gives ErrUnreachable; the pages
// before it were whole. An error of each stops the stream and is returned
// as it is. Pages are decoded, not checked: the caller runs them through
// a syncproto.Checker.
func (c *Client) PullPages(ctx context.Context, s Session, after uint64, limit, pages int, each func(*syncproto.PullResponse) error) error {
	q := url.Values{"after": {strconv.FormatUint(after, 10)}, "pages": {strconv.Itoa(pages)}}
	if limit > 0 {
		q.Set("limit", strconv.Itoa(limit))
	}
	sctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var idled atomic.Bool
	idle := time.AfterFunc(streamIdle, func() { idled.Store(true); cancel() })
	defer idle.Stop()
	gone := func(err error) error {
		switch {
		case ctx.Err() != nil:
			return ctx.Err()
		case idled.Load():
			return fmt.Errorf("no page for %v: %w", streamIdle, ErrUnreachable)
		}
		return err
	}
	req, err := http.NewRequestWithContext(sctx, http.MethodGet, "https://"+c.creds.Addr+server.PathPull+"?"+q.Encode(), nil)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+base64.RawURLEncoding.EncodeToString(s.Token))
	resp, err := c.stream.Do(req)
	if err != nil {
		return gone(classify(ctx, err))
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		raw, err := io.ReadAll(io.LimitReader(resp.Body, maxRefusal+1))
		if err != nil {
			return gone(fmt.Errorf("%v: %w", err, ErrUnreachable))
		}
		return refusal(resp, raw)
	}
	if ct := resp.Header.Get("Content-Type"); ct != syncproto.PullStreamType {
		return fmt.Errorf("pull answer of type %q: %w", ct, ErrRefused)
	}
	ps := syncproto.NewPullStream(resp.Body)
	for {
		idle.Reset(streamIdle)
		p, err := ps.Next()
		switch {
		case err == io.EOF && sctx.Err() == nil:
			return nil
		case err == io.EOF:
			// An end read after the stream was given up is not the
			// server's.
			return gone(fmt.Errorf("pull stream given up: %w", ErrUnreachable))
		case errors.Is(err, syncproto.ErrMalformed):
			return fmt.Errorf("pull answer: %w", err)
		case err != nil:
			return gone(fmt.Errorf("pull stream: %v: %w", err, ErrUnreachable))
		}
		// The time each takes (the caller applying a page, or waiting to)
		// is not the server's.
		idle.Stop()
		if err := each(p); err != nil {
			return err
		}
	}
}

// Table returns the office's signed user table as the server keeps it
// (ErrNoTable when none), on the device's certificate alone: a PC that
// joins needs it before anyone can log in there. The caller verifies it
// (office.AdoptTable, or the first login after office.Join).
func (c *Client) Table(ctx context.Context) (server.TableMessage, error) {
	var m server.TableMessage
	raw, err := do(ctx, c.hc, http.MethodGet, c.creds.Addr, server.PathTable, nil, "", nil, maxTableAnswer)
	if err != nil {
		return m, err
	}
	if err := json.Unmarshal(raw, &m); err != nil {
		return m, fmt.Errorf("table answer: %v: %w", err, ErrRefused)
	}
	return m, nil
}

// PutTable offers the server a newer signed user table (an admin's
// session); ErrTableStale when the server's is as new.
func (c *Client) PutTable(ctx context.Context, s Session, m server.TableMessage) error {
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	_, err = do(ctx, c.hc, http.MethodPut, c.creds.Addr, server.PathTable, s.Token, "application/json", body, maxAnswer)
	return err
}

// Remote is the server as app/syncer sees it: this client under the
// session s.
func (c *Client) Remote(s Session) syncer.Remote { return remote{c: c, s: s} }

type remote struct {
	c *Client
	s Session
}

func (r remote) Office() string { return r.c.creds.Office }
func (r remote) Device() string { return r.c.creds.Device }

func (r remote) Push(ctx context.Context, req *syncproto.PushRequest) (*syncproto.PushResponse, error) {
	return r.c.Push(ctx, r.s, req)
}

func (r remote) Pull(ctx context.Context, after uint64, limit int) (*syncproto.PullResponse, error) {
	return r.c.Pull(ctx, r.s, after, limit)
}

func (r remote) PullPages(ctx context.Context, after uint64, limit, pages int, each func(*syncproto.PullResponse) error) error {
	return r.c.PullPages(ctx, r.s, after, limit, pages, each)
}

func (r remote) Table(ctx context.Context) (uint64, []byte, bool, error) {
	m, err := r.c.Table(ctx)
	if errors.Is(err, ErrNoTable) {
		return 0, nil, false, nil
	}
	return m.Serial, m.Data, err == nil, err
}

func (r remote) PutTable(ctx context.Context, serial uint64, data []byte) error {
	if !r.s.Admin {
		return syncer.ErrNotAdmin
	}
	err := r.c.PutTable(ctx, r.s, server.TableMessage{Serial: serial, Data: data})
	if errors.Is(err, ErrForbidden) {
		return fmt.Errorf("%w: %w", syncer.ErrNotAdmin, err)
	}
	return err
}

package server

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Paths of sync (a person's session on an enrolled device).
const (
	PathPush  = "/v1/push"
	PathPull  = "/v1/pull"
	PathTable = "/v1/table"
)

// Reasons of a refused sync request.
const (
	// ReasonChainBroken: the push does not continue the device's chain as
	// the server has it (the client's state and the server's differ).
	ReasonChainBroken = "chain_broken"
	// ReasonEnvelopeConflict: an envelope (id, rev) is stored with other
	// bytes.
	ReasonEnvelopeConflict = "envelope_conflict"
	// ReasonTableStale: the offered user table's serial is not above the
	// stored one's.
	ReasonTableStale = "table_stale"
	// ReasonNoTable: the office has no user table on the server yet.
	ReasonNoTable = "no_table"
	// ReasonTableForged: the offered table does not verify with the
	// office's admin key, or its serial is not the one declared.
	ReasonTableForged = "table_forged"
)

// maxPushBody bounds a push request: the batch's data and its framing.
const maxPushBody = central.MaxBatchBytes + central.MaxBatch*(central.MaxID+central.MaxRev+central.MaxHash*2+central.MaxSig+64) + 1<<16

// TableMessage is the body of GET and PUT /v1/table: the office's signed
// user table as the PCs keep it (opaque to the server) and its serial.
type TableMessage struct {
	Serial uint64 `json:"serial"`
	Data   []byte `json:"data"`
}

// maxTableBody bounds a table message (base64 of MaxTable and framing).
const maxTableBody = central.MaxTable*4/3 + 1<<10

func (s *Server) push(w http.ResponseWriter, r *http.Request, se session) {
	raw, err := readBody(w, r, maxPushBody)
	if err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	req, err := syncproto.UnmarshalPushRequest(raw)
	if err != nil {
		s.logf("push refused: device %s: %v", se.device, err)
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	b := central.Batch{Office: s.ID.Office, Device: se.device, Envelopes: req.Envelopes, Anchor: req.Anchor, At: s.now()}
	if b.Anchor != nil {
		b.Anchor.At = b.At
	}
	res, err := s.Store.Push(r.Context(), b)
	if err != nil {
		s.storeRefusal(w, "push", se, err)
		return
	}
	out := syncproto.PushResponse{Stored: res.Stored, Duplicates: res.Duplicates,
		Head: syncproto.Head{Seq: res.Head.Seq, Hash: res.Head.Hash}, Last: res.Last}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(out.Marshal())
}

// readBody reads a request body of at most max bytes: into one buffer of
// its Content-Length when it declares one (a push is read without the
// copies of a growing buffer), else as it comes.
func readBody(w http.ResponseWriter, r *http.Request, max int) ([]byte, error) {
	body := http.MaxBytesReader(w, r.Body, int64(max))
	if n := r.ContentLength; n >= 0 {
		if n > int64(max) {
			return nil, fmt.Errorf("body of %d bytes (at most %d)", n, max)
		}
		buf := make([]byte, n)
		if _, err := io.ReadFull(body, buf); err != nil {
			return nil, err
		}
		return buf, nil // net/http reads no further than the declared length
	}
	return io.ReadAll(io.LimitReader(body, int64(max)+1))
}

// Limits of a pull stream (GET /v1/pull?pages=K): at most MaxStreamPages
// pages, and no page begun after maxStreamBytes of data, so that a
// device revoked meanwhile is refused again soon.
const (
	MaxStreamPages = 1024
	maxStreamBytes = 256 << 20
)

// pull answers one page after the cursor, or with pages=K a stream of up
// to K pages back to back (syncproto.AppendPullFrame), which ends early
// once the device has caught up: the client checks and applies a page
// while the next ones are read and sent, with no request between them.
func (s *Server) pull(w http.ResponseWriter, r *http.Request, se session) {
	q := r.URL.Query()
	after, err1 := strconv.ParseUint(q.Get("after"), 10, 63)
	limit, err2 := strconv.Atoi(q.Get("limit"))
	if q.Get("limit") == "" {
		limit, err2 = 0, nil
	}
	pages, err3 := 0, error(nil)
	if q.Has("pages") {
		pages, err3 = strconv.Atoi(q.Get("pages"))
		if err3 == nil && (pages < 1 || pages > MaxStreamPages) {
			err3 = errors.New("pages out of range")
		}
	}
	if err1 != nil || err2 != nil || err3 != nil || limit < 0 || limit > central.MaxPage {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	if pages == 0 {
		p, err := s.Store.Pull(r.Context(), s.ID.Office, after, limit)
		if err != nil {
			s.storeRefusal(w, "pull", se, err)
			return
		}
		out := syncproto.PullResponse{Envelopes: p.Envelopes, Next: p.Next, Last: p.Last}
		body := out.Marshal()
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.Itoa(len(body))) // the client reads it into one buffer
		_, _ = w.Write(body)
		return
	}
	buf, f, err := s.pageFrame(r.Context(), nil, after, limit)
	if err != nil {
		s.storeRefusal(w, "pull", se, err)
		return
	}
	w.Header().Set("Content-Type", syncproto.PullStreamType)
	// A device that stops reading does not hold the stream (and a page's
	// memory) for long. The deadline is taken off at the end: the server
	// sets none of its own, and the connection may serve more requests.
	rc := http.NewResponseController(w)
	wait := cmp.Or(s.StreamPageTimeout, time.Minute)
	defer func() { _ = rc.SetWriteDeadline(time.Time{}) }()
	sent := 0
	for i := 1; ; i++ {
		_ = rc.SetWriteDeadline(time.Now().Add(wait))
		if _, err := w.Write(buf); err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				s.logf("pull stream: device %s took no page for %v: stream ended", se.device, wait)
			}
			return // the client went away
		}
		sent += f.Data
		if f.Count == 0 || f.Next >= f.Last || i == pages || sent >= maxStreamBytes {
			return
		}
		if buf, f, err = s.pageFrame(r.Context(), buf[:0], f.Next, limit); err != nil {
			if r.Context().Err() == nil {
				s.logf("pull stream: device %s: %v", se.device, fmt.Errorf("store: %w", err))
			}
			// The answer has begun: breaking the connection is the only
			// way left to tell the client that the stream did not end
			// well (a clean end would only be short).
			panic(http.ErrAbortHandler)
		}
	}
}

// framed is what a pull stream needs to know of a page it sent.
type framed struct {
	Next, Last  uint64
	Count, Data int // envelopes, and bytes of their data
}

// pageFrame appends to buf the frame of the page after after. A store
// that can hand envelopes over one at a time (central.EnvelopeReader)
// has them copied straight into the frame; any other builds the page.
func (s *Server) pageFrame(ctx context.Context, buf []byte, after uint64, limit int) ([]byte, framed, error) {
	var f framed
	if er, ok := s.Store.(central.EnvelopeReader); ok {
		at := len(buf)
		buf = syncproto.StartPullFrame(buf)
		p, err := er.PullEach(ctx, s.ID.Office, after, limit, func(e *central.Envelope) error {
			buf = syncproto.AppendPullEnvelope(buf, e)
			f.Count++
			f.Data += len(e.Data)
			return nil
		})
		if err != nil {
			return buf[:at], framed{}, err
		}
		f.Next, f.Last = p.Next, p.Last
		return syncproto.EndPullFrame(buf, at, f.Count, p.Next, p.Last), f, nil
	}
	p, err := s.Store.Pull(ctx, s.ID.Office, after, limit)
	if err != nil {
		return buf, framed{}, err
	}
	buf = syncproto.AppendPullFrame(buf, &syncproto.PullResponse{Envelopes: p.Envelopes, Next: p.Next, Last: p.Last})
	f = framed{Next: p.Next, Last: p.Last, Count: len(p.Envelopes)}
	for _, e := range p.Envelopes {
		f.Data += len(e.Data)
	}
	return buf, f, nil
}

// getTable answers any enrolled device, before anyone logs in on it: a PC
// that joins needs the table to let people log in.
func (s *Server) getTable(w http.ResponseWriter, r *http.Request, device string) {
	t, err := s.Store.Table(r.Context(), s.ID.Office)
	if errors.Is(err, central.ErrNotFound) {
		refuse(w, http.StatusNotFound, ReasonNoTable)
		return
	}
	if err != nil {
		s.storeRefusal(w, "table", session{device: device}, err)
		return
	}
	reply(w, TableMessage{Serial: t.Serial, Data: t.Data})
}

func (s *Server) putTable(w http.ResponseWriter, r *http.Request, se session) {
	var m TableMessage
	if err := decodeStrict(http.MaxBytesReader(w, r.Body, maxTableBody), maxTableBody, &m); err != nil {
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
		return
	}
	// Only an admin's session offers the user table, and it must verify
	// with the office admin key (the key of the first table, which an
	// admin's session stored): no one can park a forged table with a huge
	// serial here. The server holds no private admin key; PCs check the
	// table again themselves.
	if !se.admin {
		s.logf("table refused: device %s login %s is not an admin", se.device, s.loginTag(se.login))
		refuse(w, http.StatusForbidden, ReasonForbidden)
		return
	}
	var stored *central.Table
	if t, err := s.Store.Table(r.Context(), s.ID.Office); err == nil {
		stored = &t
	} else if !errors.Is(err, central.ErrNotFound) {
		s.storeRefusal(w, "table", se, err)
		return
	}
	table, err := checkTable(stored, m)
	if err != nil {
		s.logf("table refused: device %s login %s: %v", se.device, s.loginTag(se.login), err)
		refuse(w, http.StatusBadRequest, ReasonTableForged)
		return
	}
	err = s.Store.PutTable(r.Context(), s.ID.Office, central.Table{Serial: m.Serial, Data: m.Data, Device: se.device, At: s.now()})
	if errors.Is(err, central.ErrConflict) {
		refuse(w, http.StatusConflict, ReasonTableStale)
		return
	}
	if err != nil {
		s.storeRefusal(w, "table", se, err)
		return
	}
	s.dropLogins(r, table, se)
	reply(w, struct{}{})
}

// dropLogins deletes the server logins of the people a newer table no
// longer lists or lists as disabled: their sessions end with their logins
// (the keys rotated on the admin's PC; the server drops what it holds).
func (s *Server) dropLogins(r *http.Request, t *vault.UserTable, se session) {
	ls, err := s.Store.Logins(r.Context(), s.ID.Office)
	if err != nil {
		s.logf("table: list logins: %v", err)
		return
	}
	for _, l := range ls {
		if u, ok := t.Find(l.Login); ok && !u.Disabled {
			continue
		}
		if err := s.Store.DeleteLogin(r.Context(), s.ID.Office, l.Login); err != nil {
			s.logf("table: delete login %s: %v", s.loginTag(l.Login), err)
			continue
		}
		s.logf("login %s deleted: removed or disabled in user table %d (stored by login %s on device %s)", s.loginTag(l.Login), t.Serial, s.loginTag(se.login), se.device)
	}
}

// storeRefusal answers a store error of a sync request.
func (s *Server) storeRefusal(w http.ResponseWriter, what string, se session, err error) {
	switch {
	case errors.Is(err, central.ErrRevoked):
		refuse(w, http.StatusForbidden, ReasonRevoked)
	case errors.Is(err, central.ErrChainBroken):
		s.logf("%s refused: device %s: %v", what, se.device, err)
		refuse(w, http.StatusConflict, ReasonChainBroken)
	case errors.Is(err, central.ErrConflict):
		s.logf("%s refused: device %s: %v", what, se.device, err)
		refuse(w, http.StatusConflict, ReasonEnvelopeConflict)
	case errors.Is(err, central.ErrInvalid):
		s.logf("%s refused: device %s: %v", what, se.device, err)
		refuse(w, http.StatusBadRequest, ReasonBadRequest)
	default:
		s.logf("%s: device %s: %v", what, se.device, fmt.Errorf("store: %w", err))
		refuse(w, http.StatusInternalServerError, ReasonInternal)
	}
}

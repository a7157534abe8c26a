package syncer

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// Remote is the central server as sync sees it, bound to this device and a
// person's session on it.
type Remote interface {
	// Office and Device are this device's office and device ids on the
	// server: they are hashed into every link of the chain.
	Office() string
	Device() string
	Push(ctx context.Context, req *syncproto.PushRequest) (*syncproto.PushResponse, error)
	Pull(ctx context.Context, after uint64, limit int) (*syncproto.PullResponse, error)
	// Table returns the server's signed user table; ok false when the
	// office has none yet.
	Table(ctx context.Context) (serial uint64, data []byte, ok bool, err error)
	// PutTable offers a newer table; the server takes it from an admin's
	// session only (ErrNotAdmin otherwise).
	PutTable(ctx context.Context, serial uint64, data []byte) error
}

// Tables is the vault's signed user table as sync carries it: offered to
// the server when newer, taken from it when the server's is newer (the
// vault verifies it with the admin key pinned in the person's bundle).
type Tables interface {
	SignedTable(ctx context.Context) (data []byte, serial uint64, err error)
	AdoptTable(ctx context.Context, data []byte) (bool, error)
}

// ErrNotAdmin is what a Remote's PutTable returns when the session may not
// store the table (not an admin's); sync goes on without it.
var ErrNotAdmin = errors.New("only an admin's session stores the user table")

// State keys (Local.State, written by Apply and Acknowledge).
const (
	stateCursor  = "cursor"  // the server cursor pulled up to, 8 bytes
	stateChecker = "checker" // syncproto.Checker.State
	stateAcked   = "acked"   // this device's chain head the server acknowledged
	statePending = "pending" // the push in flight: its size and heads claim
)

// DefaultPageSize is the pull page when Options.PageSize is zero: a page
// of versions and their index entries fits one local transaction.
const DefaultPageSize = 250

// Step names what Progress reports.
type Step string

// The steps of a sync.
const (
	StepTable Step = "table"
	StepPull  Step = "pull"
	StepPush  Step = "push"
)

// Progress is one report of a running sync: for pull, Done and Total are
// server cursors (envelopes of the office); for push, versions.
type Progress struct {
	Step        Step
	Done, Total uint64
}

// Options tune a sync.
type Options struct {
	// Tables, when set, carries the user table both ways first.
	Tables Tables
	// PageSize is the pull page (0: DefaultPageSize). A page is applied
	// in one local transaction, which bounds it.
	PageSize int
	// BatchSize is the most versions of one push (0: central.MaxBatch−1;
	// one place is kept for the heads claim).
	BatchSize int
	// Progress, when set, is called after each page and batch.
	Progress func(Progress)
	// Rescan pulls everything again from the start with a fresh check of
	// every chain (applying what is stored already changes nothing), and
	// then requires every device's chain to reach at least the head seen
	// before. It is how a PC recovers after it caught the server
	// withholding versions: the server, once honest again, serves them.
	Rescan bool
}

// Result says what one sync did.
type Result struct {
	Applied      Applied // summed over the pages
	Pulled       int     // envelopes of other devices pulled
	Pushed       int     // versions of records of this device the server acknowledged
	Events       int     // access-log events of this device the server acknowledged
	Duplicates   int     // versions and events the server had already (a retried push)
	TableTaken   bool    // a newer user table came from the server
	TableOffered bool    // this vault's newer table went to the server
	Cursor       uint64  // the server cursor after the sync
}

// Run syncs once: the user table, then push this device's new versions
// (each batch acknowledged locally in one transaction), then pull until
// caught up (every page checked against every device's chain and applied
// with the new cursor in one local transaction). A crash or a cut connection at
// any point is resumed by the next Run without loss or double apply. An
// error wrapping one of syncproto's detection errors (ErrWithheld,
// ErrDropped, …) means the server misbehaved: nothing of the offending
// page was applied.
func Run(ctx context.Context, l Local, r Remote, opt Options) (Result, error) {
	var res Result
	if opt.Tables != nil {
		if err := syncTable(ctx, opt.Tables, r, &res, opt); err != nil {
			return res, err
		}
	}
	checker, acked, err := loadState(ctx, l, r)
	if err != nil {
		return res, err
	}
	var floor map[string]syncproto.Head
	if opt.Rescan {
		floor = checker.Heads()
		if checker, err = syncproto.NewChecker(r.Office(), r.Device(), nil); err != nil {
			return res, err
		}
		if err := l.Acknowledge(ctx, nil, map[string][]byte{stateCursor: make([]byte, 8)}); err != nil {
			return res, err
		}
	}
	if rj, ok := l.(Rejoiner); ok {
		rejoining, err := rj.Rejoining(ctx)
		if err != nil {
			return res, err
		}
		if rejoining {
			// Nothing was pushed from this vault under this device yet:
			// pull everything first, then push what the server lacks.
			if err := pull(ctx, l, r, checker, acked, opt, &res); err != nil {
				return res, err
			}
			if err := rj.Rejoined(ctx); err != nil {
				return res, err
			}
		}
	}
	// Push first: a push whose answer was lost is sent again before the
	// pull would see its versions come back (and take them for a fork).
	if acked, err = push(ctx, l, r, checker, acked, opt, &res); err != nil {
		return res, err
	}
	if err := pull(ctx, l, r, checker, acked, opt, &res); err != nil {
		return res, err
	}
	heads := checker.Heads()
	for d, h := range floor {
		if heads[d].Seq < h.Seq {
			return res, fmt.Errorf("rescan: device %s at %d, seen before at %d: %w", d, heads[d].Seq, h.Seq, syncproto.ErrRolledBack)
		}
	}
	return res, nil
}

func syncTable(ctx context.Context, t Tables, r Remote, res *Result, opt Options) error {
	report(opt, Progress{Step: StepTable})
	mine, serial, err := t.SignedTable(ctx)
	if err != nil {
		return fmt.Errorf("user table: %w", err)
	}
	theirs, data, ok, err := r.Table(ctx)
	if err != nil {
		return fmt.Errorf("user table from the server: %w", err)
	}
	switch {
	case ok && theirs > serial:
		if res.TableTaken, err = t.AdoptTable(ctx, data); err != nil {
			return fmt.Errorf("user table from the server: %w", err)
		}
	case !ok || theirs < serial:
		err := r.PutTable(ctx, serial, mine)
		if err != nil && !errors.Is(err, ErrNotAdmin) {
			return fmt.Errorf("user table to the server: %w", err)
		}
		res.TableOffered = err == nil
	}
	return nil
}

func loadState(ctx context.Context, l Local, r Remote) (*syncproto.Checker, syncproto.Head, error) {
	st, err := l.State(ctx, stateChecker)
	if err != nil {
		return nil, syncproto.Head{}, err
	}
	c, err := syncproto.NewChecker(r.Office(), r.Device(), st)
	if err != nil {
		return nil, syncproto.Head{}, fmt.Errorf("sync state: %w", err)
	}
	b, err := l.State(ctx, stateAcked)
	if err != nil {
		return nil, syncproto.Head{}, err
	}
	acked, err := decodeHead(b)
	if err != nil {
		return nil, syncproto.Head{}, fmt.Errorf("sync state: %w", err)
	}
	return c, acked, nil
}

func pull(ctx context.Context, l Local, r Remote, c *syncproto.Checker, acked syncproto.Head, opt Options, res *Result) error {
	b, err := l.State(ctx, stateCursor)
	if err != nil {
		return err
	}
	var after uint64
	if len(b) == 8 {
		after = binary.BigEndian.Uint64(b)
	} else if len(b) != 0 {
		return fmt.Errorf("sync state: cursor of %d bytes: %w", len(b), syncproto.ErrMalformed)
	}
	size := opt.PageSize
	if size <= 0 {
		size = DefaultPageSize
	}
	// The next pages are fetched while this one is checked and applied.
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	next := fetchPages(ctx, r, after, size)
	for {
		got, ok := <-next
		resp, err := got.resp, got.err
		if !ok {
			err = errors.New("the pages ended before the pull caught up")
		}
		if err != nil {
			return fmt.Errorf("pull after %d: %w", after, err)
		}
		page := central.Page{Envelopes: resp.Envelopes, Next: resp.Next, Last: resp.Last}
		envs, err := c.Page(after, page, l.SignKeys)
		if err != nil {
			return fmt.Errorf("pull after %d: %w", after, err)
		}
		in := make([]Incoming, 0, len(envs))
		for _, e := range envs {
			if e.Device == r.Device() {
				continue // this device's own versions, stored here already
			}
			inc := Incoming{ID: e.ID, Rev: e.Rev, Data: e.Data}
			if len(e.Data) == central.RedactionSize {
				inc.Redacted, _ = c.Redaction(e)
			}
			in = append(in, inc)
		}
		if len(resp.Envelopes) > 0 {
			state := map[string][]byte{stateCursor: binary.BigEndian.AppendUint64(nil, resp.Next), stateChecker: c.State()}
			a, err := l.Apply(ctx, in, state)
			if err != nil {
				return fmt.Errorf("apply after %d: %w", after, err)
			}
			res.Applied.add(a)
			res.Pulled += len(in)
			after = resp.Next
		}
		res.Cursor = after
		report(opt, Progress{Step: StepPull, Done: after, Total: max(resp.Last, after)})
		if len(resp.Envelopes) == 0 || after >= resp.Last {
			break
		}
	}
	if err := c.CaughtUp(acked); err != nil {
		return fmt.Errorf("pull: %w", err)
	}
	if pc, ok := l.(PullChecker); ok {
		if err := pc.PulledAll(ctx); err != nil {
			return fmt.Errorf("pull: %w", err)
		}
	}
	return nil
}

// fetched is one page as a fetch got it.
type fetched struct {
	resp *syncproto.PullResponse
	err  error
}

// PageStreamer is a Remote that sends pull pages back to back in one
// answer (syncclient's): Run pulls through it, and the server reads and
// sends the next pages while this device checks and applies one. It calls
// each with every page in cursor order and returns nil when the stream
// ends, caught up or not (Run goes on after the last page's Next); an
// error of each stops it and is returned as it is.
type PageStreamer interface {
	PullPages(ctx context.Context, after uint64, limit, pages int, each func(*syncproto.PullResponse) error) error
}

// streamPages is how many pages Run asks a PageStreamer for at once.
const streamPages = 64

// errCaughtUp ends a stream early: its last page caught up.
var errCaughtUp = errors.New("caught up")

// fetchPages pulls the pages after the cursor in the background, in
// order, until one catches up (it has no envelope, or its Next reaches
// its Last) or fails (the last thing sent), and at most two pages ahead of
// the reader; it stops when ctx ends, and closes the channel when it
// stops. A PageStreamer streams them, other
// Remotes answer one Pull per page.
func fetchPages(ctx context.Context, r Remote, after uint64, size int) <-chan fetched {
	ch := make(chan fetched, 1)
	caughtUp := func(p *syncproto.PullResponse) bool { return len(p.Envelopes) == 0 || p.Next >= p.Last }
	send := func(f fetched) error {
		select {
		case ch <- f:
			return nil
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	go func() {
		defer close(ch)
		ps, ok := r.(PageStreamer)
		for {
			if !ok {
				resp, err := r.Pull(ctx, after, size)
				if send(fetched{resp, err}) != nil || err != nil || caughtUp(resp) {
					return
				}
				after = resp.Next
				continue
			}
			got := 0
			err := ps.PullPages(ctx, after, size, streamPages, func(p *syncproto.PullResponse) error {
				got++
				if err := send(fetched{p, nil}); err != nil {
					return err
				}
				if caughtUp(p) {
					return errCaughtUp
				}
				after = p.Next
				return nil
			})
			switch {
			case errors.Is(err, errCaughtUp) || ctx.Err() != nil:
				return
			case err == nil && got == 0:
				err = fmt.Errorf("the server ended a stream without a page: %w", syncproto.ErrMalformed)
			}
			if err != nil {
				_ = send(fetched{nil, err})
				return
			}
		}
	}()
	return ch
}

func push(ctx context.Context, l Local, r Remote, c *syncproto.Checker, acked syncproto.Head, opt Options, res *Result) (syncproto.Head, error) {
	size := opt.BatchSize
	if size <= 0 || size > central.MaxBatch-1 {
		size = central.MaxBatch - 1
	}
	login, sign := l.Signer()
	for {
		if err := ctx.Err(); err != nil {
			return acked, err
		}
		// A push whose answer was lost is sent again byte for byte: the
		// same versions and the same heads claim, so the server finds it
		// stored. Its size and claim were kept before it was sent.
		n, claim, err := pending(ctx, l)
		if err != nil {
			return acked, err
		}
		limit := size
		if claim != nil {
			limit = n
		}
		out, err := l.Outbox(ctx, limit)
		if err != nil {
			return acked, fmt.Errorf("outbox: %w", err)
		}
		if len(out) == 0 {
			return acked, nil
		}
		if claim != nil && len(out) != n {
			return acked, fmt.Errorf("sync state: the push in flight had %d versions, the outbox has %d: %w", n, len(out), syncproto.ErrMalformed)
		}
		hi := syncproto.HeadsItem(r.Device(), acked.Seq+uint64(len(out))+1, c.Heads())
		if claim != nil {
			hi.Data = claim // the claim of the push in flight, as it was sent
		} else if err := l.Acknowledge(ctx, nil, map[string][]byte{statePending: encodePending(len(out), hi.Data)}); err != nil {
			return acked, fmt.Errorf("push: %w", err)
		}
		items := make([]syncproto.Item, 0, len(out)+1)
		for _, o := range out {
			items = append(items, syncproto.Item{ID: o.ID, Rev: o.Rev, Data: o.Data})
		}
		items = append(items, hi)
		envs, head, err := syncproto.Links(r.Office(), r.Device(), acked, login, sign, items)
		if err != nil {
			return acked, fmt.Errorf("push: %w", err)
		}
		req := &syncproto.PushRequest{Envelopes: envs}
		if a, ok, err := l.Anchor(ctx); err != nil {
			return acked, fmt.Errorf("push: %w", err)
		} else if ok {
			req.Anchor = &central.Anchor{Seq: a.Seq, Hash: a.Hash, Sig: a.Sig}
		}
		resp, err := r.Push(ctx, req)
		if err != nil {
			return acked, fmt.Errorf("push of %d versions: %w", len(out), err)
		}
		if err := c.Pushed(resp.Head, head); err != nil {
			return acked, fmt.Errorf("push: %w", err)
		}
		if err := l.Acknowledge(ctx, out, map[string][]byte{stateAcked: encodeHead(head), statePending: nil}); err != nil {
			return acked, fmt.Errorf("push: %w", err)
		}
		acked = head
		for _, o := range out {
			if o.Event {
				res.Events++
			} else {
				res.Pushed++
			}
		}
		res.Duplicates += resp.Duplicates
		sent := uint64(res.Pushed + res.Events)
		report(opt, Progress{Step: StepPush, Done: sent, Total: sent})
	}
}

func report(opt Options, p Progress) {
	if opt.Progress != nil {
		opt.Progress(p)
	}
}

func (a *Applied) add(b Applied) {
	a.New += b.New
	a.Known += b.Known
	a.Merged += b.Merged
	a.Conflicts += b.Conflicts
	a.Unopened += b.Unopened
}

// encodeHead encodes a chain head as state: 8 bytes of sequence and the
// hash.
func encodeHead(h syncproto.Head) []byte {
	return append(binary.BigEndian.AppendUint64(nil, h.Seq), h.Hash...)
}

func decodeHead(b []byte) (syncproto.Head, error) {
	switch {
	case len(b) == 0:
		return syncproto.Head{}, nil
	case len(b) < 8 || len(b) > 8+central.MaxHash || (len(b) == 8) != (binary.BigEndian.Uint64(b) == 0):
		return syncproto.Head{}, fmt.Errorf("chain head of %d bytes: %w", len(b), syncproto.ErrMalformed)
	}
	return syncproto.Head{Seq: binary.BigEndian.Uint64(b), Hash: append([]byte(nil), b[8:]...)}, nil
}

// encodePending is the push in flight: its number of versions and the
// heads claim it carries.
func encodePending(n int, claim []byte) []byte {
	return append(binary.BigEndian.AppendUint32(nil, uint32(n)), claim...)
}

func pending(ctx context.Context, l Local) (int, []byte, error) {
	b, err := l.State(ctx, statePending)
	if err != nil || len(b) == 0 {
		return 0, nil, err
	}
	if len(b) < 4 || binary.BigEndian.Uint32(b) == 0 || binary.BigEndian.Uint32(b) >= central.MaxBatch {
		return 0, nil, fmt.Errorf("sync state: push in flight of %d bytes: %w", len(b), syncproto.ErrMalformed)
	}
	return int(binary.BigEndian.Uint32(b)), b[4:], nil
}

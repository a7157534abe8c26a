package office

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/purge"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// metaHLC remembers the newest revision written, so the clock stays monotonic
// across restarts even if the PC's clock goes back.
const metaHLC = "hlc"

// caseSuffix marks the storage record that holds a record's case part. The
// case part is its own record with its own history, so a person without the
// case key can update the contact part without touching it.
const caseSuffix = purge.CaseSuffix // "#case", as erasure across replicas names it

func caseKind(k record.Kind) string { return string(k) + ".case" }

// event makes an access-log event for the logged-in person.
func (o *Office) event(action, object, detail string) audit.Event {
	ev := audit.Event{At: o.opt.now().UTC(), Device: o.kr.Device, Action: action, Object: object, Detail: detail}
	if o.sess != nil {
		ev.User = o.sess.login
	}
	return ev
}

// commit writes versions and access-log events in one transaction, after
// the warnings reads found since the last commit. Call with o.mu held.
func (o *Office) commit(writes []local.Write, meta map[string][]byte, events ...audit.Event) error {
	warnings := o.takeWarnings()
	// A read of many records can find many warnings (a year's statistics
	// over approvals that do not verify): they go in transactions of their
	// own, warningsPerCommit at a time, so that none outgrows the store's
	// largest transaction.
	for len(warnings) > warningsPerCommit {
		if err := o.write(nil, nil, warnings[:warningsPerCommit]); err != nil {
			return err
		}
		warnings = warnings[warningsPerCommit:]
	}
	return o.write(writes, meta, append(warnings, events...))
}

// warningsPerCommit is how many kept warnings one transaction writes at most.
const warningsPerCommit = 500

// write is commit without the kept warnings. Call with o.mu held.
func (o *Office) write(writes []local.Write, meta map[string][]byte, events []audit.Event) error {
	return o.writeBatch(local.Batch{Writes: writes, Meta: meta}, events)
}

// writeBatch is write of a whole batch (outbox acknowledgements, meta to
// drop) with events. Call with o.mu held.
func (o *Office) writeBatch(b local.Batch, events []audit.Event) error {
	head := o.head
	entries := make([]local.AuditEntry, 0, len(events))
	for _, ev := range events {
		e := head.Next(ev)
		entries = append(entries, local.AuditEntry{Seq: e.Seq, Data: e.Marshal()})
		head = e.HeadAfter()
	}
	b.Audit = entries
	if err := o.store.Commit(b); err != nil {
		return fmt.Errorf("write: %w", err)
	}
	o.head = head
	if o.sinceCheckpoint += len(events); o.sinceCheckpoint >= CheckpointEvery {
		return o.checkpoint(false)
	}
	return nil
}

func (o *Office) commitEvents(evs []audit.Event) error { return o.commit(nil, nil, evs...) }

// warn keeps an access-log warning found by a read, with or without o.mu
// held; the next commit writes it.
func (o *Office) warn(object, detail string) {
	ev := audit.Event{At: o.opt.now().UTC(), Action: audit.ActWarning, Object: object, Detail: detail}
	o.cmu.Lock()
	defer o.cmu.Unlock()
	o.warnings = append(o.warnings, ev)
}

// takeWarnings returns the kept warnings as the logged-in person's events
// and forgets them. Call with o.mu held.
func (o *Office) takeWarnings() []audit.Event {
	o.cmu.Lock()
	evs := o.warnings
	o.warnings = nil
	o.cmu.Unlock()
	for i := range evs {
		evs[i].Device = o.kr.Device
		if o.sess != nil {
			evs[i].User = o.sess.login
		}
	}
	return evs
}

// logWarnings writes the kept warnings, if any. Call with o.mu held.
func (o *Office) logWarnings() error {
	o.cmu.Lock()
	n := len(o.warnings)
	o.cmu.Unlock()
	if n == 0 {
		return nil
	}
	return o.commit(nil, nil)
}

// logRead appends one event for a read (a view of case content, a search).
func (o *Office) logRead(action, object, detail string) error {
	return o.commit(nil, nil, o.event(action, object, detail))
}

// part is one half of a record to seal: the contact part or the case part.
type part struct {
	id    string
	kind  string
	value any
	terms []local.Term
	// fresh says that the id was just made (stamp), so nothing is stored
	// under it: its head is not looked up, and the store writes it without
	// reading first (local.Write.Fresh).
	fresh bool
}

// sealWrites seals the parts of one record version with a fresh revision.
// expectRev, when not empty, must be the current head of the contact part
// (optimistic concurrency). It returns the writes and the new revision.
// A new version is always later than the heads it replaces, even when a
// head carries a revision from a clock ahead of this one: the clock
// observes them first.
func (o *Office) sealWrites(s *Session, expectRev string, parts ...part) ([]local.Write, vault.Rev, error) {
	for _, p := range parts {
		if p.fresh {
			continue
		}
		if head, err := o.store.Head(p.id); err == nil {
			if r, err := vault.ParseRev(head.Rev); err == nil {
				o.clock.Observe(r)
			}
		}
	}
	return o.sealWritesAt(s, o.clock.Next(), expectRev, parts...)
}

// sealWritesAt is sealWrites with a given revision.
func (o *Office) sealWritesAt(s *Session, rev vault.Rev, expectRev string, parts ...part) ([]local.Write, vault.Rev, error) {
	writes := make([]local.Write, 0, len(parts))
	for i, p := range parts {
		var parents []vault.Rev
		head, err := local.Version{}, error(local.ErrNotFound)
		if !p.fresh {
			head, err = o.store.Head(p.id)
		}
		switch {
		case err == nil:
			pr, perr := vault.ParseRev(head.Rev)
			if perr != nil {
				return nil, rev, fmt.Errorf("read head of %s: %w", p.id, perr)
			}
			if i == 0 && expectRev != "" && head.Rev != expectRev {
				return nil, rev, ErrConflict
			}
			parents = []vault.Rev{pr}
			if isMergeRev(pr) {
				// A merge version is this device's view of concurrent
				// versions, never pushed: the save follows the versions
				// it merged (sync_merge.go).
				if parents, err = mergeParents(head); err != nil {
					return nil, rev, fmt.Errorf("read head of %s: %w", p.id, err)
				}
			}
		case errors.Is(err, local.ErrNotFound):
			if i == 0 && expectRev != "" {
				return nil, rev, ErrNotFound
			}
		default:
			return nil, rev, fmt.Errorf("read head of %s: %w", p.id, err)
		}
		plain, err := json.Marshal(p.value)
		if err != nil {
			return nil, rev, fmt.Errorf("encode %s: %w", p.kind, err)
		}
		env, err := vault.Seal(s.keys, vault.ClassFor(p.kind), p.id, p.kind, rev, parents, plain)
		if err != nil {
			return nil, rev, fmt.Errorf("seal %s: %w", p.kind, err)
		}
		writes = append(writes, local.Write{
			Version: local.Version{ID: p.id, Kind: p.kind, Rev: rev.String(), Blob: env.Marshal()},
			Terms:   p.terms,
			Fresh:   p.fresh,
			Outbox:  true, // made here: sync pushes it
		})
	}
	return writes, rev, nil
}

// saveParts seals and commits one record version with its access-log event.
func (o *Office) saveParts(s *Session, expectRev, action, detail string, parts ...part) (string, error) {
	writes, rev, err := o.sealWrites(s, expectRev, parts...)
	if err != nil {
		return "", err
	}
	meta := map[string][]byte{metaHLC: []byte(rev.String())}
	if err := o.commit(writes, meta, o.event(action, parts[0].id, detail)); err != nil {
		return "", err
	}
	return rev.String(), nil
}

// The reads below (openVersion, load, loadCase, history, loadAll and the
// helpers of the use cases built on them) touch only the store, the
// session's keys and the caches under o.cmu: they run with o.mu held or
// inside work (see work.go).

// openVersion decrypts one stored version into dst, checking that the
// envelope is the one the store says it is (id, kind, revision).
func (o *Office) openVersion(s *Session, v local.Version, kind string, dst any) error {
	env, err := vault.UnmarshalEnvelope(v.Blob)
	if err != nil {
		return fmt.Errorf("read %s: %w", v.ID, err)
	}
	rev, err := vault.ParseRev(v.Rev)
	if err != nil {
		return fmt.Errorf("read %s: %w", v.ID, err)
	}
	plain, err := vault.Open(s.keys, env, vault.Expect{ID: v.ID, Kind: kind, Rev: &rev})
	if err != nil {
		return fmt.Errorf("open %s: %w", v.ID, err)
	}
	if err := json.Unmarshal(plain, dst); err != nil {
		return fmt.Errorf("decode %s: %w", v.ID, err)
	}
	return nil
}

// load reads the head of a record's contact part into dst and returns its rev.
func (o *Office) load(s *Session, id string, kind record.Kind, dst any) (string, error) {
	v, err := o.store.Head(id)
	if errors.Is(err, local.ErrNotFound) {
		return "", fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	if err != nil {
		return "", fmt.Errorf("read %s: %w", id, err)
	}
	if v.Kind != string(kind) {
		return "", fmt.Errorf("%s is a %s: %w", id, v.Kind, ErrNotFound)
	}
	return v.Rev, o.openVersion(s, v, string(kind), dst)
}

// loadCase reads the case part of a record into dst. It reports false when
// the record has no case part yet.
func (o *Office) loadCase(s *Session, id string, kind record.Kind, dst any) (bool, error) {
	v, err := o.store.Head(id + caseSuffix)
	if errors.Is(err, local.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("read %s: %w", id, err)
	}
	return true, o.openVersion(s, v, caseKind(kind), dst)
}

// stamp fills the bookkeeping of a record about to be saved.
func (o *Office) stamp(s *Session, m *record.Meta, k record.Kind) (creating bool) {
	now := o.opt.now().UTC()
	if m.ID == "" {
		m.ID = record.NewID(k)
		m.CreatedAt, m.CreatedBy = now, s.login
		creating = true
	}
	m.UpdatedAt, m.UpdatedBy = now, s.login
	return creating
}

func actionFor(creating bool) string {
	if creating {
		return audit.ActCreate
	}
	return audit.ActUpdate
}

// history decodes every saved version of a record's contact part, oldest
// first, and returns the revision of each beside it (the Rev inside a stored
// record is the one it was edited from, not its own). The merges that sync
// computes for concurrent versions are left out: nobody saved them.
func history[T any](o *Office, s *Session, id string, kind record.Kind) ([]T, []string, error) {
	vs, err := o.store.History(id)
	if err != nil {
		return nil, nil, fmt.Errorf("read history of %s: %w", id, err)
	}
	if len(vs) == 0 {
		return nil, nil, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	out := make([]T, 0, len(vs))
	revs := make([]string, 0, len(vs))
	for _, v := range vs {
		if r, err := vault.ParseRev(v.Rev); err == nil && isMergeRev(r) {
			// A merge of concurrent versions is what this PC shows, not a
			// version anyone saved: the history lists the saved ones.
			continue
		}
		var t T
		if err := o.openVersion(s, v, string(kind), &t); err != nil {
			return nil, nil, err
		}
		out, revs = append(out, t), append(revs, v.Rev)
	}
	return out, revs, nil
}

// loadAll decodes the heads of the given ids; ids that vanished are
// skipped. It stops when ctx ends.
func loadAll[T any](ctx context.Context, o *Office, s *Session, ids []string, kind record.Kind) ([]T, error) {
	out := make([]T, 0, len(ids))
	for _, id := range ids {
		if err := ctxErr(ctx); err != nil {
			return nil, err
		}
		var t T
		if _, err := o.load(s, id, kind, &t); err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return nil, err
		}
		out = append(out, t)
	}
	return out, nil
}

func sortedUnique(ids []string) []string {
	sort.Strings(ids)
	out := ids[:0]
	for i, id := range ids {
		if i == 0 || id != ids[i-1] {
			out = append(out, id)
		}
	}
	return out
}

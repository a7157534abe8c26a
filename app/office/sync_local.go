package office

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// The vault as the sync engine sees it (syncer.Local), bound to a session.
//
// Crash safety: each method that writes does so in one store transaction
// (local.Batch, all or nothing). Outbox entries are written by the same
// transaction as the version they name (local.Write.Outbox) and removed by
// the same one as the engine's state (Acknowledge); Apply writes the
// pulled versions, the heads, terms and merge versions, the blind-index
// entries, the remembered unopened records, the state and its access-log
// event in one Batch, so a crash leaves the vault before or after the
// whole page and the engine pulls the page again from its old cursor
// (what was stored is then Known). Only seeding the outbox spans several
// transactions; it is idempotent and sync/seeded is set after it.
// Badger's largest transaction (15% of the 8 MB memtable) holds about 500
// versions of 1.5 KB with their terms, not 1000 (see storage/local's
// TestPageFitsOneTransaction): a bigger page fails whole, storing nothing.
//
// Store meta used here:
//
//	sync/<key>            the engine's state (Acknowledge, Apply)
//	sync/seeded           set once the outbox holds the vault's history
//	sync/unopened/<id>    a record stored by Apply that the session could
//	                      not open (no key): indexed and merged by the next
//	                      Apply of a session that can
const (
	syncMetaPrefix  = "sync/"
	metaSeeded      = "sync/seeded"
	unopenedPrefix  = "sync/unopened/"
	reindexPerApply = 256 // remembered records one Apply takes up at most
)

// Replica returns the vault as the sync engine sees it, for session s.
// Every method checks that s is still the logged-in session.
func (o *Office) Replica(s *Session) syncer.Local { return &replica{o: o, s: s} }

type replica struct {
	o *Office
	s *Session
}

// lock takes o.mu and checks the session; the caller unlocks.
func (r *replica) lock(ctx context.Context) error {
	r.o.mu.Lock()
	if err := r.o.session(ctx, r.s, PermSync); err != nil {
		r.o.mu.Unlock()
		return err
	}
	return nil
}

// ensureSeeded puts the whole history in the outbox the first time a
// vault syncs (before anything pulled is stored, so that only versions of
// this vault are pushed). Call with o.mu held.
func (o *Office) ensureSeeded(ctx context.Context) error {
	_, err := o.store.Meta(metaSeeded)
	switch {
	case err == nil:
		return nil
	case !errors.Is(err, local.ErrNotFound):
		return fmt.Errorf("sync: %w", err)
	}
	if err := o.store.SeedOutbox(func(done, total int) { report(ctx, StepImport, done, total) }); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	if err := o.store.Commit(local.Batch{Meta: map[string][]byte{metaSeeded: []byte("1")}}); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return nil
}

func stateMeta(state map[string][]byte) (map[string][]byte, error) {
	meta := make(map[string][]byte, len(state))
	for k, v := range state {
		if k == "" || strings.HasPrefix(syncMetaPrefix+k, unopenedPrefix) || syncMetaPrefix+k == metaSeeded {
			return nil, fmt.Errorf("sync state key %q: %w", k, ErrInvalid)
		}
		meta[syncMetaPrefix+k] = v
	}
	return meta, nil
}

// Outbox implements syncer.Local.
func (r *replica) Outbox(ctx context.Context, limit int) ([]syncer.Outgoing, error) {
	if err := r.lock(ctx); err != nil {
		return nil, err
	}
	defer r.o.mu.Unlock()
	if err := r.o.ensureSeeded(ctx); err != nil {
		return nil, err
	}
	if _, ok, err := r.o.rejoining(); err != nil || ok {
		return nil, err // nothing before the first pull (rejoin.go)
	}
	// The versions, then access-log events; a limit <= 0 lists the
	// versions only (audit_sync.go).
	return r.o.outbox(r.s, limit)
}

// Acknowledge implements syncer.Local.
func (r *replica) Acknowledge(ctx context.Context, done []syncer.Outgoing, state map[string][]byte) error {
	if err := r.lock(ctx); err != nil {
		return err
	}
	defer r.o.mu.Unlock()
	meta, err := stateMeta(state)
	if err != nil {
		return err
	}
	if err := refuseAuditMeta(meta); err != nil {
		return err
	}
	// Access-log events move the watermark instead (audit_sync.go).
	refs, drop, err := r.o.acknowledged(done, meta)
	if err != nil {
		return err
	}
	if err := r.o.store.Commit(local.Batch{Acked: refs, Meta: meta, DropMeta: drop}); err != nil {
		return fmt.Errorf("sync acknowledge: %w", err)
	}
	return nil
}

// State implements syncer.Local.
func (r *replica) State(ctx context.Context, key string) ([]byte, error) {
	if err := r.lock(ctx); err != nil {
		return nil, err
	}
	defer r.o.mu.Unlock()
	b, err := r.o.store.Meta(syncMetaPrefix + key)
	if errors.Is(err, local.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("sync state: %w", err)
	}
	return b, nil
}

// Signer implements syncer.Local. The function signs while the session
// lasts; for a person carried over from format 1 without a signing key
// yet (ErrCannotSign elsewhere) it returns nil, which no server accepts.
func (r *replica) Signer() (string, func(msg []byte) []byte) {
	un := r.s.un
	return r.s.login, func(msg []byte) []byte {
		if un == nil || un.Identity == nil {
			return nil
		}
		return un.Identity.Sign(msg)
	}
}

// SignKeys implements syncer.Local.
func (r *replica) SignKeys(login string) [][]byte {
	_, table := r.o.trusted()
	if table == nil {
		return nil
	}
	u, ok := table.Find(login)
	if !ok {
		return nil
	}
	var out [][]byte
	if len(u.SignPub) > 0 {
		out = append(out, slices.Clone(u.SignPub))
	}
	for _, p := range u.FormerSignPubs {
		out = append(out, slices.Clone(p))
	}
	return out
}

// Anchor implements syncer.Local: the newest checkpoint event's seq, hash
// (the event's own, as keyring.json's checkpoint reference) and signature.
func (r *replica) Anchor(ctx context.Context) (syncer.Anchor, bool, error) {
	if err := r.lock(ctx); err != nil {
		return syncer.Anchor{}, false, err
	}
	defer r.o.mu.Unlock()
	last := r.o.head.Seq
	window := uint64(2*CheckpointEvery + 16)
	for {
		from := uint64(1)
		if last > window {
			from = last - window + 1
		}
		var found *audit.Event
		err := r.o.store.AuditRange(from, func(e local.AuditEntry) error {
			ev, err := audit.Unmarshal(e.Data)
			if err != nil {
				return err
			}
			if ev.Action == audit.ActCheckpoint {
				found = &ev
			}
			return nil
		})
		if err != nil {
			return syncer.Anchor{}, false, fmt.Errorf("sync anchor: %w", err)
		}
		if found != nil {
			sig, ok := audit.CheckpointSig(found.Detail)
			hash, herr := hex.DecodeString(found.Hash)
			if !ok || herr != nil {
				return syncer.Anchor{}, false, fmt.Errorf("sync anchor: checkpoint %d: %w", found.Seq, ErrAuditBroken)
			}
			return syncer.Anchor{Seq: found.Seq, Hash: hash, Sig: sig}, true, nil
		}
		if from == 1 {
			return syncer.Anchor{}, false, nil
		}
		window *= 4
	}
}

// parseIncoming checks one pulled version: its sealed header names the id
// and rev it came under, it is no merge version (those never leave a
// device), and its kind fits its id.
func parseIncoming(in syncer.Incoming) (*pver, error) {
	env, err := vault.UnmarshalEnvelope(in.Data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrSyncDamaged, err)
	}
	rev, err := vault.ParseRev(in.Rev)
	if err != nil || rev.String() != in.Rev {
		return nil, fmt.Errorf("%w: rev %q", ErrSyncDamaged, in.Rev)
	}
	switch {
	case env.ID != in.ID:
		return nil, fmt.Errorf("%w: header names %q", ErrSyncDamaged, env.ID)
	case env.Rev != rev:
		return nil, fmt.Errorf("%w: header names rev %s", ErrSyncDamaged, env.Rev)
	case isMergeRev(rev):
		return nil, fmt.Errorf("%w: a merge version", ErrSyncDamaged)
	case strings.HasSuffix(in.ID, caseSuffix) != strings.HasSuffix(env.Kind, ".case"):
		return nil, fmt.Errorf("%w: kind %q under id %q", ErrSyncDamaged, env.Kind, in.ID)
	}
	return &pver{v: local.Version{ID: in.ID, Kind: env.Kind, Rev: in.Rev, Blob: in.Data}, env: env, rev: rev}, nil
}

// storedVersions reads the stored versions of id with their headers.
func (o *Office) storedVersions(id string) ([]*pver, error) {
	hist, err := o.store.History(id)
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", id, err)
	}
	out := make([]*pver, 0, len(hist))
	for _, v := range hist {
		env, err := vault.UnmarshalEnvelope(v.Blob)
		if err != nil {
			return nil, fmt.Errorf("read %s: %w", id, err)
		}
		rev, err := vault.ParseRev(v.Rev)
		if err != nil || env.Rev != rev || env.ID != id {
			return nil, fmt.Errorf("read %s rev %s: %w", id, v.Rev, ErrTampered)
		}
		out = append(out, &pver{v: v, env: env, rev: rev})
	}
	return out, nil
}

// Apply implements syncer.Local: it stores the pulled versions, makes
// each touched record's head its single leaf or a merge of its leaves,
// indexes what the session can open (and what earlier sessions could
// not), sets the state and logs one event, all in one transaction.
func (r *replica) Apply(ctx context.Context, in []syncer.Incoming, state map[string][]byte) (syncer.Applied, error) {
	var res syncer.Applied
	if err := r.lock(ctx); err != nil {
		return res, err
	}
	defer r.o.mu.Unlock()
	o, s := r.o, r.s
	meta, err := stateMeta(state)
	if err != nil {
		return res, err
	}
	if err := refuseAuditMeta(meta); err != nil {
		return res, err
	}
	if err := o.ensureSeeded(ctx); err != nil {
		return res, err
	}
	rj, rejoining, err := o.rejoining()
	if err != nil {
		return res, err
	}
	var watermark uint64
	if rejoining {
		if watermark, err = o.auditPushed(); err != nil {
			return res, err
		}
	}
	var acked []local.OutboxRef      // versions the server has: out of the outbox (rejoin.go)
	stored := map[string][]*pver{}   // by id, read once
	arriving := map[string][]*pver{} // new versions by id
	var writes []local.Write
	var newest vault.Rev
	var orders []*PurgeOrder         // carried out once the page is committed (purge_sync.go)
	var settings []*RetentionSetting // retention rules of other PCs (retention_sync.go)
	for i, x := range in {
		if x.Redacted != "" {
			// Erased on the server: nothing to store; the order must be
			// here, verified, by the end of the pull (redact_sync.go).
			res.Known++
			if !o.erasedHere(x.ID) {
				if err := pendingRedaction(meta, x); err != nil {
					return syncer.Applied{}, fmt.Errorf("sync version %d (%s %s): %w", i+1, x.ID, x.Rev, err)
				}
			}
			continue
		}
		p, err := parseIncoming(x)
		if err != nil {
			return syncer.Applied{}, fmt.Errorf("sync version %d (%s %s): %w", i+1, x.ID, x.Rev, err)
		}
		if o.erasedHere(x.ID) {
			res.Known++ // a version of a record erased here: not stored again
			continue
		}
		if _, ok := stored[x.ID]; !ok {
			if stored[x.ID], err = o.storedVersions(x.ID); err != nil {
				return syncer.Applied{}, err
			}
		}
		if rejoining && rj.known(p, meta, watermark) {
			res.Known++
			continue
		}
		var auditWrite *local.Write // an access-log event: stored, never merged (audit_sync.go)
		if isAudit(p) {
			w, err := pulledAudit(p)
			if err != nil {
				return syncer.Applied{}, fmt.Errorf("sync version %d (%s %s): %w", i+1, x.ID, x.Rev, err)
			}
			auditWrite = &w
		}
		if isRetention(p) {
			w, set, err := o.pulledRetention(s, p)
			if err != nil {
				return syncer.Applied{}, fmt.Errorf("sync version %d (%s %s): %w", i+1, x.ID, x.Rev, err)
			}
			if set != nil {
				settings = append(settings, set)
			}
			auditWrite = &w
		}
		if isPurge(p) {
			w, order, err := o.pulledPurge(s, p)
			if err != nil {
				return syncer.Applied{}, fmt.Errorf("sync version %d (%s %s): %w", i+1, x.ID, x.Rev, err)
			}
			if order != nil {
				orders = append(orders, order)
				o.markPending(order, meta)
			}
			auditWrite = &w
		}
		known := false
		for _, q := range append(slices.Clone(stored[x.ID]), arriving[x.ID]...) {
			if q.v.Rev != x.Rev {
				continue
			}
			if q.v.Kind != p.v.Kind || !bytes.Equal(q.v.Blob, x.Data) {
				return syncer.Applied{}, fmt.Errorf("sync version %d (%s %s): other bytes than the stored version: %w", i+1, x.ID, x.Rev, ErrSyncDamaged)
			}
			known = true
		}
		if known {
			res.Known++
			if rejoining {
				acked = append(acked, local.OutboxRef{ID: x.ID, Rev: x.Rev})
			}
			continue
		}
		res.New++
		if auditWrite != nil {
			stored[x.ID] = append(stored[x.ID], p)
			writes = append(writes, *auditWrite)
			continue
		}
		arriving[x.ID] = append(arriving[x.ID], p)
		for _, q := range stored[x.ID] {
			if q.v.Kind != p.v.Kind {
				return syncer.Applied{}, fmt.Errorf("sync version %d (%s %s): a %s under a %s: %w", i+1, x.ID, x.Rev, p.v.Kind, q.v.Kind, ErrSyncDamaged)
			}
		}
		if prev := arriving[x.ID]; len(prev) > 0 && prev[0].v.Kind != p.v.Kind {
			return syncer.Applied{}, fmt.Errorf("sync version %d (%s %s): a %s under a %s: %w", i+1, x.ID, x.Rev, p.v.Kind, prev[0].v.Kind, ErrSyncDamaged)
		}
		if p.rev.Compare(newest) > 0 {
			newest = p.rev
		}
	}
	o.adoptRetention(settings, meta)
	touched := map[string]bool{}
	for id := range arriving {
		touched[id] = true
	}
	remembered, err := o.store.MetaKeys(unopenedPrefix, reindexPerApply)
	if err != nil {
		return syncer.Applied{}, fmt.Errorf("sync: %w", err)
	}
	wasUnopened := map[string]bool{}
	for _, k := range remembered {
		id := strings.TrimPrefix(k, unopenedPrefix)
		wasUnopened[id] = true
		if !strings.HasSuffix(id, caseSuffix) || s.keys.Has(vault.ClassCase) {
			touched[id] = true
		}
	}
	bb, indexing := o.newBlindBatch(s, meta)
	defer bb.close()
	var drop []string
	heads := 0
	for _, id := range slices.Sorted(maps.Keys(touched)) {
		if _, ok := stored[id]; !ok {
			if stored[id], err = o.storedVersions(id); err != nil {
				return syncer.Applied{}, err
			}
		}
		curHead := ""
		if h, err := o.store.Head(id); err == nil {
			curHead = h.Rev
		} else if !errors.Is(err, local.ErrNotFound) {
			return syncer.Applied{}, fmt.Errorf("sync: %w", err)
		}
		rs, err := o.resolvePart(s, id, append(slices.Clone(stored[id]), arriving[id]...), curHead)
		if err != nil {
			return syncer.Applied{}, err
		}
		if rs.unopened {
			// Stored as the store orders versions: the greatest rev is head.
			for _, p := range arriving[id] {
				writes = append(writes, local.Write{Version: p.v})
			}
			res.Unopened += len(arriving[id])
			meta[unopenedPrefix+id] = nil
			continue
		}
		if wasUnopened[id] {
			drop = append(drop, unopenedPrefix+id)
		}
		if len(stored[id]) == 0 && len(rs.writes) > 0 && rs.writes[0].Version.Kind == string(record.KindBusiness) {
			dups, err := o.probableDuplicates(s, rs.newPlain)
			if err != nil {
				return syncer.Applied{}, err
			}
			rs.writes[0].Terms = append(rs.writes[0].Terms, dups...)
		}
		// Stored as history, then the head with its terms once.
		for _, p := range arriving[id] {
			writes = append(writes, local.Write{Version: p.v, History: true})
		}
		writes = append(writes, rs.writes...)
		heads++
		if rs.merged {
			res.Merged++
		}
		if rs.conflicted {
			res.Conflicts++
		}
		if indexing && len(rs.writes) > 0 && rs.writes[0].Version.Kind == caseKind(record.KindConsultation) {
			old := rs.oldPlain
			if wasUnopened[id] {
				old = nil // stored unopened: nothing of it is indexed yet
			}
			if err := indexCase(bb, strings.TrimSuffix(id, caseSuffix), old, rs.newPlain); err != nil {
				return syncer.Applied{}, err
			}
		}
	}
	if !newest.IsZero() {
		o.clock.Observe(newest)
		meta[metaHLC] = []byte(o.laterRev(newest).String())
	}
	if indexing {
		if err := bb.sealCounts(); err != nil {
			return syncer.Applied{}, err
		}
	}
	var events []audit.Event
	if len(writes) > 0 {
		events = append(events, o.event(audit.ActSync, "", fmt.Sprintf("new=%d known=%d merged=%d conflicts=%d unopened=%d heads=%d",
			res.New, res.Known, res.Merged, res.Conflicts, res.Unopened, heads)))
	}
	if len(writes) == 0 && len(meta) == 0 && len(drop) == 0 && len(acked) == 0 {
		return res, nil
	}
	batch := local.Batch{Writes: writes, Meta: meta, DropMeta: drop, Acked: acked}
	if applyHook != nil {
		applyHook(&batch)
	}
	if err := o.writeBatch(batch, append(o.takeWarnings(), events...)); err != nil {
		return syncer.Applied{}, fmt.Errorf("sync apply: %w", err)
	}
	if bb != nil {
		bb.committed()
	}
	if err := o.carryOutHeld(ctx, s, orders); err != nil {
		return res, fmt.Errorf("sync apply: %w", err)
	}
	if _, err := o.settleRedactions(); err != nil {
		return res, fmt.Errorf("sync apply: %w", err)
	}
	return res, nil
}

// ixDup holds, on a business that arrived by sync, the id of a business
// stored here before with the same normalised name or phone number: a
// probable duplicate registered on two devices, for a person to look at
// (MergeBusiness). A later save of the business drops it.
const ixDup = "dup"

// probableDuplicates returns the dup terms of a business that arrived by
// sync (its plaintext): the businesses stored here that look like it
// (similar). Call with o.mu held.
func (o *Office) probableDuplicates(s *Session, plain []byte) ([]local.Term, error) {
	var b record.Business
	if err := json.Unmarshal(plain, &b); err != nil {
		return nil, fmt.Errorf("decode %s: %w", record.KindBusiness, err)
	}
	matches, err := o.similar(s, &b)
	if err != nil {
		return nil, err
	}
	var ts []local.Term
	for _, m := range matches {
		ts = append(ts, local.Term{Index: ixDup, Value: m.ID})
	}
	return ts, nil
}

// applyHook, when set (by tests), changes Apply's batch before it is
// committed.
var applyHook func(b *local.Batch)

// indexCase adds a consultation's content that arrived by sync to the
// blind index, as a save does: the bigrams not in the previous head's.
func indexCase(bb *blindBatch, id string, oldPlain, newPlain []byte) error {
	var old []string
	if oldPlain != nil {
		var c record.ConsultationCase
		if json.Unmarshal(oldPlain, &c) == nil {
			old = caseTexts(&c)
		}
	}
	var c record.ConsultationCase
	if err := json.Unmarshal(newPlain, &c); err != nil {
		return fmt.Errorf("index %s: %w", id, err)
	}
	return bb.add(id, old, caseTexts(&c)...)
}

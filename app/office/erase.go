package office

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Erasure (消去) on this PC. A supervisor or an admin plans it (PlanErase:
// the records and, for a business, every record that belongs to it), signs
// a purge order for the plan and carries it out (Erase). Carrying out an
// order removes, for every record it names, every version of its contact,
// case and approval parts, its head, terms, plain index and kind entries,
// its outbox entries and its merge and 競合 state, and re-seals the
// blind-index entries that pointed at it as empty; then the store drops
// those keys from every table and collects its value log (local.Purge).
// The access log keeps every event: events name records by id and never
// hold their content, so the chain stays whole. Orders are kept:
//
//	purge/<order hash>   {"order": …, "done": bool, "versions": n}
//	erased/<id>          the hash of the order that erased the record
//
// An order not done (a crash in the middle) is finished by the next
// erasure or listing of this PC.
const (
	metaPurgePrefix  = "purge/"
	metaErasedPrefix = "erased/"
)

// storedPurge is the meta value of an order carried out on this PC.
type storedPurge struct {
	Order    json.RawMessage `json:"order"`
	Done     bool            `json:"done"`
	Versions int             `json:"versions"`
	// BlindLeft: carried out by a person without the case key, who cannot
	// read the blind index; the next session with it clears the entries
	// that point at the erased records (finishPending).
	BlindLeft bool `json:"blind_left,omitempty"`
	// ServerReceipt is the server's receipt of the order as the server
	// signed it (purge.Receipt), once sync has it.
	ServerReceipt json.RawMessage `json:"server_receipt,omitempty"`
	// Resend asks the next sync to send the order to the server again
	// (ResendPurges: after the server was restored from an older backup).
	Resend bool `json:"resend,omitempty"`
}

// ErasePlan is what an erasure would remove.
type ErasePlan struct {
	Reason string
	Items  []PurgeItem
}

// Versions counts the versions of every part of every record of the plan.
func (p ErasePlan) Versions() int {
	n := 0
	for _, it := range p.Items {
		n += it.Versions
	}
	return n
}

// ErasureResult says what Erase did.
type ErasureResult struct {
	Order *PurgeOrder
	// Versions is the number of record versions removed from this PC.
	Versions int
}

// PlanErase returns what erasing the records ids would remove, for reason
// (ReasonRetention or ReasonRequest): each record with its kind, date and
// versions, and for a business also every record that belongs to it. It
// erases nothing. An id that is not stored gives ErrNotFound, a kind that
// is never erased (masters, seminars, the ledger) ErrInvalid.
func (o *Office) PlanErase(ctx context.Context, s *Session, ids []string, reason string) (ErasePlan, error) {
	w, err := o.begin(ctx, s, PermErase)
	if err != nil {
		return ErasePlan{}, err
	}
	defer w.end()
	if reason != ReasonRetention && reason != ReasonRequest {
		return ErasePlan{}, fmt.Errorf("erase: reason %q: %w", reason, ErrInvalid)
	}
	dates, err := o.lastDates(w)
	if err != nil {
		return ErasePlan{}, err
	}
	plan := ErasePlan{Reason: reason}
	seen := map[string]bool{}
	for _, id := range ids {
		if err := o.planRecord(w, id, dates, seen, &plan, true); err != nil {
			return ErasePlan{}, err
		}
	}
	slices.SortFunc(plan.Items, func(a, b PurgeItem) int { return strings.Compare(a.ID, b.ID) })
	return plan, nil
}

// planRecord adds id (and, for a business, its records) to the plan.
func (o *Office) planRecord(w *work, id string, dates map[string]string, seen map[string]bool, plan *ErasePlan, asked bool) error {
	if seen[id] {
		return nil
	}
	k, ok := record.KindOfID(id)
	if !ok || strings.ContainsAny(id, "#\x00/") {
		return fmt.Errorf("erase %q: %w", id, ErrNotFound)
	}
	if !erasable(k) {
		if asked {
			return fmt.Errorf("erase %s: a %s is never erased: %w", id, k, ErrInvalid)
		}
		return nil
	}
	versions := 0
	for _, part := range []string{id, id + caseSuffix, id + approvalSuffix} {
		vs, err := o.store.History(part)
		if err != nil {
			return fmt.Errorf("erase %s: %w", id, err)
		}
		versions += len(vs)
	}
	if versions == 0 {
		return fmt.Errorf("erase %s: %w", id, ErrNotFound)
	}
	seen[id] = true
	plan.Items = append(plan.Items, PurgeItem{ID: id, Kind: k, Versions: versions, Last: dates[id]})
	if k != record.KindBusiness {
		return nil
	}
	deps, err := o.store.Find(ixBusiness, id)
	if err != nil {
		return fmt.Errorf("erase %s: %w", id, err)
	}
	for _, d := range deps {
		if err := o.planRecord(w, d, dates, seen, plan, false); err != nil {
			return err
		}
	}
	return nil
}

// Erase signs a purge order for plan with s's signing key and carries it
// out on this PC; sync sends it to the server and the other PCs. Only
// supervisors and admins may (ErrForbidden); a person whose key is not yet in the user table cannot sign
// (ErrCannotSign). Progress goes to the context's report (StepScan while
// the blind index is read, StepErase while the store drops the keys).
func (o *Office) Erase(ctx context.Context, s *Session, plan ErasePlan) (ErasureResult, error) {
	w, err := o.begin(ctx, s, PermErase)
	if err != nil {
		return ErasureResult{}, err
	}
	defer w.end()
	if err := o.finishPending(w); err != nil {
		return ErasureResult{}, err
	}
	p := &PurgeOrder{Reason: plan.Reason, Items: slices.Clone(plan.Items)}
	if err := o.signOrder(s, p); err != nil {
		return ErasureResult{}, err
	}
	if err := officeErr(p.WellFormed()); err != nil {
		return ErasureResult{}, err
	}
	return o.carryOut(w, p, true)
}

// ApplyPurgeOrder verifies an order that came from elsewhere (sync) against
// the verified user table and carries it out on this PC; an order carried
// out before is not done again. An order that does not verify (not signed
// by a supervisor or an admin of this office, or changed since) is refused
// with ErrForged and erases nothing.
func (o *Office) ApplyPurgeOrder(ctx context.Context, s *Session, order []byte) (ErasureResult, error) {
	w, err := o.begin(ctx, s, PermSync)
	if err != nil {
		return ErasureResult{}, err
	}
	defer w.end()
	p, err := UnmarshalPurgeOrder(order)
	if err != nil {
		return ErasureResult{}, err
	}
	kr, table := o.trusted()
	if err := verifyOrder(p, kr.Office, table); err != nil {
		return ErasureResult{}, err
	}
	return o.carryOut(w, p, false)
}

// carryOut erases what order p names on this PC, once: an order done
// before returns its result again. An order signed here (signed) is also
// stored as the version that sync pushes (purge_sync.go).
func (o *Office) carryOut(w *work, p *PurgeOrder, signed bool) (ErasureResult, error) {
	hash := p.Hash()
	if sp, err := o.storedPurge(hash); err == nil && sp.Done {
		return ErasureResult{Order: p, Versions: sp.Versions}, nil
	}
	parts := orderParts(p)
	blind, err := o.blindEntriesOf(w, p.Items)
	if err != nil {
		return ErasureResult{}, err
	}
	w.report(StepErase, 0, len(p.Items))
	var res local.PurgeResult
	err = o.locked(w, func() error {
		var ov *local.Write
		if signed {
			if err := o.noPushInFlight(); err != nil {
				return err
			}
			write, _, err := o.orderVersion(w.s, p)
			if err != nil {
				return err
			}
			ov = &write
		}
		res, err = o.purge(w.s, p, hash, parts, blind, ov)
		return err
	})
	if err != nil {
		return ErasureResult{}, err
	}
	w.report(StepErase, len(p.Items), len(p.Items))
	return ErasureResult{Order: p, Versions: res.Versions}, nil
}

// noPushInFlight refuses an erasure while a push whose answer was lost
// waits to be sent again byte for byte: it may hold versions the erasure
// removes. A sync settles it. Call with o.mu held.
func (o *Office) noPushInFlight() error {
	if b, err := o.store.Meta(syncMetaPrefix + "pending"); err == nil && len(b) > 0 {
		return fmt.Errorf("erase while a push is in flight (sync first): %w", ErrConflict)
	}
	return nil
}

// StepErase is the step of an erasure that removes the records.
const StepErase Step = "erase"

// purge commits the order and its events, drops the keys and marks the
// order done. Call with o.mu held.
func (o *Office) purge(s *Session, p *PurgeOrder, hash string, parts []string, blind map[string][]byte, ov *local.Write) (local.PurgeResult, error) {
	order := p.Marshal()
	pending, _ := json.Marshal(storedPurge{Order: order})
	events := []audit.Event{o.event(audit.ActPurge, "", fmt.Sprintf("order %s by %s reason %s records=%d", hash[:16], p.By, p.Reason, len(p.Items)))}
	for _, it := range p.Items {
		events = append(events, o.event(audit.ActPurge, it.ID, "order "+hash[:16]+" "+string(it.Kind)))
	}
	meta := []string{}
	for _, part := range parts {
		meta = append(meta, unopenedPrefix+part)
	}
	for k := range blind {
		meta = append(meta, k)
	}
	after := map[string][]byte{}
	for k, v := range blind {
		after[k] = v
	}
	for _, it := range p.Items {
		after[metaErasedPrefix+it.ID] = []byte(hash)
	}
	// The events go with the order (and the version that carries it to
	// the other PCs), in the chain's own commit.
	var writes []local.Write
	before := map[string][]byte{metaPurgePrefix + hash: pending}
	if ov != nil {
		writes = append(writes, *ov)
		before[metaHLC] = []byte(ov.Version.Rev)
	}
	if err := o.commit(writes, before, events...); err != nil {
		return local.PurgeResult{}, err
	}
	res, err := o.store.Purge(local.PurgeRequest{IDs: parts, Meta: meta, After: local.Batch{Meta: after}})
	if err != nil {
		return res, fmt.Errorf("erase: %w", err)
	}
	blindLeft := !s.keys.Has(vault.ClassCase) && hasConsultation(p.Items)
	done, _ := json.Marshal(storedPurge{Order: order, Done: true, Versions: res.Versions, BlindLeft: blindLeft})
	if err := o.store.Commit(local.Batch{Meta: map[string][]byte{metaPurgePrefix + hash: done}}); err != nil {
		return res, fmt.Errorf("erase: %w", err)
	}
	o.forgetBlindCounts()
	return res, nil
}

// storedPurge reads the order kept under hash.
func (o *Office) storedPurge(hash string) (storedPurge, error) {
	var sp storedPurge
	b, err := o.store.Meta(metaPurgePrefix + hash)
	if err != nil {
		return sp, err
	}
	if err := json.Unmarshal(b, &sp); err != nil {
		return sp, fmt.Errorf("purge order %s: %w", hash, ErrTampered)
	}
	return sp, nil
}

// blindEntriesOf finds the blind-index entries that point at the records
// (their consultation content's bigrams, under every case key version the
// session holds) and returns each entry's key with a new sealed value that
// points at nothing. It reads without holding the office.
func (o *Office) blindEntriesOf(w *work, items []PurgeItem) (map[string][]byte, error) {
	out := map[string][]byte{}
	if !w.s.keys.Has(vault.ClassCase) {
		return out, nil
	}
	ids := map[string]bool{}
	var texts []string
	for _, it := range items {
		if it.Kind != record.KindConsultation {
			continue
		}
		ids[it.ID] = true
		vs, err := o.store.History(it.ID + caseSuffix)
		if err != nil {
			return nil, fmt.Errorf("erase %s: %w", it.ID, err)
		}
		for _, v := range vs {
			var c record.ConsultationCase
			if err := o.openVersion(w.s, v, caseKind(record.KindConsultation), &c); err != nil {
				continue // sealed under a key this person does not hold
			}
			texts = append(texts, caseTexts(&c)...)
		}
	}
	grams := bigramsOf(texts...)
	for _, v := range w.s.keys.Versions(vault.ClassCase) {
		b, _ := blindKeysFor(w.s, v)
		err := o.blindPointers(w, b, grams, ids, out)
		b.Close()
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// blindPointers walks the entries of every bigram of grams under one key
// version and re-seals empty those that point at one of ids.
func (o *Office) blindPointers(w *work, b blindKeys, grams []string, ids map[string]bool, out map[string][]byte) error {
	for gi, g := range grams {
		if err := ctxErr(w.ctx); err != nil {
			return err
		}
		n, err := o.readBlindCount(b, b.entry("n", g))
		if err != nil {
			return err
		}
		for i := uint32(0); i < n; i++ {
			if err := o.repoint(b, b.entry("e", g, strconv.FormatUint(uint64(i), 10)), ids, out); err != nil {
				return err
			}
		}
		w.report(StepScan, gi+1, len(grams))
	}
	return nil
}

// forgetBlindCounts empties the cache of blind-index counts (the store
// dropped and rewrote entries). Call with o.mu held.
func (o *Office) forgetBlindCounts() {
	o.cmu.Lock()
	defer o.cmu.Unlock()
	clear(o.blindCache)
}

// finishPending carries out the orders a crash left half done, and, in a
// session with the case key, clears the blind-index entries that orders
// carried out without it left.
func (o *Office) finishPending(w *work) error {
	keys, err := o.store.MetaKeys(metaPurgePrefix, 0)
	if err != nil {
		return fmt.Errorf("read purge orders: %w", err)
	}
	for _, k := range keys {
		hash := strings.TrimPrefix(k, metaPurgePrefix)
		sp, err := o.storedPurge(hash)
		if err != nil {
			return err
		}
		if sp.Done && !(sp.BlindLeft && w.s.keys.Has(vault.ClassCase)) {
			continue
		}
		p, err := UnmarshalPurgeOrder(sp.Order)
		if err != nil {
			return err
		}
		if !sp.Done {
			if _, err := o.carryOut(w, p, false); err != nil {
				return err
			}
			continue
		}
		if err := o.clearBlind(w, p, hash, sp, false); err != nil {
			return err
		}
	}
	return nil
}

// clearBlind re-seals empty every blind-index entry, under every case key
// version the session holds, that points at a record of order p, reading
// the whole index (the records' content is gone, so their bigrams are not
// known), drops the entries' old versions and marks the order clear.
// held says that the caller holds o.mu (Apply).
func (o *Office) clearBlind(w *work, p *PurgeOrder, hash string, sp storedPurge, held bool) error {
	ids := map[string]bool{}
	for _, it := range p.Items {
		ids[it.ID] = true
	}
	out := map[string][]byte{}
	for _, v := range w.s.keys.Versions(vault.ClassCase) {
		b, _ := blindKeysFor(w.s, v)
		err := o.blindScanAll(w, b, ids, out)
		b.Close()
		if err != nil {
			return err
		}
	}
	sp.BlindLeft = false
	done, _ := json.Marshal(sp)
	out[metaPurgePrefix+hash] = done
	apply := func() error {
		var drop []string
		for k := range out {
			if k != metaPurgePrefix+hash {
				drop = append(drop, k)
			}
		}
		_, err := o.store.Purge(local.PurgeRequest{Meta: drop, After: local.Batch{Meta: out}})
		if err != nil {
			return fmt.Errorf("erase: %w", err)
		}
		o.forgetBlindCounts()
		return nil
	}
	if held {
		return apply()
	}
	return o.locked(w, apply)
}

// blindScanAll reads every entry of one key version and re-seals empty
// those that point at one of ids.
func (o *Office) blindScanAll(w *work, b blindKeys, ids map[string]bool, out map[string][]byte) error {
	prefix := blindPrefix + strconv.FormatUint(uint64(b.Version()), 10) + "/"
	keys, err := o.store.MetaKeys(prefix, 0)
	if err != nil {
		return fmt.Errorf("blind index: %w", err)
	}
	for i, k := range keys {
		if err := ctxErr(w.ctx); err != nil {
			return err
		}
		if err := o.repoint(b, k, ids, out); err != nil {
			return err
		}
		w.report(StepScan, i+1, len(keys))
	}
	return nil
}

// repoint re-seals empty the entry ek when it points at one of ids; a
// count entry (4 bytes, never an id) is left.
func (o *Office) repoint(b blindKeys, ek string, ids map[string]bool, out map[string][]byte) error {
	sealed, err := o.store.Meta(ek)
	if errors.Is(err, local.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("blind index: %w", err)
	}
	raw, err := b.Open(ek, sealed)
	if err != nil {
		return err
	}
	if len(raw) == 4 || !ids[strings.TrimSuffix(string(raw), caseSuffix)] {
		return nil
	}
	if out[ek], err = b.Seal(ek, nil); err != nil {
		return fmt.Errorf("blind index: %w", err)
	}
	return nil
}

// hasConsultation reports whether the items name a consultation record.
func hasConsultation(items []PurgeItem) bool {
	for _, it := range items {
		if it.Kind == record.KindConsultation {
			return true
		}
	}
	return false
}

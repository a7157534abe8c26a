package office

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// recordParts says how one record is sealed and indexed, and who may write it.
func recordParts(rec any) (*record.Meta, record.Kind, Permission, []part, error) {
	contact := func(id string, k record.Kind, v any, t []local.Term) part {
		return part{id: id, kind: string(k), value: v, terms: t}
	}
	secret := func(id string, k record.Kind, v any, t []local.Term) part {
		return part{id: id + caseSuffix, kind: caseKind(k), value: v, terms: t}
	}
	switch r := rec.(type) {
	case *record.Business:
		ps := []part{contact(r.ID, record.KindBusiness, r, recordTerms(r))}
		if r.Case != nil {
			ps = append(ps, secret(r.ID, record.KindBusiness, r.Case, nil))
		}
		return &r.Meta, record.KindBusiness, PermFrontDesk, ps, nil
	case *record.Reservation:
		return &r.Meta, record.KindReservation, PermFrontDesk, []part{contact(r.ID, record.KindReservation, r, recordTerms(r))}, nil
	case *record.Consultation:
		if r.Case == nil {
			r.Case = &record.ConsultationCase{}
		}
		return &r.Meta, record.KindConsultation, PermCase, []part{contact(r.ID, record.KindConsultation, r, recordTerms(r)),
			secret(r.ID, record.KindConsultation, r.Case, nil)}, nil
	case *record.Dispatch:
		if r.Case == nil {
			r.Case = &record.DispatchCase{}
		}
		return &r.Meta, record.KindDispatch, PermCase, []part{contact(r.ID, record.KindDispatch, r, recordTerms(r)),
			secret(r.ID, record.KindDispatch, r.Case, nil)}, nil
	case *record.Seminar:
		return &r.Meta, record.KindSeminar, PermSeminar, []part{contact(r.ID, record.KindSeminar, r, recordTerms(r))}, nil
	case *record.Application:
		return &r.Meta, record.KindApplication, PermApplications, []part{contact(r.ID, record.KindApplication, r,
			recordTerms(r))}, nil
	case *record.Venue:
		return &r.Meta, record.KindVenue, PermMasters, []part{contact(r.ID, record.KindVenue, r, nil)}, nil
	case *record.Staff:
		return &r.Meta, record.KindStaff, PermMasters, []part{contact(r.ID, record.KindStaff, r, nil)}, nil
	case *record.Program:
		return &r.Meta, record.KindProgram, PermMasters, []part{contact(r.ID, record.KindProgram, r, nil)}, nil
	}
	return nil, "", 0, nil, fmt.Errorf("import: unsupported record %T", rec)
}

// mayImport checks that s may write rec as its Save method would let it:
// the permission of its kind, the case key for a business's case part, a
// coordinator or supervisor for a dispatch past 申請, a supervisor for an
// approved record.
func mayImport(s *Session, rec any) error {
	_, k, perm, _, err := recordParts(rec)
	if err != nil {
		return err
	}
	if !s.May(perm) {
		return fmt.Errorf("%s: %w", k, ErrForbidden)
	}
	switch r := rec.(type) {
	case *record.Business:
		if r.Case != nil && !s.May(PermCase) {
			return fmt.Errorf("business case part: %w", ErrForbidden)
		}
	case *record.Dispatch:
		if r.Status != "" && r.Status != record.DisRequested && r.Status != record.DisCanceled && !s.May(PermDispatchApprove) {
			return fmt.Errorf("dispatch status %s: %w", r.Status, ErrForbidden)
		}
	case *record.Consultation:
		if r.Status == record.StApproved && !s.HasRole(RoleSupervisor) {
			return fmt.Errorf("approve: %w", ErrForbidden)
		}
	}
	return nil
}

// Import saves many new records at once (demo data, data moved from paper or
// another system). Each is stamped, validated and sealed as by its Save
// method, but booking conflicts and duplicates are not checked: the source
// is trusted to be consistent. Records whose ID is set keep it (so records
// can refer to each other); it must be new. Writes go in as few
// transactions as fit, each all-or-nothing, and the access log gets one
// event per kind with the count. progress, if not nil, is called as records
// are written (else the context's, with StepImport). Records are sealed
// without holding the office; each chunk is written under its lock. When
// ctx ends the import stops between records, and the chunks already
// written stay.
func (o *Office) Import(ctx context.Context, s *Session, recs []any, progress func(done, total int)) error {
	w, err := o.beginWith(ctx, s, func() error { return o.loggedIn(ctx, s) })
	if err != nil {
		return err
	}
	defer w.end()
	if len(recs) == 0 {
		return nil
	}
	// Every record is checked before the first is written: a refusal in a
	// later chunk must not leave the earlier chunks written.
	for i, rec := range recs {
		if err := mayImport(s, rec); err != nil {
			return fmt.Errorf("import record %d: %w", i+1, err)
		}
	}
	if progress == nil {
		progress = w.reporter(StepImport)
	}
	counts, last, err := o.importPipelined(w, recs, progress)
	if err != nil {
		return err
	}
	kinds := make([]string, 0, len(counts))
	for k := range counts {
		kinds = append(kinds, string(k))
	}
	sort.Strings(kinds)
	return o.locked(w, func() error {
		evs := make([]audit.Event, 0, len(kinds))
		for _, k := range kinds {
			evs = append(evs, o.event("import", "", fmt.Sprintf("%s count=%d", k, counts[record.Kind(k)])))
		}
		return o.commit(nil, map[string][]byte{metaHLC: []byte(o.laterRev(last).String())}, evs...)
	})
}

// laterRev returns r or, when later, the revision the store last noted:
// records saved while an import sealed its own may carry later ones. Call
// with o.mu held.
func (o *Office) laterRev(r vault.Rev) vault.Rev {
	if cur, err := vault.ParseRev(o.metaString(metaHLC)); err == nil && cur.Compare(r) > 0 {
		return cur
	}
	return r
}

// importPipelined seals chunk n+1 while chunk n is being written, so the
// two cores share the work.
func (o *Office) importPipelined(w *work, recs []any, progress func(done, total int)) (map[record.Kind]int, vault.Rev, error) {
	type chunk struct {
		writes []local.Write
		end, n int
		err    error
	}
	s := w.s
	counts := map[record.Kind]int{}
	var last vault.Rev
	ch := make(chan chunk, 1)
	stop := make(chan struct{})
	var sealing sync.WaitGroup // the sealer uses the session's keys: wait for it before the work ends
	defer sealing.Wait()
	defer close(stop)
	_, _, indexing := s.keys.Current(vault.ClassCase)
	sealing.Add(1)
	go func() {
		defer sealing.Done()
		defer close(ch)
		for start := 0; start < len(recs); start += importChunk {
			end := min(start+importChunk, len(recs))
			c := chunk{end: end, n: end - start, writes: make([]local.Write, 0, (end-start)*2)}
			for i, rec := range recs[start:end] {
				if err := ctxErr(w.ctx); err != nil {
					c.err = fmt.Errorf("import: %w", err)
					break
				}
				ws, k, err := o.importOne(s, rec)
				if err != nil {
					c.err = fmt.Errorf("import record %d: %w", start+i+1, err)
					break
				}
				counts[k]++
				c.writes = append(c.writes, ws...)
				last, _ = vault.ParseRev(ws[0].Version.Rev)
			}
			select {
			case ch <- c:
			case <-stop:
				return
			}
			if c.err != nil {
				return
			}
		}
	}()
	for c := range ch {
		if c.err != nil {
			return nil, vault.Rev{}, c.err
		}
		if err := o.locked(w, func() error { return o.store.CommitMany(c.writes, nil) }); err != nil {
			return nil, vault.Rev{}, fmt.Errorf("import: %w", err)
		}
		if indexing {
			if err := o.indexImported(w, recs[c.end-c.n:c.end]); err != nil {
				return nil, vault.Rev{}, err
			}
		}
		if progress != nil {
			progress(c.end, len(recs))
		}
	}
	return counts, last, nil
}

// blindFlushAt is how many blind-index entries an import writes per
// transaction.
const blindFlushAt = 2000

// indexImported adds the imported consultations' content to the blind
// index, a transaction of about blindFlushAt entries at a time, each with
// o.mu held from reading the counts to writing them.
func (o *Office) indexImported(w *work, recs []any) error {
	for len(recs) > 0 {
		err := o.locked(w, func() error {
			bb, _ := o.newBlindBatch(w.s, map[string][]byte{})
			defer bb.close()
			for len(recs) > 0 && len(bb.meta) < blindFlushAt {
				c, ok := recs[0].(*record.Consultation)
				recs = recs[1:]
				if !ok || c.Case == nil {
					continue
				}
				if err := bb.add(c.ID, nil, caseTexts(c.Case)...); err != nil {
					return err
				}
			}
			return bb.flush(0)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// importChunk is how many records Import seals before writing them, so a
// large import never holds all of them sealed in memory.
const importChunk = 2000

func (o *Office) importOne(s *Session, rec any) ([]local.Write, record.Kind, error) {
	_, k, perm, _, err := recordParts(rec)
	if err != nil {
		return nil, "", err
	}
	if !s.May(perm) {
		return nil, k, ErrForbidden
	}
	return o.sealImported(s, rec)
}

// sealImported stamps, validates and seals a record for an import whose
// permission the caller checked.
func (o *Office) sealImported(s *Session, rec any) ([]local.Write, record.Kind, error) {
	meta, k, _, _, err := recordParts(rec)
	if err != nil {
		return nil, "", err
	}
	if v, ok := rec.(validator); ok {
		if err := v.Validate(); err != nil {
			return nil, k, err
		}
	}
	now := o.opt.now().UTC()
	fresh := meta.ID == ""
	if fresh {
		meta.ID = record.NewID(k)
	} else if _, err := o.store.Head(meta.ID); !errors.Is(err, local.ErrNotFound) {
		// A new version of a stored record would bypass its Save method's
		// rules (the revision check, who may change an approved record).
		if err == nil {
			err = fmt.Errorf("%s is already stored: %w", meta.ID, ErrConflict)
		}
		return nil, k, err
	}
	if meta.CreatedAt.IsZero() {
		meta.CreatedAt = now
	}
	meta.CreatedBy, meta.UpdatedAt, meta.UpdatedBy = s.login, now, s.login
	_, _, _, parts, _ := recordParts(rec) // again: ids are set now
	rev := o.clock.Next()
	writes := make([]local.Write, 0, len(parts))
	for _, p := range parts {
		plain, err := json.Marshal(p.value)
		if err != nil {
			return nil, k, fmt.Errorf("encode %s: %w", p.kind, err)
		}
		env, err := vault.Seal(s.keys, vault.ClassFor(p.kind), p.id, p.kind, rev, nil, plain)
		if err != nil {
			return nil, k, fmt.Errorf("seal %s: %w", p.kind, err)
		}
		writes = append(writes, local.Write{Version: local.Version{ID: p.id, Kind: p.kind, Rev: rev.String(), Blob: env.Marshal()}, Terms: p.terms, Fresh: fresh, Outbox: true})
	}
	if c, ok := rec.(*record.Consultation); ok && c.Status == record.StApproved {
		// The importing supervisor (mayImport) signs the approval, as
		// Approve would: an unsigned 承認済 reads as 確定 with a warning.
		w, err := o.signApproval(s, meta.ID, rev, writes)
		if err != nil {
			return nil, k, err
		}
		writes = append(writes, w...)
	}
	meta.Rev = rev.String()
	return writes, k, nil
}

package office

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Records in 競合: a field changed on two devices to different values
// before either saw the other's change. Sync merged them (sync_merge.go),
// keeping the later value, and listed the field; a person looks at the
// values and picks one (ResolveConflict), or saves the record as usual,
// which also ends the conflict.

// ConflictSummary is one record part in 競合.
type ConflictSummary struct {
	ID     string   // the record's id
	Kind   string   // the part's kind: "business", or "business.case" for the case part
	Case   bool     // the conflict is in the case part
	Fields []string // the fields in 競合
	Revs   []string // the concurrent versions that were merged
	// When is the time of the latest merged version (RevTime).
	When time.Time
	// BusinessID is the business the record is about: its own id for a
	// business, its business_id for a reservation, consultation or
	// dispatch, "" for other kinds.
	BusinessID string
}

// businessOf is the business a record's plaintext is about.
func businessOf(kind, id string, plain []byte) string {
	if kind == string(record.KindBusiness) {
		return id
	}
	var m struct {
		BusinessID string `json:"business_id"`
	}
	if json.Unmarshal(plain, &m) != nil {
		return ""
	}
	return m.BusinessID
}

// RevTime is when the version rev was saved (its hybrid clock's wall
// time), the zero time for "" or a malformed rev.
func RevTime(rev string) time.Time {
	r, err := vault.ParseRev(rev)
	if err != nil || r.IsZero() {
		return time.Time{}
	}
	return time.UnixMilli(r.Wall)
}

// ConflictDetail is a record's conflicts, part by part.
type ConflictDetail struct {
	ID   string
	Kind string // the record's kind
	// Fields are the contact part's fields in 競合, each with the value of
	// the common ancestor and of each side; Revs the merged versions.
	Fields []FieldConflict
	Revs   []string
	// CaseFields and CaseRevs are the case part's, only for a person
	// holding the case key.
	CaseFields []FieldConflict
	CaseRevs   []string
}

// casePrefix names a case part's field in ResolveConflict's picks.
const casePrefix = "case."

// viewPerm is the permission that reading a storage kind takes.
func viewPerm(kind string) Permission {
	if strings.Contains(kind, ".") {
		return PermCase // a case part or an approval
	}
	switch record.Kind(kind) {
	case record.KindBusiness, record.KindReservation, record.KindConsultation, record.KindDispatch:
		return PermFrontDesk
	case record.KindApplication:
		return PermApplications
	case record.KindLedger:
		return PermLedger
	}
	return PermSync // seminars and masters: every screen shows them
}

// writePerm is the permission that saving a storage kind takes; false for
// kinds no one edits (ledger entries, approvals).
func writePerm(kind string) (Permission, bool) {
	if strings.HasSuffix(kind, ".case") {
		return PermCase, true
	}
	switch record.Kind(kind) {
	case record.KindBusiness, record.KindReservation:
		return PermFrontDesk, true
	case record.KindConsultation, record.KindDispatch:
		return PermCase, true
	case record.KindSeminar:
		return PermSeminar, true
	case record.KindApplication:
		return PermApplications, true
	case record.KindVenue, record.KindStaff, record.KindProgram, record.KindClosedDay:
		return PermMasters, true
	}
	return 0, false
}

// conflictHead reads the head of storage record id and, when it is a
// merge version with conflicts, its plaintext, conflicts and merged revs.
// ok is false when the record is not in 競合. Call with o.mu held.
func (o *Office) conflictHead(s *Session, id string) (v local.Version, plain []byte, fcs []FieldConflict, revs []string, ok bool, err error) {
	v, err = o.store.Head(id)
	if errors.Is(err, local.ErrNotFound) {
		return v, nil, nil, nil, false, nil
	}
	if err != nil {
		return v, nil, nil, nil, false, fmt.Errorf("read %s: %w", id, err)
	}
	rev, err := vault.ParseRev(v.Rev)
	if err != nil {
		return v, nil, nil, nil, false, fmt.Errorf("read %s: %w", id, err)
	}
	if !isMergeRev(rev) {
		return v, nil, nil, nil, false, nil
	}
	env, err := vault.UnmarshalEnvelope(v.Blob)
	if err != nil {
		return v, nil, nil, nil, false, fmt.Errorf("read %s: %w", id, err)
	}
	plain, err = vault.Open(s.keys, env, vault.Expect{ID: id, Kind: v.Kind, Rev: &rev})
	if err != nil {
		return v, nil, nil, nil, false, fmt.Errorf("open %s: %w", id, err)
	}
	if fcs, err = conflictsOf(plain); err != nil {
		return v, nil, nil, nil, false, fmt.Errorf("decode %s: %w", id, err)
	}
	for _, p := range env.Parents {
		revs = append(revs, p.String())
	}
	return v, plain, fcs, revs, len(fcs) > 0, nil
}

// Conflicts lists the record parts in 競合 that s may read, by id.
func (o *Office) Conflicts(ctx context.Context, s *Session) ([]ConflictSummary, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return nil, err
	}
	ids, err := o.store.Find(ixConflict, "1")
	if err != nil {
		return nil, fmt.Errorf("list conflicts: %w", err)
	}
	var out []ConflictSummary
	for _, sid := range ids {
		h, err := o.store.Head(sid)
		if err != nil {
			return nil, fmt.Errorf("list conflicts: %w", err)
		}
		if !s.May(viewPerm(h.Kind)) || (vault.ClassFor(h.Kind) == vault.ClassCase && !s.May(PermCase)) {
			continue
		}
		_, plain, fcs, revs, ok, err := o.conflictHead(s, sid)
		if err != nil {
			return nil, err
		}
		if !ok {
			continue
		}
		cs := ConflictSummary{ID: strings.TrimSuffix(sid, caseSuffix), Kind: h.Kind, Case: strings.HasSuffix(sid, caseSuffix), Revs: revs}
		if !cs.Case {
			cs.BusinessID = businessOf(h.Kind, cs.ID, plain)
		}
		for _, fc := range fcs {
			cs.Fields = append(cs.Fields, fc.Field)
		}
		for _, r := range revs {
			if t := RevTime(r); t.After(cs.When) {
				cs.When = t
			}
		}
		out = append(out, cs)
	}
	if err := o.logRead(audit.ActView, "", fmt.Sprintf("conflicts count=%d", len(out))); err != nil {
		return nil, err
	}
	return out, nil
}

// Conflict returns the conflicts of record id: per field, the value of
// each side with its rev and who saved it. The case part's only for a
// person holding the case key (and that view is logged as such).
func (o *Office) Conflict(ctx context.Context, s *Session, id string) (ConflictDetail, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return ConflictDetail{}, err
	}
	d, err := o.conflict(s, id)
	if err != nil {
		return ConflictDetail{}, err
	}
	action := audit.ActView
	if len(d.CaseFields) > 0 {
		action = audit.ActViewCase
	}
	if err := o.logRead(action, id, "conflict"); err != nil {
		return ConflictDetail{}, err
	}
	return d, nil
}

func (o *Office) conflict(s *Session, id string) (ConflictDetail, error) {
	head, err := o.store.Head(id)
	if errors.Is(err, local.ErrNotFound) || strings.Contains(id, "#") {
		return ConflictDetail{}, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	if err != nil {
		return ConflictDetail{}, fmt.Errorf("read %s: %w", id, err)
	}
	if !s.May(viewPerm(head.Kind)) {
		return ConflictDetail{}, ErrForbidden
	}
	d := ConflictDetail{ID: id, Kind: head.Kind}
	_, _, fcs, revs, ok, err := o.conflictHead(s, id)
	if err != nil {
		return ConflictDetail{}, err
	}
	if ok {
		d.Fields, d.Revs = fcs, revs
	}
	if s.May(PermCase) {
		_, _, fcs, revs, ok, err := o.conflictHead(s, id+caseSuffix)
		if err != nil {
			return ConflictDetail{}, err
		}
		if ok {
			d.CaseFields, d.CaseRevs = fcs, revs
		}
	}
	if len(d.Fields) == 0 && len(d.CaseFields) == 0 {
		return ConflictDetail{}, fmt.Errorf("%s: %w", id, ErrNoConflict)
	}
	return d, nil
}

// ResolveConflict ends the 競合 of record id with a new version (pushed
// like any save) that names the merged versions as its parents. picks
// maps a field in 競合 to the rev whose value it takes ("case." before a
// case part's field); a field not picked keeps the merged value (the
// later side's). The person must be allowed to save the record.
func (o *Office) ResolveConflict(ctx context.Context, s *Session, id string, picks map[string]string) error {
	return o.ResolveConflictWith(ctx, s, id, picks, nil)
}

// ResolveConflictWith is ResolveConflict where a field may also take a
// value the person typed (a merge of both sides): values maps a field in
// 競合 ("case." before a case part's field) to its new JSON value. A field
// may be in picks or in values, not both.
func (o *Office) ResolveConflictWith(ctx context.Context, s *Session, id string, picks map[string]string, values map[string]json.RawMessage) error {
	for f, v := range values {
		if _, both := picks[f]; both {
			return fmt.Errorf("field %s both picked and typed: %w", f, ErrInvalid)
		}
		if !json.Valid(v) {
			return fmt.Errorf("field %s: value is not JSON: %w", f, ErrInvalid)
		}
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return err
	}
	head, err := o.store.Head(id)
	if errors.Is(err, local.ErrNotFound) || strings.Contains(id, "#") {
		return fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	if err != nil {
		return fmt.Errorf("read %s: %w", id, err)
	}
	if p, ok := writePerm(head.Kind); !ok || !s.May(p) {
		return ErrForbidden
	}
	if _, err := o.conflict(s, id); err != nil {
		return err
	}
	var parts []part
	used := map[string]bool{}
	var oldCase, newCase []byte
	for _, sid := range []string{id, id + caseSuffix} {
		prefix := ""
		if sid != id {
			prefix = casePrefix
		}
		v, plain, fcs, _, ok, err := o.conflictHead(s, sid)
		if err != nil {
			return err
		}
		if !ok || (prefix != "" && !s.May(PermCase)) {
			continue
		}
		var m map[string]json.RawMessage
		if err := json.Unmarshal(plain, &m); err != nil {
			return fmt.Errorf("decode %s: %w", sid, err)
		}
		delete(m, conflictsField)
		for _, fc := range fcs {
			if v, ok := values[prefix+fc.Field]; ok {
				used[prefix+fc.Field] = true
				if string(v) == "null" {
					delete(m, fc.Field)
				} else {
					m[fc.Field] = v
				}
				continue
			}
			rev, ok := picks[prefix+fc.Field]
			if !ok {
				continue
			}
			used[prefix+fc.Field] = true
			i := slices.IndexFunc(fc.Values, func(cv ConflictValue) bool { return cv.Rev == rev })
			if i < 0 {
				return fmt.Errorf("field %s has no value of rev %q: %w", fc.Field, rev, ErrInvalid)
			}
			if string(fc.Values[i].Value) == "null" {
				delete(m, fc.Field)
			} else {
				m[fc.Field] = fc.Values[i].Value
			}
		}
		if _, ok := m["updated_by"]; ok {
			m["updated_by"], _ = json.Marshal(s.login)
			m["updated_at"], _ = json.Marshal(o.opt.now().UTC())
			m["rev"], _ = json.Marshal(v.Rev)
		}
		newPlain, err := json.Marshal(m)
		if err != nil {
			return err
		}
		terms, err := termsFor(v.Kind, newPlain)
		if err != nil {
			return fmt.Errorf("index %s: %w", sid, err)
		}
		if v.Kind == caseKind(record.KindConsultation) {
			oldCase, newCase = plain, newPlain
		}
		parts = append(parts, part{id: sid, kind: v.Kind, value: json.RawMessage(newPlain), terms: terms})
	}
	for f := range picks {
		if !used[f] {
			return fmt.Errorf("field %s is not in conflict: %w", f, ErrInvalid)
		}
	}
	for f := range values {
		if !used[f] {
			return fmt.Errorf("field %s is not in conflict: %w", f, ErrInvalid)
		}
	}
	if len(parts) == 0 {
		return fmt.Errorf("%s: %w", id, ErrNoConflict)
	}
	writes, rev, err := o.sealWrites(s, "", parts...)
	if err != nil {
		return err
	}
	meta := map[string][]byte{metaHLC: []byte(rev.String())}
	bb, indexing := o.newBlindBatch(s, meta)
	defer bb.close()
	if indexing && newCase != nil {
		if err := indexCase(bb, id, oldCase, newCase); err != nil {
			return err
		}
		if err := bb.sealCounts(); err != nil {
			return err
		}
	}
	if err := o.commit(writes, meta, o.event(audit.ActUpdate, id, "conflict resolved")); err != nil {
		return err
	}
	if bb != nil {
		bb.committed()
	}
	return nil
}

// ProbableDuplicate is a business that arrived by sync and looks like one
// registered here before (the same normalised name or phone number): two
// PCs may have registered the same business while apart. MergeBusiness
// merges them once a person has looked.
type ProbableDuplicate struct {
	Business BusinessSummary // the one that arrived by sync
	Like     BusinessSummary // the one registered here
}

// ProbableDuplicates lists the businesses that sync flagged as probable
// duplicates of businesses of this PC, still unmerged and unsaved since.
func (o *Office) ProbableDuplicates(ctx context.Context, s *Session) ([]ProbableDuplicate, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	type pair struct{ id, like string }
	var pairs []pair
	err := o.store.Terms(ixDup, "", func(like, id string) bool {
		pairs = append(pairs, pair{id, like})
		return true
	})
	if err != nil {
		return nil, fmt.Errorf("list probable duplicates: %w", err)
	}
	var out []ProbableDuplicate
	for _, p := range pairs {
		a, err1 := o.business(s, p.id, false)
		b, err2 := o.business(s, p.like, false)
		if errors.Is(err1, ErrNotFound) || errors.Is(err2, ErrNotFound) {
			continue // merged meanwhile
		}
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
		if a.MergedInto != "" || b.MergedInto != "" {
			continue
		}
		out = append(out, ProbableDuplicate{Business: summarize(a), Like: summarize(b)})
	}
	return out, nil
}

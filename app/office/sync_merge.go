package office

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Concurrent versions and their merge.
//
// The real versions of a storage record (contact part or case part) form
// a graph through Envelope.Parents. Its leaves are the real versions no
// other real version names as a parent. One leaf is the head. Two or more
// (edits made on two devices before either saw the other's) are merged
// into a local-only merge version, computed the same way on every device
// that holds the same versions:
//
//   - the leaves in rev order are folded from the left; each step merges
//     the top-level JSON fields of the result so far and the next leaf
//     against their newest common ancestor (none: the empty object);
//   - a field changed on one side takes that side's value; changed on both
//     to the same value, that value; to different values, the greater-rev
//     side's value, and the field is in 競合 (a "_conflicts" entry with
//     each side's value, rev and updated_by, the base's included);
//   - rev, updated_at and updated_by are bookkeeping: the newest leaf's.
//
// A merge version has rev {greatest leaf's wall, its counter + 1,
// "~m" + 16 hex digits of the SHA-256 of the leaf revs}, the leaves as
// parents, is sealed under the current key of its class and written as
// head (local.Write.ForceHead), never in the outbox. Leaves and ancestry
// ignore merge versions. A save on top of one names the leaves as its
// parents (sealWritesAt) and, having decoded the merged record into its
// type, drops "_conflicts": a person saw the merged record and saved it.

// mergeDevicePrefix starts the device part of a merge version's rev: "~"
// sorts after every device id this program makes, and a device id never
// starts with it.
const mergeDevicePrefix = "~m"

// conflictsField is the top-level field of a merged plaintext that lists
// the fields in 競合.
const conflictsField = "_conflicts"

// ixConflict marks, with the value "1", a storage record whose head is a
// merge version with conflicts.
const ixConflict = "conflict"

// bookkeeping are the fields that never conflict: the newest leaf's win.
var bookkeeping = []string{"rev", "updated_at", "updated_by"}

func isMergeRev(r vault.Rev) bool { return strings.HasPrefix(r.Device, mergeDevicePrefix) }

// mergeParents returns the parents (the merged leaves) of a stored merge
// version.
func mergeParents(v local.Version) ([]vault.Rev, error) {
	env, err := vault.UnmarshalEnvelope(v.Blob)
	if err != nil {
		return nil, err
	}
	return slices.Clone(env.Parents), nil
}

// mergeRev is the rev of the merge of leaves, sorted by rev.
func mergeRev(leaves []vault.Rev) vault.Rev {
	h := sha256.New()
	for _, l := range leaves {
		h.Write([]byte(l.String()))
		h.Write([]byte{'\n'})
	}
	last := leaves[len(leaves)-1]
	return vault.Rev{Wall: last.Wall, Counter: last.Counter + 1, Device: mergeDevicePrefix + hex.EncodeToString(h.Sum(nil))[:16]}
}

// pver is one stored or arriving version of a storage record with its
// parsed header.
type pver struct {
	v   local.Version
	env *vault.Envelope
	rev vault.Rev
}

// ConflictValue is one side's value of a field in 競合.
type ConflictValue struct {
	Rev       string          `json:"rev"` // "" for a base that is no version (the record did not exist)
	UpdatedBy string          `json:"updated_by"`
	Value     json.RawMessage `json:"value"` // null when the side has no such field
}

// FieldConflict is one field in 競合 and its values: the common
// ancestor's first, then each side's in rev order. The merged record
// holds the value of the last.
type FieldConflict struct {
	Field  string          `json:"field"`
	Values []ConflictValue `json:"values"`
}

// mergeSide is a record's fields with where each value came from.
type mergeSide struct {
	fields map[string]json.RawMessage // canonical values
	from   map[string]ConflictValue   // rev and updated_by, without the value
	rev    vault.Rev
	by     string
}

// canonical re-encodes a JSON value so that equal values have equal bytes
// (object keys sorted, numbers kept as written).
func canonical(raw json.RawMessage) (json.RawMessage, error) {
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	return json.Marshal(v)
}

// sideOf decodes a version's plaintext into a merge side; a nil plaintext
// is the empty record.
func sideOf(plain []byte, rev vault.Rev, hasRev bool) (*mergeSide, error) {
	sd := &mergeSide{fields: map[string]json.RawMessage{}, from: map[string]ConflictValue{}, rev: rev}
	if plain == nil {
		return sd, nil
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, fmt.Errorf("decode for merge: %w", err)
	}
	delete(m, conflictsField)
	if by, ok := m["updated_by"]; ok {
		_ = json.Unmarshal(by, &sd.by)
	}
	revText := ""
	if hasRev {
		revText = rev.String()
	}
	for k, v := range m {
		c, err := canonical(v)
		if err != nil {
			return nil, fmt.Errorf("decode for merge: %w", err)
		}
		sd.fields[k] = c
		sd.from[k] = ConflictValue{Rev: revText, UpdatedBy: sd.by}
	}
	return sd, nil
}

func sameValue(a json.RawMessage, aok bool, b json.RawMessage, bok bool) bool {
	return aok == bok && bytes.Equal(a, b)
}

// ancestors returns the revs of v and of every real version it descends
// from that is stored.
func ancestors(real map[string]*pver, v *pver) map[string]bool {
	seen := map[string]bool{}
	stack := []*pver{v}
	for len(stack) > 0 {
		p := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		r := p.rev.String()
		if seen[r] {
			continue
		}
		seen[r] = true
		for _, pr := range p.env.Parents {
			if q, ok := real[pr.String()]; ok {
				stack = append(stack, q)
			}
		}
	}
	return seen
}

// leavesOf returns the real versions no other real version names as a
// parent, in rev order, and the real versions by rev.
func leavesOf(vs []*pver) ([]*pver, map[string]*pver) {
	real := map[string]*pver{}
	named := map[string]bool{}
	for _, p := range vs {
		if isMergeRev(p.rev) {
			continue
		}
		real[p.rev.String()] = p
		for _, pr := range p.env.Parents {
			named[pr.String()] = true
		}
	}
	var leaves []*pver
	for r, p := range real {
		if !named[r] {
			leaves = append(leaves, p)
		}
	}
	sort.Slice(leaves, func(i, j int) bool { return leaves[i].rev.Compare(leaves[j].rev) < 0 })
	return leaves, real
}

// mergeLeaves computes the merged plaintext of leaves (two or more, in rev
// order); open decrypts a version. It returns the merged JSON object
// (with "_conflicts" when there are conflicts) and the conflicts.
func mergeLeaves(leaves []*pver, real map[string]*pver, open func(*pver) ([]byte, error)) ([]byte, []FieldConflict, error) {
	sideFor := func(p *pver) (*mergeSide, error) {
		plain, err := open(p)
		if err != nil {
			return nil, err
		}
		return sideOf(plain, p.rev, true)
	}
	acc, err := sideFor(leaves[0])
	if err != nil {
		return nil, nil, err
	}
	accAnc := ancestors(real, leaves[0])
	conflicts := map[string]*FieldConflict{}
	for _, l := range leaves[1:] {
		lAnc := ancestors(real, l)
		var base *pver
		for r := range accAnc {
			if lAnc[r] {
				if c := real[r]; base == nil || c.rev.Compare(base.rev) > 0 {
					base = c
				}
			}
		}
		bs, err := sideOf(nil, vault.Rev{}, false)
		if base != nil {
			bs, err = sideFor(base)
		}
		if err != nil {
			return nil, nil, err
		}
		ls, err := sideFor(l)
		if err != nil {
			return nil, nil, err
		}
		keys := map[string]bool{}
		for _, m := range []map[string]json.RawMessage{acc.fields, ls.fields, bs.fields} {
			for k := range m {
				keys[k] = true
			}
		}
		for _, k := range slices.Sorted(maps.Keys(keys)) {
			if slices.Contains(bookkeeping, k) {
				continue
			}
			a, aok := acc.fields[k]
			lv, lok := ls.fields[k]
			b, bok := bs.fields[k]
			aChanged, lChanged := !sameValue(a, aok, b, bok), !sameValue(lv, lok, b, bok)
			take := false
			switch {
			case !lChanged:
			case !aChanged, sameValue(a, aok, lv, lok):
				take = true
			default:
				take = true
				fc := conflicts[k]
				if fc == nil {
					fc = &FieldConflict{Field: k}
					conflicts[k] = fc
					bv := ConflictValue{Rev: "", Value: nullIfAbsent(b, bok)}
					if base != nil {
						bv.Rev, bv.UpdatedBy = base.rev.String(), bs.by
					}
					fc.Values = append(fc.Values, bv)
				}
				av := acc.from[k]
				if !aok {
					av = ConflictValue{Rev: acc.rev.String(), UpdatedBy: acc.by}
				}
				av.Value = nullIfAbsent(a, aok)
				fc.Values = addValue(fc.Values, av)
				fc.Values = addValue(fc.Values, ConflictValue{Rev: l.rev.String(), UpdatedBy: ls.by, Value: nullIfAbsent(lv, lok)})
			}
			if take {
				if lok {
					acc.fields[k] = lv
					acc.from[k] = ls.from[k]
				} else {
					delete(acc.fields, k)
					delete(acc.from, k)
				}
			}
		}
		for _, k := range bookkeeping {
			if v, ok := ls.fields[k]; ok {
				acc.fields[k], acc.from[k] = v, ls.from[k]
			} else {
				delete(acc.fields, k)
				delete(acc.from, k)
			}
		}
		acc.rev, acc.by = l.rev, ls.by
		for r := range lAnc {
			accAnc[r] = true
		}
	}
	var out []FieldConflict
	for _, k := range slices.Sorted(maps.Keys(conflicts)) {
		out = append(out, *conflicts[k])
	}
	merged := maps.Clone(acc.fields)
	if len(out) > 0 {
		cj, err := json.Marshal(out)
		if err != nil {
			return nil, nil, err
		}
		merged[conflictsField] = cj
	}
	plain, err := json.Marshal(merged)
	return plain, out, err
}

func nullIfAbsent(v json.RawMessage, ok bool) json.RawMessage {
	if !ok {
		return json.RawMessage("null")
	}
	return v
}

// addValue appends v unless a value of the same rev is listed.
func addValue(vs []ConflictValue, v ConflictValue) []ConflictValue {
	for _, x := range vs {
		if x.Rev == v.Rev && v.Rev != "" {
			return vs
		}
	}
	return append(vs, v)
}

// conflictsOf reads the "_conflicts" of a plaintext.
func conflictsOf(plain []byte) ([]FieldConflict, error) {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(plain, &m); err != nil {
		return nil, err
	}
	raw, ok := m[conflictsField]
	if !ok {
		return nil, nil
	}
	var out []FieldConflict
	err := json.Unmarshal(raw, &out)
	return out, err
}

// resolution is what resolvePart decided for one storage record.
type resolution struct {
	writes     []local.Write // the head write (and a new merge version)
	unopened   bool          // the session lacks a key this record needs
	merged     bool          // a new merge version was made
	conflicted bool          // ... with conflicts
	oldPlain   []byte        // the plaintext of the head before, when opened
	newPlain   []byte        // the plaintext of the head after
}

// resolvePart decides the head of storage record id from its versions vs
// (stored and arriving) and the current head rev (curHead, "" for none):
// the single leaf, or a merge of the leaves; and the head's terms. A
// record the session cannot open is left as it is (unopened). Call with
// o.mu held.
func (o *Office) resolvePart(s *Session, id string, vs []*pver, curHead string) (resolution, error) {
	var res resolution
	leaves, real := leavesOf(vs)
	if len(leaves) == 0 {
		return res, nil
	}
	kind := leaves[0].v.Kind
	plains := map[string][]byte{}
	open := func(p *pver) ([]byte, error) {
		r := p.rev.String()
		if b, ok := plains[r]; ok {
			return b, nil
		}
		b, err := vault.Open(s.keys, p.env, vault.Expect{ID: id, Kind: p.v.Kind, Rev: &p.rev})
		if err != nil {
			return nil, err
		}
		plains[r] = b
		return b, nil
	}
	noKey := func(err error) (resolution, error) {
		if errors.Is(err, vault.ErrNoKey) {
			return resolution{unopened: true}, nil
		}
		return resolution{}, fmt.Errorf("open %s: %w", id, err)
	}
	for _, p := range vs {
		if p.rev.String() == curHead {
			if b, err := open(p); err == nil {
				res.oldPlain = b
			} else if !errors.Is(err, vault.ErrNoKey) {
				return resolution{}, fmt.Errorf("open %s: %w", id, err)
			}
		}
	}
	var target local.Version
	var plain []byte
	if len(leaves) == 1 {
		b, err := open(leaves[0])
		if err != nil {
			return noKey(err)
		}
		target, plain = leaves[0].v, b
	} else {
		merged, conflicts, err := mergeLeaves(leaves, real, open)
		if err != nil {
			return noKey(err)
		}
		revs := make([]vault.Rev, len(leaves))
		for i, l := range leaves {
			revs[i] = l.rev
		}
		mrev := mergeRev(revs)
		plain, res.conflicted = merged, len(conflicts) > 0
		for _, p := range vs {
			if p.rev == mrev {
				target = p.v // merged before: made head again
			}
		}
		if target.ID == "" {
			env, err := vault.Seal(s.keys, vault.ClassFor(kind), id, kind, mrev, revs, merged)
			if err != nil {
				return noKey(err)
			}
			target = local.Version{ID: id, Kind: kind, Rev: mrev.String(), Blob: env.Marshal()}
			res.merged = true
		}
	}
	terms, err := termsFor(kind, plain)
	if err != nil {
		return resolution{}, fmt.Errorf("index %s: %w", id, err)
	}
	if res.conflicted {
		terms = append(terms, local.Term{Index: ixConflict, Value: "1"})
	}
	res.newPlain = plain
	res.writes = []local.Write{{Version: target, Terms: terms, ForceHead: true}}
	if !res.merged {
		res.conflicted = false // counted when the merge was made
	}
	return res, nil
}

package office

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// The blind index over case text. For each case key version v it holds, as
// store meta entries under "blind/v/", three kinds of entry whose keys are
// HMACs under a key derived from case key v and whose values are sealed
// under another, all values of one size:
//
//	HMAC(k, "n", bigram)         → count of entries of the bigram
//	HMAC(k, "e", bigram, i)      → the id of the i-th record holding it
//
// Someone without the case key sees random keys and equal-sized values: the
// total size, and nothing of which record holds which text, how long it is,
// or which bigrams are frequent or occur together. A search reads the
// counts of the query's bigrams, walks the rarest one's entries and checks
// each candidate against its decrypted content; stale entries (text since
// changed) fail that check. Records written by the earlier release were
// indexed as plain-keyed terms and are still found through them. The keys,
// tokens and sealed values are vault.BlindIndex's (app/vault/FORMAT.md).
const blindPrefix = "blind/"

// blindKeys are the index keys of one case key version: the tokens, the
// sealing and the key zeroing are vault.BlindIndex's. Close them when done.
type blindKeys struct{ *vault.BlindIndex }

// blindKeysFor derives the index keys of case key version v.
func blindKeysFor(s *Session, v uint32) (blindKeys, bool) {
	ix, err := s.keys.BlindIndex(v)
	if err != nil {
		return blindKeys{}, false
	}
	return blindKeys{ix}, true
}

// entry returns the meta key of an entry made of parts:
// "blind/" | version | "/" | token of the parts.
func (b blindKeys) entry(parts ...string) string {
	return blindPrefix + strconv.FormatUint(uint64(b.Version()), 10) + "/" + b.Token(parts...)
}

// blindBatch collects index entries for one commit.
type blindBatch struct {
	o      *Office
	b      blindKeys
	meta   map[string][]byte
	counts map[string]uint32
	dirty  map[string]bool   // counts changed since the last seal
	sealed map[string]uint32 // counts sealed into meta, by entry key, not yet committed
}

// close zeroes the batch's index keys; bb may be nil.
func (bb *blindBatch) close() {
	if bb != nil {
		bb.b.Close()
	}
}

// flush writes the collected entries when more than limit wait (0: always)
// and starts a new batch; the counts stay cached.
func (bb *blindBatch) flush(limit int) error {
	if len(bb.meta) == 0 || len(bb.meta) < limit {
		return nil
	}
	if err := bb.sealCounts(); err != nil {
		return err
	}
	if err := bb.o.store.Commit(local.Batch{Meta: bb.meta}); err != nil {
		return fmt.Errorf("blind index: %w", err)
	}
	bb.committed()
	bb.meta = map[string][]byte{}
	return nil
}

// newBlindBatch indexes under the current case key of s; ok is false for a
// person without the case key. The caller closes the batch.
func (o *Office) newBlindBatch(s *Session, meta map[string][]byte) (*blindBatch, bool) {
	v, _, ok := s.keys.Current(vault.ClassCase)
	if !ok {
		return nil, false
	}
	b, _ := blindKeysFor(s, v)
	return &blindBatch{o: o, b: b, meta: meta, counts: map[string]uint32{}, dirty: map[string]bool{}, sealed: map[string]uint32{}}, true
}

// add indexes for record id the bigrams of texts that were not in its
// previous texts (old, nil for a new record). A bigram that comes back after
// being removed is indexed again; searches drop the duplicate.
func (bb *blindBatch) add(id string, old []string, texts ...string) error {
	had := map[string]bool{}
	for _, g := range bigramsOf(old...) {
		had[g] = true
	}
	for _, g := range bigramsOf(texts...) {
		if had[g] {
			continue
		}
		n, err := bb.count(g)
		if err != nil {
			return err
		}
		ek := bb.b.entry("e", g, strconv.FormatUint(uint64(n), 10))
		ev, err := bb.b.Seal(ek, []byte(id))
		if err != nil {
			return fmt.Errorf("blind index: %w", err)
		}
		bb.meta[ek] = ev
		bb.counts[g], bb.dirty[g] = n+1, true
	}
	return nil
}

// sealCounts puts the changed counts into the batch; call it before the
// batch is committed.
func (bb *blindBatch) sealCounts() error {
	for g := range bb.dirty {
		nk := bb.b.entry("n", g)
		nv, err := bb.b.Seal(nk, binary.BigEndian.AppendUint32(nil, bb.counts[g]))
		if err != nil {
			return fmt.Errorf("blind index: %w", err)
		}
		bb.meta[nk] = nv
		bb.sealed[nk] = bb.counts[g]
	}
	clear(bb.dirty)
	return nil
}

// committed tells the office's count cache what the batch's commit wrote.
func (bb *blindBatch) committed() {
	bb.o.cmu.Lock()
	defer bb.o.cmu.Unlock()
	if bb.o.blindCache == nil {
		bb.o.blindCache = map[string]uint32{}
	}
	for nk, n := range bb.sealed {
		bb.o.blindCache[nk] = n
	}
	clear(bb.sealed)
}

// count returns how many records are indexed under bigram g.
func (bb *blindBatch) count(g string) (uint32, error) {
	if n, ok := bb.counts[g]; ok {
		return n, nil
	}
	n, err := bb.o.blindCount(bb.b, g)
	bb.counts[g] = n
	return n, err
}

// blindCount reads the stored count of bigram g. Counts are cached for the
// session: only this program writes the store while it holds it open. It
// runs with or without o.mu held; a count read without it is cached only
// if no commit cached a newer one meanwhile (committed always does).
func (o *Office) blindCount(b blindKeys, g string) (uint32, error) {
	nk := b.entry("n", g)
	o.cmu.Lock()
	n, ok := o.blindCache[nk]
	o.cmu.Unlock()
	if ok {
		return n, nil
	}
	n, err := o.readBlindCount(b, nk)
	if err == nil {
		o.cmu.Lock()
		if o.blindCache == nil {
			o.blindCache = map[string]uint32{}
		}
		if cached, ok := o.blindCache[nk]; ok {
			n = cached
		} else {
			o.blindCache[nk] = n
		}
		o.cmu.Unlock()
	}
	return n, err
}

// readBlindCount reads a count entry from the store.
func (o *Office) readBlindCount(b blindKeys, nk string) (uint32, error) {
	v, err := o.store.Meta(nk)
	if errors.Is(err, local.ErrNotFound) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("blind index: %w", err)
	}
	pt, err := b.Open(nk, v)
	if err != nil || len(pt) != 4 {
		return 0, fmt.Errorf("blind index count: %w", ErrTampered)
	}
	return binary.BigEndian.Uint32(pt), nil
}

// bigramsOf returns the distinct bigrams of the normalised texts.
func bigramsOf(texts ...string) []string {
	seen := map[string]bool{}
	var out []string
	for _, t := range texts {
		for _, g := range record.Bigrams(record.NormalizeText(t)) {
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
			}
		}
	}
	return out
}

// caseTexts are the searchable fields of a consultation's content.
func caseTexts(c *record.ConsultationCase) []string {
	return []string{c.Summary, c.Guidance, c.Impression, c.Note, c.NextAction, c.Loan.Lender, c.Loan.Purpose}
}

// blindScan offers accept the ids of the consultation records whose content
// may hold every bigram of norm, newest entries first, under every case key
// version s holds (newest version first), each id once, until accept says
// stop. It walks only the entries of the query's rarest bigram.
func (o *Office) blindScan(s *Session, norm string, seen map[string]bool, accept func(id string) (stop bool, err error)) error {
	grams := record.Bigrams(norm)
	versions := s.keys.Versions(vault.ClassCase)
	for vi := len(versions) - 1; vi >= 0; vi-- {
		b, _ := blindKeysFor(s, versions[vi])
		defer b.Close() // one per case key version held
		best, bestN := "", uint32(0)
		for i, g := range grams {
			n, err := o.blindCount(b, g)
			if err != nil {
				return err
			}
			if i == 0 || n < bestN {
				best, bestN = g, n
			}
		}
		for i := bestN; i > 0; i-- {
			ek := b.entry("e", best, strconv.FormatUint(uint64(i-1), 10))
			sealed, err := o.store.Meta(ek)
			if err != nil {
				return fmt.Errorf("blind index: %w", err)
			}
			raw, err := b.Open(ek, sealed)
			if err != nil {
				return err
			}
			id := strings.TrimSuffix(string(raw), caseSuffix)
			if id == "" || seen[id] { // "": the record was erased (erase.go)
				continue
			}
			seen[id] = true
			if stop, err := accept(id); stop || err != nil {
				return err
			}
		}
	}
	return nil
}

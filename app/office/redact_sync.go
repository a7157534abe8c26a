package office

import (
	"context"
	"fmt"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Versions the server erased. The central server replaces the sealed bytes
// of an erased record's versions by a redaction mark naming the purge order
// (syncer.Incoming.Redacted). A server cannot read, but it can destroy, so
// a PC takes such a gap only when a verified order names the record: one
// carried out here already (erased/<id>), or one that arrives later in the
// same pull (a PC that joins after an erasure pulls the records' versions
// before the order's own version). Until then the gap is kept as
//
//	redacted/<order hash>/<id>/<rev>   (empty value)
//
// and settled once the order is carried out here; a pull that ends with a
// gap left, or an order that does not name the record, is ErrSyncDamaged.
const metaRedactedPrefix = "redacted/"

// pendingRedaction keeps a redacted version in the page's batch.
func pendingRedaction(meta map[string][]byte, x syncer.Incoming) error {
	if strings.Contains(x.ID, "/") || strings.Contains(x.Redacted, "/") || strings.Contains(x.Rev, "/") {
		return fmt.Errorf("%w: a redacted version under id %q", ErrSyncDamaged, x.ID)
	}
	meta[metaRedactedPrefix+x.Redacted+"/"+x.ID+"/"+x.Rev] = []byte{}
	return nil
}

// settleRedactions drops the kept gaps whose order is carried out here and
// names their record, and returns the keys of the gaps left; a gap whose
// order is here and does not name it is ErrSyncDamaged. Call with o.mu
// held.
func (o *Office) settleRedactions() ([]string, error) {
	keys, err := o.store.MetaKeys(metaRedactedPrefix, 0)
	if err != nil || len(keys) == 0 {
		return nil, err
	}
	var drop, left []string
	orders := map[string]*PurgeOrder{}
	for _, k := range keys {
		hash, id := splitRedactedKey(k)
		p, ok := orders[hash]
		if !ok {
			sp, err := o.storedPurge(hash)
			if err != nil || !sp.Done {
				left = append(left, k) // not here (or not carried out) yet
				continue
			}
			if p, err = UnmarshalPurgeOrder(sp.Order); err != nil {
				return nil, err
			}
			orders[hash] = p
		}
		if !p.Covers(id) {
			return nil, fmt.Errorf("%w: the server erased %s under purge order %s, which does not name it", ErrSyncDamaged, id, hash[:min(16, len(hash))])
		}
		drop = append(drop, k)
	}
	if len(drop) == 0 {
		return left, nil
	}
	return left, o.writeBatch(local.Batch{DropMeta: drop}, nil)
}

// splitRedactedKey returns the order hash and the record id of a kept gap.
func splitRedactedKey(k string) (hash, id string) {
	hash, rest, _ := strings.Cut(strings.TrimPrefix(k, metaRedactedPrefix), "/")
	id, _, _ = strings.Cut(rest, "/")
	return hash, id
}

// PulledAll implements syncer.PullChecker: once a pull has caught up,
// every version the server erased must be settled by a verified order.
func (r *replica) PulledAll(ctx context.Context) error {
	if err := r.lock(ctx); err != nil {
		return err
	}
	defer r.o.mu.Unlock()
	left, err := r.o.settleRedactions()
	if err != nil || len(left) == 0 {
		return err
	}
	hash, id := splitRedactedKey(left[0])
	return fmt.Errorf("%w: the server erased %d versions (the first of %s) under purge order %s, which no verified order of this office explains",
		ErrSyncDamaged, len(left), id, hash[:min(16, len(hash))])
}

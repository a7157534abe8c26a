package office

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Purge orders travel to the other PCs through sync as versions of their
// own: id "~purge/<order hash>", kind "purge", sealed under the contact key
// like an access-log event, plaintext the order's JSON. The PC that signed
// an order stores it in the same transaction as the order's events, with
// an outbox entry, so it is pushed in the signer's chain like any version.
// A PC that pulls one stores it (never merged, indexed or pushed again),
// verifies the order against the verified user table and carries it out
// after the page is committed; an order that does not verify (a
// receptionist's own program pushing one) is kept as pulled, carried out
// nowhere, and a warning names it in the access log. Versions of a record
// this PC erased are not stored again when they arrive later (an edit made
// offline before the order reached its PC).
const (
	purgeKind     = "purge"
	purgeIDPrefix = "~purge/"
)

// orderVersion seals order p as the version this PC pushes.
func (o *Office) orderVersion(s *Session, p *PurgeOrder) (local.Write, vault.Rev, error) {
	return o.signedVersion(s, purgeIDPrefix, purgeKind, p.Hash(), p.Marshal())
}

// isPurge says whether a pulled version is (or claims to be) a purge order.
func isPurge(p *pver) bool { return isSigned(p, purgeIDPrefix, purgeKind) }

// pulledPurge checks a pulled purge order: kind purge exactly under an id
// naming its hash, no parents, readable. It returns the write that stores
// it and the order when it verifies (nil when it does not: a warning is
// kept for the access log).
func (o *Office) pulledPurge(s *Session, p *pver) (local.Write, *PurgeOrder, error) {
	hash, plain, err := o.openSigned(s, p, purgeIDPrefix, purgeKind)
	if err != nil {
		return local.Write{}, nil, err
	}
	w := local.Write{Version: p.v}
	order, err := UnmarshalPurgeOrder(plain)
	if err == nil && order.Hash() != hash {
		err = fmt.Errorf("purge order under another hash: %w", ErrForged)
	}
	if err == nil {
		kr, table := o.trusted()
		err = verifyOrder(order, kr.Office, table)
	}
	if err != nil {
		o.warn(p.v.ID, "purge order refused, nothing erased: "+err.Error())
		return w, nil, nil
	}
	return w, order, nil
}

// erasedHere reports whether the record of storage id id (a part of it
// too) was erased on this PC.
func (o *Office) erasedHere(id string) bool {
	base, _, _ := strings.Cut(id, "#")
	_, err := o.store.Meta(metaErasedPrefix + base)
	return err == nil
}

// markPending keeps order p as not yet carried out, in the page's batch,
// unless this PC has it already: a crash before carryOutHeld leaves it for
// the next page's (or erasure's) to finish.
func (o *Office) markPending(p *PurgeOrder, meta map[string][]byte) {
	if _, err := o.storedPurge(p.Hash()); err == nil {
		return
	}
	b, _ := json.Marshal(storedPurge{Order: p.Marshal()})
	meta[metaPurgePrefix+p.Hash()] = b
}

// carryOutHeld carries out the verified orders a page brought, after the
// page was committed, any order a crash left half done, and, in a session
// with the case key, the blind-index clearing that orders carried out
// without it left. Call with o.mu held (Apply).
func (o *Office) carryOutHeld(ctx context.Context, s *Session, orders []*PurgeOrder) error {
	// A work of the session without its progress: nothing reports with
	// the office locked.
	w := &work{ctx: context.WithValue(ctx, progressKey{}, nil), s: s, o: o}
	keys, err := o.store.MetaKeys(metaPurgePrefix, 0)
	if err != nil {
		return fmt.Errorf("read purge orders: %w", err)
	}
	for _, k := range keys {
		sp, err := o.storedPurge(strings.TrimPrefix(k, metaPurgePrefix))
		if err != nil {
			return err
		}
		if sp.Done && !(sp.BlindLeft && s.keys.Has(vault.ClassCase)) {
			continue
		}
		p, err := UnmarshalPurgeOrder(sp.Order)
		if err != nil {
			return err
		}
		if !sp.Done {
			orders = append(orders, p)
			continue
		}
		// Carried out earlier by someone without the case key: this
		// session clears the blind entries.
		if err := o.clearBlind(w, p, p.Hash(), sp, true); err != nil {
			return err
		}
	}
	for _, p := range orders {
		hash := p.Hash()
		if sp, err := o.storedPurge(hash); err == nil && sp.Done {
			continue
		}
		blind, err := o.blindEntriesOf(w, p.Items)
		if err != nil {
			return err
		}
		if _, err := o.purge(s, p, hash, orderParts(p), blind, nil); err != nil {
			return err
		}
	}
	return nil
}

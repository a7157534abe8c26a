package office

import (
	"context"
	"errors"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// SyncStatus is what waits to be sent to the central server, as the sync
// indicator shows it.
type SyncStatus struct {
	// Versions counts the versions of records not yet acknowledged by the
	// server; before the first sync, every stored version (the first sync
	// sends the vault's whole history).
	Versions int
	// Events counts the access-log events of this PC above what the
	// server acknowledged.
	Events int
	// Synced is true once a sync of this vault pulled from the server
	// (its cursor is stored): false during the first download of a PC
	// that joined.
	Synced bool
}

// Pending is Versions + Events.
func (st SyncStatus) Pending() int { return st.Versions + st.Events }

// SyncStatus counts what waits to be sent, reading keys and two meta
// values only (cheap enough after every sync and at each indicator
// refresh).
func (o *Office) SyncStatus(ctx context.Context, s *Session) (SyncStatus, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return SyncStatus{}, err
	}
	var st SyncStatus
	_, err := o.store.Meta(syncMetaPrefix + "cursor")
	switch {
	case err == nil:
		st.Synced = true
	case !errors.Is(err, local.ErrNotFound):
		return SyncStatus{}, fmt.Errorf("sync status: %w", err)
	}
	seeded := true
	if _, err := o.store.Meta(metaSeeded); errors.Is(err, local.ErrNotFound) {
		seeded = false
	} else if err != nil {
		return SyncStatus{}, fmt.Errorf("sync status: %w", err)
	}
	if seeded {
		st.Versions, err = o.store.OutboxLen()
	} else {
		st.Versions, err = o.store.VersionCount()
	}
	if err != nil {
		return SyncStatus{}, fmt.Errorf("sync status: %w", err)
	}
	pushed, err := o.auditPushed()
	if err != nil {
		return SyncStatus{}, err
	}
	if o.head.Seq > pushed {
		st.Events = int(o.head.Seq - pushed)
	}
	return st, nil
}

// ConflictCount counts the record parts in 競合 that s may read, as
// Conflicts lists them, without the access-log event of that listing:
// the sync indicator asks after every background sync, and a count names
// no record (Conflicts, which the 競合 screen calls, is logged).
func (o *Office) ConflictCount(ctx context.Context, s *Session) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return 0, err
	}
	ids, err := o.store.Find(ixConflict, "1")
	if err != nil {
		return 0, fmt.Errorf("count conflicts: %w", err)
	}
	n := 0
	for _, sid := range ids {
		h, err := o.store.Head(sid)
		if err != nil {
			return 0, fmt.Errorf("count conflicts: %w", err)
		}
		if !s.May(viewPerm(h.Kind)) || (vault.ClassFor(h.Kind) == vault.ClassCase && !s.May(PermCase)) {
			continue
		}
		_, _, _, _, ok, err := o.conflictHead(s, sid)
		if err != nil {
			return 0, err
		}
		if ok {
			n++
		}
	}
	return n, nil
}

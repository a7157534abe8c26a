package office

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// A vault restored from a backup rejoins sync (see backup.go). Its backup
// may be older than what its former PC pushed afterwards, so it must not
// push before it has pulled the office: a version it holds in its outbox
// may be on the server already (pushed after the backup was made), and
// the server refuses it from another device. So, while the store holds
// metaRejoin:
//
//   - Outbox offers nothing;
//   - Apply takes a pulled version that is stored here already out of the
//     outbox (the server has it), and takes this vault's own access-log
//     events (pushed under the former device id, up to the sequence the
//     backup held) as known, moving the watermark past them instead of
//     storing them a second time;
//   - the engine pulls first and then calls Rejoined (syncer.Rejoiner),
//     which removes metaRejoin; the next push sends only what the server
//     does not have.
//
// metaRejoin's value is the former device id, NUL, and the access-log
// sequence the backup held, in decimal.
const metaRejoin = "rejoin"

var _ syncer.Rejoiner = (*replica)(nil)

// rejoin is the state metaRejoin holds.
type rejoin struct {
	device string // the former device id
	seq    uint64 // this vault's last access-log sequence from the backup
}

func encodeRejoin(device string, seq uint64) []byte {
	return []byte(device + "\x00" + strconv.FormatUint(seq, 10))
}

// rejoining reads metaRejoin; ok false when the vault is not rejoining.
// Call with o.mu held.
func (o *Office) rejoining() (rejoin, bool, error) {
	b, err := o.store.Meta(metaRejoin)
	if errors.Is(err, local.ErrNotFound) {
		return rejoin{}, false, nil
	}
	if err != nil {
		return rejoin{}, false, fmt.Errorf("sync: %w", err)
	}
	device, num, ok := strings.Cut(string(b), "\x00")
	seq, perr := strconv.ParseUint(num, 10, 64)
	if !ok || perr != nil || device == "" {
		return rejoin{}, false, fmt.Errorf("sync: %s of %d bytes: %w", metaRejoin, len(b), ErrInvalid)
	}
	return rejoin{device: device, seq: seq}, true, nil
}

// Rejoining implements syncer.Rejoiner.
func (r *replica) Rejoining(ctx context.Context) (bool, error) {
	if err := r.lock(ctx); err != nil {
		return false, err
	}
	defer r.o.mu.Unlock()
	_, ok, err := r.o.rejoining()
	return ok, err
}

// Rejoined implements syncer.Rejoiner.
func (r *replica) Rejoined(ctx context.Context) error {
	if err := r.lock(ctx); err != nil {
		return err
	}
	defer r.o.mu.Unlock()
	if err := r.o.store.Commit(local.Batch{DropMeta: []string{metaRejoin}}); err != nil {
		return fmt.Errorf("sync: %w", err)
	}
	return nil
}

// rejoinKnown reports whether a pulled access-log event is one of this
// vault's own from before the backup (id ~audit/<former device>/<seq>
// with seq up to the backup's), and raises the watermark in meta to it.
func (rj rejoin) known(p *pver, meta map[string][]byte, watermark uint64) bool {
	rest, ok := strings.CutPrefix(p.v.ID, auditIDPrefix)
	if !ok {
		return false
	}
	device, seq, ok := parseAuditTerm(rest)
	if !ok || device != rj.device || seq > rj.seq {
		return false
	}
	if b := meta[metaAuditPushed]; len(b) == 8 {
		watermark = max(watermark, binary.BigEndian.Uint64(b))
	}
	if seq > watermark {
		meta[metaAuditPushed] = binary.BigEndian.AppendUint64(nil, seq)
	}
	return true
}

package office

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/purge"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// The server's part of an erasure. Sync sends every order carried out on
// this PC that has no receipt yet, once the order's own version is on the
// server (not in the outbox any more: the server redacts the records'
// versions, and a PC that then pulls them must find the order after them),
// and keeps the server's signed receipt in the order's purge/<hash> entry,
// where the 消去報告書 shows it. Any PC that carried out the order may send
// it: the server verifies the signer, not the sender, and a retried order
// gets a receipt again.

// PurgesDue lists the orders carried out on this PC whose server receipt is
// missing and whose version the server has.
func (o *Office) PurgesDue(ctx context.Context, s *Session) ([]*PurgeOrder, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return nil, err
	}
	keys, err := o.store.MetaKeys(metaPurgePrefix, 0)
	if err != nil {
		return nil, fmt.Errorf("read purge orders: %w", err)
	}
	var out []*PurgeOrder
	for _, k := range keys {
		hash := strings.TrimPrefix(k, metaPurgePrefix)
		sp, err := o.storedPurge(hash)
		if err != nil {
			return nil, err
		}
		if !sp.Done || (len(sp.ServerReceipt) > 0 && !sp.Resend) {
			continue
		}
		queued, err := o.orderQueued(hash)
		if err != nil {
			return nil, err
		}
		if queued {
			continue
		}
		p, err := UnmarshalPurgeOrder(sp.Order)
		if err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, nil
}

// orderQueued reports whether a version of the order's ~purge/<hash>
// record waits in the outbox.
func (o *Office) orderQueued(hash string) (bool, error) {
	id := purgeIDPrefix + hash
	vs, err := o.store.History(id)
	if err != nil && !errors.Is(err, local.ErrNotFound) {
		return false, fmt.Errorf("purge order %s: %w", hash[:16], err)
	}
	for _, v := range vs {
		q, err := o.store.Queued(id, v.Rev)
		if err != nil || q {
			return q, err
		}
	}
	return false, nil
}

// SetPurgeReceipt keeps the server's receipt (its JSON, as the server sent
// it) of the order hash carried out on this PC, after verifying it: of this
// office and order, signed by the server key of pin (the SHA-256 of its
// SubjectPublicKeyInfo, as the device pins it). ErrForged for a receipt
// that does not verify; an access-log event records the receipt.
func (o *Office) SetPurgeReceipt(ctx context.Context, s *Session, hash string, receipt []byte, pin [32]byte) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return err
	}
	sp, err := o.storedPurge(hash)
	if errors.Is(err, local.ErrNotFound) {
		return fmt.Errorf("purge order %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return err
	}
	kr, _ := o.trusted()
	r, err := purge.VerifyReceipt(receipt, pin, kr.Office, hash)
	if err != nil {
		return fmt.Errorf("server receipt of purge order %s: %w", hash[:16], officeErr(err))
	}
	sp.ServerReceipt = receipt
	sp.Resend = false
	b, err := json.Marshal(sp)
	if err != nil {
		return err
	}
	ev := o.event(audit.ActPurge, "", fmt.Sprintf("order %s server receipt %s redacted=%d", hash[:16], r.Mark(), r.Redacted))
	return o.writeBatch(local.Batch{Meta: map[string][]byte{metaPurgePrefix + hash: b}}, []audit.Event{ev})
}

// receiptText is how the 消去報告書 shows a receipt: when the server erased,
// how many versions, and the short form of its signature.
func receiptText(r *purge.Receipt) string {
	return fmt.Sprintf("%s にサーバーで消去（%d 版、署名 %s）",
		r.At.In(record.JST()).Format("2006-01-02 15:04"), r.Redacted, r.Mark())
}

// ResendPurges has the next sync send every order carried out on this PC
// to the server again, receipt or not: after the server was restored from
// a backup made before some erasures, it holds their records' sealed bytes
// again, and erases them anew (the new receipt replaces the old). It
// returns how many orders it marked; the access log records it.
func (o *Office) ResendPurges(ctx context.Context, s *Session) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermErase); err != nil {
		return 0, err
	}
	keys, err := o.store.MetaKeys(metaPurgePrefix, 0)
	if err != nil {
		return 0, fmt.Errorf("read purge orders: %w", err)
	}
	meta := map[string][]byte{}
	for _, k := range keys {
		sp, err := o.storedPurge(strings.TrimPrefix(k, metaPurgePrefix))
		if err != nil {
			return 0, err
		}
		if !sp.Done {
			continue
		}
		sp.Resend = true
		if meta[k], err = json.Marshal(sp); err != nil {
			return 0, err
		}
	}
	if len(meta) == 0 {
		return 0, nil
	}
	ev := o.event(audit.ActPurge, "", fmt.Sprintf("resend orders=%d", len(meta)))
	if err := o.writeBatch(local.Batch{Meta: meta}, []audit.Event{ev}); err != nil {
		return 0, err
	}
	return len(meta), nil
}

package office

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/purge"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/reports"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Erasure names one order carried out on this PC, for the screen and the
// report: never a record's content.
type Erasure struct {
	Hash     string
	By       string // the signer's login
	At       time.Time
	Reason   string
	Records  int
	Versions int // removed from this PC
	// Receipt is the server's receipt of the order as the 消去報告書 shows
	// it, "" until it is known; ServerAt, Redacted and ReceiptMark are its
	// parts (when the server erased, how many versions then, the short
	// form of its signature).
	Receipt     string
	ServerAt    time.Time
	Redacted    int
	ReceiptMark string
}

// Erasures lists the orders carried out on this PC, newest first.
func (o *Office) Erasures(ctx context.Context, s *Session) ([]Erasure, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermErase); err != nil {
		return nil, err
	}
	keys, err := o.store.MetaKeys(metaPurgePrefix, 0)
	if err != nil {
		return nil, fmt.Errorf("read purge orders: %w", err)
	}
	var out []Erasure
	for _, k := range keys {
		e, _, err := o.erasure(strings.TrimPrefix(k, metaPurgePrefix))
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	slices.SortFunc(out, func(a, b Erasure) int { return b.At.Compare(a.At) })
	return out, nil
}

// erasure reads the order kept under hash.
func (o *Office) erasure(hash string) (Erasure, *PurgeOrder, error) {
	sp, err := o.storedPurge(hash)
	if errors.Is(err, local.ErrNotFound) {
		return Erasure{}, nil, fmt.Errorf("purge order %s: %w", hash, ErrNotFound)
	}
	if err != nil {
		return Erasure{}, nil, err
	}
	p, err := UnmarshalPurgeOrder(sp.Order)
	if err != nil {
		return Erasure{}, nil, err
	}
	e := Erasure{Hash: hash, By: p.By, At: p.At, Reason: p.Reason, Records: len(p.Items), Versions: sp.Versions}
	var r purge.Receipt
	if len(sp.ServerReceipt) > 0 && json.Unmarshal(sp.ServerReceipt, &r) == nil { // verified when it was kept
		e.Receipt, e.ServerAt, e.Redacted, e.ReceiptMark = receiptText(&r), r.At, r.Redacted, r.Mark()
	}
	return e, p, nil
}

// PrintErasureReport renders the 消去報告書 of the order hash carried out on
// this PC: the records' ids, kinds, version counts and dates, who signed
// the order and when, its hash and the server's receipt; never content.
// Like every print it writes a ledger row and a print event.
func (o *Office) PrintErasureReport(ctx context.Context, s *Session, hash string) ([]byte, error) {
	w, err := o.begin(ctx, s, PermErase)
	if err != nil {
		return nil, err
	}
	defer w.end()
	e, p, err := o.erasure(hash)
	if err != nil {
		return nil, err
	}
	in := reports.DeletionInput{
		Office:        o.officeName(),
		Reason:        ReasonLabel(p.Reason),
		RequestedBy:   o.signerName(p.By),
		ApprovedBy:    o.signerName(p.By),
		At:            p.At,
		Order:         hash[:16] + "（" + p.By + " の署名）",
		ServerReceipt: e.Receipt,
	}
	if in.ServerReceipt == "" {
		in.ServerReceipt = "未受領（次の同期でサーバーへ送ります）"
	}
	deleted := p.At.In(record.JST()).Format("2006-01-02 15:04")
	for _, it := range p.Items {
		in.Items = append(in.Items, reports.DeletionItem{ID: it.ID, Kind: string(it.Kind), Versions: it.Versions,
			LastOn: it.Last, DeletedAt: deleted})
	}
	return o.print(w, printed{content: "消去報告書 " + hash[:16], quantity: len(p.Items)},
		func(f reports.Footer) ([]byte, error) { return o.render.DeletionReport(in, f) })
}

// ReasonLabel is the Japanese name of an order's reason (the window
// translates it).
func ReasonLabel(r string) string {
	if r == ReasonRetention {
		return "保存期間の経過"
	}
	return "個別の消去"
}

// signerName is "name（login）" from the user table, or the login.
func (o *Office) signerName(login string) string {
	_, t := o.trusted()
	if t != nil {
		if u, ok := t.Find(login); ok && u.Name != "" {
			return u.Name + "（" + login + "）"
		}
	}
	return login
}

// officeName names the office on documents: its id (the vault holds no
// other name of it).
func (o *Office) officeName() string {
	kr, _ := o.trusted()
	return kr.Office
}

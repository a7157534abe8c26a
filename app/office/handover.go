package office

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/handover"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/reports"
)

// Hand-over: records leave the office only as an encrypted file (see
// app/handover) whose passphrase is handed over separately, on a printed
// パスワード通知書. Both the file and the notice are rows of the 管理簿, and
// the export is an access-log event. There is no plaintext export.

// ExportRequest says what leaves the office and to whom: a business with
// every record that belongs to it, or a list of records.
type ExportRequest struct {
	BusinessID string   // a business, its reservations, consultations and dispatches
	IDs        []string // or these records (businesses, reservations, consultations, dispatches)
	Recipient  string   // 相手先, e.g. "さくら区 産業振興課" (required)
	Method     string   // 方法, e.g. "USBメモリで手渡し"; "暗号化ファイル" when empty
}

// ExportResult says what was handed over: the ledger row's document id and
// the counts, for the パスワード通知書 and the person's notice.
type ExportResult struct {
	DocID     string
	At        time.Time
	Recipient string
	Method    string
	Counts    map[record.Kind]int
	Records   int
}

// MinPassphrase is the shortest passphrase an export accepts, in
// characters. handover.NewPassphrase makes 29.
const MinPassphrase = 12

// exportKinds are the kinds a hand-over carries: the records about a
// business. Masters, seminars and the ledger stay in the office.
var exportKinds = []record.Kind{record.KindBusiness, record.KindReservation, record.KindConsultation, record.KindDispatch}

// Export writes the records req names to dst as an encrypted hand-over
// file opened by passphrase, and writes a ledger row (with 相手先, 方法 and
// パスワード通知の別送) and an access-log event. Case parts go along: only
// coordinators and supervisors, who hold the case key, may export. The
// records are read as work; nothing is written to dst until every record
// has been read.
func (o *Office) Export(ctx context.Context, s *Session, req ExportRequest, passphrase []byte, dst io.Writer) (ExportResult, error) {
	w, err := o.begin(ctx, s, PermExport)
	if err != nil {
		return ExportResult{}, err
	}
	defer w.end()
	req.Recipient, req.Method = strings.TrimSpace(req.Recipient), strings.TrimSpace(req.Method)
	switch {
	case req.Recipient == "":
		return ExportResult{}, ErrNoRecipient
	case utf8.RuneCount(passphrase) < MinPassphrase:
		return ExportResult{}, ErrWeakPassphrase
	}
	if req.Method == "" {
		req.Method = "暗号化ファイル"
	}
	ids, err := o.exportIDs(req)
	if err != nil {
		return ExportResult{}, err
	}
	items, counts, err := o.exportItems(w, ids)
	if err != nil {
		return ExportResult{}, err
	}
	res := ExportResult{DocID: record.NewID(record.KindLedger), At: o.opt.now().UTC(), Recipient: req.Recipient,
		Method: req.Method, Counts: counts, Records: len(items)}
	if err := o.writeHandover(s, res, items, passphrase, dst); err != nil {
		return ExportResult{}, err
	}
	object := req.BusinessID
	if object == "" {
		object = ids[0]
	}
	entry := o.ledgerEntry(s, res.DocID, res.At)
	entry.Content = fmt.Sprintf("暗号化ファイル %s（%d 件）", object, res.Records)
	entry.Quantity, entry.Recipient, entry.Method, entry.PasswordSeparately = res.Records, res.Recipient, res.Method, true
	ev := o.event(audit.ActExport, object, fmt.Sprintf("%s records=%d", res.DocID, res.Records))
	if err := o.locked(w, func() error { return o.commitLedger(s, entry, ev) }); err != nil {
		return ExportResult{}, err
	}
	return res, nil
}

// PrintPasswordNotice renders the パスワード通知書 of an export: the
// passphrase to hand over apart from the file. It is a print like any
// other (a ledger row with the recipient, an access-log event); only who
// may export may print it.
func (o *Office) PrintPasswordNotice(ctx context.Context, s *Session, res ExportResult, passphrase string) ([]byte, error) {
	w, err := o.begin(ctx, s, PermExport)
	if err != nil {
		return nil, err
	}
	defer w.end()
	in := reports.PasswordNoticeInput{Recipient: res.Recipient, Sender: s.name + "（" + s.login + "）", FileDocID: res.DocID,
		ExportedAt: res.At, Records: res.Records, Method: res.Method, Passphrase: passphrase}
	p := printed{content: "パスワード通知書 " + res.DocID, object: res.DocID, recipient: res.Recipient}
	return o.print(w, p, func(f reports.Footer) ([]byte, error) { return o.render.PasswordNotice(in, f) })
}

// exportIDs returns the ids an export covers, each of an exported kind.
func (o *Office) exportIDs(req ExportRequest) ([]string, error) {
	ids := slices.Clone(req.IDs)
	if req.BusinessID != "" {
		if k, _ := record.KindOfID(req.BusinessID); k != record.KindBusiness {
			return nil, fmt.Errorf("export %s: not a business: %w", req.BusinessID, ErrNotFound)
		}
		bids, err := o.businessIDs(req.BusinessID)
		if err != nil {
			return nil, err
		}
		rest, err := o.idsOfBusiness(req.BusinessID)
		if err != nil {
			return nil, err
		}
		ids = append(bids, rest...)
	}
	var out []string
	for _, id := range ids {
		k, ok := record.KindOfID(id)
		switch {
		case !ok && req.BusinessID == "":
			return nil, fmt.Errorf("export %s: %w", id, ErrNotFound)
		case !slices.Contains(exportKinds, k) && req.BusinessID == "":
			return nil, fmt.Errorf("export %s: a %s is not handed over: %w", id, k, ErrInvalid)
		case ok && slices.Contains(exportKinds, k) && !slices.Contains(out, id):
			out = append(out, id)
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("export: no records: %w", ErrNotFound)
	}
	return out, nil
}

// exportItems reads every record with its case part.
func (o *Office) exportItems(w *work, ids []string) ([]handover.Item, map[record.Kind]int, error) {
	items := make([]handover.Item, 0, len(ids))
	counts := map[record.Kind]int{}
	for _, id := range ids {
		if err := ctxErr(w.ctx); err != nil {
			return nil, nil, fmt.Errorf("export: %w", err)
		}
		k, _ := record.KindOfID(id)
		it, err := o.exportItem(w.s, id, k)
		if err != nil {
			return nil, nil, fmt.Errorf("export %s: %w", id, err)
		}
		items = append(items, it)
		counts[k]++
	}
	return items, counts, nil
}

func (o *Office) exportItem(s *Session, id string, k record.Kind) (handover.Item, error) {
	var contact, cs json.RawMessage
	if _, err := o.load(s, id, k, &contact); err != nil {
		return handover.Item{}, err
	}
	if _, err := o.loadCase(s, id, k, &cs); err != nil {
		return handover.Item{}, err
	}
	return handover.Item{Kind: string(k), Record: contact, Case: cs}, nil
}

// writeHandover seals the payload into dst.
func (o *Office) writeHandover(s *Session, res ExportResult, items []handover.Item, passphrase []byte, dst io.Writer) error {
	hw, err := handover.NewWriter(dst, passphrase, handover.DefaultParams)
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	counts := map[string]int{}
	for k, n := range res.Counts {
		counts[string(k)] = n
	}
	pw, err := handover.NewPayloadWriter(hw, handover.Header{Office: o.officeID(), DocID: res.DocID, ExportedAt: res.At,
		By: s.login, ByName: s.name, Recipient: res.Recipient, Counts: counts})
	if err != nil {
		return fmt.Errorf("export: %w", err)
	}
	for _, it := range items {
		if err := pw.Add(it); err != nil {
			return fmt.Errorf("export: %w", err)
		}
	}
	if err := hw.Close(); err != nil {
		return fmt.Errorf("export: %w", err)
	}
	return nil
}

// officeID returns the office's id from the keyring.
func (o *Office) officeID() string {
	kr, _ := o.trusted()
	if kr == nil {
		return ""
	}
	return kr.Office
}

// ReceiveResult says what a received hand-over file held and what of it
// was taken.
type ReceiveResult struct {
	Header   handover.Header
	Imported int
	Skipped  []string // ids this vault already had, left as they are
}

// ReceiveHandover takes the records of a hand-over file into this vault.
// Every chunk of the file is checked before anything is written (a wrong
// passphrase, a cut or a changed byte takes nothing); records whose id the
// vault already has are skipped and listed; the rest land as by Import
// (the person must be allowed to write each). A ledger row notes the
// receipt (相手先: who sent it). src is read twice.
func (o *Office) ReceiveHandover(ctx context.Context, s *Session, src io.ReadSeeker, passphrase []byte) (ReceiveResult, error) {
	h, recs, skipped, err := o.readHandover(ctx, s, src, passphrase)
	if err != nil {
		return ReceiveResult{}, err
	}
	if len(recs) > 0 {
		if err := o.Import(ctx, s, recs, nil); err != nil {
			return ReceiveResult{}, err
		}
	}
	w, err := o.begin(ctx, s, PermFrontDesk)
	if err != nil {
		return ReceiveResult{}, err
	}
	defer w.end()
	entry := o.ledgerEntry(s, record.NewID(record.KindLedger), o.opt.now().UTC())
	entry.Content = fmt.Sprintf("暗号化ファイル受領 %s（%d 件）", h.DocID, len(recs))
	entry.Quantity, entry.Recipient, entry.Method = len(recs), sender(h), "暗号化ファイル受領"
	ev := o.event("import.handover", h.DocID, fmt.Sprintf("records=%d skipped=%d", len(recs), len(skipped)))
	if err := o.locked(w, func() error { return o.commitLedger(s, entry, ev) }); err != nil {
		return ReceiveResult{}, err
	}
	return ReceiveResult{Header: h, Imported: len(recs), Skipped: skipped}, nil
}

// sender names who sent a hand-over file, for the ledger's 相手先: the
// person and the first characters of the office id.
func sender(h handover.Header) string {
	office := h.Office
	if utf8.RuneCountInString(office) > 8 {
		office = string([]rune(office)[:8]) + "…"
	}
	return fmt.Sprintf("%s（窓口 %s）", h.ByName, office)
}

// readHandover checks the whole file, then decodes its records and leaves
// out those the vault has.
func (o *Office) readHandover(ctx context.Context, s *Session, src io.ReadSeeker, passphrase []byte) (handover.Header, []any, []string, error) {
	w, err := o.begin(ctx, s, PermFrontDesk)
	if err != nil {
		return handover.Header{}, nil, nil, err
	}
	defer w.end()
	fail := func(err error) (handover.Header, []any, []string, error) {
		if errors.Is(err, handover.ErrDamaged) || errors.Is(err, handover.ErrPayload) {
			err = fmt.Errorf("%w: %w", ErrDamagedHandover, err)
		}
		return handover.Header{}, nil, nil, fmt.Errorf("receive hand-over: %w", err)
	}
	if err := handover.Verify(src, passphrase); err != nil {
		return fail(err)
	}
	if _, err := src.Seek(0, io.SeekStart); err != nil {
		return fail(err)
	}
	r, err := handover.NewReader(src, passphrase)
	if err != nil {
		return fail(err)
	}
	h, items, err := handover.ReadPayload(r)
	if err != nil {
		return fail(err)
	}
	var recs []any
	var skipped []string
	for i, it := range items {
		rec, err := decodeItem(it)
		if err != nil {
			return fail(fmt.Errorf("record %d: %w: %w", i+1, handover.ErrPayload, err))
		}
		id := recordID(rec)
		if _, err := o.store.Head(id); err == nil {
			skipped = append(skipped, id)
			continue
		}
		recs = append(recs, rec)
	}
	return h, recs, skipped, nil
}

// decodeItem makes the record an item holds, with its case part.
func decodeItem(it handover.Item) (any, error) {
	var rec any
	var cs any
	switch record.Kind(it.Kind) {
	case record.KindBusiness:
		b := &record.Business{}
		if len(it.Case) > 0 {
			b.Case = &record.BusinessCase{}
			cs = b.Case
		}
		rec = b
	case record.KindReservation:
		rec = &record.Reservation{}
	case record.KindConsultation:
		c := &record.Consultation{}
		if len(it.Case) > 0 {
			c.Case = &record.ConsultationCase{}
			cs = c.Case
		}
		rec = c
	case record.KindDispatch:
		d := &record.Dispatch{}
		if len(it.Case) > 0 {
			d.Case = &record.DispatchCase{}
			cs = d.Case
		}
		rec = d
	default:
		return nil, fmt.Errorf("kind %q is not handed over", it.Kind)
	}
	if err := strictDecode(it.Record, rec); err != nil {
		return nil, err
	}
	if cs != nil {
		if err := strictDecode(it.Case, cs); err != nil {
			return nil, err
		}
	}
	meta, _, _, _, err := recordParts(rec)
	if err != nil {
		return nil, err
	}
	if k, ok := record.KindOfID(meta.ID); !ok || string(k) != it.Kind {
		return nil, fmt.Errorf("id %q is not a %s id", meta.ID, it.Kind)
	}
	meta.Rev = "" // the rev it had in the sending vault means nothing here
	return rec, nil
}

func strictDecode(b []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

// recordID returns the id of a record the hand-over carries.
func recordID(rec any) string {
	meta, _, _, _, err := recordParts(rec)
	if err != nil {
		return ""
	}
	return meta.ID
}

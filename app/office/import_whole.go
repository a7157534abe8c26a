package office

import (
	"context"
	"fmt"
	"strconv"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/reports"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// ImportWholeOptions says what a migration import writes in the 管理簿
// and whom it tells of its progress.
type ImportWholeOptions struct {
	// Source names what was imported for the ledger and the access log,
	// e.g. "事業者一覧.xlsx"; never a record's content.
	Source string
	// Progress, if not nil, is called as the writes land (done, total of
	// writes); when nil, the context's reporter gets them (StepImport).
	Progress func(done, total int)
}

// ImportWhole saves the records of a migration (仮移行 confirmed by a
// person) as one batch that lands whole or not at all: every record is
// checked (permissions, Validate) and sealed before the first write, the
// writes go in with the office held, and a failure or an ended context
// part-way takes out what was written (local.Store.CommitWhole). Only
// businesses (without their case part) and reservations are accepted,
// with PermMigrate alone: moving the lists in is set-up work of the
// system administrator or the supervisor. On success one 管理簿 row and
// one access-log event per kind say who imported how many records from
// which source, and the store is settled (compacted, its value log
// collected) before ImportWhole returns.
func (o *Office) ImportWhole(ctx context.Context, s *Session, recs []any, opt ImportWholeOptions) error {
	w, err := o.begin(ctx, s, PermMigrate)
	if err != nil {
		return err
	}
	defer w.end()
	progress := opt.Progress
	if progress == nil {
		progress = w.reporter(StepImport)
	}
	counts := map[record.Kind]int{}
	for i, rec := range recs {
		switch r := rec.(type) {
		case *record.Reservation:
		case *record.Business:
			if r.Case != nil {
				return fmt.Errorf("import record %d: a business's case part: %w", i+1, ErrInvalid)
			}
		default:
			return fmt.Errorf("import record %d: %T: %w", i+1, rec, ErrInvalid)
		}
	}
	writes := make([]local.Write, 0, len(recs))
	for i, rec := range recs {
		if err := ctxErr(w.ctx); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		ws, k, err := o.sealImported(s, rec)
		if err != nil {
			return fmt.Errorf("import record %d: %w", i+1, err)
		}
		counts[k]++
		writes = append(writes, ws...)
	}
	total := len(writes)
	err = o.locked(w, func() error {
		if err := o.store.CommitWhole(w.ctx, writes, func(done, _ int) { progress(done, total) }); err != nil {
			return fmt.Errorf("import: %w", err)
		}
		return o.importLedger(s, opt.Source, counts)
	})
	if err != nil {
		return err
	}
	clear(writes)
	if err := o.locked(w, o.store.Settle); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// importLedger writes the 管理簿 row and the access-log events of an
// import. Call with o.mu held.
func (o *Office) importLedger(s *Session, source string, counts map[record.Kind]int) error {
	docID := record.NewID(record.KindLedger)
	content, n := "取込 "+source, 0
	var evs []audit.Event
	for _, k := range []record.Kind{record.KindBusiness, record.KindReservation} {
		if counts[k] == 0 {
			continue
		}
		n += counts[k]
		content += " " + record.Describe(k) + strconv.Itoa(counts[k]) + "件"
		evs = append(evs, o.event("import", docID, fmt.Sprintf("%s count=%d migration", k, counts[k])))
	}
	now := o.opt.now().UTC()
	entry := &record.LedgerEntry{At: now, Handler: s.login, HandlerName: s.name, Content: content,
		Quantity: n, Method: "ファイルから取込", DocID: docID}
	entry.Meta = record.Meta{ID: docID, CreatedAt: now, CreatedBy: s.login, UpdatedAt: now, UpdatedBy: s.login}
	writes, rev, err := o.sealWrites(s, "", part{id: docID, kind: string(record.KindLedger), value: entry,
		terms: recordTerms(entry)})
	if err != nil {
		return err
	}
	return o.commit(writes, map[string][]byte{metaHLC: []byte(o.laterRev(rev).String())}, evs...)
}

// ImportDuplicates returns, for each business, the stored businesses with
// the same normalised name or phone number (the duplicate check of a
// registration form), for a migration rehearsal (PermMigrate).
func (o *Office) ImportDuplicates(ctx context.Context, s *Session, bs []*record.Business) ([][]BusinessSummary, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermMigrate); err != nil {
		return nil, err
	}
	out := make([][]BusinessSummary, len(bs))
	for i, b := range bs {
		if err := ctxErr(ctx); err != nil {
			return nil, err
		}
		m, err := o.similar(s, b)
		if err != nil {
			return nil, err
		}
		out[i] = m
	}
	return out, nil
}

// PrintImportReport renders the rehearsal report (仮移行の報告書) of a
// migration. It lists rejected rows with their names, so it is a print
// like any other: in the 管理簿 and the access log.
func (o *Office) PrintImportReport(ctx context.Context, s *Session, r reports.ImportReport) ([]byte, error) {
	w, err := o.begin(ctx, s, PermMigrate)
	if err != nil {
		return nil, err
	}
	defer w.end()
	return o.print(w, printed{content: "仮移行の報告書 " + r.Source, quantity: 1}, func(f reports.Footer) ([]byte, error) {
		return o.render.ImportReport(r, f)
	})
}

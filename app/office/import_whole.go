package office

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"

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
// checked (its kind) before the first write, each is validated and
// sealed as the writes go in with the office held, and a failure or an ended context
// part-way takes out what was written (local.WholeBatch). Only
// businesses (without their case part), reservations and consultations
// (not approved, and only by a person with the case key) are accepted,
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
	for i, rec := range recs {
		switch r := rec.(type) {
		case *record.Reservation:
		case *record.Consultation:
			// Past consultations carry their content: only a person with
			// the case key (a supervisor) moves them in, and never as
			// 承認済 (an approval is a supervisor's signature of its own).
			if !s.May(PermCase) {
				return fmt.Errorf("import record %d: a consultation's content needs the case key: %w", i+1, ErrForbidden)
			}
			if r.Status == record.StApproved {
				return fmt.Errorf("import record %d: a consultation imported as approved: %w", i+1, ErrInvalid)
			}
		case *record.Business:
			if r.Case != nil {
				return fmt.Errorf("import record %d: a business's case part: %w", i+1, ErrInvalid)
			}
		default:
			return fmt.Errorf("import record %d: %T: %w", i+1, rec, ErrInvalid)
		}
	}
	err = o.locked(w, func() error {
		_, err := o.importWholeLocked(w, recs, opt, progress)
		return err
	})
	if err != nil {
		return err
	}
	if err := o.locked(w, o.store.Settle); err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// importWholeLocked seals the records a chunk at a time on another
// goroutine while the chunk before is added to one whole batch, so only
// two chunks of sealed records are held at once; it commits the batch
// and writes the ledger row, or takes the batch out again. Call with
// o.mu held.
func (o *Office) importWholeLocked(w *work, recs []any, opt ImportWholeOptions, progress func(done, total int)) (map[record.Kind]int, error) {
	type chunk struct {
		writes []local.Write
		end    int
		err    error
	}
	s := w.s
	counts := map[record.Kind]int{}
	ch := make(chan chunk, 1)
	stop := make(chan struct{})
	var sealing sync.WaitGroup // the sealer uses the session's keys: wait for it before the work ends
	defer sealing.Wait()
	defer close(stop)
	sealing.Add(1)
	go func() {
		defer sealing.Done()
		defer close(ch)
		for start := 0; start < len(recs); start += importChunk {
			end := min(start+importChunk, len(recs))
			c := chunk{end: end, writes: make([]local.Write, 0, end-start)}
			for i, rec := range recs[start:end] {
				if err := ctxErr(w.ctx); err != nil {
					c.err = fmt.Errorf("import: %w", err)
					break
				}
				ws, k, err := o.sealImported(s, rec)
				if err != nil {
					c.err = fmt.Errorf("import record %d: %w", start+i+1, err)
					break
				}
				counts[k]++
				c.writes = append(c.writes, ws...)
			}
			select {
			case ch <- c:
			case <-stop:
				return
			}
			if c.err != nil {
				return
			}
		}
	}()
	b := o.store.BeginWhole()
	for c := range ch {
		err := c.err
		if err == nil {
			err = b.Add(c.writes)
		}
		if err != nil {
			if uerr := b.Abort(); uerr != nil {
				return nil, errors.Join(fmt.Errorf("import: %w", err), uerr)
			}
			return nil, fmt.Errorf("import: %w", err)
		}
		progress(c.end, len(recs))
	}
	if err := ctxErr(w.ctx); err != nil {
		if uerr := b.Abort(); uerr != nil {
			return nil, errors.Join(fmt.Errorf("import: %w", err), uerr)
		}
		return nil, fmt.Errorf("import: %w", err)
	}
	if err := b.Commit(); err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	if err := o.importLedger(s, opt.Source, counts); err != nil {
		if uerr := b.Abort(); uerr != nil { // no import without its 管理簿 row
			return nil, errors.Join(err, uerr)
		}
		return nil, err
	}
	return counts, nil
}

// importLedger writes the 管理簿 row and the access-log events of an
// import. Call with o.mu held.
func (o *Office) importLedger(s *Session, source string, counts map[record.Kind]int) error {
	docID := record.NewID(record.KindLedger)
	content, n := "取込 "+source, 0
	var evs []audit.Event
	for _, k := range []record.Kind{record.KindBusiness, record.KindReservation, record.KindConsultation} {
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

// BookingProblems checks reservations about to be imported against the
// reservations stored, as the counter's save does (SaveReservation): for
// each, nil or the *BookingError of its consultant's other reservation at
// an overlapping time, or of its venue full then (PermMigrate). It does not
// compare them with each other.
func (o *Office) BookingProblems(ctx context.Context, s *Session, rs []*record.Reservation) ([]error, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermMigrate); err != nil {
		return nil, err
	}
	out := make([]error, len(rs))
	for i, r := range rs {
		if err := ctxErr(ctx); err != nil {
			return nil, err
		}
		err := o.checkBooking(ctx, s, r)
		var be *BookingError
		if err != nil && !errors.As(err, &be) {
			return nil, fmt.Errorf("check bookings: %w", err)
		}
		out[i] = err
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

package office

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/reports"
)

// Printing is an office action: the role is checked, the document rendered,
// and a ledger row (管理簿) and an access-log event are written in one
// transaction before the bytes are handed back. Where the bytes go is the
// person's choice (the UI asks), and the PDF's footer says who printed it,
// when, and its document id. A print gathers and renders as work, without
// holding the office (see work.go): only the ledger row takes its lock.

// printed is one rendered document about to be handed over.
type printed struct {
	content   string // 情報の内容 for the ledger, e.g. "相談票 C-…"
	object    string // the record id, for the access log
	quantity  int
	recipient string // 相手先, when the document goes to someone named
}

func (o *Office) footer(s *Session, docID string) reports.Footer {
	return reports.Footer{PrintedBy: s.name + "（" + s.login + "）", PrintedAt: o.opt.now(), DocID: docID}
}

// print renders with render(footer) and then, under o.mu, records the
// ledger row and the event.
func (o *Office) print(w *work, p printed, render func(reports.Footer) ([]byte, error)) ([]byte, error) {
	s := w.s
	docID := record.NewID(record.KindLedger)
	pdf, err := render(o.footer(s, docID))
	if cerr := ctxErr(w.ctx); err != nil && cerr != nil {
		err = cerr // stopped: say why
	}
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", p.content, err)
	}
	if p.quantity == 0 {
		p.quantity = 1
	}
	entry := o.ledgerEntry(s, docID, o.opt.now().UTC())
	entry.Content, entry.Quantity, entry.Method, entry.Recipient = p.content, p.quantity, "PDF出力", p.recipient
	ev := o.event(audit.ActPrint, p.object, p.content+" "+docID)
	err = o.locked(w, func() error { return o.commitLedger(s, entry, ev) })
	if err != nil {
		return nil, err
	}
	return pdf, nil
}

// ledgerEntry starts a ledger row handled by s.
func (o *Office) ledgerEntry(s *Session, docID string, at time.Time) *record.LedgerEntry {
	e := &record.LedgerEntry{At: at, Handler: s.login, HandlerName: s.name, DocID: docID}
	e.Meta = record.Meta{ID: docID, CreatedAt: at, CreatedBy: s.login, UpdatedAt: at, UpdatedBy: s.login}
	return e
}

// commitLedger writes a ledger row and its access-log event in one
// transaction. Call with o.mu held.
func (o *Office) commitLedger(s *Session, entry *record.LedgerEntry, ev audit.Event) error {
	writes, rev, err := o.sealWrites(s, "", part{id: entry.DocID, kind: string(record.KindLedger), value: entry,
		terms: recordTerms(entry)})
	if err != nil {
		return err
	}
	return o.commit(writes, map[string][]byte{metaHLC: []byte(rev.String())}, ev)
}

// sheetInput gathers what a 相談票 shows besides the record itself;
// programs is the support-program master, read once per print job.
func (o *Office) sheetInput(s *Session, programs []record.Program, businessID, consultantID, venueID string) (reports.SheetInput, error) {
	in := reports.SheetInput{Programs: programs}
	b, err := o.business(s, businessID, false)
	if err != nil {
		return in, err
	}
	in.Business = *b
	in.ConsultantName, in.VenueName = o.name(s, consultantID, record.KindStaff), o.name(s, venueID, record.KindVenue)
	return in, nil
}

// sessionSheet is the input of a session sheet: a 相談票 filled from a
// reservation, its consultation sections left blank.
func (o *Office) sessionSheet(s *Session, programs []record.Program, r *record.Reservation) (reports.SheetInput, error) {
	in, err := o.sheetInput(s, programs, r.BusinessID, r.ConsultantID, r.VenueID)
	in.Reservation = r
	return in, err
}

// programs reads the support-program master.
func (o *Office) programs(ctx context.Context, s *Session) ([]record.Program, error) {
	ids, err := o.store.IDs(string(record.KindProgram))
	if err != nil {
		return nil, fmt.Errorf("list programs: %w", err)
	}
	return loadAll[record.Program](ctx, o, s, ids, record.KindProgram)
}

// name returns a venue's or staff member's name ("" when unknown).
func (o *Office) name(s *Session, id string, k record.Kind) string {
	if id == "" {
		return ""
	}
	switch k {
	case record.KindVenue:
		var v record.Venue
		if _, err := o.load(s, id, k, &v); err == nil {
			return v.Name
		}
	case record.KindStaff:
		var st record.Staff
		if _, err := o.load(s, id, k, &st); err == nil {
			return st.Name
		}
	}
	return ""
}

// PrintSheet renders the completed 相談票 of a consultation record. It holds
// case content, so only case roles may print it.
func (o *Office) PrintSheet(ctx context.Context, s *Session, consultationID string) ([]byte, error) {
	return o.PrintSheets(ctx, s, []string{consultationID})
}

// PrintSheets renders several completed 相談票 into one PDF (a coordinator's
// batch), with one ledger row for all of them. It reports progress (StepRead,
// then StepRender, per sheet) and stops when ctx ends.
func (o *Office) PrintSheets(ctx context.Context, s *Session, consultationIDs []string) ([]byte, error) {
	w, err := o.begin(ctx, s, PermCase)
	if err != nil {
		return nil, err
	}
	defer w.end()
	ins, err := o.completedSheets(w, consultationIDs)
	if err != nil {
		return nil, err
	}
	p := printed{content: "相談票 " + strings.Join(consultationIDs, ","), quantity: len(ins)}
	if len(consultationIDs) == 1 {
		p.object = consultationIDs[0]
	}
	return o.print(w, p, func(f reports.Footer) ([]byte, error) {
		return o.render.ConsultationSheetsContext(w.ctx, ins, f, w.reporter(StepRender))
	})
}

// completedSheets reads the consultation records and what their sheets show.
func (o *Office) completedSheets(w *work, ids []string) ([]reports.SheetInput, error) {
	s := w.s
	programs, err := o.programs(w.ctx, s)
	if err != nil {
		return nil, err
	}
	ins := make([]reports.SheetInput, 0, len(ids))
	for i, id := range ids {
		if err := ctxErr(w.ctx); err != nil {
			return nil, err
		}
		c, err := o.consultation(s, id)
		if err != nil {
			return nil, err
		}
		in, err := o.sheetInput(s, programs, c.BusinessID, c.ConsultantID, c.VenueID)
		if err != nil {
			return nil, err
		}
		in.Consultation = c
		if c.ReservationID != "" {
			var r record.Reservation
			if _, err := o.load(s, c.ReservationID, record.KindReservation, &r); err == nil {
				in.Reservation = &r
			}
		}
		ins = append(ins, in)
		w.report(StepRead, i+1, len(ids))
	}
	return ins, nil
}

// PrintBlankSheet renders the session sheet for a reservation: the business
// and reservation filled in, the consultation sections blank for the
// consultant to write by hand. No case content is on it.
func (o *Office) PrintBlankSheet(ctx context.Context, s *Session, reservationID string) ([]byte, error) {
	w, err := o.begin(ctx, s, PermFrontDesk)
	if err != nil {
		return nil, err
	}
	defer w.end()
	r, err := o.reservation(s, reservationID)
	if err != nil {
		return nil, err
	}
	programs, err := o.programs(w.ctx, s)
	if err != nil {
		return nil, err
	}
	in, err := o.sessionSheet(s, programs, r)
	if err != nil {
		return nil, err
	}
	return o.print(w, printed{content: "相談票（記入用） " + r.ID, object: r.ID},
		func(f reports.Footer) ([]byte, error) { return o.render.BlankSheet(in, f) })
}

// PrintDaySheets renders, in one PDF, the session sheet of every active
// reservation of a day (予約 or 来所), in schedule order: what a coordinator
// prints each morning. One ledger row covers them all. It reports progress
// (StepRead per reservation, StepRender per sheet) and stops when ctx ends.
func (o *Office) PrintDaySheets(ctx context.Context, s *Session, date string) ([]byte, error) {
	w, err := o.begin(ctx, s, PermFrontDesk)
	if err != nil {
		return nil, err
	}
	defer w.end()
	rs, err := o.reservationsBetween(w.ctx, s, date, date)
	if err != nil {
		return nil, err
	}
	programs, err := o.programs(w.ctx, s)
	if err != nil {
		return nil, err
	}
	var ins []reports.SheetInput
	for i := range rs {
		if !rs[i].Active() {
			continue
		}
		if err := ctxErr(w.ctx); err != nil {
			return nil, err
		}
		in, err := o.sessionSheet(s, programs, &rs[i])
		if err != nil {
			return nil, err
		}
		ins = append(ins, in)
		w.report(StepRead, i+1, len(rs))
	}
	if len(ins) == 0 {
		return nil, &record.FieldError{Field: "日付", Msg: "この日に印刷する予約はありません", En: "Date: there are no reservations to print on this day."}
	}
	return o.print(w, printed{content: "相談票（記入用） " + date, quantity: len(ins)},
		func(f reports.Footer) ([]byte, error) {
			return o.render.ConsultationSheetsContext(w.ctx, ins, f, w.reporter(StepRender))
		})
}

// PrintReservation renders the 予約内容 sheet of a reservation (別紙1).
func (o *Office) PrintReservation(ctx context.Context, s *Session, reservationID string) ([]byte, error) {
	w, err := o.begin(ctx, s, PermFrontDesk)
	if err != nil {
		return nil, err
	}
	defer w.end()
	r, err := o.reservation(s, reservationID)
	if err != nil {
		return nil, err
	}
	b, err := o.business(s, r.BusinessID, false)
	if err != nil {
		return nil, err
	}
	in := reports.ReservationInput{Reservation: *r, Business: *b, VenueName: o.name(s, r.VenueID, record.KindVenue),
		ConsultantName: o.name(s, r.ConsultantID, record.KindStaff), ReceivedByName: o.userName(r.ReceivedBy)}
	return o.print(w, printed{content: "予約内容 " + r.ID, object: r.ID},
		func(f reports.Footer) ([]byte, error) { return o.render.ReservationSheet(in, f) })
}

func (o *Office) userName(login string) string {
	kr, _ := o.trusted()
	if u, ok := kr.UnsafeTable().Find(login); ok {
		return u.Name // a name on a printed sheet; nothing is decided by it
	}
	return login
}

// PrintSchedule renders 本日の予定表 for an ISO date.
func (o *Office) PrintSchedule(ctx context.Context, s *Session, date string) ([]byte, error) {
	day, err := record.ParseDate("日付", date)
	if err != nil {
		return nil, err
	}
	w, err := o.begin(ctx, s, PermFrontDesk)
	if err != nil {
		return nil, err
	}
	defer w.end()
	rs, err := o.reservationsBetween(w.ctx, s, date, date)
	if err != nil {
		return nil, err
	}
	rows := make([]reports.ScheduleRow, 0, len(rs))
	for _, r := range rs {
		row := reports.ScheduleRow{Start: r.Start, End: r.End, Venue: o.name(s, r.VenueID, record.KindVenue),
			Consultant: o.name(s, r.ConsultantID, record.KindStaff), Status: r.Status, Channel: r.Channel, WalkIn: r.WalkIn}
		if b, err := o.business(s, r.BusinessID, false); err == nil {
			row.Business, row.Phone = b.Name, b.Phone
		}
		rows = append(rows, row)
	}
	return o.print(w, printed{content: "本日の予定表 " + date, quantity: len(rows)},
		func(f reports.Footer) ([]byte, error) { return o.render.DaySchedule(day, rows, f) })
}

// PrintAttendance renders a seminar's セミナー出席者名簿.
func (o *Office) PrintAttendance(ctx context.Context, s *Session, seminarID string) ([]byte, error) {
	w, err := o.begin(ctx, s, PermApplications)
	if err != nil {
		return nil, err
	}
	defer w.end()
	var sem record.Seminar
	if _, err := o.load(s, seminarID, record.KindSeminar, &sem); err != nil {
		return nil, err
	}
	apps, err := o.applications(w.ctx, s, seminarID)
	if err != nil {
		return nil, err
	}
	in := reports.AttendanceInput{Seminar: sem, VenueName: o.name(s, sem.VenueID, record.KindVenue), Applications: apps}
	return o.print(w, printed{content: "セミナー出席者名簿 " + sem.ID, object: sem.ID, quantity: len(apps)},
		func(f reports.Footer) ([]byte, error) { return o.render.Attendance(in, f) })
}

// Ledger returns the ledger rows, oldest first. It reads without holding
// the office.
func (o *Office) Ledger(ctx context.Context, s *Session) ([]record.LedgerEntry, error) {
	w, err := o.begin(ctx, s, PermLedger)
	if err != nil {
		return nil, err
	}
	defer w.end()
	return o.ledger(w.ctx, s)
}

func (o *Office) ledger(ctx context.Context, s *Session) ([]record.LedgerEntry, error) {
	ids, err := o.store.IDs(string(record.KindLedger))
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	rows, err := loadAll[record.LedgerEntry](ctx, o, s, ids, record.KindLedger)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b record.LedgerEntry) int { return a.At.Compare(b.At) })
	return rows, nil
}

// PrintLedger renders the 管理簿. Printing it is itself a ledger row.
func (o *Office) PrintLedger(ctx context.Context, s *Session) ([]byte, error) {
	w, err := o.begin(ctx, s, PermLedger)
	if err != nil {
		return nil, err
	}
	defer w.end()
	entries, err := o.ledger(w.ctx, s)
	if err != nil {
		return nil, err
	}
	rows := make([]reports.LedgerRow, len(entries))
	for i, e := range entries {
		rows[i] = reports.LedgerRow{At: e.At.In(jst), Handler: e.HandlerName, Content: e.Content, Quantity: e.Quantity,
			Recipient: e.Recipient, Method: e.Method, PasswordSeparately: e.PasswordSeparately}
	}
	return o.print(w, printed{content: "管理簿", quantity: len(rows)},
		func(f reports.Footer) ([]byte, error) {
			return o.render.Ledger("管理簿（個人情報の受渡し・出力）", rows, f)
		})
}

// PrintStatistics renders the statistics of a month ("2026-10") or a 年度
// ("FY2026"). It counts as Statistics does, then renders.
func (o *Office) PrintStatistics(ctx context.Context, s *Session, period string) ([]byte, error) {
	st, err := o.Statistics(ctx, s, period)
	if err != nil {
		return nil, err
	}
	w, err := o.begin(ctx, s, PermStats)
	if err != nil {
		return nil, err
	}
	defer w.end()
	return o.print(w, printed{content: st.Title},
		func(f reports.Footer) ([]byte, error) { return o.render.Statistics(st.report(), f) })
}

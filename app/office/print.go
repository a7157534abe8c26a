package office

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/reports"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Printing is an office action: the role is checked, the document rendered,
// and a ledger row (管理簿) and an access-log event are written in one
// transaction before the bytes are handed back. Where the bytes go is the
// person's choice (the UI asks), and the PDF's footer says who printed it,
// when, and its document id.

// printed is one rendered document about to be handed over.
type printed struct {
	content  string // 情報の内容 for the ledger, e.g. "相談票 C-…"
	object   string // the record id, for the access log
	quantity int
}

// renderer returns the office's PDF renderer, made on first use.
func (o *Office) renderer() *reports.Renderer {
	if o.render == nil {
		o.render = reports.New()
	}
	return o.render
}

func (o *Office) footer(s *Session, docID string) reports.Footer {
	return reports.Footer{PrintedBy: s.name + "（" + s.login + "）", PrintedAt: o.opt.now(), DocID: docID}
}

// print renders with render(footer) and records the ledger row and the event.
func (o *Office) print(s *Session, p printed, render func(reports.Footer) ([]byte, error)) ([]byte, error) {
	docID := record.NewID(record.KindLedger)
	pdf, err := render(o.footer(s, docID))
	if err != nil {
		return nil, fmt.Errorf("render %s: %w", p.content, err)
	}
	if p.quantity == 0 {
		p.quantity = 1
	}
	entry := &record.LedgerEntry{At: o.opt.now().UTC(), Handler: s.login, HandlerName: s.name, Content: p.content,
		Quantity: p.quantity, Method: "PDF出力", DocID: docID}
	entry.Meta = record.Meta{ID: docID, CreatedAt: entry.At, CreatedBy: s.login, UpdatedAt: entry.At, UpdatedBy: s.login}
	writes, rev, err := o.sealWrites(s, "", part{id: docID, kind: string(record.KindLedger), value: entry,
		terms: []local.Term{{Index: ixDate, Value: entry.At.In(jst).Format("2006-01-02")}}})
	if err != nil {
		return nil, err
	}
	ev := o.event(audit.ActPrint, p.object, p.content+" "+docID)
	if err := o.commit(writes, map[string][]byte{metaHLC: []byte(rev.String())}, ev); err != nil {
		return nil, err
	}
	return pdf, nil
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
func (o *Office) programs(s *Session) ([]record.Program, error) {
	ids, err := o.store.IDs(string(record.KindProgram))
	if err != nil {
		return nil, fmt.Errorf("list programs: %w", err)
	}
	return loadAll[record.Program](o, s, ids, record.KindProgram)
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
// batch), with one ledger row for all of them.
func (o *Office) PrintSheets(ctx context.Context, s *Session, consultationIDs []string) ([]byte, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermCase); err != nil {
		return nil, err
	}
	programs, err := o.programs(s)
	if err != nil {
		return nil, err
	}
	ins := make([]reports.SheetInput, 0, len(consultationIDs))
	for _, id := range consultationIDs {
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
	}
	p := printed{content: "相談票 " + strings.Join(consultationIDs, ","), quantity: len(ins)}
	if len(consultationIDs) == 1 {
		p.object = consultationIDs[0]
	}
	return o.print(s, p, func(f reports.Footer) ([]byte, error) { return o.renderer().ConsultationSheets(ins, f) })
}

// PrintBlankSheet renders the session sheet for a reservation: the business
// and reservation filled in, the consultation sections blank for the
// consultant to write by hand. No case content is on it.
func (o *Office) PrintBlankSheet(ctx context.Context, s *Session, reservationID string) ([]byte, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	r, err := o.reservation(s, reservationID)
	if err != nil {
		return nil, err
	}
	programs, err := o.programs(s)
	if err != nil {
		return nil, err
	}
	in, err := o.sessionSheet(s, programs, r)
	if err != nil {
		return nil, err
	}
	return o.print(s, printed{content: "相談票（記入用） " + r.ID, object: r.ID},
		func(f reports.Footer) ([]byte, error) { return o.renderer().BlankSheet(in, f) })
}

// PrintDaySheets renders, in one PDF, the session sheet of every active
// reservation of a day (予約 or 来所), in schedule order: what a coordinator
// prints each morning. One ledger row covers them all.
func (o *Office) PrintDaySheets(ctx context.Context, s *Session, date string) ([]byte, error) {
	rs, err := o.ReservationsOn(ctx, s, date)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	programs, err := o.programs(s)
	if err != nil {
		return nil, err
	}
	var ins []reports.SheetInput
	for i := range rs {
		if !activeReservation(&rs[i]) {
			continue
		}
		in, err := o.sessionSheet(s, programs, &rs[i])
		if err != nil {
			return nil, err
		}
		ins = append(ins, in)
	}
	if len(ins) == 0 {
		return nil, &record.FieldError{Field: "日付", Msg: "この日に印刷する予約はありません"}
	}
	return o.print(s, printed{content: "相談票（記入用） " + date, quantity: len(ins)},
		func(f reports.Footer) ([]byte, error) { return o.renderer().ConsultationSheets(ins, f) })
}

// PrintReservation renders the 予約内容 sheet of a reservation (別紙1).
func (o *Office) PrintReservation(ctx context.Context, s *Session, reservationID string) ([]byte, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
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
	return o.print(s, printed{content: "予約内容 " + r.ID, object: r.ID},
		func(f reports.Footer) ([]byte, error) { return o.renderer().ReservationSheet(in, f) })
}

func (o *Office) userName(login string) string {
	if u, ok := o.kr.UnsafeTable().Find(login); ok {
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
	rs, err := o.ReservationsOn(ctx, s, date)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
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
	return o.print(s, printed{content: "本日の予定表 " + date, quantity: len(rows)},
		func(f reports.Footer) ([]byte, error) { return o.renderer().DaySchedule(day, rows, f) })
}

// PrintAttendance renders a seminar's セミナー出席者名簿.
func (o *Office) PrintAttendance(ctx context.Context, s *Session, seminarID string) ([]byte, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermApplications); err != nil {
		return nil, err
	}
	var sem record.Seminar
	if _, err := o.load(s, seminarID, record.KindSeminar, &sem); err != nil {
		return nil, err
	}
	apps, err := o.applications(s, seminarID)
	if err != nil {
		return nil, err
	}
	in := reports.AttendanceInput{Seminar: sem, VenueName: o.name(s, sem.VenueID, record.KindVenue), Applications: apps}
	return o.print(s, printed{content: "セミナー出席者名簿 " + sem.ID, object: sem.ID, quantity: len(apps)},
		func(f reports.Footer) ([]byte, error) { return o.renderer().Attendance(in, f) })
}

// Ledger returns the ledger rows, oldest first.
func (o *Office) Ledger(ctx context.Context, s *Session) ([]record.LedgerEntry, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermLedger); err != nil {
		return nil, err
	}
	return o.ledger(s)
}

func (o *Office) ledger(s *Session) ([]record.LedgerEntry, error) {
	ids, err := o.store.IDs(string(record.KindLedger))
	if err != nil {
		return nil, fmt.Errorf("list ledger: %w", err)
	}
	rows, err := loadAll[record.LedgerEntry](o, s, ids, record.KindLedger)
	if err != nil {
		return nil, err
	}
	slices.SortFunc(rows, func(a, b record.LedgerEntry) int { return a.At.Compare(b.At) })
	return rows, nil
}

// PrintLedger renders the 管理簿. Printing it is itself a ledger row.
func (o *Office) PrintLedger(ctx context.Context, s *Session) ([]byte, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermLedger); err != nil {
		return nil, err
	}
	entries, err := o.ledger(s)
	if err != nil {
		return nil, err
	}
	rows := make([]reports.LedgerRow, len(entries))
	for i, e := range entries {
		rows[i] = reports.LedgerRow{At: e.At.In(jst), Handler: e.HandlerName, Content: e.Content, Quantity: e.Quantity,
			Recipient: e.Recipient, Method: e.Method, PasswordSeparately: e.PasswordSeparately}
	}
	return o.print(s, printed{content: "管理簿", quantity: len(rows)},
		func(f reports.Footer) ([]byte, error) {
			return o.renderer().Ledger("管理簿（個人情報の受渡し・出力）", rows, f)
		})
}

// PrintStatistics renders the statistics of a month ("2026-10") or a 年度
// ("FY2026").
func (o *Office) PrintStatistics(ctx context.Context, s *Session, period string) ([]byte, error) {
	st, err := o.Statistics(ctx, s, period)
	if err != nil {
		return nil, err
	}
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermStats); err != nil {
		return nil, err
	}
	return o.print(s, printed{content: st.Title},
		func(f reports.Footer) ([]byte, error) { return o.renderer().Statistics(*st, f) })
}

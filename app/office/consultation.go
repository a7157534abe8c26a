package office

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// ConsultationSummary is one row of a list of consultation records.
type ConsultationSummary struct {
	ID             string `json:"id"`
	Date           string `json:"date"`
	Start          string `json:"start"`
	End            string `json:"end"`
	Status         string `json:"status"`
	Mode           string `json:"mode"`
	BusinessID     string `json:"business_id"`
	BusinessName   string `json:"business_name"`
	ConsultantID   string `json:"consultant_id"`
	ConsultantName string `json:"consultant_name"`
}

func consultationTerms(c *record.Consultation) []local.Term {
	t := []local.Term{
		{Index: ixDate, Value: c.Date},
		{Index: ixBusiness, Value: c.BusinessID},
		{Index: ixStaff, Value: c.ConsultantID + "|" + c.Date},
		{Index: ixStatus, Value: "consultation|" + c.Status},
	}
	if c.ReservationID != "" {
		t = append(t, local.Term{Index: ixResv, Value: c.ReservationID})
	}
	return t
}

// DraftFromReservation prepares (does not save) a consultation record from a
// reservation: business, consultant, date, times, venue and 相談者区分 filled in.
func (o *Office) DraftFromReservation(ctx context.Context, s *Session, reservationID string) (*record.Consultation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermCase); err != nil {
		return nil, err
	}
	r, err := o.reservation(s, reservationID)
	if err != nil {
		return nil, err
	}
	c := &record.Consultation{
		BusinessID: r.BusinessID, ReservationID: r.ID, ConsultantID: r.ConsultantID,
		Date: r.Date, Start: r.Start, End: r.End, VenueID: r.VenueID, Mode: "窓口",
		Status: record.StDraft, Case: &record.ConsultationCase{},
	}
	var b record.Business
	if _, err := o.load(s, r.BusinessID, record.KindBusiness, &b); err == nil {
		c.Category = b.Category
	}
	if m, err := record.Minutes(c.Start, c.End); err == nil && m > 0 {
		c.Minutes = m
	}
	return c, nil
}

// SaveConsultation creates (empty ID) or updates a consultation record,
// sealing its content under the case key. Status 下書き saves a draft; 確定
// checks the full form. Only a supervisor may change an approved record.
func (o *Office) SaveConsultation(ctx context.Context, s *Session, c *record.Consultation) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermCase); err != nil {
		return err
	}
	if c.ID != "" {
		var old record.Consultation
		if _, err := o.load(s, c.ID, record.KindConsultation, &old); err != nil {
			return err
		}
		if old.Status == record.StApproved && !s.HasRole(RoleSupervisor) {
			return fmt.Errorf("edit approved record: %w", ErrForbidden)
		}
	}
	if c.Status == record.StApproved && !s.HasRole(RoleSupervisor) {
		return fmt.Errorf("approve: %w", ErrForbidden)
	}
	return o.saveConsultation(s, c, "")
}

func (o *Office) saveConsultation(s *Session, c *record.Consultation, detail string) error {
	if c.Status == "" {
		c.Status = record.StDraft
	}
	if c.Case == nil {
		c.Case = &record.ConsultationCase{}
	}
	if m, err := record.Minutes(c.Start, c.End); err == nil && m > 0 {
		c.Minutes = m
	}
	if err := c.Validate(); err != nil {
		return err
	}
	creating := o.stamp(s, &c.Meta, record.KindConsultation)
	if detail == "" {
		detail = "consultation " + c.Status
	}
	writes, rev, err := o.sealWrites(s, expect(creating, c.Rev),
		part{id: c.ID, kind: string(record.KindConsultation), value: c, terms: consultationTerms(c), fresh: creating},
		part{id: c.ID + caseSuffix, kind: caseKind(record.KindConsultation), value: c.Case, fresh: creating})
	if err == nil && c.Status == record.StApproved {
		var w []local.Write
		if w, err = o.signApproval(s, c.ID, rev, writes); err == nil {
			writes = append(writes, w...)
		}
	}
	meta := map[string][]byte{metaHLC: []byte(rev.String())}
	bb, indexing := o.newBlindBatch(s, meta)
	defer bb.close()
	if indexing && err == nil {
		var old []string // the bigrams already indexed for this record
		var prev record.ConsultationCase
		if !creating {
			if found, lerr := o.loadCase(s, c.ID, record.KindConsultation, &prev); lerr == nil && found {
				old = caseTexts(&prev)
			}
		}
		if err = bb.add(c.ID, old, caseTexts(c.Case)...); err == nil {
			err = bb.sealCounts()
		}
	}
	if err == nil {
		err = o.commit(writes, meta, o.event(actionFor(creating), c.ID, detail))
	}
	if err == nil && bb != nil {
		bb.committed()
	}
	if err != nil {
		if creating {
			c.ID = ""
		}
		return err
	}
	c.ApprovalBroken = false
	c.Rev = rev.String()
	return nil
}

// Consultation reads a consultation record. The content (Case) is filled only
// for a person holding the case key, and that view is logged; reception gets
// the record without it.
func (o *Office) Consultation(ctx context.Context, s *Session, id string) (*record.Consultation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	c, err := o.consultation(s, id)
	if err != nil {
		return nil, err
	}
	if c.Case != nil {
		if err := o.logRead(audit.ActViewCase, id, "consultation"); err != nil {
			return nil, err
		}
	}
	return c, o.logWarnings()
}

func (o *Office) consultation(s *Session, id string) (*record.Consultation, error) {
	var c record.Consultation
	rev, err := o.load(s, id, record.KindConsultation, &c)
	if err != nil {
		return nil, err
	}
	c.Rev = rev
	o.checkApproval(s, &c)
	if !s.May(PermCase) {
		return &c, nil
	}
	var k record.ConsultationCase
	ok, err := o.loadCase(s, id, record.KindConsultation, &k)
	if err != nil {
		return nil, err
	}
	if ok {
		c.Case = &k
	}
	return &c, nil
}

// ConsultationHistory returns every saved version of a record, oldest first,
// each with its content when the person holds the case key. Reading it is
// logged like a view.
func (o *Office) ConsultationHistory(ctx context.Context, s *Session, id string) ([]record.Consultation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermCase); err != nil {
		return nil, err
	}
	vs, revs, err := history[record.Consultation](o, s, id, record.KindConsultation)
	if err != nil {
		return nil, err
	}
	cases, err := o.store.History(id + caseSuffix)
	if err != nil {
		return nil, fmt.Errorf("read history of %s: %w", id, err)
	}
	byRev := map[string]local.Version{}
	for _, v := range cases {
		byRev[v.Rev] = v
	}
	for i := range vs {
		vs[i].Rev = revs[i]
		if cv, ok := byRev[revs[i]]; ok {
			var k record.ConsultationCase
			if err := o.openVersion(s, cv, caseKind(record.KindConsultation), &k); err != nil {
				return nil, err
			}
			vs[i].Case = &k
		}
	}
	return vs, o.logRead(audit.ActViewCase, id, "consultation history")
}

// ConsultationFilter narrows Consultations. Empty fields match everything.
type ConsultationFilter struct {
	From, To     string // ISO dates, inclusive
	BusinessID   string
	ConsultantID string
	Status       string
	// Limit, when above zero, keeps the newest Limit records that match.
	// With a period (From or To) the older records are then not even
	// read, which keeps a month's list of a busy office small in memory.
	Limit int
}

// Consultations lists consultation records (without content), newest first.
// It reads without holding the office.
func (o *Office) Consultations(ctx context.Context, s *Session, f ConsultationFilter) ([]ConsultationSummary, error) {
	w, err := o.begin(ctx, s, PermFrontDesk)
	if err != nil {
		return nil, err
	}
	defer w.end()
	out, err := o.consultationSummaries(w.ctx, s, f)
	if err != nil {
		return nil, err
	}
	return out, o.locked(w, o.logWarnings)
}

// consultationSummaries lists the summaries of the records that match f,
// newest first, at most f.Limit of them when it is above zero. It keeps
// only the summaries (not the records) and reads each business's and
// consultant's name once. When the ids come with their dates (a period)
// it reads from the newest date back and stops once f.Limit records are
// found and the dates left are older than all of them.
func (o *Office) consultationSummaries(ctx context.Context, s *Session, f ConsultationFilter) ([]ConsultationSummary, error) {
	ids, dates, f, err := o.consultationIDs(f)
	if err != nil {
		return nil, err
	}
	names := map[string]string{}
	var out []ConsultationSummary
	oldest := "" // the oldest date among out
	for i := len(ids) - 1; i >= 0; i-- {
		if f.Limit > 0 && dates != nil && len(out) >= f.Limit && dates[i] < oldest {
			break
		}
		id := ids[i]
		if k, _ := record.KindOfID(id); k != record.KindConsultation {
			continue
		}
		if err := ctxErr(ctx); err != nil {
			return nil, err
		}
		report(ctx, StepRead, len(ids)-1-i, len(ids))
		var c record.Consultation
		rev, err := o.load(s, id, record.KindConsultation, &c)
		if err != nil {
			return nil, err
		}
		c.Rev = rev
		o.checkApproval(s, &c)
		if !matchConsultation(&c, f) {
			continue
		}
		out = append(out, o.consultationSummaryNamed(s, &c, names))
		if oldest == "" || c.Date < oldest {
			oldest = c.Date
		}
	}
	slices.SortFunc(out, func(a, b ConsultationSummary) int {
		return strings.Compare(b.Date+record.PadClock(b.Start)+b.ID, a.Date+record.PadClock(a.Start)+a.ID)
	})
	if f.Limit > 0 && len(out) > f.Limit {
		out = slices.Clip(out[:f.Limit])
	}
	return out, nil
}

// consultationIDs returns the ids to read for f and f as it is left to
// match on the records. With a period the ids come sorted by date, and
// dates holds each id's date; otherwise dates is nil.
func (o *Office) consultationIDs(f ConsultationFilter) (ids, dates []string, _ ConsultationFilter, err error) {
	switch {
	case f.BusinessID != "":
		ids, err = o.idsOfBusiness(f.BusinessID)
		f.BusinessID = "" // the ids are those of the business and the ones merged into it
	case f.Status != "" && f.From == "" && f.To == "":
		ids, err = o.store.Find(ixStatus, "consultation|"+f.Status)
	case f.From != "" || f.To != "":
		to := f.To
		if to == "" {
			to = "9999-12-31"
		}
		if f.ConsultantID != "" {
			ids, dates, err = o.staffIDsInDateRange(string(record.KindConsultation), f.ConsultantID, f.From, to)
		} else {
			ids, dates, err = o.datedIDsInRange(string(record.KindConsultation), f.From, to)
		}
	default:
		ids, err = o.store.IDs(string(record.KindConsultation))
	}
	if err != nil {
		return nil, nil, f, fmt.Errorf("list consultations: %w", err)
	}
	return ids, dates, f, nil
}

// consultations lists the records that match f, newest first; it reports
// each record read (StepRead) and stops when ctx ends. It reads every
// match: f.Limit is not used.
func (o *Office) consultations(ctx context.Context, s *Session, f ConsultationFilter) ([]record.Consultation, error) {
	ids, _, f, err := o.consultationIDs(f)
	if err != nil {
		return nil, err
	}
	var out []record.Consultation
	for i, id := range ids {
		if k, _ := record.KindOfID(id); k != record.KindConsultation {
			continue
		}
		if err := ctxErr(ctx); err != nil {
			return nil, err
		}
		report(ctx, StepRead, i, len(ids))
		var c record.Consultation
		rev, err := o.load(s, id, record.KindConsultation, &c)
		if err != nil {
			return nil, err
		}
		c.Rev = rev
		o.checkApproval(s, &c)
		if matchConsultation(&c, f) {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b record.Consultation) int {
		return strings.Compare(b.Date+record.PadClock(b.Start)+b.ID, a.Date+record.PadClock(a.Start)+a.ID)
	})
	return out, nil
}

func matchConsultation(c *record.Consultation, f ConsultationFilter) bool {
	return (f.From == "" || c.Date >= f.From) && (f.To == "" || c.Date <= f.To) &&
		(f.BusinessID == "" || c.BusinessID == f.BusinessID) &&
		(f.ConsultantID == "" || c.ConsultantID == f.ConsultantID) &&
		(f.Status == "" || c.Status == f.Status)
}

func (o *Office) consultationSummary(s *Session, c *record.Consultation) ConsultationSummary {
	return o.consultationSummaryNamed(s, c, nil)
}

// consultationSummaryNamed is consultationSummary that looks the business's
// and consultant's names up in names first and keeps them there (names
// may be nil).
func (o *Office) consultationSummaryNamed(s *Session, c *record.Consultation, names map[string]string) ConsultationSummary {
	out := ConsultationSummary{ID: c.ID, Date: c.Date, Start: c.Start, End: c.End, Status: c.Status, Mode: c.Mode,
		BusinessID: c.BusinessID, ConsultantID: c.ConsultantID}
	out.BusinessName = o.nameOf(s, c.BusinessID, record.KindBusiness, names)
	out.ConsultantName = o.nameOf(s, c.ConsultantID, record.KindStaff, names)
	return out
}

// nameOf returns the name of the business or staff member id ("" when it
// cannot be read), from names when it is there; a name read is kept in
// names unless names is nil.
func (o *Office) nameOf(s *Session, id string, k record.Kind, names map[string]string) string {
	if name, ok := names[id]; ok {
		return name
	}
	name := ""
	switch k {
	case record.KindBusiness:
		var b record.Business
		if _, err := o.load(s, id, k, &b); err == nil {
			name = b.Name
		}
	case record.KindStaff:
		var st record.Staff
		if _, err := o.load(s, id, k, &st); err == nil {
			name = st.Name
		}
	}
	if names != nil {
		names[id] = name
	}
	return name
}

// PendingApprovals lists the confirmed records that wait for a supervisor.
func (o *Office) PendingApprovals(ctx context.Context, s *Session) ([]ConsultationSummary, error) {
	if !s.May(PermApprove) {
		return nil, ErrForbidden
	}
	return o.Consultations(ctx, s, ConsultationFilter{Status: record.StConfirmed})
}

// Approve marks a confirmed record 承認済.
func (o *Office) Approve(ctx context.Context, s *Session, id string) error {
	return o.review(ctx, s, id, record.StApproved, "")
}

// SendBack returns a confirmed record to its consultant (差戻し) with a comment.
func (o *Office) SendBack(ctx context.Context, s *Session, id, comment string) error {
	if strings.TrimSpace(comment) == "" {
		return &record.FieldError{Field: "コメント", Msg: "差し戻す理由をコメントに入力してください", En: "Comment: enter the reason for sending it back."}
	}
	return o.review(ctx, s, id, record.StReturned, comment)
}

func (o *Office) review(ctx context.Context, s *Session, id, status, comment string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermApprove); err != nil {
		return err
	}
	c, err := o.consultation(s, id)
	if err != nil {
		return err
	}
	if c.Status != record.StConfirmed {
		return &record.FieldError{Field: "状態", Msg: "確定済みの記録だけを承認・差戻しできます（現在: " + c.Status + "）",
			En: "Status: only confirmed records can be approved or sent back (now: " + c.Status + ")."}
	}
	c.Status = status
	if c.Case == nil {
		return fmt.Errorf("review %s: %w", id, vault.ErrNoKey)
	}
	c.Case.ReviewComment = comment
	return o.saveConsultation(s, c, "review "+status)
}

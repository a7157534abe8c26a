package office

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Web booking on this PC (see app/bookingproto). The requests the server
// keeps are copied here as the server sends them, still sealed to the
// office's booking key: meta "web/req/<ref>" holds the bookingproto.Request
// as JSON, and "web/cursor" the server's cursor after the last page, both
// in one transaction per page, so that a crash resumes without loss. A
// request is opened only when a person lists or handles it. A status this
// PC sets (確定, お断り) waits in "web/out/<ref>" until the server took it.
// Nothing of it is pushed with the records: every PC follows the server's
// cursor itself.
const (
	metaWebCursor  = "web/cursor"
	metaWebReq     = "web/req/"
	metaWebOut     = "web/out/"
	metaWebPublish = "web/published"
	metaWebOffice  = "web/office"
)

// Limits on what the server may hand this PC.
const (
	maxWebSealed = 64 << 10 // a sealed form; the page's own limit is far below
	maxWebReason = 200      // a decline's reason, in characters
)

// WebKind is the kind of consultation the office publishes for web
// booking.
const WebKind = "経営相談"

// WebRequest is one web booking request as the 「ウェブ予約」 list shows it.
type WebRequest struct {
	Ref      string
	Status   string // bookingproto.Status…
	Reason   string // the decline's reason
	Received time.Time
	// Form is what the business sent; nil when the request cannot be
	// opened (Problem says why).
	Form    *bookingproto.Form
	Problem string
	// Pending says that a status set on this PC has not reached the
	// server yet.
	Pending bool
	// Matches are existing businesses with the same name or phone.
	Matches []BusinessSummary
}

// ApplyBookingRequests stores a page of requests from the server and its
// cursor in one transaction; server names the office as the server knows
// it (its id in the enrollment), which the sealed forms are bound to. A request whose ref or status is malformed,
// or whose sealed form is too large, is refused (nothing of the page is
// stored). Everyone who syncs may ask (sync runs under any person).
func (o *Office) ApplyBookingRequests(ctx context.Context, s *Session, server string, page bookingproto.RequestsPage) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return err
	}
	meta := map[string][]byte{}
	for _, r := range page.Requests {
		if err := checkWebRequest(&r); err != nil {
			return err
		}
		raw, _ := json.Marshal(r)
		meta[metaWebReq+r.Ref] = raw
	}
	cur, err := o.webCursor()
	if err != nil {
		return err
	}
	if page.Next < cur {
		return fmt.Errorf("%w: the server's cursor went back from %d to %d", ErrWebRequest, cur, page.Next)
	}
	meta[metaWebCursor] = fmt.Appendf(nil, "%d", page.Next)
	if server != "" {
		meta[metaWebOffice] = []byte(server)
	}
	var evs []audit.Event
	if n := len(page.Requests); n > 0 {
		evs = append(evs, o.event(ActWebBooking, "web", fmt.Sprintf("pulled %d requests", n)))
	}
	return o.commit(nil, meta, evs...)
}

// ActWebBooking is the access-log action of web booking: requests pulled,
// confirmed, declined, publications sent.
const ActWebBooking = "web.booking"

// checkWebRequest refuses what this PC will not store.
func checkWebRequest(r *bookingproto.Request) error {
	if !validRef(r.Ref) {
		return fmt.Errorf("%w: reference code %q", ErrWebRequest, r.Ref)
	}
	if !slices.Contains(webStatuses, r.Status) {
		return fmt.Errorf("%w: %s: status %q", ErrWebRequest, r.Ref, r.Status)
	}
	if len(r.Sealed) == 0 || len(r.Sealed) > maxWebSealed || len(r.SlotID) > 64 || len(r.KeyID) > 64 ||
		utf8.RuneCountInString(r.Reason) > maxWebReason {
		return fmt.Errorf("%w: %s: malformed", ErrWebRequest, r.Ref)
	}
	return nil
}

var webStatuses = []string{bookingproto.StatusReceived, bookingproto.StatusConfirmed,
	bookingproto.StatusDeclined, bookingproto.StatusCancelled}

// validRef accepts reference codes of 4 to 32 ASCII letters, digits and
// hyphens.
func validRef(ref string) bool {
	if len(ref) < 4 || len(ref) > 32 {
		return false
	}
	for _, c := range ref {
		if !(c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '-') {
			return false
		}
	}
	return true
}

// WebCursor is the server's cursor after the last page of requests stored
// here (0: none yet).
func (o *Office) WebCursor(ctx context.Context, s *Session) (uint64, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return 0, err
	}
	return o.webCursor()
}

func (o *Office) webCursor() (uint64, error) {
	raw, err := o.store.Meta(metaWebCursor)
	if errors.Is(err, local.ErrNotFound) {
		return 0, nil
	} else if err != nil {
		return 0, fmt.Errorf("web booking cursor: %w", err)
	}
	var n uint64
	if _, err := fmt.Sscanf(string(raw), "%d", &n); err != nil {
		return 0, fmt.Errorf("web booking cursor %q: %w", raw, ErrInvalid)
	}
	return n, nil
}

// WebRequests lists the web booking requests stored here, newest first,
// opened with the office's booking keys; with open false, only those still
// 受付中. It needs the front desk's permission and the contact key, and it
// is in the access log.
func (o *Office) WebRequests(ctx context.Context, s *Session, all bool) ([]WebRequest, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	keys, err := s.keys.BookingKeys()
	if err != nil {
		return nil, fmt.Errorf("web booking: %w", ErrForbidden)
	}
	names, err := o.store.MetaKeys(metaWebReq, 0)
	if err != nil {
		return nil, fmt.Errorf("list web requests: %w", err)
	}
	var out []WebRequest
	for _, name := range names {
		if err := ctxErr(ctx); err != nil {
			return nil, err
		}
		w, err := o.webRequest(s, keys, strings.TrimPrefix(name, metaWebReq))
		if err != nil {
			return nil, err
		}
		if all || w.Status == bookingproto.StatusReceived {
			out = append(out, w)
		}
	}
	slices.SortFunc(out, func(a, b WebRequest) int { return b.Received.Compare(a.Received) })
	if err := o.commit(nil, nil, o.event(audit.ActView, "web", fmt.Sprintf("web requests %d", len(out)))); err != nil {
		return nil, err
	}
	return out, nil
}

// webRequest reads and opens request ref. Call with o.mu held.
func (o *Office) webRequest(s *Session, keys []vault.BookingKey, ref string) (WebRequest, error) {
	raw, err := o.store.Meta(metaWebReq + ref)
	if errors.Is(err, local.ErrNotFound) {
		return WebRequest{}, fmt.Errorf("web request %s: %w", ref, ErrNotFound)
	} else if err != nil {
		return WebRequest{}, fmt.Errorf("web request %s: %w", ref, err)
	}
	var r bookingproto.Request
	if err := json.Unmarshal(raw, &r); err != nil {
		return WebRequest{}, fmt.Errorf("web request %s: %v: %w", ref, err, ErrInvalid)
	}
	w := WebRequest{Ref: r.Ref, Status: r.Status, Reason: r.Reason, Received: r.Received}
	if out, err := o.store.Meta(metaWebOut + ref); err == nil {
		var u bookingproto.StatusUpdate
		if json.Unmarshal(out, &u) == nil {
			w.Status, w.Reason, w.Pending = u.Status, u.Reason, true
		}
	}
	f, problem := o.openWebForm(keys, &r)
	w.Form, w.Problem = f, problem
	if f != nil {
		b := webBusiness(f)
		w.Matches, _ = o.similar(s, &b)
	}
	return w, nil
}

// openWebForm opens the sealed form of r. The server is not trusted with
// it: the form must be sealed to one of the office's booking keys under
// r's reference code, and name the same code and slot.
func (o *Office) openWebForm(keys []vault.BookingKey, r *bookingproto.Request) (*bookingproto.Form, string) {
	office := o.officeName()
	if id, err := o.store.Meta(metaWebOffice); err == nil {
		office = string(id)
	}
	info := bookingproto.Info(office, r.Ref)
	for _, k := range keys {
		if r.KeyID != "" && k.ID != r.KeyID {
			continue
		}
		plain, err := k.Open(info, r.Sealed)
		if err != nil {
			continue
		}
		var f bookingproto.Form
		if err := json.Unmarshal(plain, &f); err != nil {
			return nil, "内容を読めません（形式の誤り）"
		}
		if f.Ref != r.Ref || f.SlotID != r.SlotID {
			o.warn("web/"+r.Ref, "web request whose form names another reference or slot")
			return nil, "受付番号または枠が一致しません（サーバーでの入れ替えの疑い）"
		}
		return &f, ""
	}
	o.warn("web/"+r.Ref, "web request that no booking key opens")
	return nil, "この端末の鍵では開けません（改ざんまたは古い鍵）"
}

// webBusiness is the business a web request describes, for the duplicate
// check and as the start of a new registration.
func webBusiness(f *bookingproto.Form) record.Business {
	industry := ""
	if slices.Contains(record.Industries(), f.Industry) {
		industry = f.Industry
	}
	return record.Business{Name: f.Business, Kana: f.Kana, Phone: f.Phone, Email: f.Email,
		Ward: f.Ward, Industry: industry, Employees: max(f.Employees, 0), Contact: f.Contact}
}

// WebRequestCount counts the requests still 受付中 here, without opening
// them (the status is not personal data, so it is not in the access log).
func (o *Office) WebRequestCount(ctx context.Context, s *Session) (int, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return 0, err
	}
	names, err := o.store.MetaKeys(metaWebReq, 0)
	if err != nil {
		return 0, fmt.Errorf("list web requests: %w", err)
	}
	n := 0
	for _, name := range names {
		if _, err := o.store.Meta(metaWebOut + strings.TrimPrefix(name, metaWebReq)); err == nil {
			continue // handled here, the server not told yet
		}
		raw, err := o.store.Meta(name)
		if err != nil {
			return 0, fmt.Errorf("web request %s: %w", name, err)
		}
		var r struct {
			Status string `json:"status"`
		}
		if json.Unmarshal(raw, &r) == nil && r.Status == bookingproto.StatusReceived {
			n++
		}
	}
	return n, nil
}

// WebBusiness returns the business a web request describes, to register
// it when no existing business matches (the person completes what the form
// did not ask, フリガナ for one).
func (o *Office) WebBusiness(ctx context.Context, s *Session, ref string) (record.Business, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f, err := o.webForm(ctx, s, ref)
	if err != nil {
		return record.Business{}, err
	}
	return webBusiness(f), nil
}

// webForm opens request ref for handling. Call with o.mu held.
func (o *Office) webForm(ctx context.Context, s *Session, ref string) (*bookingproto.Form, error) {
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	keys, err := s.keys.BookingKeys()
	if err != nil {
		return nil, fmt.Errorf("web booking: %w", ErrForbidden)
	}
	w, err := o.webRequest(s, keys, ref)
	if err != nil {
		return nil, err
	}
	if w.Form == nil {
		return nil, fmt.Errorf("web request %s: %s: %w", ref, w.Problem, ErrForged)
	}
	if w.Status != bookingproto.StatusReceived {
		return nil, &WebStatusError{Ref: ref, Status: w.Status}
	}
	return w.Form, nil
}

// WebStatusError refuses to handle a request that is no longer 受付中
// (another PC handled it, or the business cancelled).
type WebStatusError struct{ Ref, Status string }

func (e *WebStatusError) Error() string {
	return fmt.Sprintf("受付番号 %s のウェブ予約はすでに「%s」です（他の端末で処理されたか、相談者が取り消しました）。", e.Ref, e.Status)
}

// Unwrap makes it match ErrConflict.
func (e *WebStatusError) Unwrap() error { return ErrConflict }

// WebConfirm says how a request becomes a reservation.
type WebConfirm struct {
	// BusinessID links the reservation to an existing business; when empty,
	// Business is registered (see WebBusiness).
	BusinessID string
	Business   *record.Business
	// AllowDuplicate registers Business although it looks like an
	// existing one.
	AllowDuplicate bool
	// ConsultantID, when set, assigns the reservation.
	ConsultantID string
}

// ConfirmWebRequest turns request ref into a reservation (Channel "Web",
// the form's checks and topic), registering the business when asked, and
// queues the status 確定 for the server, all in one transaction. It
// returns the reservation. A slot taken meanwhile at the counter is refused
// with the usual *BookingError.
func (o *Office) ConfirmWebRequest(ctx context.Context, s *Session, ref string, c WebConfirm) (*record.Reservation, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	f, err := o.webForm(ctx, s, ref)
	if err != nil {
		return nil, err
	}
	bizID := c.BusinessID
	if bizID == "" {
		if c.Business == nil {
			return nil, &record.FieldError{Field: "事業者", Msg: "事業者を選ぶか、新しく登録してください。", En: "Business: choose one, or register a new one."}
		}
		b := *c.Business
		b.Postal = record.NormalizePostal(b.Postal)
		if err := b.Validate(); err != nil {
			return nil, err
		}
		if !c.AllowDuplicate {
			if m, err := o.similar(s, &b); err != nil {
				return nil, err
			} else if len(m) > 0 {
				return nil, &DuplicateError{Matches: m}
			}
		}
		creating := o.stamp(s, &b.Meta, record.KindBusiness)
		rev, err := o.saveParts(s, expect(creating, b.Rev), actionFor(creating), "business (web "+ref+")",
			part{id: b.ID, kind: string(record.KindBusiness), value: &b, terms: businessTerms(&b)})
		if err != nil {
			return nil, err
		}
		b.Rev = rev
		*c.Business = b
		bizID = b.ID
	} else if _, err := o.load(s, bizID, record.KindBusiness, &record.Business{}); err != nil {
		return nil, err
	}
	venueID, err := o.webVenue(ctx, s, f)
	if err != nil {
		return nil, err
	}
	start, end := f.Start.In(jst), f.End.In(jst)
	r := &record.Reservation{Date: start.Format(time.DateOnly), Start: start.Format("15:04"), End: end.Format("15:04"),
		VenueID: venueID, ConsultantID: c.ConsultantID, BusinessID: bizID, Channel: "Web",
		Checks: record.ReservationChecks{Subsidy: answer(f.Subsidy), Loan: answer(f.Loan), WantedProgram: clip(f.Topic, 500)},
		Note:   "ウェブ予約 " + ref}
	if f.FirstVisit {
		r.Checks.VisitCount = 1
	}
	if err := o.saveReservation(ctx, s, r, "web "+ref); err != nil {
		return nil, err
	}
	if err := o.queueWebStatus(bookingproto.StatusUpdate{Ref: ref, Status: bookingproto.StatusConfirmed},
		"confirmed as "+r.ID); err != nil {
		return nil, err
	}
	return r, nil
}

// webVenue finds the venue of a request's slot: the one whose SlotID at the
// form's start is the form's slot id (a slot this office published).
func (o *Office) webVenue(ctx context.Context, s *Session, f *bookingproto.Form) (string, error) {
	ids, err := o.store.IDs(string(record.KindVenue))
	if err != nil {
		return "", fmt.Errorf("list venues: %w", err)
	}
	venues, err := loadAll[record.Venue](ctx, o, s, ids, record.KindVenue)
	if err != nil {
		return "", err
	}
	for _, v := range venues {
		if SlotID(v.ID, f.Kind, f.Start) == f.SlotID {
			return v.ID, nil
		}
	}
	return "", &record.FieldError{Field: "会場", Msg: "予約された枠の会場が見つかりません（会場が削除されたか、この窓口の枠ではありません）。",
		En: "Venue: the venue of the booked slot was not found (it was deleted, or the slot is not this office's)."}
}

func answer(a string) string {
	if slices.Contains(record.CheckAnswers(), a) {
		return a
	}
	return ""
}

func clip(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n])
}

// DeclineWebRequest declines request ref with a reason the business reads
// on the status page (no personal data), and queues it for the server.
func (o *Office) DeclineWebRequest(ctx context.Context, s *Session, ref, reason string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if _, err := o.webForm(ctx, s, ref); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	if reason == "" {
		return &record.FieldError{Field: "お断りの理由", Msg: "お断りの理由を入力してください（相談者の状況確認ページに表示されます）。",
			En: "Reason for declining: enter it (the business sees it on its status page)."}
	}
	if utf8.RuneCountInString(reason) > maxWebReason {
		return &record.FieldError{Field: "お断りの理由", Msg: fmt.Sprintf("お断りの理由は%d文字以内で入力してください。", maxWebReason),
			En: fmt.Sprintf("Reason for declining: at most %d characters.", maxWebReason)}
	}
	return o.queueWebStatus(bookingproto.StatusUpdate{Ref: ref, Status: bookingproto.StatusDeclined, Reason: reason}, "declined")
}

// queueWebStatus stores u for the server with an access-log event. Call
// with o.mu held.
func (o *Office) queueWebStatus(u bookingproto.StatusUpdate, detail string) error {
	raw, _ := json.Marshal(u)
	return o.commit(nil, map[string][]byte{metaWebOut + u.Ref: raw},
		o.event(ActWebBooking, "web/"+u.Ref, u.Status+" "+detail))
}

// PendingWebStatus lists the statuses set on this PC that the server has
// not taken yet.
func (o *Office) PendingWebStatus(ctx context.Context, s *Session) ([]bookingproto.StatusUpdate, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return nil, err
	}
	names, err := o.store.MetaKeys(metaWebOut, 0)
	if err != nil {
		return nil, fmt.Errorf("list web statuses: %w", err)
	}
	var out []bookingproto.StatusUpdate
	for _, name := range names {
		raw, err := o.store.Meta(name)
		if err != nil {
			return nil, fmt.Errorf("web status %s: %w", name, err)
		}
		var u bookingproto.StatusUpdate
		if err := json.Unmarshal(raw, &u); err != nil {
			return nil, fmt.Errorf("web status %s: %v: %w", name, err, ErrInvalid)
		}
		out = append(out, u)
	}
	return out, nil
}

// WebStatusSent records that the server took the status of request ref:
// the request is stored with it and leaves the queue.
func (o *Office) WebStatusSent(ctx context.Context, s *Session, u bookingproto.StatusUpdate) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return err
	}
	meta := map[string][]byte{}
	if raw, err := o.store.Meta(metaWebReq + u.Ref); err == nil {
		var r bookingproto.Request
		if json.Unmarshal(raw, &r) == nil {
			r.Status, r.Reason = u.Status, u.Reason
			meta[metaWebReq+u.Ref], _ = json.Marshal(r)
		}
	}
	return o.writeBatch(local.Batch{Meta: meta, DropMeta: []string{metaWebOut + u.Ref}}, nil)
}

// SlotID names a slot of the publication: stable for the same venue, kind
// and start, so that a request still names its slot after the next
// publication.
func SlotID(venueID, kind string, start time.Time) string {
	sum := sha256.Sum256([]byte(venueID + "\x00" + kind + "\x00" + start.UTC().Format(time.RFC3339)))
	return hex.EncodeToString(sum[:8])
}

// WebHours are the times the office publishes for web booking on each open
// day: slots of Minutes from each Start to its End.
type WebHours struct {
	Weeks   int         // how many weeks ahead, from tomorrow
	Minutes int         // slot length
	Spans   [][2]string // "15:04" start and end of each span of the day
}

// DefaultWebHours are 9:00–12:00 and 13:00–17:00 in hour slots, four weeks
// ahead.
var DefaultWebHours = WebHours{Weeks: 4, Minutes: 60, Spans: [][2]string{{"09:00", "12:00"}, {"13:00", "17:00"}}}

// BookingPublication builds what the office publishes for its booking
// page: the newest booking key and the free slots of the active venues on
// the open days (no holidays, no 休業日, no weekends) from tomorrow, each
// with the places its venue has left. It names no person and no business.
func (o *Office) BookingPublication(ctx context.Context, s *Session, h WebHours, name string) (*bookingproto.Publication, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermFrontDesk); err != nil {
		return nil, err
	}
	keys, err := s.keys.BookingKeys()
	if err != nil {
		return nil, fmt.Errorf("web booking: %w", ErrForbidden)
	}
	ids, err := o.store.IDs(string(record.KindVenue))
	if err != nil {
		return nil, fmt.Errorf("list venues: %w", err)
	}
	venues, err := loadAll[record.Venue](ctx, o, s, ids, record.KindVenue)
	if err != nil {
		return nil, err
	}
	now := o.opt.now().In(jst)
	first := time.Date(now.Year(), now.Month(), now.Day()+1, 0, 0, 0, 0, jst)
	last := first.AddDate(0, 0, 7*max(h.Weeks, 1)-1)
	from, to := first.Format(time.DateOnly), last.Format(time.DateOnly)
	closed, err := o.closures(ctx, s, from, to)
	if err != nil {
		return nil, err
	}
	rs, err := o.reservationsBetween(ctx, s, from, to)
	if err != nil {
		return nil, err
	}
	p := &bookingproto.Publication{Serial: uint64(o.opt.now().UnixMilli()), Office: name,
		PublicKey: keys[0].Public(), KeyID: keys[0].ID, Notice: WebNotice, NoticeEn: WebNoticeEn, Published: now}
	slices.SortFunc(venues, func(a, b record.Venue) int { return strings.Compare(a.Name+a.ID, b.Name+b.ID) })
	for d := first; !d.After(last); d = d.AddDate(0, 0, 1) {
		iso := d.Format(time.DateOnly)
		if _, shut := closed[iso]; shut || d.Weekday() == time.Saturday || d.Weekday() == time.Sunday {
			continue
		}
		for _, v := range venues {
			if !v.Active {
				continue
			}
			for _, span := range h.Spans {
				p.Slots = append(p.Slots, freeSlots(v, d, span, h.Minutes, rs)...)
			}
		}
	}
	return p, nil
}

// freeSlots cuts span of day d into slots of minutes at venue v, each with
// the places the active reservations rs leave.
func freeSlots(v record.Venue, d time.Time, span [2]string, minutes int, rs []record.Reservation) []bookingproto.Slot {
	a, err1 := time.ParseInLocation("2006-01-02 15:04", d.Format(time.DateOnly)+" "+span[0], jst)
	b, err2 := time.ParseInLocation("2006-01-02 15:04", d.Format(time.DateOnly)+" "+span[1], jst)
	if err1 != nil || err2 != nil || minutes <= 0 {
		return nil
	}
	capacity := max(v.Capacity, 1)
	iso := d.Format(time.DateOnly)
	var out []bookingproto.Slot
	for t := a; !t.Add(time.Duration(minutes) * time.Minute).After(b); t = t.Add(time.Duration(minutes) * time.Minute) {
		e := t.Add(time.Duration(minutes) * time.Minute)
		left := capacity
		for i := range rs {
			r := &rs[i]
			if r.VenueID == v.ID && r.Date == iso && r.Active() && record.Overlaps(t.Format("15:04"), e.Format("15:04"), r.Start, r.End) {
				left--
			}
		}
		if left > 0 {
			out = append(out, bookingproto.Slot{ID: SlotID(v.ID, WebKind, t), Venue: v.Name, VenueID: v.ID, Kind: WebKind,
				Start: t, End: e, Capacity: left})
		}
	}
	return out
}

// PublicationChanged reports whether p differs in what the page shows
// from the last publication this PC sent, or that one is older than an
// hour; PublicationSent remembers p.
func (o *Office) PublicationChanged(ctx context.Context, s *Session, p *bookingproto.Publication) (bool, error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return false, err
	}
	raw, err := o.store.Meta(metaWebPublish)
	if errors.Is(err, local.ErrNotFound) {
		return true, nil
	} else if err != nil {
		return false, fmt.Errorf("last publication: %w", err)
	}
	var last struct {
		Hash string
		At   time.Time
	}
	if json.Unmarshal(raw, &last) != nil {
		return true, nil
	}
	return last.Hash != publicationHash(p) || o.opt.now().Sub(last.At) > time.Hour, nil
}

// PublicationSent remembers that the server took p, in the access log.
func (o *Office) PublicationSent(ctx context.Context, s *Session, p *bookingproto.Publication) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	if err := o.session(ctx, s, PermSync); err != nil {
		return err
	}
	raw, _ := json.Marshal(struct {
		Hash string
		At   time.Time
	}{publicationHash(p), o.opt.now()})
	return o.commit(nil, map[string][]byte{metaWebPublish: raw},
		o.event(ActWebBooking, "web", fmt.Sprintf("published %d slots, key %s", len(p.Slots), p.KeyID)))
}

// publicationHash covers what the page shows of p (not its serial or
// time).
func publicationHash(p *bookingproto.Publication) string {
	q := *p
	q.Serial, q.Published = 0, time.Time{}
	raw, _ := json.Marshal(q)
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:])
}

// WebNotice is the privacy notice (個人情報の取扱い) the booking page
// shows; WebNoticeEn in English.
const (
	WebNotice = "ご入力いただいた個人情報は、経営相談の予約と実施、およびご連絡のためにのみ利用し、" +
		"法令に基づく場合を除き第三者に提供しません。送信された内容は暗号化され、相談窓口の端末でのみ読むことができます。"
	WebNoticeEn = "The personal information you enter is used only to arrange and hold your consultation and to contact you, " +
		"and is not given to third parties except as the law requires. What you send is encrypted and can be read only on the office's PCs."
)

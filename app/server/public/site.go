// Package public is the office's public booking page, served by
// `madoguchi server --public ADDR` on a listener of its own: businesses see
// the free slots the office published (times and places only) and send a
// request, which is checked, sealed at once to the office's booking key
// (HPKE) and stored only as ciphertext; a status page shows 受付中 / 確定 /
// お断り / 取消 by reference code, and the business may cancel with the
// cancel code it got. Nothing personal is ever written to disk or to a log
// here.
//
// The pages are server-rendered (html/template), usable on a phone and by
// keyboard alone, in Japanese with English switchable (?lang=en), with no
// script, font or tracker from anywhere, a strict Content Security Policy,
// a signed CSRF token, a size limit, a honeypot field and a per-address
// rate limit on what changes anything.
package public

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"embed"
	"encoding/base32"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"log"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

//go:embed assets
var assets embed.FS

// MaxBody bounds a form's body.
const MaxBody = 32 << 10

// Site is the public booking page of one office.
type Site struct {
	// Store keeps the publication and the sealed requests.
	Store central.Bookings
	// Office is the office's id in the store, which the sealed forms are
	// bound to (bookingproto.Info).
	Office string
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Log receives what the site refused, never what a business typed
	// (nil: nothing).
	Log *log.Logger
	// PerMinute limits the forms one address may send per minute (0: 10).
	PerMinute int
	// TrustProxy takes the visitor's address from the last entry of
	// X-Forwarded-For (the one the office's reverse proxy appends) instead
	// of the connection's, which behind a proxy is the proxy's own. Set it
	// only when the listener is reachable through the proxy alone.
	TrustProxy bool

	once    sync.Once
	secret  []byte // signs CSRF tokens; new at each start
	tmpl    *template.Template
	limitMu sync.Mutex
	limits  map[string]*bucket
	// The newest publication, decoded, read again at most every
	// pubFresh (and decoded again only when its serial changed).
	pubMu     sync.Mutex
	pub       *bookingproto.Publication
	pubSerial uint64
	pubAt     time.Time
}

// pubFresh is how long the site uses a publication before asking the
// store for a newer one.
const pubFresh = 2 * time.Second

func (s *Site) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Site) logf(format string, args ...any) {
	if s.Log != nil {
		s.Log.Printf(format, args...)
	}
}

func (s *Site) init() {
	s.once.Do(func() {
		s.secret = make([]byte, 32)
		rand.Read(s.secret)
		s.limits = map[string]*bucket{}
		s.tmpl = template.Must(template.New("").Funcs(template.FuncMap{
			"t": func(p page, key string) string { return p.text(key) },
		}).ParseFS(assets, "assets/*.html"))
	})
}

// Handler serves the pages.
func (s *Site) Handler() http.Handler {
	s.init()
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.slots)
	mux.HandleFunc("GET /book", s.bookForm)
	mux.HandleFunc("POST /book", s.book)
	mux.HandleFunc("GET /status", s.status)
	mux.HandleFunc("POST /cancel", s.cancel)
	mux.HandleFunc("GET /style.css", func(w http.ResponseWriter, r *http.Request) {
		css, _ := assets.ReadFile("assets/style.css")
		w.Header().Set("Content-Type", "text/css; charset=utf-8")
		w.Header().Set("Cache-Control", "public, max-age=3600")
		w.Write(css)
	})
	return headers(mux)
}

// headers sets what every answer carries: a Content Security Policy that
// allows nothing but this site's own style sheet and forms, and no
// framing, sniffing, referrer or caching of pages.
func headers(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hd := w.Header()
		hd.Set("Content-Security-Policy", "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
		hd.Set("X-Content-Type-Options", "nosniff")
		hd.Set("Referrer-Policy", "no-referrer")
		hd.Set("X-Frame-Options", "DENY")
		hd.Set("Cross-Origin-Opener-Policy", "same-origin")
		if r.URL.Path != "/style.css" {
			hd.Set("Cache-Control", "no-store")
		}
		h.ServeHTTP(w, r)
	})
}

// page is what every template gets.
type page struct {
	Lang    string // "ja" or "en"
	Office  string
	CSRF    string
	Message string // a message for the whole page
	Problem bool   // Message is an error
	Days    []day
	Slot    bookingproto.Slot
	Form    bookingproto.Form
	Errors  map[string]string
	Ref     string
	Cancel  string
	Status  string
	Reason  string
	Notice  string
	Choices choices
	// First is the answer to 当窓口のご利用 as sent ("yes", "no", or none
	// yet: a new form chooses neither).
	First string
}

// day is one day of the slots page: its slots by venue and kind.
type day struct {
	Date   string
	Groups []group
}

type group struct {
	Venue, Kind string
	Slots       []bookingproto.Slot
}

type choices struct {
	Industries, Answers []string
}

func (p page) text(key string) string {
	if p.Lang == "en" {
		if v, ok := english[key]; ok {
			return v
		}
	}
	return key
}

// lang is the page's language: ?lang=en, or Japanese. It reads the URL
// only: a form's body is read once, under its size limit.
func lang(r *http.Request) string {
	if r.URL.Query().Get("lang") == "en" {
		return "en"
	}
	return "ja"
}

func (s *Site) render(w http.ResponseWriter, status int, name string, p page) {
	var buf bytes.Buffer
	if err := s.tmpl.ExecuteTemplate(&buf, name, p); err != nil {
		s.logf("public page %s: %v", name, err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// publication reads the office's newest publication (nil: none yet).
func (s *Site) publication(ctx context.Context) (*bookingproto.Publication, error) {
	s.pubMu.Lock()
	defer s.pubMu.Unlock()
	now := time.Now()
	if s.pub != nil && now.Sub(s.pubAt) < pubFresh {
		return s.pub, nil
	}
	serial, raw, err := s.Store.Publication(ctx, s.Office)
	if errors.Is(err, central.ErrNotFound) {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	if s.pub == nil || serial != s.pubSerial {
		p, err := bookingproto.DecodePublication(raw)
		if err != nil {
			return nil, err
		}
		s.pub, s.pubSerial = p, serial
	}
	s.pubAt = now
	return s.pub, nil
}

// slots is the first page: the free slots of the coming weeks.
func (s *Site) slots(w http.ResponseWriter, r *http.Request) {
	p := page{Lang: lang(r)}
	pub, err := s.publication(r.Context())
	if err != nil {
		s.logf("public page: %v", err)
		s.render(w, http.StatusServiceUnavailable, "message.html", page{Lang: p.Lang, Message: p.text("ただいま予約を受け付けられません。しばらくしてからお試しください。"), Problem: true})
		return
	}
	if pub != nil {
		p.Office = pub.Office
		now := s.now()
		byDay := map[string]map[string]*group{}
		var dates []string
		for _, sl := range pub.Slots {
			if !sl.Start.After(now) {
				continue
			}
			d := sl.Start.In(record.JST()).Format("2006-01-02")
			if byDay[d] == nil {
				byDay[d] = map[string]*group{}
				dates = append(dates, d)
			}
			k := sl.Venue + "\x00" + sl.Kind
			if byDay[d][k] == nil {
				byDay[d][k] = &group{Venue: sl.Venue, Kind: sl.Kind}
			}
			byDay[d][k].Slots = append(byDay[d][k].Slots, sl)
		}
		slices.Sort(dates)
		for _, d := range dates {
			dd := day{Date: dayLabel(d, p.Lang)}
			var keys []string
			for k := range byDay[d] {
				keys = append(keys, k)
			}
			slices.Sort(keys)
			for _, k := range keys {
				dd.Groups = append(dd.Groups, *byDay[d][k])
			}
			p.Days = append(p.Days, dd)
		}
	}
	s.render(w, http.StatusOK, "slots.html", p)
}

// dayLabel words an ISO date with its weekday.
func dayLabel(iso, lang string) string {
	d, err := time.Parse("2006-01-02", iso)
	if err != nil {
		return iso
	}
	if lang == "en" {
		return d.Format("Mon 2 Jan 2006")
	}
	return strconv.Itoa(int(d.Month())) + "月" + strconv.Itoa(d.Day()) + "日（" + []string{"日", "月", "火", "水", "木", "金", "土"}[d.Weekday()] + "）"
}

// findSlot returns the published slot of id that is still ahead.
func (s *Site) findSlot(ctx context.Context, id string) (*bookingproto.Publication, *bookingproto.Slot, error) {
	pub, err := s.publication(ctx)
	if err != nil || pub == nil {
		return pub, nil, err
	}
	for i := range pub.Slots {
		if pub.Slots[i].ID == id && pub.Slots[i].Start.After(s.now()) {
			return pub, &pub.Slots[i], nil
		}
	}
	return pub, nil, nil
}

// bookForm is the form for one slot.
func (s *Site) bookForm(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	pub, sl, err := s.findSlot(r.Context(), r.URL.Query().Get("slot"))
	if err != nil || sl == nil {
		s.render(w, http.StatusNotFound, "message.html", page{Lang: l, Message: page{Lang: l}.text("この枠はもう予約できません。空いている枠を選び直してください。"), Problem: true})
		return
	}
	f := bookingproto.Form{Subsidy: "", Loan: ""}
	s.renderForm(w, r, http.StatusOK, pub, *sl, f, nil, "")
}

func (s *Site) renderForm(w http.ResponseWriter, r *http.Request, status int, pub *bookingproto.Publication, sl bookingproto.Slot, f bookingproto.Form, errs map[string]string, msg string) {
	l := lang(r)
	notice := pub.Notice
	if l == "en" && pub.NoticeEn != "" {
		notice = pub.NoticeEn
	}
	p := page{Lang: l, Office: pub.Office, CSRF: s.csrfToken(w, r), Slot: sl, Form: f, Errors: errs, Message: msg, Problem: msg != "",
		Notice: notice, Choices: choices{Industries: record.Industries(), Answers: record.CheckAnswers()}}
	if r.Method == http.MethodPost {
		p.First = r.PostForm.Get("first")
	}
	s.render(w, status, "form.html", p)
}

// book takes a request: the checks, then the seal, then the hold.
func (s *Site) book(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	pg := page{Lang: l}
	if !s.allow(r) {
		w.Header().Set("Retry-After", "60")
		s.render(w, http.StatusTooManyRequests, "message.html", page{Lang: l, Message: pg.text("短い時間に多くの送信がありました。1分ほど待ってから、もう一度お試しください。"), Problem: true})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	if err := r.ParseForm(); err != nil {
		s.render(w, http.StatusRequestEntityTooLarge, "message.html", page{Lang: l, Message: pg.text("送信された内容が大きすぎるか、正しくありません。入力を短くして、もう一度お試しください。"), Problem: true})
		return
	}
	if !s.csrfOK(r) {
		s.logf("public booking refused: CSRF token missing or forged")
		s.render(w, http.StatusForbidden, "message.html", page{Lang: l, Message: pg.text("ページの有効期限が切れました。予約ページを開き直して、もう一度お試しください。"), Problem: true})
		return
	}
	if r.PostForm.Get("website") != "" { // the honeypot: people do not see it
		s.logf("public booking refused: honeypot filled")
		s.render(w, http.StatusBadRequest, "message.html", page{Lang: l, Message: pg.text("送信できませんでした。"), Problem: true})
		return
	}
	f, err := ParseForm(r.PostForm)
	if err != nil {
		s.render(w, http.StatusBadRequest, "message.html", page{Lang: l, Message: pg.text("送信された内容が大きすぎるか、正しくありません。入力を短くして、もう一度お試しください。"), Problem: true})
		return
	}
	pub, sl, err := s.findSlot(r.Context(), f.SlotID)
	if err != nil || sl == nil {
		s.render(w, http.StatusConflict, "message.html", page{Lang: l, Message: pg.text("この枠はもう予約できません。空いている枠を選び直してください。"), Problem: true})
		return
	}
	if ps := f.Check(); len(ps) > 0 {
		errs := map[string]string{}
		for _, p := range ps {
			if l == "en" {
				errs[p.Field] = p.En
			} else {
				errs[p.Field] = p.Ja
			}
		}
		s.renderForm(w, r, http.StatusUnprocessableEntity, pub, *sl, f, errs, pg.text("入力に誤りがあります。赤字の項目を直してください。"))
		return
	}
	ref, cancel := newCode("WB-", 8), newCode("", 12)
	f.Ref, f.Venue, f.Kind, f.Start, f.End, f.Lang, f.Sent = ref, sl.Venue, sl.Kind, sl.Start, sl.End, l, s.now().UTC()
	plain, _ := json.Marshal(f)
	sealed, err := vault.SealBooking(pub.PublicKey, bookingproto.Info(s.Office, ref), plain)
	clear(plain)
	if err != nil {
		s.logf("public booking: seal: %v", err)
		s.render(w, http.StatusServiceUnavailable, "message.html", page{Lang: l, Message: pg.text("ただいま予約を受け付けられません。しばらくしてからお試しください。"), Problem: true})
		return
	}
	sum := sha256.Sum256([]byte(cancel))
	_, err = s.Store.AddBookingRequest(r.Context(), central.BookingRequest{Office: s.Office, Ref: ref, SlotID: sl.ID, KeyID: pub.KeyID,
		Sealed: sealed, Received: s.now().UTC(), CancelHash: sum[:]}, sl.Capacity)
	switch {
	case errors.Is(err, central.ErrSlotFull):
		s.renderForm(w, r, http.StatusConflict, pub, *sl, f, nil, pg.text("申し訳ありません。この枠は、たった今ほかの方の予約で埋まりました。入力内容はそのままです。別の枠を選んでください。"))
		return
	case err != nil:
		s.logf("public booking: store: %v", err)
		s.render(w, http.StatusServiceUnavailable, "message.html", page{Lang: l, Message: pg.text("ただいま予約を受け付けられません。しばらくしてからお試しください。"), Problem: true})
		return
	}
	s.render(w, http.StatusOK, "done.html", page{Lang: l, Office: pub.Office, Ref: ref, Cancel: cancel, Slot: *sl})
}

// status shows a request's status by reference code: the status only.
func (s *Site) status(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	ref := strings.TrimSpace(r.URL.Query().Get("ref"))
	p := page{Lang: l, Ref: ref, CSRF: s.csrfToken(w, r)}
	if ref == "" {
		s.render(w, http.StatusOK, "status.html", p)
		return
	}
	b, err := s.Store.BookingRequest(r.Context(), s.Office, ref)
	if !bookingproto.ValidRef(ref) || errors.Is(err, central.ErrNotFound) {
		p.Message, p.Problem = p.text("この受付番号の予約は見つかりません。番号を確かめてください。"), true
		s.render(w, http.StatusNotFound, "status.html", p)
		return
	} else if err != nil {
		s.render(w, http.StatusServiceUnavailable, "message.html", page{Lang: l, Message: p.text("ただいま予約を受け付けられません。しばらくしてからお試しください。"), Problem: true})
		return
	}
	p.Status, p.Reason = b.Status, b.Reason
	s.render(w, http.StatusOK, "status.html", p)
}

// cancel cancels a request with its cancel code.
func (s *Site) cancel(w http.ResponseWriter, r *http.Request) {
	l := lang(r)
	pg := page{Lang: l}
	if !s.allow(r) {
		w.Header().Set("Retry-After", "60")
		s.render(w, http.StatusTooManyRequests, "message.html", page{Lang: l, Message: pg.text("短い時間に多くの送信がありました。1分ほど待ってから、もう一度お試しください。"), Problem: true})
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 4<<10)
	if err := r.ParseForm(); err != nil || !s.csrfOK(r) {
		s.render(w, http.StatusForbidden, "message.html", page{Lang: l, Message: pg.text("ページの有効期限が切れました。予約ページを開き直して、もう一度お試しください。"), Problem: true})
		return
	}
	ref := strings.TrimSpace(r.PostForm.Get("ref"))
	code := strings.ToUpper(strings.TrimSpace(r.PostForm.Get("code")))
	p := page{Lang: l, Ref: ref, CSRF: s.csrfToken(w, r)}
	b, err := s.Store.BookingRequest(r.Context(), s.Office, ref)
	sum := sha256.Sum256([]byte(code))
	if err != nil || !bookingproto.ValidRef(ref) || !hmac.Equal(sum[:], b.CancelHash) {
		p.Message, p.Problem = p.text("受付番号または取消用の番号が違います。"), true
		s.render(w, http.StatusForbidden, "status.html", p)
		return
	}
	if b, err = s.Store.SetBookingStatus(r.Context(), s.Office, ref, central.BookingCancelled, ""); err != nil {
		p.Status, p.Reason = b.Status, b.Reason
		p.Message, p.Problem = p.text("この予約は取り消せません（すでにお断りまたは取消になっています）。"), true
		s.render(w, http.StatusConflict, "status.html", p)
		return
	}
	p.Status, p.Message = b.Status, p.text("予約を取り消しました。")
	s.render(w, http.StatusOK, "status.html", p)
}

// newCode makes a random code of n characters (Crockford-like base32
// without padding, upper case), after prefix, in groups of four.
func newCode(prefix string, n int) string {
	raw := make([]byte, n)
	rand.Read(raw)
	enc := base32.NewEncoding("0123456789ABCDEFGHJKMNPQRSTVWXYZ").WithPadding(base32.NoPadding).EncodeToString(raw)[:n]
	var b strings.Builder
	b.WriteString(prefix)
	for i := 0; i < n; i += 4 {
		if i > 0 {
			b.WriteByte('-')
		}
		b.WriteString(enc[i:min(i+4, n)])
	}
	return b.String()
}

// csrfToken returns the token for the page's forms: a random nonce in a
// cookie (HttpOnly, SameSite=Strict) and, in the form, its HMAC under the
// site's secret. A forged form from another site has neither.
func (s *Site) csrfToken(w http.ResponseWriter, r *http.Request) string {
	nonce := ""
	if c, err := r.Cookie("csrf"); err == nil && len(c.Value) == 43 {
		nonce = c.Value
	} else {
		raw := make([]byte, 32)
		rand.Read(raw)
		nonce = base64.RawURLEncoding.EncodeToString(raw)
		http.SetCookie(w, &http.Cookie{Name: "csrf", Value: nonce, Path: "/", HttpOnly: true, Secure: r.TLS != nil, SameSite: http.SameSiteStrictMode})
	}
	return s.sign(nonce)
}

func (s *Site) sign(nonce string) string {
	m := hmac.New(sha256.New, s.secret)
	m.Write([]byte(nonce))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

func (s *Site) csrfOK(r *http.Request) bool {
	c, err := r.Cookie("csrf")
	if err != nil || c.Value == "" {
		return false
	}
	return hmac.Equal([]byte(r.PostForm.Get("csrf")), []byte(s.sign(c.Value)))
}

// bucket is one address's allowance of sends.
type bucket struct {
	tokens float64
	at     time.Time
}

// allow takes one send from the address's allowance (PerMinute a minute,
// as a burst too).
func (s *Site) allow(r *http.Request) bool {
	per := s.PerMinute
	if per <= 0 {
		per = 10
	}
	host := s.visitor(r)
	now := s.now()
	s.limitMu.Lock()
	defer s.limitMu.Unlock()
	if len(s.limits) > 100000 { // forget all rather than grow without bound
		s.limits = map[string]*bucket{}
	}
	b := s.limits[host]
	if b == nil {
		b = &bucket{tokens: float64(per), at: now}
		s.limits[host] = b
	}
	b.tokens = min(float64(per), b.tokens+now.Sub(b.at).Minutes()*float64(per))
	b.at = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}

// visitor is the address a send is counted against.
func (s *Site) visitor(r *http.Request) string {
	if s.TrustProxy {
		if xff := r.Header.Values("X-Forwarded-For"); len(xff) > 0 {
			parts := strings.Split(xff[len(xff)-1], ",")
			if ip := net.ParseIP(strings.TrimSpace(parts[len(parts)-1])); ip != nil {
				return ip.String()
			}
		}
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// ParseForm reads a booking form's fields from the page's POST. It fails
// only on what no browser sends (a field given twice, a number that is
// not one); what a person can mistype is left to Form.Check, so the page
// can say what to fix and keep what was typed.
func ParseForm(v url.Values) (bookingproto.Form, error) {
	one := func(k string) (string, error) {
		switch vs := v[k]; len(vs) {
		case 0:
			return "", nil
		case 1:
			return vs[0], nil
		}
		return "", errors.New("field " + k + " given twice")
	}
	var f bookingproto.Form
	var err error
	for _, x := range []struct {
		k string
		p *string
	}{{"slot", &f.SlotID}, {"business", &f.Business}, {"kana", &f.Kana}, {"contact", &f.Contact}, {"phone", &f.Phone},
		{"email", &f.Email}, {"ward", &f.Ward}, {"industry", &f.Industry}, {"topic", &f.Topic}, {"subsidy", &f.Subsidy}, {"loan", &f.Loan}} {
		if *x.p, err = one(x.k); err != nil {
			return bookingproto.Form{}, err
		}
		*x.p = strings.TrimSpace(*x.p)
	}
	emp, err := one("employees")
	if err != nil {
		return bookingproto.Form{}, err
	}
	if emp = strings.TrimSpace(emp); emp != "" {
		n, err := strconv.Atoi(emp)
		if err != nil {
			f.Employees = -1 // Check says what to fix
		} else {
			f.Employees = n
		}
	}
	first, err := one("first")
	if err != nil {
		return bookingproto.Form{}, err
	}
	f.FirstVisit = first == "yes"
	privacy, err := one("privacy")
	if err != nil {
		return bookingproto.Form{}, err
	}
	f.Privacy = privacy == "yes"
	return f, nil
}

package public

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/embedded"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg/pgtest"
)

// testNow is the site's clock: 2026-10-01 10:00 in Japan.
var testNow = time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC)

const testOffice = "o-testoffice"

// fixture is a site on an embedded store with a publication of two slots
// (one place, three places) and the office's booking key.
type fixture struct {
	t     testing.TB
	site  *Site
	store bookingStore
	dir   string
	srv   *httptest.Server
	key   vault.BookingKey
	pub   *bookingproto.Publication
}

// bookingStore is a central store with web booking.
type bookingStore interface {
	central.Bookings
	Close() error
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	st, err := embedded.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return newFixtureOn(t, st, dir)
}

// newFixtureOn is newFixture on the store st (dir: its folder, if any).
func newFixtureOn(t testing.TB, st bookingStore, dir string) *fixture {
	t.Helper()
	keys, err := vault.NewOfficeKeys()
	if err != nil {
		t.Fatal(err)
	}
	bks, err := keys.BookingKeys()
	if err != nil {
		t.Fatal(err)
	}
	jst := record.JST()
	pub := &bookingproto.Publication{Serial: 1, Office: "さくら区 経営相談窓口", PublicKey: bks[0].Public(), KeyID: bks[0].ID,
		Notice: "個人情報は予約のためにのみ利用します。", NoticeEn: "Used for the booking only.", Published: testNow,
		Slots: []bookingproto.Slot{
			{ID: "slot-one", Venue: "本庁舎 相談室A", VenueID: "V-1", Kind: "経営相談", Start: time.Date(2026, 10, 2, 9, 0, 0, 0, jst), End: time.Date(2026, 10, 2, 10, 0, 0, 0, jst), Capacity: 1},
			{ID: "slot-three", Venue: "大会議室", VenueID: "V-2", Kind: "経営相談", Start: time.Date(2026, 10, 2, 13, 0, 0, 0, jst), End: time.Date(2026, 10, 2, 14, 0, 0, 0, jst), Capacity: 3},
			{ID: "slot-past", Venue: "本庁舎 相談室A", VenueID: "V-1", Kind: "経営相談", Start: time.Date(2026, 9, 30, 9, 0, 0, 0, jst), End: time.Date(2026, 9, 30, 10, 0, 0, 0, jst), Capacity: 1},
		}}
	raw, _ := json.Marshal(pub)
	if err := st.PutPublication(context.Background(), testOffice, 1, raw); err != nil {
		t.Fatal(err)
	}
	f := &fixture{t: t, store: st, dir: dir, key: bks[0], pub: pub,
		site: &Site{Store: st, Office: testOffice, Now: func() time.Time { return testNow }, PerMinute: 1000}}
	f.srv = httptest.NewServer(f.site.Handler())
	t.Cleanup(f.srv.Close)
	return f
}

// visitor is a browser: it keeps cookies.
type visitor struct {
	t  testing.TB
	f  *fixture
	hc *http.Client
}

func (f *fixture) visitor() *visitor {
	jar, _ := cookiejar.New(nil)
	return &visitor{t: f.t, f: f, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (v *visitor) get(path string) (int, string) {
	v.t.Helper()
	resp, err := v.hc.Get(v.f.srv.URL + path)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func (v *visitor) post(path string, form url.Values) (int, string) {
	v.t.Helper()
	resp, err := v.hc.PostForm(v.f.srv.URL+path, form)
	if err != nil {
		v.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// form opens the form of slot and returns its CSRF token.
func (v *visitor) form(slot string) string {
	v.t.Helper()
	code, body := v.get("/book?slot=" + slot)
	m := csrfRe.FindStringSubmatch(body)
	if code != http.StatusOK || m == nil {
		v.t.Fatalf("form of %s: %d", slot, code)
	}
	return m[1]
}

func goodValues(csrf, slot string) url.Values {
	return url.Values{"csrf": {csrf}, "slot": {slot}, "business": {"株式会社テスト商店"}, "kana": {"テストショウテン"},
		"contact": {"試験 花子"}, "phone": {"03-5555-0101"}, "email": {"hanako@example.jp"}, "ward": {"さくら区"},
		"industry": {"E 製造業"}, "employees": {"12"}, "topic": {"運転資金の相談"}, "subsidy": {"していない"}, "loan": {"予定"},
		"first": {"yes"}, "privacy": {"yes"}}
}

var refRe = regexp.MustCompile(`id="ref">(WB-[0-9A-Z-]+)<`)
var cancelRe = regexp.MustCompile(`id="cancel">([0-9A-Z-]+)<`)

func TestBookAndCancel(t *testing.T) {
	f := newFixture(t)
	v := f.visitor()
	code, body := v.get("/")
	if code != http.StatusOK || !strings.Contains(body, "10月2日（金）") || !strings.Contains(body, "/book?slot=slot-one") || strings.Contains(body, "slot-past") {
		t.Fatalf("slots page %d:\n%s", code, body)
	}
	csrf := v.form("slot-one")
	if _, body := v.get("/book?slot=slot-one"); strings.Contains(body, "checked") {
		t.Error("a new form has an answer chosen already")
	}
	// A mistake: the page says what and keeps what was typed.
	bad := goodValues(csrf, "slot-one")
	bad.Set("phone", "03-ABCD")
	bad.Set("kana", "てすと")
	code, body = v.post("/book", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "電話番号の形式が正しくありません") ||
		!strings.Contains(body, "フリガナはカタカナで") || !strings.Contains(body, `value="株式会社テスト商店"`) ||
		!strings.Contains(body, "運転資金の相談") || !strings.Contains(body, `value="03-ABCD"`) ||
		!strings.Contains(body, `name="first" value="yes" checked`) {
		t.Fatalf("a mistake: %d\n%s", code, body)
	}
	code, body = v.post("/book", goodValues(csrfRe.FindStringSubmatch(body)[1], "slot-one"))
	ref, cancel := refRe.FindStringSubmatch(body), cancelRe.FindStringSubmatch(body)
	if code != http.StatusOK || ref == nil || cancel == nil {
		t.Fatalf("sent: %d\n%s", code, body)
	}
	// Stored sealed; it opens with the office's key to what was typed.
	r, err := f.store.BookingRequest(context.Background(), testOffice, ref[1])
	if err != nil || r.Status != central.BookingReceived || r.SlotID != "slot-one" {
		t.Fatalf("stored %+v %v", r, err)
	}
	if bytes.Contains(r.Sealed, []byte("テスト")) || bytes.Contains(r.Sealed, []byte("5555")) {
		t.Fatal("plaintext in the stored request")
	}
	plain, err := f.key.Open(bookingproto.Info(testOffice, ref[1]), r.Sealed)
	if err != nil {
		t.Fatal(err)
	}
	var form bookingproto.Form
	json.Unmarshal(plain, &form)
	if form.Business != "株式会社テスト商店" || form.Ref != ref[1] || form.Employees != 12 || !form.FirstVisit || form.Venue != "本庁舎 相談室A" {
		t.Errorf("opened form %+v", form)
	}
	if _, err := f.key.Open(bookingproto.Info(testOffice, "WB-OTHER-0000"), r.Sealed); err == nil {
		t.Error("the form opens under another reference")
	}
	// The status page: the status only.
	code, body = v.get("/status?ref=" + ref[1])
	if code != http.StatusOK || !strings.Contains(body, "受付中") || strings.Contains(body, "テスト商店") || strings.Contains(body, "5555") {
		t.Fatalf("status page %d:\n%s", code, body)
	}
	// The slot is taken: another business is told plainly.
	w := f.visitor()
	code, body = w.post("/book", goodValues(w.form("slot-three"), "slot-one"))
	if code != http.StatusConflict || !strings.Contains(body, "埋まりました") || !strings.Contains(body, "株式会社テスト商店") {
		t.Errorf("the taken slot: %d\n%s", code, body)
	}
	// Cancelling needs the cancel code.
	token := csrfRe.FindStringSubmatch(func() string { _, b := v.get("/status?ref=" + ref[1]); return b }())[1]
	code, body = v.post("/cancel", url.Values{"csrf": {token}, "ref": {ref[1]}, "code": {"WRONG"}})
	if code != http.StatusForbidden || !strings.Contains(body, "取消用の番号が違います") {
		t.Errorf("a wrong cancel code: %d", code)
	}
	code, body = v.post("/cancel", url.Values{"csrf": {token}, "ref": {ref[1]}, "code": {strings.ToLower(cancel[1])}})
	if code != http.StatusOK || !strings.Contains(body, "予約を取り消しました") {
		t.Fatalf("cancel: %d\n%s", code, body)
	}
	if r, _ := f.store.BookingRequest(context.Background(), testOffice, ref[1]); r.Status != central.BookingCancelled {
		t.Errorf("status after cancel: %s", r.Status)
	}
	// The cancelled request freed its place.
	if code, _ := w.post("/book", goodValues(w.form("slot-one"), "slot-one")); code != http.StatusOK {
		t.Errorf("booking the freed slot: %d", code)
	}
}

func TestEnglishPage(t *testing.T) {
	f := newFixture(t)
	v := f.visitor()
	code, body := v.get("/?lang=en")
	if code != http.StatusOK || !strings.Contains(body, "Book a business consultation") || !strings.Contains(body, `lang="en"`) || !strings.Contains(body, "Fri 2 Oct 2026") {
		t.Fatalf("English page %d", code)
	}
	bad := goodValues(v.form("slot-one"), "slot-one")
	bad.Del("email")
	code, body = v.post("/book?lang=en", bad)
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "Please enter an e-mail address.") {
		t.Errorf("English error %d", code)
	}
}

// TestHostileVisitor plays what a page on the internet meets: forged and
// missing CSRF tokens, a filled honeypot, oversized and malformed bodies,
// HTML in the fields, a flood from one address. Nothing is stored from any
// of them, and typed HTML comes back escaped.
func TestHostileVisitor(t *testing.T) {
	f := newFixture(t)
	v := f.visitor()
	csrf := v.form("slot-three")
	stranger := f.visitor() // another site's form posting here: no cookie
	for _, c := range []struct {
		name string
		who  *visitor
		vals url.Values
		code int
	}{
		{"no token", v, func() url.Values { x := goodValues(csrf, "slot-three"); x.Del("csrf"); return x }(), http.StatusForbidden},
		{"forged token", v, goodValues("AAAA"+csrf[4:], "slot-three"), http.StatusForbidden},
		{"token without its cookie", stranger, goodValues(csrf, "slot-three"), http.StatusForbidden},
		{"honeypot", v, func() url.Values { x := goodValues(csrf, "slot-three"); x.Set("website", "http://spam"); return x }(), http.StatusBadRequest},
		{"oversized", v, func() url.Values {
			x := goodValues(csrf, "slot-three")
			x.Set("topic", strings.Repeat("あ", MaxBody))
			return x
		}(), http.StatusRequestEntityTooLarge},
		{"field twice", v, func() url.Values { x := goodValues(csrf, "slot-three"); x.Add("phone", "03-1111-2222"); return x }(), http.StatusBadRequest},
		{"unknown slot", v, goodValues(csrf, "slot-nope"), http.StatusConflict},
		{"past slot", v, goodValues(csrf, "slot-past"), http.StatusConflict},
	} {
		t.Run(c.name, func(t *testing.T) {
			if code, _ := c.who.post("/book", c.vals); code != c.code {
				t.Errorf("status %d, want %d", code, c.code)
			}
		})
	}
	if rs, _, _ := f.store.BookingRequests(context.Background(), testOffice, 0, 0); len(rs) != 0 {
		t.Fatalf("%d requests stored from hostile posts", len(rs))
	}
	// HTML typed in a field is shown as text.
	x := goodValues(csrf, "slot-three")
	x.Set("business", `<script>alert(1)</script>`)
	x.Set("phone", "bad")
	_, body := v.post("/book", x)
	if strings.Contains(body, "<script>") || !strings.Contains(body, "&lt;script&gt;") {
		t.Error("typed HTML not escaped")
	}
	// Headers: the strict policy on every page.
	resp, err := http.Get(f.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("CSP %q", csp)
	}
	// A flood from one address is slowed down.
	f.site.PerMinute = 5
	f.site.limits = map[string]*bucket{}
	codes := ""
	for range 7 {
		code, _ := v.post("/book", goodValues("x", "slot-three"))
		codes += fmt.Sprint(code, " ")
	}
	if !strings.HasSuffix(codes, "429 429 ") || strings.Count(codes, "429") != 2 {
		t.Errorf("codes of a flood: %s", codes)
	}
}

// TestSameSlotAtOnce: ten businesses send for the last place at once; one
// wins, the others are told plainly.
func TestSameSlotAtOnce(t *testing.T) {
	f := newFixture(t)
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, told := 0, 0
	for range 10 {
		v := f.visitor()
		csrf := v.form("slot-one")
		wg.Add(1)
		go func() {
			defer wg.Done()
			resp, err := v.hc.PostForm(f.srv.URL+"/book", goodValues(csrf, "slot-one"))
			if err != nil {
				t.Error(err)
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			mu.Lock()
			defer mu.Unlock()
			switch {
			case resp.StatusCode == http.StatusOK:
				won++
			case resp.StatusCode == http.StatusConflict && strings.Contains(string(b), "ほかの方の予約で埋まりました"):
				told++
			}
		}()
	}
	wg.Wait()
	if won != 1 || told != 9 {
		t.Errorf("%d won, %d told the slot is taken", won, told)
	}
}

// TestPageWeight: the booking page and its style sheet stay small (no
// font, script or image is loaded).
func TestPageWeight(t *testing.T) {
	f := newFixture(t)
	v := f.visitor()
	total := 0
	for _, p := range []string{"/", "/book?slot=slot-one", "/style.css"} {
		_, body := v.get(p)
		total += len(body)
		if p != "/style.css" && regexp.MustCompile(`<script|<img|@font-face|https?://`).MatchString(body) {
			t.Errorf("%s loads something from elsewhere", p)
		}
	}
	if total > 100<<10 {
		t.Errorf("the pages weigh %d bytes", total)
	}
	t.Logf("booking page weight: %d bytes (slots, form and style sheet)", total)
}

// TestScanAfterManyBookings: after 1,000 generated bookings, no file of
// the embedded store holds a name, phone number or e-mail address that was
// typed.
func TestScanAfterManyBookings(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 bookings")
	}
	f := newFixture(t)
	words := manyBookings(t, f)
	f.store.Close()
	var all bytes.Buffer
	filepath.Walk(f.dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			b, _ := os.ReadFile(p)
			all.Write(b)
		}
		return nil
	})
	scanFor(t, all.Bytes(), words)
}

// TestScanAfterManyBookingsPostgres: the same with PostgreSQL, scanning
// pg_dump's output.
func TestScanAfterManyBookingsPostgres(t *testing.T) {
	if testing.Short() {
		t.Skip("1,000 bookings")
	}
	dsn := pgtest.DB(t)
	st, err := pg.Open(context.Background(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	f := newFixtureOn(t, st, "")
	words := manyBookings(t, f)
	dump := pgtest.Dump(t, dsn)
	if !bytes.Contains(dump, []byte("central_booking_requests")) {
		t.Fatal("the dump has no booking table")
	}
	scanFor(t, dump, words)
}

// manyBookings sends 1,000 bookings with generated names, phones and
// e-mail addresses, and returns them.
func manyBookings(t *testing.T, f *fixture) []string {
	t.Helper()
	pub := *f.pub
	pub.Serial = 2
	for i := range 1000 {
		pub.Slots = append(pub.Slots, bookingproto.Slot{ID: fmt.Sprintf("bulk-%d", i), Venue: "大会議室", VenueID: "V-2", Kind: "経営相談",
			Start: testNow.Add(48 * time.Hour), End: testNow.Add(49 * time.Hour), Capacity: 1})
	}
	raw, _ := json.Marshal(pub)
	if err := f.store.PutPublication(context.Background(), testOffice, 2, raw); err != nil {
		t.Fatal(err)
	}
	f.site.pub = nil // read the new publication now
	v := f.visitor()
	csrf := v.form("slot-three")
	var words []string
	for i := range 1000 {
		vals := goodValues(csrf, fmt.Sprintf("bulk-%d", i))
		name, phone, mail := fmt.Sprintf("スキャン確認%04d商事", i), fmt.Sprintf("03-6%03d-%04d", i%1000, 7000+i), fmt.Sprintf("scan%04d@example.jp", i)
		vals.Set("business", name)
		vals.Set("phone", phone)
		vals.Set("email", mail)
		words = append(words, name, phone, mail)
		if code, body := v.post("/book", vals); code != http.StatusOK {
			t.Fatalf("booking %d: %d %s", i, code, body)
		}
	}
	return words
}

func scanFor(t *testing.T, all []byte, words []string) {
	t.Helper()
	if len(all) == 0 {
		t.Fatal("nothing scanned")
	}
	for _, w := range words {
		if bytes.Contains(all, []byte(w)) {
			t.Fatalf("%q found in the store", w)
		}
	}
}

func TestMain(m *testing.M) { os.Exit(pgtest.Main(m)) }

func FuzzParseForm(f *testing.F) {
	f.Add("business=%E6%A0%AA&phone=03-5555-0101&employees=3&privacy=yes")
	f.Add("employees=abc&first=yes&first=no")
	f.Add("topic=" + strings.Repeat("x", 100))
	f.Fuzz(func(t *testing.T, body string) {
		vals, err := url.ParseQuery(body)
		if err != nil {
			return
		}
		form, err := ParseForm(vals)
		if err != nil {
			return
		}
		ps := form.Check()
		if len(ps) == 0 && (form.Business == "" || form.Phone == "" || !form.Privacy) {
			t.Fatalf("accepted %+v", form)
		}
	})
}

// TestVisitorAddress: behind the office's reverse proxy every connection
// comes from the proxy, so the rate limit counts the address the proxy
// appended to X-Forwarded-For; without TrustProxy the header (which anyone
// can send) is ignored.
func TestVisitorAddress(t *testing.T) {
	for _, c := range []struct {
		trust bool
		xff   []string
		want  string
	}{
		{false, nil, "192.0.2.1"},
		{false, []string{"198.51.100.7"}, "192.0.2.1"},
		{true, nil, "192.0.2.1"},
		{true, []string{"203.0.113.9, 198.51.100.7"}, "198.51.100.7"},
		{true, []string{"203.0.113.9", "198.51.100.8"}, "198.51.100.8"},
		{true, []string{"not an address"}, "192.0.2.1"},
	} {
		r := httptest.NewRequest(http.MethodPost, "/book", nil)
		r.RemoteAddr = "192.0.2.1:40000"
		for _, v := range c.xff {
			r.Header.Add("X-Forwarded-For", v)
		}
		s := &Site{TrustProxy: c.trust}
		if got := s.visitor(r); got != c.want {
			t.Errorf("trust %v, %q: %s, want %s", c.trust, c.xff, got, c.want)
		}
	}
}

// Package bookingproto is the contract of web booking between the office's
// PCs and the central server: what an office publishes for its public
// booking page (an HPKE public key and free slots, times and capacity only),
// the sealed requests the server keeps for the office, and the status a
// business sees with its reference code.
//
// # Trust
//
// The server validates a request from the public page, seals it at once to
// the office's booking key (HPKE, RFC 9180: the hybrid ML-KEM-768+X25519 KEM,
// HKDF-SHA256, ChaCha20-Poly1305, as every wrap of app/vault) with Info as
// the HPKE info, and stores only the ciphertext, the slot id it holds, the
// reference code and the status. The office's PCs derive the booking key
// from the office's contact-class key (vault.Keys.BookingKeys), so every PC
// that may read contact data can open a request and no other key is to be
// distributed; a new contact key (a person removed) gives a new booking key,
// which the next publication carries. The PCs check every opened form again
// (Form.Check) since the server is not trusted with its content.
//
// # Endpoints (mutual TLS, a person's session, like /v1/push)
//
//   - PUT  PathPublish   body Publication (JSON) → 204; a serial not above
//     the stored one is refused (409, reason "stale").
//   - GET  PathRequests?after=N&limit=M → RequestsPage (JSON): the requests
//     whose Cursor is above N, ascending. A request comes again with a new
//     Cursor whenever its status changes (a business cancels, another PC
//     confirms), so a PC that follows the cursor sees every change.
//   - POST PathStatus    body StatusUpdate (JSON) → 204; the status page
//     shows the new status at once and a declined or cancelled request
//     frees its slot hold.
//
// The package imports only the standard library and app/record (choice
// lists).
package bookingproto

import "time"

// Paths of the office's side of web booking.
const (
	PathPublish  = "/v1/booking/publish"
	PathRequests = "/v1/booking/requests"
	PathStatus   = "/v1/booking/status"
)

// Statuses of a request, as the status page shows them.
const (
	StatusReceived  = "受付中" // sent by the business, not yet handled by the office
	StatusConfirmed = "確定"  // the office made it a reservation
	StatusDeclined  = "お断り" // the office declined it (with a reason for the business)
	StatusCancelled = "取消"  // the business (or the office on its request) cancelled it
)

// Publication is what an office publishes for its booking page. Nothing in
// it names a person or a business.
type Publication struct {
	// Serial increases with every publication of the office.
	Serial uint64 `json:"serial"`
	// Office is the office's name as the page shows it.
	Office string `json:"office"`
	// PublicKey is the serialised HPKE public key of the office's current
	// booking key (vault.BookingKey.Public).
	PublicKey []byte `json:"public_key"`
	// KeyID names PublicKey (vault.BookingKeyID).
	KeyID string `json:"key_id"`
	// Slots are the free slots of the coming weeks.
	Slots []Slot `json:"slots"`
	// Notice is the office's privacy notice (個人情報の取扱い), in Japanese;
	// NoticeEn in English.
	Notice   string `json:"notice"`
	NoticeEn string `json:"notice_en"`
	// Published is when the PC made it.
	Published time.Time `json:"published"`
}

// Slot is one free slot: a time at a venue for a kind of consultation, and
// how many businesses may still book it.
type Slot struct {
	// ID is stable for the same venue, kind and start (SlotID).
	ID string `json:"id"`
	// Venue is the venue's public name; VenueID the office's master id.
	Venue   string `json:"venue"`
	VenueID string `json:"venue_id"`
	// Kind is the kind of consultation (for example 経営相談, 融資相談) or
	// the consultant type; it is what the page groups by.
	Kind string `json:"kind"`
	// Start and End in Japan time.
	Start time.Time `json:"start"`
	End   time.Time `json:"end"`
	// Capacity is the number of bookings the slot still takes.
	Capacity int `json:"capacity"`
}

// Request is one sealed request as the server keeps it.
type Request struct {
	// Cursor orders the server's changes to requests (see PathRequests).
	Cursor uint64 `json:"cursor"`
	// Ref is the reference code the business got.
	Ref string `json:"ref"`
	// SlotID is the slot the request holds.
	SlotID string `json:"slot_id"`
	// KeyID names the booking key the form is sealed to.
	KeyID string `json:"key_id"`
	// Sealed is the HPKE ciphertext (enc ‖ ct, as hpke.Seal returns) of the
	// Form as JSON, with Info(office, ref) as info.
	Sealed []byte `json:"sealed"`
	// Status is one of the Status constants; Reason the office's reason for
	// a decline, shown to the business (no personal data).
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
	// Received is when the server took the request.
	Received time.Time `json:"received"`
}

// RequestsPage is the body of GET PathRequests.
type RequestsPage struct {
	Requests []Request `json:"requests"`
	// Next is the cursor to ask after next; More says whether there is more.
	Next uint64 `json:"next"`
	More bool   `json:"more"`
}

// StatusUpdate is the body of POST PathStatus.
type StatusUpdate struct {
	Ref    string `json:"ref"`
	Status string `json:"status"`
	Reason string `json:"reason,omitempty"`
}

// Form is what the business typed on the page (the fields of the
// reservation sheet, 別紙1), sealed as JSON. Only the office's PCs ever see
// it in plain.
type Form struct {
	Ref        string    `json:"ref"`
	SlotID     string    `json:"slot_id"`
	Venue      string    `json:"venue"`
	Kind       string    `json:"kind"`
	Start      time.Time `json:"start"`
	End        time.Time `json:"end"`
	Business   string    `json:"business"`    // 事業所名
	Kana       string    `json:"kana"`        // フリガナ (optional)
	Contact    string    `json:"contact"`     // ご担当者名
	Phone      string    `json:"phone"`       // 電話番号
	Email      string    `json:"email"`       // メールアドレス
	Ward       string    `json:"ward"`        // 行政区 (所在地の区)
	Industry   string    `json:"industry"`    // 業種 (record.Industries)
	Employees  int       `json:"employees"`   // 従業員数
	Topic      string    `json:"topic"`       // ご相談内容 (free text, bounded)
	Subsidy    string    `json:"subsidy"`     // 給付金・補助金の申請状況 (record.CheckAnswers)
	Loan       string    `json:"loan"`        // 融資の利用状況 (record.CheckAnswers)
	FirstVisit bool      `json:"first_visit"` // 初めてのご相談
	Privacy    bool      `json:"privacy"`     // 個人情報の取扱いに同意
	Lang       string    `json:"lang"`        // "ja" or "en": the page's language
	Sent       time.Time `json:"sent"`        // when the server took it
}

// Info is the HPKE info of the sealed form of request ref of office: it
// binds the ciphertext to its reference code, so that the server cannot
// move one business's form under another's code.
func Info(office, ref string) []byte {
	return []byte("madoguchi booking v1\x00" + office + "\x00" + ref)
}

// Package purge is the format of erasure (消去) across replicas: the purge
// order that a supervisor or an admin signs, which every PC and the
// central server verify against the office's admin-signed user table
// before they erase anything, and the receipt by which the server says it
// has erased the order's records from its store. It imports only
// app/record and app/vault, so that the server can verify orders without
// the office's rules.
package purge

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// ErrInvalid: an order or receipt that is not well formed.
var ErrInvalid = errors.New("invalid purge order")

// ErrForged is vault.ErrForged: an order or receipt whose signature, signer
// or office does not hold.
var ErrForged = vault.ErrForged

const (
	orderDomain = "madoguchi purge order v1"
	// MaxItems is the most records one order names.
	MaxItems = 100000
	// MaxOrder is the most bytes of an order's JSON.
	MaxOrder = 64 << 20
)

// Why an order erases.
const (
	ReasonRetention = "retention" // 保存期間の経過
	ReasonRequest   = "request"   // 個別の消去
)

// The roles whose signature an order needs (as in the user table).
const (
	roleSupervisor = "supervisor"
	roleAdmin      = "admin"
)

// The suffixes of a record's parts in the store and in sync: a record id
// alone is its contact part.
const (
	CaseSuffix     = "#case"
	ApprovalSuffix = "#approval"
)

// Item is one record of an order: its id (without a part suffix; its
// contact, case and approval parts all go), kind, how many versions the
// signer's PC held of it, and the date its retention ran from.
type Item struct {
	ID       string      `json:"id"`
	Kind     record.Kind `json:"kind"`
	Versions int         `json:"versions"`
	Last     string      `json:"last"`
}

// Order is a signed order to erase records on every replica.
type Order struct {
	Office string    `json:"office"`
	By     string    `json:"by"`
	At     time.Time `json:"at"`
	Reason string    `json:"reason"`
	Items  []Item    `json:"items"`
	Sig    []byte    `json:"sig"`
}

// Erasable reports whether records of kind k can be erased: the records
// about businesses and people (those with a retention rule), never
// masters, seminars or the ledger.
func Erasable(k record.Kind) bool {
	switch k {
	case record.KindBusiness, record.KindConsultation, record.KindReservation,
		record.KindDispatch, record.KindApplication:
		return true
	}
	return false
}

// AppendField appends s with a 4-byte big-endian length: the framing of
// every signed message of this package and of the retention rules.
func AppendField(b []byte, s string) []byte {
	return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...)
}

// Message is what the signer signs:
//
//	field("madoguchi purge order v1") field(office) field(by)
//	field(at, RFC 3339 with nanoseconds, UTC) field(reason) u32(count)
//	then per item: field(id) field(kind) u32(versions) field(last)
//
// where field is a 4-byte big-endian length and the bytes.
func (p *Order) Message() []byte {
	var b []byte
	for _, f := range []string{orderDomain, p.Office, p.By, p.At.UTC().Format(time.RFC3339Nano), p.Reason} {
		b = AppendField(b, f)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(p.Items)))
	for _, it := range p.Items {
		b = AppendField(AppendField(b, it.ID), string(it.Kind))
		b = binary.BigEndian.AppendUint32(b, uint32(it.Versions))
		b = AppendField(b, it.Last)
	}
	return b
}

// Hash names the order: the hex SHA-256 of what was signed.
func (p *Order) Hash() string {
	h := sha256.Sum256(p.Message())
	return hex.EncodeToString(h[:])
}

// Marshal encodes the order as JSON (the form it is kept and sent in).
func (p *Order) Marshal() []byte {
	b, _ := json.Marshal(p) // strings, ints, a time and bytes always encode
	return b
}

// Parts lists the store ids of every record of the order: the contact,
// case and approval parts of each.
func (p *Order) Parts() []string {
	parts := make([]string, 0, 3*len(p.Items))
	for _, it := range p.Items {
		parts = append(parts, it.ID, it.ID+CaseSuffix, it.ID+ApprovalSuffix)
	}
	return parts
}

// Covers reports whether the store id id (a part of a record too) is one of
// the order's records.
func (p *Order) Covers(id string) bool {
	base, part, hasPart := strings.Cut(id, "#")
	if hasPart && "#"+part != CaseSuffix && "#"+part != ApprovalSuffix {
		return false
	}
	lo, hi := 0, len(p.Items)
	for lo < hi { // items are sorted by id (WellFormed)
		m := (lo + hi) / 2
		if p.Items[m].ID < base {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo < len(p.Items) && p.Items[lo].ID == base
}

// Unmarshal decodes an order strictly: unknown fields, trailing data and
// items that are not well formed are refused (ErrInvalid). It does not
// verify the signature (see Verify).
func Unmarshal(b []byte) (*Order, error) {
	if len(b) > MaxOrder {
		return nil, fmt.Errorf("purge order of %d bytes: %w", len(b), ErrInvalid)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var p Order
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("purge order: %v: %w", err, ErrInvalid)
	}
	if dec.More() {
		return nil, fmt.Errorf("purge order: trailing data: %w", ErrInvalid)
	}
	if err := p.WellFormed(); err != nil {
		return nil, err
	}
	return &p, nil
}

// WellFormed checks the order's shape: a signer, a reason, 1 to MaxItems
// items sorted by id without repeats, each id of its kind (a kind that
// erasure takes) and without a part suffix.
func (p *Order) WellFormed() error {
	bad := func(what string) error { return fmt.Errorf("purge order: %s: %w", what, ErrInvalid) }
	switch {
	case p.Office == "" || p.By == "" || p.At.IsZero() || len(p.Sig) == 0:
		return bad("missing office, signer, time or signature")
	case p.Reason != ReasonRetention && p.Reason != ReasonRequest:
		return bad("unknown reason")
	case len(p.Items) == 0 || len(p.Items) > MaxItems:
		return bad("no records or too many")
	}
	for i, it := range p.Items {
		k, ok := record.KindOfID(it.ID)
		switch {
		case !ok || k != it.Kind || !Erasable(k):
			return bad("record " + it.ID + " is not of an erasable kind")
		case strings.ContainsAny(it.ID, "#\x00/") || len(it.ID) > 64:
			return bad("record id " + it.ID)
		case i > 0 && it.ID <= p.Items[i-1].ID:
			return bad("records not sorted or repeated")
		case it.Versions < 0 || len(it.Last) > 10:
			return bad("record " + it.ID)
		}
	}
	return nil
}

// Sign fills the order's office, signer, time and signature: sign is the
// signer's Ed25519 signing function (vault's identity).
func (p *Order) Sign(office, by string, at time.Time, sign func(msg []byte) []byte) {
	p.Office, p.By, p.At = office, by, at.UTC()
	p.Sig = nil
	p.Sig = sign(p.Message())
}

// Verify checks an order against the verified user table of office: this
// office, well formed, signed by its signer's key, and the signer a
// supervisor or an admin there, not disabled. ErrForged (or ErrInvalid)
// otherwise.
func Verify(p *Order, office string, table *vault.UserTable) error {
	if err := p.WellFormed(); err != nil {
		return err
	}
	if table == nil || p.Office != office {
		return fmt.Errorf("purge order of another office: %w", ErrForged)
	}
	if err := VerifySigner(table, p.By, p.Message(), p.Sig); err != nil {
		return fmt.Errorf("purge order: %w", err)
	}
	return nil
}

// VerifySigner checks a signature that only a supervisor or an admin of
// the office may make (a purge order, the retention rules): by is in the
// verified user table, not disabled, holds one of those roles there, and
// sig is by's signature over msg. ErrForged otherwise; the error does not
// name the login, so that it can go to a server's log as it is.
func VerifySigner(table *vault.UserTable, by string, msg, sig []byte) error {
	u, ok := table.Find(by)
	if !ok || u.Disabled || !(u.HasRole(roleSupervisor) || u.HasRole(roleAdmin)) {
		return fmt.Errorf("signed by someone who is not a supervisor or admin of the office: %w", ErrForged)
	}
	if !table.VerifyBy(by, msg, sig) {
		return fmt.Errorf("the signature does not verify: %w", ErrForged)
	}
	return nil
}

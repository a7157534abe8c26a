package office

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// A purge order (消去指示) is what makes an erasure happen: a supervisor's
// or an admin's Ed25519 signature over the records to erase. This PC
// carries it out at once; the server and every other PC verify it against
// the admin-signed user table (the signer must hold the supervisor or admin
// role there) before they erase anything, so no one else can make records
// disappear: a receptionist's own key, an edited order or a server that
// makes one up are all refused.
const (
	purgeDomain   = "madoguchi purge order v1"
	maxPurgeItems = 100000
)

// Why an order erases.
const (
	ReasonRetention = "retention" // 保存期間の経過
	ReasonRequest   = "request"   // 個別の消去
)

// PurgeItem is one record of an order: its id (without a part suffix; its
// contact, case and approval parts all go), kind, how many versions the
// signer's PC held of it, and the date its retention ran from.
type PurgeItem struct {
	ID       string      `json:"id"`
	Kind     record.Kind `json:"kind"`
	Versions int         `json:"versions"`
	Last     string      `json:"last"`
}

// PurgeOrder is a signed order to erase records on every replica.
type PurgeOrder struct {
	Office string      `json:"office"`
	By     string      `json:"by"`
	At     time.Time   `json:"at"`
	Reason string      `json:"reason"`
	Items  []PurgeItem `json:"items"`
	Sig    []byte      `json:"sig"`
}

// message is what the signer signs:
//
//	field("madoguchi purge order v1") field(office) field(by)
//	field(at, RFC 3339 with nanoseconds, UTC) field(reason) u32(count)
//	then per item: field(id) field(kind) u32(versions) field(last)
//
// where field is a 4-byte big-endian length and the bytes.
func (p *PurgeOrder) message() []byte {
	field := func(b []byte, s string) []byte {
		return append(binary.BigEndian.AppendUint32(b, uint32(len(s))), s...)
	}
	var b []byte
	for _, f := range []string{purgeDomain, p.Office, p.By, p.At.UTC().Format(time.RFC3339Nano), p.Reason} {
		b = field(b, f)
	}
	b = binary.BigEndian.AppendUint32(b, uint32(len(p.Items)))
	for _, it := range p.Items {
		b = field(field(b, it.ID), string(it.Kind))
		b = binary.BigEndian.AppendUint32(b, uint32(it.Versions))
		b = field(b, it.Last)
	}
	return b
}

// Hash names the order: the hex SHA-256 of what was signed.
func (p *PurgeOrder) Hash() string {
	h := sha256.Sum256(p.message())
	return hex.EncodeToString(h[:])
}

// Marshal encodes the order as JSON (the form it is kept and sent in).
func (p *PurgeOrder) Marshal() []byte {
	b, _ := json.Marshal(p) // strings, ints, a time and bytes always encode
	return b
}

// UnmarshalPurgeOrder decodes an order strictly: unknown fields, trailing
// data and items that are not well formed are refused (ErrInvalid). It does
// not verify the signature (see verifyOrder).
func UnmarshalPurgeOrder(b []byte) (*PurgeOrder, error) {
	if len(b) > 64<<20 {
		return nil, fmt.Errorf("purge order of %d bytes: %w", len(b), ErrInvalid)
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var p PurgeOrder
	if err := dec.Decode(&p); err != nil {
		return nil, fmt.Errorf("purge order: %v: %w", err, ErrInvalid)
	}
	if dec.More() {
		return nil, fmt.Errorf("purge order: trailing data: %w", ErrInvalid)
	}
	if err := p.wellFormed(); err != nil {
		return nil, err
	}
	return &p, nil
}

// wellFormed checks the order's shape: a signer, a reason, 1 to
// maxPurgeItems items sorted by id without repeats, each id of its kind
// (a kind that erasure takes) and without a part suffix.
func (p *PurgeOrder) wellFormed() error {
	bad := func(what string) error { return fmt.Errorf("purge order: %s: %w", what, ErrInvalid) }
	switch {
	case p.Office == "" || p.By == "" || p.At.IsZero() || len(p.Sig) == 0:
		return bad("missing office, signer, time or signature")
	case p.Reason != ReasonRetention && p.Reason != ReasonRequest:
		return bad("unknown reason")
	case len(p.Items) == 0 || len(p.Items) > maxPurgeItems:
		return bad("no records or too many")
	}
	for i, it := range p.Items {
		k, ok := record.KindOfID(it.ID)
		switch {
		case !ok || k != it.Kind || !erasable(k):
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

// erasable reports whether records of kind k can be erased: the records
// about businesses and people, never masters, seminars or the ledger.
func erasable(k record.Kind) bool {
	_, ok := DefaultRetention.years(k)
	return ok
}

// signOrder fills the order's signer, time and signature with s's identity.
func (o *Office) signOrder(s *Session, p *PurgeOrder) error {
	kr, table := o.trusted()
	if !s.signs(table) {
		return fmt.Errorf("sign purge order: %w", ErrCannotSign)
	}
	p.Office, p.By, p.At = kr.Office, s.login, o.opt.now().UTC()
	p.Sig = nil
	p.Sig = s.un.Identity.Sign(p.message())
	return nil
}

// verifyOrder checks an order against the verified user table: this
// office, well formed, signed by its signer's key, and the signer a
// supervisor or an admin there. ErrForged otherwise.
func verifyOrder(p *PurgeOrder, office string, table *vault.UserTable) error {
	if err := p.wellFormed(); err != nil {
		return err
	}
	if table == nil || p.Office != office {
		return fmt.Errorf("purge order of another office: %w", ErrForged)
	}
	u, ok := table.Find(p.By)
	if !ok || u.Disabled || !(u.HasRole(string(RoleSupervisor)) || u.HasRole(string(RoleAdmin))) {
		return fmt.Errorf("purge order signed by %q, not a supervisor or admin: %w", p.By, ErrForged)
	}
	if !table.VerifyBy(p.By, p.message(), p.Sig) {
		return fmt.Errorf("purge order signature: %w", ErrForged)
	}
	return nil
}

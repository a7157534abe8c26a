package office

import (
	"errors"
	"fmt"

	"github.com/madoguchi-jp/madoguchi/app/purge"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// A purge order (消去指示) is what makes an erasure happen: a supervisor's
// or an admin's Ed25519 signature over the records to erase (its format is
// package purge's, which the server shares). This PC carries it out at
// once; the server and every other PC verify it against the admin-signed
// user table (the signer must hold the supervisor or admin role there)
// before they erase anything, so no one else can make records disappear: a
// receptionist's own key, an edited order or a server that makes one up
// are all refused.

// PurgeOrder is a signed order to erase records on every replica.
type PurgeOrder = purge.Order

// PurgeItem is one record of a purge order.
type PurgeItem = purge.Item

// Why an order erases.
const (
	ReasonRetention = purge.ReasonRetention // 保存期間の経過
	ReasonRequest   = purge.ReasonRequest   // 個別の消去
)

// UnmarshalPurgeOrder decodes an order strictly: unknown fields, trailing
// data and items that are not well formed are refused (ErrInvalid). It does
// not verify the signature (see verifyOrder).
func UnmarshalPurgeOrder(b []byte) (*PurgeOrder, error) {
	p, err := purge.Unmarshal(b)
	return p, officeErr(err)
}

// officeErr maps purge's ErrInvalid to this package's (ErrForged is the
// same error in both).
func officeErr(err error) error {
	if errors.Is(err, purge.ErrInvalid) {
		return fmt.Errorf("%v: %w", err, ErrInvalid)
	}
	return err
}

// erasable reports whether records of kind k can be erased.
func erasable(k record.Kind) bool { return purge.Erasable(k) }

// signOrder fills the order's signer, time and signature with s's identity.
func (o *Office) signOrder(s *Session, p *PurgeOrder) error {
	kr, table := o.trusted()
	if !s.signs(table) {
		return fmt.Errorf("sign purge order: %w", ErrCannotSign)
	}
	p.Sign(kr.Office, s.login, o.opt.now(), s.un.Identity.Sign)
	return nil
}

// verifyOrder checks an order against the verified user table: this
// office, well formed, signed by its signer's key, and the signer a
// supervisor or an admin there. ErrForged otherwise.
func verifyOrder(p *PurgeOrder, office string, table *vault.UserTable) error {
	return officeErr(purge.Verify(p, office, table))
}

// orderParts lists the storage ids of every record of p: the contact,
// case and approval parts.
func orderParts(p *PurgeOrder) []string { return p.Parts() }

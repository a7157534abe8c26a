package purge

import (
	"crypto/ed25519"
	"crypto/sha256"
	"crypto/x509"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

const receiptDomain = "madoguchi purge receipt v1"

// Receipt is the central server's word that it has carried out an order:
// every stored version of the order's records now holds a redaction mark
// instead of its sealed bytes, and versions pushed later are stored
// redacted. The server signs it with the key of its TLS certificate, the
// one every PC pins, so a PC checks it with the pinned key.
type Receipt struct {
	Office string    `json:"office"`
	Order  string    `json:"order"` // the order's Hash
	At     time.Time `json:"at"`    // when the server erased
	// Redacted counts the versions the server redacted for this order
	// (0 when it had done so before: a retried request).
	Redacted int `json:"redacted"`
	// Key is the server's Ed25519 public key; a PC takes the receipt
	// only when the SHA-256 of its SubjectPublicKeyInfo is the pin it
	// holds of the server.
	Key []byte `json:"key"`
	Sig []byte `json:"sig"`
}

// message is what the server signs: field(domain) field(office)
// field(order) field(at, RFC 3339 nanoseconds UTC) u64(redacted).
func (r *Receipt) message() []byte {
	var b []byte
	for _, f := range []string{receiptDomain, r.Office, r.Order, r.At.UTC().Format(time.RFC3339Nano)} {
		b = AppendField(b, f)
	}
	return binary.BigEndian.AppendUint64(b, uint64(r.Redacted))
}

// SignReceipt makes the server's receipt of order hash of office.
func SignReceipt(key ed25519.PrivateKey, office, order string, at time.Time, redacted int) *Receipt {
	r := &Receipt{Office: office, Order: order, At: at.UTC(), Redacted: redacted, Key: key.Public().(ed25519.PublicKey)}
	r.Sig = ed25519.Sign(key, r.message())
	return r
}

// VerifyReceipt decodes a receipt and checks it: of office and order,
// signed by the key it names, whose SubjectPublicKeyInfo has the SHA-256
// pin. ErrInvalid for bytes that are not a receipt, ErrForged for another
// office, order or key, or a signature that does not verify.
func VerifyReceipt(b []byte, pin [32]byte, office, order string) (*Receipt, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var r Receipt
	if len(b) > 4096 || dec.Decode(&r) != nil || dec.More() || r.At.IsZero() || r.Redacted < 0 {
		return nil, fmt.Errorf("purge receipt: %w", ErrInvalid)
	}
	switch {
	case r.Office != office || r.Order != order:
		return nil, fmt.Errorf("purge receipt of another order: %w", ErrForged)
	case len(r.Key) != ed25519.PublicKeySize || SPKIPin(r.Key) != pin:
		return nil, fmt.Errorf("purge receipt signed by another key than the server's: %w", ErrForged)
	case !ed25519.Verify(r.Key, r.message(), r.Sig):
		return nil, fmt.Errorf("purge receipt signature: %w", ErrForged)
	}
	return &r, nil
}

// SPKIPin is the SHA-256 of the SubjectPublicKeyInfo of an Ed25519 public
// key: the pin a PC holds of its server.
func SPKIPin(pub ed25519.PublicKey) [32]byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return [32]byte{}
	}
	return sha256.Sum256(der)
}

// Marshal encodes the receipt as JSON.
func (r *Receipt) Marshal() []byte {
	b, _ := json.Marshal(r)
	return b
}

// Mark is the short form of the receipt for a report: the first 16 hex
// digits of the SHA-256 of its signature.
func (r *Receipt) Mark() string {
	h := sha256.Sum256(r.Sig)
	return hex.EncodeToString(h[:8])
}

package office

import (
	"fmt"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Signed office settings that sync carries as versions of their own: purge
// orders (purge_sync.go) and retention rules (retention_sync.go). Each is
// one version under the id prefix+<hash of what was signed>, of its own
// kind, without parents, sealed under the contact key; its plaintext is
// the signed JSON. Pulled ones are stored as they came, never merged,
// indexed or pushed again.

// signedVersion seals body, signed content of kind named by hash, as the
// version this PC pushes.
func (o *Office) signedVersion(s *Session, prefix, kind, hash string, body []byte) (local.Write, vault.Rev, error) {
	rev := o.clock.Next()
	id := prefix + hash
	env, err := vault.Seal(s.keys, vault.ClassFor(kind), id, kind, rev, nil, body)
	if err != nil {
		return local.Write{}, rev, fmt.Errorf("seal %s: %w", kind, err)
	}
	return local.Write{Version: local.Version{ID: id, Kind: kind, Rev: rev.String(), Blob: env.Marshal()},
		Fresh: true, Outbox: true}, rev, nil
}

// isSigned says whether a pulled version is (or claims to be) a signed
// setting of kind under prefix.
func isSigned(p *pver, prefix, kind string) bool {
	return p.v.Kind == kind || strings.HasPrefix(p.v.ID, prefix)
}

// openSigned checks the shape of a pulled signed setting (kind exactly,
// under prefix and a 64-digit hash, no parents) and opens it. It returns
// the hash the id names and the plaintext; anything else is
// ErrSyncDamaged.
func (o *Office) openSigned(s *Session, p *pver, prefix, kind string) (string, []byte, error) {
	hash, ok := strings.CutPrefix(p.v.ID, prefix)
	if !ok || p.v.Kind != kind || len(p.env.Parents) > 0 || len(hash) != 64 {
		return "", nil, fmt.Errorf("%w: kind %q under id %q", ErrSyncDamaged, p.v.Kind, p.v.ID)
	}
	plain, err := vault.Open(s.keys, p.env, vault.Expect{ID: p.v.ID, Kind: kind, Rev: &p.rev})
	if err != nil {
		return "", nil, fmt.Errorf("%w: %s %s: %v", ErrSyncDamaged, kind, hash, err)
	}
	return hash, plain, nil
}

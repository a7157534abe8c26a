package office

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/purge"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Retention rules are the office's, not one PC's: a change travels to the
// other PCs through sync, as a version of its own (id "~retention/<hash>",
// kind "retention", sealed under the contact key like a purge order),
// signed by the supervisor or admin who made it. A PC that pulls one
// verifies the signature against the verified user table (signer a
// supervisor or an admin, not disabled) and adopts the rules when they are
// newer than its own (later At; the hash breaks a tie), so every PC ends
// with the same rules; a setting that does not verify changes nothing and
// is named in the access log.
const (
	retentionKind     = "retention"
	retentionIDPrefix = "~retention/"
	retentionDomain   = "madoguchi retention rules v1"
	metaRetentionSet  = "retention/signed" // the adopted signed setting (JSON)
)

// RetentionSetting is a signed change of the retention rules.
type RetentionSetting struct {
	Office string         `json:"office"`
	By     string         `json:"by"`
	At     time.Time      `json:"at"`
	Rules  RetentionRules `json:"rules"`
	Sig    []byte         `json:"sig"`
}

// message is what the signer signs: field(domain) field(office) field(by)
// field(at, RFC 3339 nanoseconds UTC) and the five rules as u32 (the
// order of RetentionRules), field being a 4-byte length and the bytes.
func (r *RetentionSetting) message() []byte {
	var b []byte
	for _, f := range []string{retentionDomain, r.Office, r.By, r.At.UTC().Format(time.RFC3339Nano)} {
		b = purge.AppendField(b, f)
	}
	for _, y := range []int{r.Rules.Consultation, r.Rules.Reservation, r.Rules.Dispatch, r.Rules.Application, r.Rules.Business} {
		b = binary.BigEndian.AppendUint32(b, uint32(y))
	}
	return b
}

// hash names the setting: the hex SHA-256 of what was signed.
func (r *RetentionSetting) hash() string {
	h := sha256.Sum256(r.message())
	return hex.EncodeToString(h[:])
}

// newer reports whether r supersedes old (nil: none adopted yet).
func (r *RetentionSetting) newer(old *RetentionSetting) bool {
	if old == nil {
		return true
	}
	if c := r.At.Compare(old.At); c != 0 {
		return c > 0
	}
	return r.hash() > old.hash()
}

// verify checks the setting against the verified user table.
func (r *RetentionSetting) verify(office string, table *vault.UserTable) error {
	switch {
	case !r.Rules.valid() || r.At.IsZero() || r.By == "":
		return fmt.Errorf("retention setting: %w", ErrInvalid)
	case table == nil || r.Office != office:
		return fmt.Errorf("retention setting of another office: %w", ErrForged)
	}
	if err := purge.VerifySigner(table, r.By, r.message(), r.Sig); err != nil {
		return fmt.Errorf("retention setting of %s: %w", r.By, err)
	}
	return nil
}

// decodeRetentionSetting decodes a setting strictly.
func decodeRetentionSetting(b []byte) (*RetentionSetting, error) {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	var r RetentionSetting
	if len(b) > 4096 || dec.Decode(&r) != nil || dec.More() {
		return nil, fmt.Errorf("retention setting: %w", ErrInvalid)
	}
	return &r, nil
}

// adoptedRetention returns the setting this PC follows (nil: none signed
// yet, the defaults or rules set before settings were signed).
func (o *Office) adoptedRetention() *RetentionSetting {
	b, err := o.store.Meta(metaRetentionSet)
	if err != nil {
		return nil
	}
	r, err := decodeRetentionSetting(b)
	if err != nil {
		return nil
	}
	return r
}

// retentionVersion signs rules as s and returns the version to push and
// the meta that adopts them here.
func (o *Office) retentionVersion(s *Session, rules RetentionRules) (local.Write, map[string][]byte, error) {
	kr, table := o.trusted()
	if !s.signs(table) {
		return local.Write{}, nil, fmt.Errorf("sign retention rules: %w", ErrCannotSign)
	}
	set := &RetentionSetting{Office: kr.Office, By: s.login, At: o.opt.now().UTC(), Rules: rules}
	if old := o.adoptedRetention(); old != nil && !set.At.After(old.At) {
		set.At = old.At.Add(time.Nanosecond) // a change here is always the newest
	}
	set.Sig = s.un.Identity.Sign(set.message())
	body, _ := json.Marshal(set)
	w, _, err := o.signedVersion(s, retentionIDPrefix, retentionKind, set.hash(), body)
	if err != nil {
		return local.Write{}, nil, err
	}
	rb, _ := json.Marshal(rules)
	return w, map[string][]byte{metaRetention: rb, metaRetentionSet: body}, nil
}

// isRetention says whether a pulled version is (or claims to be) a
// retention setting.
func isRetention(p *pver) bool { return isSigned(p, retentionIDPrefix, retentionKind) }

// pulledRetention checks a pulled setting (kind retention exactly, under
// the id of its hash, no parents, readable) and returns the write that
// stores it, and the setting when it verifies (nil, with a warning for the
// access log, when it does not).
func (o *Office) pulledRetention(s *Session, p *pver) (local.Write, *RetentionSetting, error) {
	hash, plain, err := o.openSigned(s, p, retentionIDPrefix, retentionKind)
	if err != nil {
		return local.Write{}, nil, err
	}
	w := local.Write{Version: p.v}
	set, err := decodeRetentionSetting(plain)
	if err == nil && set.hash() != hash {
		err = fmt.Errorf("retention setting under another hash: %w", ErrForged)
	}
	if err == nil {
		kr, table := o.trusted()
		err = set.verify(kr.Office, table)
	}
	if err != nil {
		o.warn(p.v.ID, "retention setting refused, rules unchanged: "+err.Error())
		return w, nil, nil
	}
	return w, set, nil
}

// adoptRetention puts the newest verified setting of a page in meta, when
// it is newer than the one adopted here.
func (o *Office) adoptRetention(sets []*RetentionSetting, meta map[string][]byte) {
	if len(sets) == 0 {
		return // no read of the adopted setting on every page
	}
	cur := o.adoptedRetention()
	for _, set := range sets {
		if set.newer(cur) {
			cur = set
			rb, _ := json.Marshal(set.Rules)
			body, _ := json.Marshal(set)
			meta[metaRetention], meta[metaRetentionSet] = rb, body
		}
	}
}

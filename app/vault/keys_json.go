package vault

import (
	"encoding/json"
	"fmt"
)

// classJSON is the bundle encoding of one class: FORMAT.md, "bundle".
type classJSON struct {
	Current uint32            `json:"current"`
	Keys    map[uint32][]byte `json:"keys"`
}

// marshalKeys encodes all of k as bundle JSON.
func marshalKeys(k *Keys) ([]byte, error) {
	k.mu.RLock()
	defer k.mu.RUnlock()
	out := map[Class]classJSON{}
	for c, ck := range k.classes {
		out[c] = classJSON{Current: ck.current, Keys: ck.versions}
	}
	b, err := json.Marshal(out)
	if err != nil {
		return nil, fmt.Errorf("encode bundle: %w", err)
	}
	return b, nil
}

// unmarshalKeys decodes bundle JSON strictly.
func unmarshalKeys(b []byte) (*Keys, error) {
	var in map[Class]classJSON
	if err := decodeStrict(b, &in); err != nil {
		return nil, fmt.Errorf("decode bundle: %w", err)
	}
	k := newKeys()
	for c, cj := range in {
		if err := cj.check(c); err != nil {
			return nil, fmt.Errorf("decode bundle: %w", err)
		}
		k.classes[c] = &classKeys{current: cj.Current, versions: cj.Keys}
	}
	return k, nil
}

// check validates one decoded class.
func (cj classJSON) check(c Class) error {
	if !c.known() {
		return fmt.Errorf("class %q: %w", c, ErrMalformed)
	}
	if _, ok := cj.Keys[cj.Current]; !ok {
		return fmt.Errorf("class %s: current version missing: %w", c, ErrMalformed)
	}
	for v, key := range cj.Keys {
		if v == 0 || len(key) != KeySize {
			return fmt.Errorf("class %s version %d: %w", c, v, ErrMalformed)
		}
	}
	return nil
}

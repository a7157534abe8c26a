package local

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"strings"
)

const sep = "\x00"

func metaKey(key string) []byte      { return []byte("m/" + key) }
func headKey(id string) []byte       { return []byte("h/" + id) }
func termsKey(id string) []byte      { return []byte("t/" + id) }
func versionPrefix(id string) []byte { return []byte("v/" + id + sep) }

func versionKey(id, rev string) []byte { return []byte("v/" + id + sep + rev) }
func kindKey(kind, id string) []byte   { return []byte("k/" + kind + sep + id) }
func kindPrefix(kind string) []byte    { return []byte("k/" + kind + sep) }

func termKey(t Term, id string) []byte {
	return []byte("x/" + t.Index + sep + t.Value + sep + id)
}

// termPrefix covers every term of index whose value starts with prefix.
func termPrefix(index, prefix string) []byte { return []byte("x/" + index + sep + prefix) }

// splitTermKey returns the value and id of a term index key of index. A key
// that Commit cannot have written (no id, a NUL in the value or id) gives
// an error wrapping ErrCorrupt.
func splitTermKey(key []byte, index string) (value, id string, err error) {
	if !validName(index) {
		return "", "", fmt.Errorf("term index with a separator: %w", ErrCorrupt)
	}
	prefix := termPrefix(index, "")
	if !bytes.HasPrefix(key, prefix) {
		return "", "", fmt.Errorf("term key outside its index: %w", ErrCorrupt)
	}
	rest := key[len(prefix):]
	i := bytes.IndexByte(rest, 0)
	if i < 0 || bytes.IndexByte(rest[i+1:], 0) >= 0 || i+1 == len(rest) {
		return "", "", fmt.Errorf("term key without a valid id: %w", ErrCorrupt)
	}
	return string(rest[:i]), string(rest[i+1:]), nil
}

// keyName returns the part of key after prefix, an id, kind or rev, which
// must be a valid name; what names it in the error.
func keyName(what string, key, prefix []byte) (string, error) {
	if !bytes.HasPrefix(key, prefix) {
		return "", fmt.Errorf("%s key outside its prefix: %w", what, ErrCorrupt)
	}
	name := string(key[len(prefix):])
	if !validName(name) {
		return "", fmt.Errorf("%s key with an empty %s or a NUL in it: %w", what, what, ErrCorrupt)
	}
	return name, nil
}

// validName reports whether s can be an id, kind, rev or index: not empty
// and free of the separator.
func validName(s string) bool { return s != "" && !strings.Contains(s, sep) }

func auditKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte("a/"), seq)
}

// auditSeq returns the sequence number of an audit key; a key that is not
// "a/" and 8 bytes gives an error wrapping ErrCorrupt.
func auditSeq(key []byte) (uint64, error) {
	if len(key) != len(auditPrefix)+8 || !bytes.HasPrefix(key, auditPrefix) {
		return 0, fmt.Errorf("audit key of %d bytes: %w", len(key), ErrCorrupt)
	}
	return binary.BigEndian.Uint64(key[len(auditPrefix):]), nil
}

var auditPrefix = []byte("a/")

// encodeVersion and decodeVersion store a version's kind beside its blob.
func encodeVersion(kind string, blob []byte) []byte {
	b := binary.AppendUvarint(nil, uint64(len(kind)))
	b = append(b, kind...)
	return append(b, blob...)
}

func decodeVersion(b []byte) (kind string, blob []byte, err error) {
	n, w := binary.Uvarint(b)
	if w <= 0 || uint64(len(b)-w) < n {
		return "", nil, fmt.Errorf("version value of %d bytes with a bad kind length: %w", len(b), ErrCorrupt)
	}
	kind = string(b[w : w+int(n)])
	if !validName(kind) {
		return "", nil, fmt.Errorf("version value with an empty kind or a NUL in it: %w", ErrCorrupt)
	}
	if !bytes.Equal(b[:w], binary.AppendUvarint(nil, n)) {
		return "", nil, fmt.Errorf("version value with a padded kind length: %w", ErrCorrupt)
	}
	return kind, append([]byte(nil), b[w+int(n):]...), nil
}

func encodeTerms(ts []Term) []byte {
	var b []byte
	for _, t := range ts {
		b = append(b, t.Index...)
		b = append(b, 0)
		b = append(b, t.Value...)
		b = append(b, 0)
	}
	return b
}

// decodeTerms reads what encodeTerms wrote; anything else (a missing NUL,
// an empty index) gives an error wrapping ErrCorrupt.
func decodeTerms(b []byte) ([]Term, error) {
	if len(b) == 0 {
		return nil, nil
	}
	parts := strings.Split(string(b), sep)
	// index\x00value\x00 repeated splits into pairs and a final "".
	if len(parts)%2 != 1 || parts[len(parts)-1] != "" {
		return nil, fmt.Errorf("terms value of %d bytes not in pairs: %w", len(b), ErrCorrupt)
	}
	ts := make([]Term, 0, len(parts)/2)
	for i := 0; i+1 < len(parts); i += 2 {
		if parts[i] == "" {
			return nil, fmt.Errorf("terms value with an empty index: %w", ErrCorrupt)
		}
		ts = append(ts, Term{Index: parts[i], Value: parts[i+1]})
	}
	return ts, nil
}

// checkName refuses an empty name or one holding the separator.
func checkName(what, s string) error {
	if s == "" {
		return fmt.Errorf("empty %s: %w", what, ErrInvalid)
	}
	return checkPart(what, s)
}

// checkPart refuses a key part holding the separator.
func checkPart(what, s string) error {
	if strings.Contains(s, sep) {
		return fmt.Errorf("%s contains NUL: %w", what, ErrInvalid)
	}
	return nil
}

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

// splitTermKey returns the value and id of a term index key.
func splitTermKey(key []byte, index string) (value, id string) {
	rest := key[len("x/")+len(index)+len(sep):]
	i := bytes.LastIndexByte(rest, 0)
	return string(rest[:i]), string(rest[i+1:])
}

func auditKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64([]byte("a/"), seq)
}

func auditSeq(key []byte) uint64 { return binary.BigEndian.Uint64(key[len("a/"):]) }

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
		return "", nil, errCorrupt
	}
	return string(b[w : w+int(n)]), append([]byte(nil), b[w+int(n):]...), nil
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

func decodeTerms(b []byte) []Term {
	parts := strings.Split(string(b), sep)
	ts := make([]Term, 0, len(parts)/2)
	for i := 0; i+1 < len(parts); i += 2 {
		ts = append(ts, Term{Index: parts[i], Value: parts[i+1]})
	}
	return ts
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

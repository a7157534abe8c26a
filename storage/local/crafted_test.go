package local

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// readCall is one read of the store that a crafted key may reach.
type readCall struct {
	name string
	call func(s *Store) error
}

// validIDs fails when a read returns an id that no Commit can write.
func validIDs(ids []string, err error) error {
	for _, id := range ids {
		if checkName("id", id) != nil {
			return fmt.Errorf("returned invalid id %q", id)
		}
	}
	return err
}

// readCalls lists every read method with the arguments that reach the
// keys of record id, kind, term (index, value) and meta key.
func readCalls(id, kind, index, value, meta string) []readCall {
	return []readCall{
		{"Head", func(s *Store) error {
			v, err := s.Head(id)
			if err == nil && (v.ID != id || checkName("rev", v.Rev) != nil || checkName("kind", v.Kind) != nil) {
				return fmt.Errorf("head %+v", v)
			}
			return err
		}},
		{"History", func(s *Store) error {
			vs, err := s.History(id)
			for _, v := range vs {
				if v.ID != id || checkName("rev", v.Rev) != nil || checkName("kind", v.Kind) != nil {
					return fmt.Errorf("history has %+v", v)
				}
			}
			return err
		}},
		{"Find", func(s *Store) error { return validIDs(s.Find(index, value)) }},
		{"FindPrefix", func(s *Store) error { return validIDs(s.FindPrefix(index, "", 0)) }},
		{"Terms", func(s *Store) error {
			var bad error
			err := s.Terms(index, "", func(v, id string) bool {
				if checkPart("value", v) != nil || checkName("id", id) != nil {
					bad = fmt.Errorf("term %q of %q", v, id)
				}
				return true
			})
			return errors.Join(bad, err)
		}},
		{"Intersect", func(s *Store) error { return validIDs(s.Intersect(index, []string{value}, "", 0)) }},
		{"IDs", func(s *Store) error { return validIDs(s.IDs(kind)) }},
		{"Count", func(s *Store) error { _, err := s.Count(kind); return err }},
		{"Meta", func(s *Store) error { _, err := s.Meta(meta); return err }},
		{"LastAudit", func(s *Store) error { _, err := s.LastAudit(); return err }},
		{"AuditRange", func(s *Store) error { return s.AuditRange(0, func(AuditEntry) error { return nil }) }},
		{"Commit", func(s *Store) error {
			return s.Commit(Batch{Writes: []Write{write(id, kind, "9999", Term{index, value})}})
		}},
	}
}

// run calls c, turning a panic into an error.
func (c readCall) run(s *Store) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	return c.call(s)
}

// allowedReadErr reports whether err is an answer a read may give on a
// store holding crafted data.
func allowedReadErr(err error) bool {
	for _, ok := range []error{nil, ErrCorrupt, ErrNotFound, ErrInvalid, ErrRevExists} {
		if errors.Is(err, ok) {
			return true
		}
	}
	return false
}

// rawSet writes pairs straight into the Badger DB of the store in dir,
// with the same key, as an insider holding the store key could.
func rawSet(t *testing.T, dir string, pairs map[string]string) {
	t.Helper()
	db, err := badger.Open(badgerOptions(dir, testKey(1), Options{}, &badgerLog{}))
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(txn *badger.Txn) error {
		for k, v := range pairs {
			if err := txn.Set([]byte(k), []byte(v)); err != nil {
				return err
			}
		}
		return nil
	})
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
}

func seqKey(seq uint64) string { return string(auditKey(seq)) }

// TestCraftedKeys writes keys and values that no Commit writes and checks
// that every read that reaches them returns an error wrapping ErrCorrupt
// instead of panicking or returning data no Commit could have written.
func TestCraftedKeys(t *testing.T) {
	good := encodeVersion("business", []byte("blob"))
	tests := []struct {
		name  string
		pairs map[string]string
		call  string
		want  error // nil: no error
	}{
		{"audit key without seq", map[string]string{"a/x": "d"}, "LastAudit", ErrCorrupt},
		{"audit key without seq in range", map[string]string{"a/x": "d"}, "AuditRange", ErrCorrupt},
		{"audit key of 9 bytes", map[string]string{"a/" + "\x00\x00\x00\x00\x00\x00\x00\x09\x01": "d"}, "AuditRange", ErrCorrupt},
		{"empty audit key sorts before seq 0", map[string]string{"a/": "d"}, "AuditRange", nil},
		{"term key without separators", map[string]string{"x/idx": ""}, "Find", nil},
		{"term key without id separator", map[string]string{"x/idx\x00valueid": ""}, "Find", ErrCorrupt},
		{"term key without id separator, prefix", map[string]string{"x/idx\x00valueid": ""}, "FindPrefix", ErrCorrupt},
		{"term key without id", map[string]string{"x/idx\x00value\x00": ""}, "Terms", ErrCorrupt},
		{"term key without id, intersect", map[string]string{"x/idx\x00value\x00": ""}, "Intersect", ErrCorrupt},
		{"term key with NUL in id", map[string]string{"x/idx\x00value\x00a\x00b": ""}, "Intersect", ErrCorrupt},
		{"term key with NUL in id, terms", map[string]string{"x/idx\x00value\x00a\x00b": ""}, "Terms", ErrCorrupt},
		{"version key without NUL", map[string]string{"v/r1": string(good)}, "History", nil},
		{"version key without rev", map[string]string{"v/r1\x00": string(good)}, "History", ErrCorrupt},
		{"version key with NUL in rev", map[string]string{"v/r1\x00a\x00b": string(good)}, "History", ErrCorrupt},
		{"version value too short", map[string]string{"v/r1\x002": "\x09bus"}, "History", ErrCorrupt},
		{"version value without kind", map[string]string{"v/r1\x002": "\x00blob"}, "History", ErrCorrupt},
		{"version value with bad varint", map[string]string{"v/r1\x002": "\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff"}, "History", ErrCorrupt},
		{"head with empty id", map[string]string{"h/": "1"}, "Head", ErrNotFound},
		{"head without version", map[string]string{"h/r1": "7"}, "Head", ErrCorrupt},
		{"head without version, commit", map[string]string{"h/r1": "7"}, "Commit", ErrCorrupt},
		{"head with empty rev", map[string]string{"h/r1": ""}, "Head", ErrCorrupt},
		{"head with NUL in rev", map[string]string{"h/r1": "1\x00x", "v/r1\x001\x00x": string(good)}, "Head", ErrCorrupt},
		{"head version garbled", map[string]string{"v/r1\x001": "\x05"}, "Head", ErrCorrupt},
		{"terms value odd", map[string]string{"t/r1": "idx\x00value\x00idx2"}, "Commit", ErrCorrupt},
		{"terms value without index", map[string]string{"t/r1": "\x00value\x00"}, "Commit", ErrCorrupt},
		{"kind key without id", map[string]string{"k/business\x00": ""}, "IDs", ErrCorrupt},
		{"kind key without id, count", map[string]string{"k/business\x00": ""}, "Count", ErrCorrupt},
		{"kind key with NUL in id", map[string]string{"k/business\x00a\x00b": ""}, "IDs", ErrCorrupt},
		{"intact store", nil, "Head", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "store")
			s, err := Open(dir, testKey(1), Options{})
			if err != nil {
				t.Fatal(err)
			}
			err = s.Commit(Batch{
				Writes: []Write{write("r1", "business", "1", Term{"idx", "value"})},
				Audit:  []AuditEntry{{Seq: 1, Data: []byte("a1")}},
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			rawSet(t, dir, tt.pairs)
			s, err = Open(dir, testKey(1), Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			id := "r1"
			if strings.HasPrefix(tt.name, "head with empty id") {
				id = ""
			}
			for _, c := range readCalls(id, "business", "idx", "value", "m") {
				if c.name != tt.call {
					continue
				}
				err := c.run(s)
				switch {
				case tt.want == nil && err != nil:
					t.Errorf("%s = %v, want no error", c.name, err)
				case tt.want != nil && !errors.Is(err, tt.want):
					t.Errorf("%s = %v, want %v", c.name, err, tt.want)
				}
			}
		})
	}
}

// TestCraftedSchema checks that a schema meta value no program writes makes
// Open fail with ErrCorrupt.
func TestCraftedSchema(t *testing.T) {
	for _, v := range []string{"abc", "-1", "", " 1", "99999999999999999999999"} {
		t.Run(fmt.Sprintf("%q", v), func(t *testing.T) {
			dir := storeAtSchema(t, SchemaVersion)
			rawSet(t, dir, map[string]string{string(metaKey(schemaKey)): v})
			s, err := Open(dir, testKey(1), Options{})
			if err == nil {
				s.Close()
			}
			if !errors.Is(err, ErrCorrupt) {
				t.Errorf("Open = %v, want %v", err, ErrCorrupt)
			}
		})
	}
}

func FuzzDecodeVersion(f *testing.F) {
	f.Add(encodeVersion("business", []byte("blob")))
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01})
	f.Add(binary.AppendUvarint(nil, 1<<63))
	f.Fuzz(func(t *testing.T, b []byte) {
		kind, blob, err := decodeVersion(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if checkName("kind", kind) != nil {
			t.Fatalf("decoded invalid kind %q", kind)
		}
		if !bytes.Equal(encodeVersion(kind, blob), b) {
			t.Fatalf("decode(%q) = %q, %q does not encode back", b, kind, blob)
		}
	})
}

func FuzzDecodeTerms(f *testing.F) {
	f.Add(encodeTerms([]Term{{"name", "yamada"}, {"phone", ""}}))
	f.Add([]byte("idx\x00value"))
	f.Add([]byte("\x00\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ts, err := decodeTerms(b)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		for _, tm := range ts {
			if checkName("index", tm.Index) != nil || checkPart("value", tm.Value) != nil {
				t.Fatalf("decoded invalid term %+v", tm)
			}
		}
		if !bytes.Equal(encodeTerms(ts), b) {
			t.Fatalf("decode(%q) = %+v does not encode back", b, ts)
		}
	})
}

func FuzzSplitTermKey(f *testing.F) {
	f.Add(termKey(Term{"idx", "value"}, "r1"), "idx")
	f.Add([]byte("x/idx\x00valueid"), "idx")
	f.Add([]byte("x/"), "idx")
	f.Fuzz(func(t *testing.T, key []byte, index string) {
		value, id, err := splitTermKey(key, index)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if checkName("index", index) != nil || checkPart("value", value) != nil || checkName("id", id) != nil {
			t.Fatalf("split(%q, %q) = %q, %q", key, index, value, id)
		}
		if !bytes.Equal(termKey(Term{index, value}, id), key) {
			t.Fatalf("split(%q, %q) = %q, %q does not join back", key, index, value, id)
		}
	})
}

func FuzzAuditSeq(f *testing.F) {
	f.Add(auditKey(7))
	f.Add([]byte("a/x"))
	f.Fuzz(func(t *testing.T, key []byte) {
		seq, err := auditSeq(key)
		if err != nil {
			if !errors.Is(err, ErrCorrupt) {
				t.Fatalf("error %v does not wrap ErrCorrupt", err)
			}
			return
		}
		if !bytes.Equal(auditKey(seq), key) {
			t.Fatalf("auditSeq(%q) = %d", key, seq)
		}
	})
}

// craftedArgs picks the arguments of readCalls that reach a crafted key:
// the parts of the key between the separators.
func craftedArgs(key []byte) (id, kind, index, value, meta string) {
	id, kind, index, value, meta = "r1", "business", "idx", "value", "m"
	if len(key) < 2 {
		return
	}
	parts := strings.Split(string(key[2:]), sep)
	switch string(key[:2]) {
	case "h/", "t/":
		id = parts[0]
	case "v/":
		id = parts[0]
	case "k/":
		kind = parts[0]
	case "x/":
		index = parts[0]
		if len(parts) > 1 {
			value = parts[1]
		}
	case "m/":
		meta = string(key[2:])
	}
	return
}

// FuzzCraftedPair writes one crafted key/value pair into the store's Badger
// DB and calls every read that can reach it: none may panic, and each must
// answer with data or an error wrapping ErrCorrupt, ErrNotFound or
// ErrInvalid.
func FuzzCraftedPair(f *testing.F) {
	good := encodeVersion("business", []byte("blob"))
	for _, kv := range [][2]string{
		{"a/x", "d"}, {"a/", ""}, {seqKey(5), "d"},
		{"x/idx", ""}, {"x/idx\x00valueid", ""}, {"x/idx\x00value\x00", ""}, {"x/idx\x00value\x00a\x00b", ""},
		{"v/r1", string(good)}, {"v/r1\x00", string(good)}, {"v/r1\x002", "\x09"}, {"v/r2\x001", string(good)},
		{"h/", "1"}, {"h/r1", "7"}, {"h/r1", ""}, {"h/r2", "1"},
		{"t/r1", "idx\x00value\x00idx2"}, {"t/r1", "\x00"},
		{"k/business\x00", ""}, {"k/business\x00a\x00b", ""}, {"k/other\x00r1", ""},
		{"m/schema", "1"},
	} {
		f.Add([]byte(kv[0]), []byte(kv[1]))
	}
	s, err := Open(filepath.Join(f.TempDir(), "store"), testKey(1), Options{})
	if err != nil {
		f.Fatal(err)
	}
	defer s.Close()
	err = s.Commit(Batch{
		Writes: []Write{write("r1", "business", "1", Term{"idx", "value"})},
		Audit:  []AuditEntry{{Seq: 1, Data: []byte("a1")}},
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, key, value []byte) {
		if len(key) == 0 || len(key) > 1000 || bytes.HasPrefix(key, []byte("!badger!")) {
			return // Badger refuses these keys itself
		}
		err := s.db.Update(func(txn *badger.Txn) error { return txn.Set(key, value) })
		if err != nil {
			t.Skip(err)
		}
		// Undo the crafted pair and whatever the Commit below wrote.
		defer func() {
			_ = s.db.DropAll()
			err := s.Commit(Batch{
				Writes: []Write{write("r1", "business", "1", Term{"idx", "value"})},
				Audit:  []AuditEntry{{Seq: 1, Data: []byte("a1")}},
			})
			if err != nil {
				t.Fatal(err)
			}
		}()
		for _, c := range readCalls(craftedArgs(key)) {
			if err := c.run(s); !allowedReadErr(err) {
				t.Errorf("after setting %q = %q: %s = %v", key, value, c.name, err)
			}
		}
	})
}

package local

import (
	"bytes"
	"errors"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// everyVersion returns every key and value Badger still holds, in every
// version, deleted ones included, as one byte string per entry.
func everyVersion(t *testing.T, s *Store) [][]byte {
	t.Helper()
	var out [][]byte
	err := s.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{AllVersions: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			out = append(out, append(it.Item().KeyCopy(nil), v...))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func holding(entries [][]byte, marker string) int {
	n := 0
	for _, e := range entries {
		if bytes.Contains(e, []byte(marker)) {
			n++
		}
	}
	return n
}

// TestPurgeRemovesEveryVersion writes a record in many versions spread
// over tables and memtables (renamed terms included, whose deleted index
// keys still hold the old words), purges it and finds none of its bytes in
// any version Badger holds, while a record whose id extends the purged one
// stays whole.
func TestPurgeRemovesEveryVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir, testKey(3), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { s.Close() }()
	const id, other = "B-GONE", "B-GONE2"
	write := func(id, rev, word string) {
		t.Helper()
		err := s.Commit(Batch{Writes: []Write{{Outbox: true,
			Version: Version{ID: id, Kind: "business", Rev: rev, Blob: []byte("blob " + word)},
			Terms:   []Term{{Index: "name", Value: word}, {Index: "phone", Value: "0355550101"}}}},
			Meta: map[string][]byte{"blind/1/" + id: []byte("entry " + word)}})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range 6 {
		write(id, fmt.Sprintf("r%02d", i), fmt.Sprintf("秘密%d", i))
		if i%2 == 1 { // put some versions into tables
			if err := s.Close(); err != nil {
				t.Fatal(err)
			}
			if s, err = Open(dir, testKey(3), Options{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	write(other, "r01", "残す")
	before := everyVersion(t, s)
	for i := range 6 {
		if holding(before, fmt.Sprintf("秘密%d", i)) == 0 {
			t.Fatalf("秘密%d is not in the store before the purge: the test proves nothing", i)
		}
	}
	res, err := s.Purge(PurgeRequest{IDs: []string{id}, Meta: []string{"blind/1/" + id},
		Before: Batch{Meta: map[string][]byte{"order": []byte("1")}},
		After:  Batch{Meta: map[string][]byte{"blind/1/" + id: []byte("entry none"), "order": []byte("done")}}})
	if err != nil {
		t.Fatal(err)
	}
	if res.Versions != 6 {
		t.Errorf("versions removed: %d, want 6", res.Versions)
	}
	check := func(when string) {
		after := everyVersion(t, s)
		for i := range 6 {
			if n := holding(after, fmt.Sprintf("秘密%d", i)); n > 0 {
				t.Errorf("%s: 秘密%d still in %d entries", when, i, n)
			}
		}
		if holding(after, "\x00"+id+"\x00") > 0 || holding(after, "h/"+id+"\x00") > 0 {
			t.Errorf("%s: a key of the purged record is left", when)
		}
		if _, err := s.Head(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("%s: head of the purged record: %v", when, err)
		}
		if v, err := s.Head(other); err != nil || string(v.Blob) != "blob 残す" {
			t.Errorf("%s: the other record: %v %q", when, err, v.Blob)
		}
		if ids, _ := s.Find("name", "残す"); len(ids) != 1 || ids[0] != other {
			t.Errorf("%s: the other record's term: %v", when, ids)
		}
		if ids, _ := s.Find("phone", "0355550101"); len(ids) != 1 {
			t.Errorf("%s: phone term: %v", when, ids)
		}
		if out, _ := s.Outbox(0); len(out) != 1 || out[0].ID != other {
			t.Errorf("%s: outbox: %v", when, out)
		}
		if m, _ := s.Meta("order"); string(m) != "done" {
			t.Errorf("%s: after batch: %q", when, m)
		}
	}
	check("after purge")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if s, err = Open(dir, testKey(3), Options{}); err != nil {
		t.Fatal(err)
	}
	check("after reopening")
	scanForMarkers(t, dir, map[string]string{"word": "秘密1"})
}

package local

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// TestKeyRotationAfterCallerZeroesKey plays the office: it zeroes its key
// slice as soon as Open returns. Badger keeps the key it was given and wraps
// every new data key under it, so without a private copy the data key made
// by the next rotation is wrapped under all zeros: the store then no longer
// opens with the real key, and what was written after the rotation is
// readable with a zero key.
func TestKeyRotationAfterCallerZeroesKey(t *testing.T) {
	if testing.Short() {
		t.Skip("waits for a key rotation")
	}
	dir := filepath.Join(t.TempDir(), "store")
	key := testKey(9)
	s, err := Open(dir, key, Options{keyRotation: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// app/office zeroes its key right after Open.
	clear(key)
	// Record r00 carries a blob for the value log.
	large := bytes.Repeat([]byte("L"), valueThreshold+1)
	var want []Write
	commitRound := func(rev string) {
		t.Helper()
		var ws []Write
		for i := range 20 {
			w := write(fmt.Sprintf("r%02d", i), "business", rev, Term{"name", fmt.Sprintf("n%02d%s", i, rev)})
			if i == 0 {
				w.Version.Blob = append(append([]byte(nil), large...), rev...)
			}
			ws = append(ws, w)
		}
		if err := s.Commit(Batch{Writes: ws, Audit: []AuditEntry{{Seq: uint64(len(want) + 1), Data: []byte(rev)}}}); err != nil {
			t.Fatal(err)
		}
		want = append(want, ws...)
	}
	commitRound("1")
	regBefore := fileSize(t, filepath.Join(dir, badger.KeyRegistryFileName))
	// Badger rotates when it needs a data key (a new memtable file, value
	// log file or table) and the newest one is older than the period; the
	// period is compared in whole seconds.
	time.Sleep(2100 * time.Millisecond)
	commitRound("2")
	// Close flushes the memtable into a new table, which takes a new data
	// key; the reopen below then writes a new memtable file with it.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if got := fileSize(t, filepath.Join(dir, badger.KeyRegistryFileName)); got <= regBefore {
		t.Fatalf("KEYREGISTRY did not grow (%d -> %d bytes): Badger made no new data key, the test proves nothing", regBefore, got)
	}

	s, err = Open(dir, testKey(9), Options{})
	if err != nil {
		t.Fatalf("reopen with the real key after a rotation: %v", err)
	}
	for _, w := range want {
		hist, err := s.History(w.Version.ID)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, v := range hist {
			found = found || (v.Rev == w.Version.Rev && bytes.Equal(v.Blob, w.Version.Blob))
		}
		if !found {
			t.Errorf("%s rev %s missing after reopen", w.Version.ID, w.Version.Rev)
		}
	}
	if ids, err := s.Find("name", "n052"); err != nil || len(ids) != 1 {
		t.Errorf("Find after reopen = %v, %v", ids, err)
	}
	if a, err := s.LastAudit(); err != nil || a.Seq != 21 {
		t.Errorf("LastAudit after reopen = %+v, %v", a, err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(dir, make([]byte, KeySize), Options{})
	if err == nil {
		s.Close()
		t.Fatal("an all-zero key opened the store")
	}
	if !errors.Is(err, ErrWrongKey) {
		t.Errorf("Open with a zero key = %v, want %v", err, ErrWrongKey)
	}
}

// TestOpenCopiesKey checks that Open does not keep the caller's slice and
// that Close zeroes the store's own copy.
func TestOpenCopiesKey(t *testing.T) {
	key := testKey(3)
	s, err := Open(filepath.Join(t.TempDir(), "store"), key, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if &s.key[0] == &key[0] {
		t.Fatal("the store keeps the caller's key slice")
	}
	if !bytes.Equal(s.key, testKey(3)) {
		t.Fatal("the store's key copy differs from the key")
	}
	own := s.key
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(own, make([]byte, KeySize)) {
		t.Error("Close left the store's key copy in memory")
	}
	if !bytes.Equal(key, testKey(3)) {
		t.Error("Open or Close changed the caller's key")
	}
}

func fileSize(t *testing.T, path string) int64 {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

package local

import (
	"bytes"
	"crypto/rand"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// TestNoPlaintextAtRest writes markers as blob, term, id, kind, audit entry
// and meta value, and checks that no file of the store contains any of them.
func TestNoPlaintextAtRest(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir, testKey(7), Options{})
	if err != nil {
		t.Fatal(err)
	}
	// Random markers share no substring that compression could turn into a
	// back-reference, so an unencrypted store would show every one of them.
	markers := map[string]string{}
	for _, what := range []string{"blob", "id", "kind", "audit", "meta", "large", "history"} {
		markers[what] = rand.Text()
	}
	markers["term"] = "やまだ" + rand.Text()
	large := append([]byte(markers["large"]), bytes.Repeat([]byte("x"), 100<<10)...)
	err = s.Commit(Batch{
		Writes: []Write{
			{Version: Version{ID: markers["id"], Kind: markers["kind"], Rev: "1", Blob: []byte(markers["history"])}},
			{Version: Version{ID: markers["id"], Kind: markers["kind"], Rev: "2", Blob: []byte(markers["blob"])},
				Terms: []Term{{Index: "name", Value: markers["term"]}}},
			{Version: Version{ID: "big", Kind: "attachment", Rev: "1", Blob: large}},
		},
		Audit: []AuditEntry{{Seq: 1, Data: []byte(markers["audit"])}},
		Meta:  map[string][]byte{"note": []byte(markers["meta"])},
	})
	if err != nil {
		t.Fatal(err)
	}
	// While open the data sits in the write-ahead memtable file; after
	// Close in the tables and the value log.
	scanForMarkers(t, dir, markers)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	scanForMarkers(t, dir, markers)
}

// scanForMarkers reports every file under dir that contains a marker.
func scanForMarkers(t *testing.T, dir string, markers map[string]string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for what, m := range markers {
			if bytes.Contains(data, []byte(m)) {
				t.Errorf("%s marker in plaintext in %s", what, filepath.Base(path))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 {
		t.Errorf("only %d files checked", files)
	}
}

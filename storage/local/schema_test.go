package local

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// storeAtSchema creates a store and overwrites its schema version.
func storeAtSchema(t *testing.T, v int) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "store")
	s, err := Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Commit(Batch{
		Writes: []Write{write("r1", "business", "1")},
		Meta:   map[string][]byte{schemaKey: []byte(strconv.Itoa(v))},
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir
}

func TestSchema(t *testing.T) {
	ran := 0
	mark := Migration{From: 0, Run: func(txn *Txn) error {
		ran++
		return txn.Apply(Batch{Meta: map[string][]byte{"migrated": []byte("yes")}})
	}}
	failing := Migration{From: 0, Run: func(txn *Txn) error {
		if err := txn.Apply(Batch{Meta: map[string][]byte{"migrated": []byte("half")}}); err != nil {
			return err
		}
		return errors.New("disk says no")
	}}
	tests := []struct {
		name       string
		schema     int // -1: fresh store
		opt        Options
		wantErr    error
		wantSchema string
		wantMark   string
	}{
		{"fresh store", -1, Options{}, nil, "1", ""},
		{"current", 1, Options{}, nil, "1", ""},
		{"older runs migration", 0, Options{Migrations: []Migration{mark}}, nil, "1", "yes"},
		{"older without migration", 0, Options{}, ErrNoMigration, "0", ""},
		{"older read-only", 0, Options{Migrations: []Migration{mark}, ReadOnly: true}, ErrNoMigration, "0", ""},
		{"failed migration leaves nothing", 0, Options{Migrations: []Migration{failing}}, errors.New(""), "0", ""},
		{"newer", 2, Options{}, ErrNewerSchema, "2", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ran = 0
			dir := filepath.Join(t.TempDir(), "store")
			if tt.schema >= 0 {
				dir = storeAtSchema(t, tt.schema)
			}
			s, err := Open(dir, testKey(1), tt.opt)
			switch {
			case tt.wantErr == nil && err != nil:
				t.Fatalf("Open = %v", err)
			case tt.wantErr != nil && err == nil:
				t.Fatalf("Open succeeded, want %v", tt.wantErr)
			case tt.wantErr != nil && tt.wantErr.Error() != "" && !errors.Is(err, tt.wantErr):
				t.Fatalf("Open = %v, want %v", err, tt.wantErr)
			}
			if s != nil {
				s.Close()
			}
			if tt.wantMark == "yes" && ran != 1 {
				t.Errorf("migration ran %d times", ran)
			}
			// Look at the store as it was left.
			s, err = Open(dir, testKey(1), Options{ReadOnly: true, Migrations: []Migration{mark}})
			if err != nil && tt.wantSchema == "1" {
				t.Fatal(err)
			}
			if s == nil {
				s = rawOpen(t, dir)
			}
			defer s.Close()
			if b, _ := s.Meta(schemaKey); string(b) != tt.wantSchema {
				t.Errorf("schema = %q, want %q", b, tt.wantSchema)
			}
			if b, _ := s.Meta("migrated"); string(b) != tt.wantMark {
				t.Errorf("migration mark = %q, want %q", b, tt.wantMark)
			}
			if _, err := s.Head("r1"); tt.schema >= 0 && err != nil {
				t.Errorf("record lost: %v", err)
			}
		})
	}
}

// TestMigrationTxn runs a migration that reads and rewrites the store
// through Txn, and checks that Txn sees its own writes and ends with Run.
func TestMigrationTxn(t *testing.T) {
	dir := storeAtSchema(t, 0)
	var kept *Txn
	m := Migration{From: 0, Run: func(txn *Txn) error {
		kept = txn
		ids, err := txn.IDs("business")
		if err != nil || !slices.Equal(ids, []string{"r1"}) {
			return fmt.Errorf("ids %q, %v", ids, err)
		}
		head, err := txn.Head("r1")
		if err != nil || head.Rev != "1" {
			return fmt.Errorf("head %+v, %v", head, err)
		}
		if _, err := txn.Head("none"); !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("head of a missing record: %v", err)
		}
		if b, err := txn.Meta(schemaKey); err != nil || string(b) != "0" {
			return fmt.Errorf("schema meta %q, %v", b, err)
		}
		// Rewrite r1 as a new version with a term, and move a meta key.
		w := write("r1", "business", "2", Term{"name", "やまだ"})
		if err := txn.Apply(Batch{Writes: []Write{w}, Meta: map[string][]byte{"new": []byte("v")}}); err != nil {
			return err
		}
		if head, err := txn.Head("r1"); err != nil || head.Rev != "2" {
			return fmt.Errorf("own write not seen: %+v, %v", head, err)
		}
		if err := txn.DeleteMeta("new"); err != nil {
			return err
		}
		if _, err := txn.Meta("new"); !errors.Is(err, ErrNotFound) {
			return fmt.Errorf("deleted meta: %v", err)
		}
		return txn.DeleteMeta("never set")
	}}
	s, err := Open(dir, testKey(1), Options{Migrations: []Migration{m}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if b, _ := s.Meta(schemaKey); string(b) != strconv.Itoa(SchemaVersion) {
		t.Errorf("schema %q", b)
	}
	if head, err := s.Head("r1"); err != nil || head.Rev != "2" {
		t.Errorf("head after migration %+v, %v", head, err)
	}
	if ids, err := s.Find("name", "やまだ"); err != nil || !slices.Equal(ids, []string{"r1"}) {
		t.Errorf("term after migration %q, %v", ids, err)
	}
	if _, err := kept.Meta(schemaKey); !errors.Is(err, ErrInvalid) {
		t.Errorf("Txn used after Run: %v", err)
	}
	if err := kept.Apply(Batch{}); !errors.Is(err, ErrInvalid) {
		t.Errorf("Txn used after Run: %v", err)
	}
}

// rawOpen opens a store read-only without the schema check.
func rawOpen(t *testing.T, dir string) *Store {
	t.Helper()
	db, err := badger.Open(badgerOptions(dir, testKey(1), Options{ReadOnly: true}, &badgerLog{}))
	if err != nil {
		t.Fatal(err)
	}
	return &Store{db: db, dir: dir, readOnly: true, log: &badgerLog{}}
}

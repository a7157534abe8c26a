package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/pb"
	"github.com/dgraph-io/ristretto/v2/z"
)

// TestAppendKV holds the hand-written framing to what Badger's own
// KVToBuffer writes.
func TestAppendKV(t *testing.T) {
	tests := []struct {
		name       string
		key, value []byte
	}{
		{"small", []byte("r/a/1"), []byte("v")},
		{"empty value", []byte("k"), nil},
		{"long key", bytes.Repeat([]byte("k"), 300), []byte("value")},
		{"large value", []byte("big"), bytes.Repeat([]byte{0xa5}, 70<<10)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			want := z.NewBuffer(1<<20, "test")
			defer func() { _ = want.Release() }()
			got := z.NewBuffer(1<<20, "test")
			defer func() { _ = got.Release() }()
			badger.KVToBuffer(&pb.KV{Key: tt.key, Value: tt.value, Version: 1}, want)
			appendKV(got, tt.key, tt.value)
			if !bytes.Equal(got.Bytes(), want.Bytes()) {
				t.Fatalf("appendKV wrote\n%x\nKVToBuffer\n%x", got.Bytes(), want.Bytes())
			}
		})
	}
}

// pairsFrom returns a next function over n pairs in key order, whose
// values are large enough that the load hands Badger several buffers.
func pairsFrom(n int) func() ([]byte, []byte, error) {
	i := 0
	return func() ([]byte, []byte, error) {
		if i == n {
			return nil, nil, io.EOF
		}
		i++
		return []byte(fmt.Sprintf("k/%06d", i)), bytes.Repeat([]byte{byte(i)}, 1000+i%700), nil
	}
}

func TestLoad(t *testing.T) {
	const n = 12000 // about 16 MB: four buffers of loadBatch
	dir := filepath.Join(t.TempDir(), "store")
	if err := Load(dir, testKey(1), pairsFrom(n)); err != nil {
		t.Fatal(err)
	}
	s, err := Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	sn := s.NewSnapshot()
	defer sn.Close()
	want := pairsFrom(n)
	got := 0
	err = sn.Each(context.Background(), func(k, v []byte) error {
		if !bytes.HasPrefix(k, []byte("k/")) {
			return nil // the store's own schema entry, written when it opened
		}
		wk, wv, _ := want()
		if !bytes.Equal(k, wk) || !bytes.Equal(v, wv) {
			return fmt.Errorf("pair %d: %q, want %q", got, k, wk)
		}
		got++
		return nil
	})
	if err != nil || got != n {
		t.Fatalf("read back %d pairs of %d: %v", got, n, err)
	}
}

func TestLoadRefuses(t *testing.T) {
	boom := errors.New("chunk 7 does not open")
	tests := []struct {
		name string
		next func() ([]byte, []byte, error)
		want error
	}{
		{"out of order", func() func() ([]byte, []byte, error) {
			ok := pairsFrom(5000)
			i := 0
			return func() ([]byte, []byte, error) {
				if i++; i == 4000 {
					return []byte("k/000001"), []byte("again"), nil
				}
				return ok()
			}
		}(), ErrInvalid},
		{"reader fails late", func() func() ([]byte, []byte, error) {
			ok := pairsFrom(9000)
			i := 0
			return func() ([]byte, []byte, error) {
				if i++; i == 8000 {
					return nil, nil, boom
				}
				return ok()
			}
		}(), boom},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := Load(filepath.Join(t.TempDir(), "store"), testKey(1), tt.next)
			if !errors.Is(err, tt.want) {
				t.Fatalf("Load = %v, want %v", err, tt.want)
			}
		})
	}
}

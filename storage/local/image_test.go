package local

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

// imagePair is one batch of two records, so that an image that holds one
// without the other shows a transaction cut in half.
func imagePair(i int) []Write {
	blob := func(side string) []byte {
		b := bytes.Repeat([]byte(fmt.Sprintf("%s%06d.", side, i)), 200)
		if i%500 == 7 {
			b = bytes.Repeat(b, 60) // above valueThreshold: in the value log
		}
		return b
	}
	return []Write{
		{Version: Version{ID: fmt.Sprintf("a%06d", i), Kind: "business", Rev: "r1", Blob: blob("a")}, Terms: sixTerms(i)},
		{Version: Version{ID: fmt.Sprintf("b%06d", i), Kind: "business", Rev: "r1", Blob: blob("b")}, Terms: sixTerms(i)},
	}
}

// checkImage opens the image in dir and checks that it holds the first
// n pairs whole, and of any later pair both records or none. It returns
// how many pairs the image holds.
func checkImage(t *testing.T, dir string, n int) int {
	t.Helper()
	img, err := Open(dir, testKey(1), Options{})
	if err != nil {
		t.Fatalf("open the image: %v", err)
	}
	defer img.Close()
	held := 0
	for i := 0; ; i++ {
		ws := imagePair(i)
		found := 0
		for _, w := range ws {
			v, err := img.Head(w.Version.ID)
			switch {
			case errors.Is(err, ErrNotFound):
				continue
			case err != nil:
				t.Fatalf("pair %d: %v", i, err)
			case !bytes.Equal(v.Blob, w.Version.Blob):
				t.Fatalf("pair %d: %s holds other bytes", i, w.Version.ID)
			}
			found++
		}
		if found == 1 {
			t.Fatalf("the image holds half of the batch of pair %d", i)
		}
		if found == 0 {
			if i < n {
				t.Fatalf("the image lacks pair %d, committed before the image began (%d were)", i, n)
			}
			// A later pair may be there only if this one is not lost
			// between two that are: commits are in order.
			for j := i + 1; j < i+50; j++ {
				if _, err := img.Head(imagePair(j)[0].Version.ID); err == nil {
					t.Fatalf("the image holds pair %d but not pair %d", j, i)
				}
			}
			return held
		}
		held++
	}
}

// writeImage writes an image of s into the new folder dir, as a restore
// does, and returns the names of its files.
func writeImage(s *Store, dir string) ([]string, error) {
	if err := os.Mkdir(dir, 0o700); err != nil {
		return nil, err
	}
	var names []string
	err := s.Image(context.Background(), func(f ImageFile) error {
		if !IsImageFile(f.Name) {
			return fmt.Errorf("the image holds %q", f.Name)
		}
		out, err := os.OpenFile(filepath.Join(dir, f.Name), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, f.R); err != nil {
			out.Close()
			return err
		}
		names = append(names, f.Name)
		return out.Close()
	})
	if err == nil {
		err = FinishImage(dir)
	}
	return names, err
}

func TestImage(t *testing.T) {
	s := openTest(t)
	const n = 3000 // about 25 MB of values: several flushed tables, a value log
	for i := range n {
		if err := s.Commit(Batch{Writes: imagePair(i)}); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "image")
	names, err := writeImage(s, dir)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, name := range names {
		kinds[filepath.Ext(name)]++
	}
	if kinds[tableExt] == 0 || kinds[valueLogExt] == 0 || kinds[memLogExt] == 0 {
		t.Errorf("the image holds %v, want tables and both kinds of log", names)
	}
	if got := checkImage(t, dir, n); got != n {
		t.Fatalf("the image holds %d pairs, want %d", got, n)
	}
	// The store works on, and its later writes are not in the image.
	mustCommit(t, s, imagePair(n)...)
	if _, err := s.Head(imagePair(n)[0].Version.ID); err != nil {
		t.Fatal(err)
	}
}

// TestImageWhileWriting takes images while another goroutine commits and
// Badger flushes and compacts: each image holds every batch acknowledged
// before it began, whole, and opens without damage.
func TestImageWhileWriting(t *testing.T) {
	s := openTest(t)
	var acked atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	var werr error
	wg.Go(func() {
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			if err := s.Commit(Batch{Writes: imagePair(i)}); err != nil {
				werr = err
				return
			}
			acked.Store(int64(i + 1))
		}
	})
	base := t.TempDir()
	last := 0
	for round := range 6 {
		for int(acked.Load()) < last+700 && werr == nil {
			runtime.Gosched()
		}
		n := int(acked.Load())
		dir := filepath.Join(base, fmt.Sprint(round))
		_, err := writeImage(s, dir)
		for try := 0; errors.Is(err, ErrImageMoved) && try < 5; try++ {
			t.Logf("image %d: %v; again", round, err)
			os.RemoveAll(dir)
			_, err = writeImage(s, dir)
		}
		if err != nil {
			close(stop)
			wg.Wait()
			t.Fatal(err)
		}
		held := checkImage(t, dir, n)
		t.Logf("image %d: %d pairs acknowledged before it, %d in it", round, n, held)
		last = n
		if err := os.RemoveAll(dir); err != nil {
			t.Fatal(err)
		}
	}
	close(stop)
	wg.Wait()
	if werr != nil {
		t.Fatal(werr)
	}
}

func TestIsImageFile(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"000001.sst", true},
		{"000049.vlog", true},
		{"00000012.mem", true},
		{"00002.mem", true},
		{"0002.mem", false},
		{"MANIFEST", true},
		{"KEYREGISTRY", true},
		{"DISCARD", true},
		{"LOCK", false},
		{"CLEAN-CLOSE", false},
		{"../000001.sst", false},
		{"x/000001.sst", false},
		{`..\000001.sst`, false},
		{"000001.sst\x00", false},
		{"000001.sst/", false},
		{"1.sst", false},
		{"MANIFEST.tmp", false},
		{"", false},
		{".", false},
	}
	for _, tt := range tests {
		if got := IsImageFile(tt.name); got != tt.ok {
			t.Errorf("IsImageFile(%q) = %v, want %v", tt.name, got, tt.ok)
		}
	}
}

package backup

import (
	"bytes"
	"errors"
	"fmt"
	"testing"
	"time"
)

var testKey = bytes.Repeat([]byte{7}, 32)

func testHeader() Header {
	return Header{Kind: KindVault, ChunkSize: minChunk, Created: time.Unix(1700000000, 0).UTC(),
		Office: "office-1", Keyring: []byte(`{"format":2}`), WrappedKey: []byte(`{"class":"contact"}`)}
}

// write makes a backup of n pairs whose values are size bytes.
func write(t testing.TB, n, size int) []byte {
	t.Helper()
	var out bytes.Buffer
	w, err := NewWriter(&out, testHeader(), testKey)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		if err := w.Pair(fmt.Appendf(nil, "k/%06d", i), bytes.Repeat([]byte{byte(i)}, size)); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}

func read(b []byte) (int, error) {
	r := bytes.NewReader(b)
	h, raw, err := ReadHeader(r)
	if err != nil {
		return 0, err
	}
	return Verify(r, h, raw, testKey)
}

func TestRoundTrip(t *testing.T) {
	tests := []struct {
		name    string
		n, size int
	}{
		{"empty", 0, 0},
		{"one small pair", 1, 10},
		{"many chunks", 50, 300},
		{"a value larger than a chunk", 3, 5000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			b := write(t, tc.n, tc.size)
			n, err := read(b)
			if err != nil || n != tc.n {
				t.Fatalf("read %d pairs, %v; want %d", n, err, tc.n)
			}
		})
	}
}

// TestEndFrameFillsChunk writes backups whose plaintext ends at every
// offset around a chunk boundary, so that one ends exactly on it (an
// empty last chunk follows).
func TestEndFrameFillsChunk(t *testing.T) {
	for size := 1000 - 20; size < 1000+20; size++ {
		b := write(t, 1, size)
		if n, err := read(b); err != nil || n != 1 {
			t.Fatalf("value of %d bytes: %d pairs, %v", size, n, err)
		}
	}
}

func TestEveryFlippedBitRefused(t *testing.T) {
	b := write(t, 8, 400) // 4 chunks
	for i := range len(b) * 8 {
		c := bytes.Clone(b)
		c[i/8] ^= 1 << (i % 8)
		if _, err := read(c); err == nil {
			t.Fatalf("bit %d of byte %d flipped: read without error", i%8, i/8)
		}
	}
}

func TestTruncatedRefused(t *testing.T) {
	b := write(t, 8, 400)
	for n := range len(b) {
		if _, err := read(b[:n]); err == nil {
			t.Fatalf("cut to %d of %d bytes: read without error", n, len(b))
		}
	}
	if _, err := read(append(bytes.Clone(b), 0)); !errors.Is(err, ErrDamaged) {
		t.Fatalf("a byte appended: %v, want ErrDamaged", err)
	}
}

func TestChunksSwappedRefused(t *testing.T) {
	b := write(t, 8, 400)
	_, raw, _ := ReadHeader(bytes.NewReader(b))
	c := bytes.Clone(b)
	one := minChunk + 16
	first, second := c[len(raw):len(raw)+one], c[len(raw)+one:len(raw)+2*one]
	tmp := bytes.Clone(first)
	copy(first, second)
	copy(second, tmp)
	if _, err := read(c); !errors.Is(err, ErrDamaged) {
		t.Fatalf("chunks swapped: %v, want ErrDamaged", err)
	}
}

func TestHeaderErrors(t *testing.T) {
	good := write(t, 1, 1)
	newer := bytes.Clone(good)
	newer[4] = Version + 1
	tests := []struct {
		name string
		b    []byte
		want error
	}{
		{"empty", nil, ErrNotBackup},
		{"not a backup", []byte("PK\x03\x04 a zip file, not a backup"), ErrNotBackup},
		{"newer", newer, ErrNewerFormat},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := read(tc.b); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestWrongKeyRefused(t *testing.T) {
	b := write(t, 2, 10)
	r := bytes.NewReader(b)
	h, raw, err := ReadHeader(r)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Verify(r, h, raw, bytes.Repeat([]byte{8}, 32)); !errors.Is(err, ErrDamaged) {
		t.Fatalf("wrong key: %v, want ErrDamaged", err)
	}
}

// FuzzReadBackup reads arbitrary bytes as a backup file: it must never
// panic nor accept anything but what the writer made under the key.
func FuzzReadBackup(f *testing.F) {
	good := write(f, 3, 700)
	f.Add(good)
	f.Add(good[:len(good)-1])
	f.Add([]byte(Magic))
	f.Fuzz(func(t *testing.T, b []byte) {
		r := bytes.NewReader(b)
		h, raw, err := ReadHeader(r)
		if err != nil {
			return
		}
		n, err := Verify(r, h, raw, testKey)
		if err == nil && !bytes.Equal(b, good) && n > 0 {
			// Only the writer with the key makes chunks that open.
			t.Fatalf("accepted %d pairs from bytes the writer did not make", n)
		}
	})
}

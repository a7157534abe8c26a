package handover

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// testParams are the cheapest parameters a reader accepts, so the tests
// run quickly; the format is the same.
var testParams = Params{Time: 1, MemoryKiB: minMemoryKiB, Threads: 1}

var pass = []byte("7KQ2M-ZX4RD-9PTWA-HN3EC-UYB5F")

func seal(t testing.TB, plain []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	w, err := NewWriter(&buf, pass, testParams)
	if err != nil {
		t.Fatal(err)
	}
	// Written in odd pieces, so chunk edges fall inside writes.
	for len(plain) > 0 {
		n := min(len(plain), 7777)
		if _, err := w.Write(plain[:n]); err != nil {
			t.Fatal(err)
		}
		plain = plain[n:]
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func open(file []byte, passphrase []byte) ([]byte, error) {
	r, err := NewReader(bytes.NewReader(file), passphrase)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(r)
}

func pattern(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

func TestRoundTrip(t *testing.T) {
	for _, n := range []int{0, 1, chunkSize - 1, chunkSize, chunkSize + 1, 3 * chunkSize, 3*chunkSize + 5} {
		plain := pattern(n)
		file := seal(t, plain)
		chunks := max(1, (n+chunkSize-1)/chunkSize)
		if want := headerSize + macSize + n + chunks*16; len(file) != want {
			t.Errorf("%d bytes: file of %d bytes, want %d", n, len(file), want)
		}
		got, err := open(file, pass)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: payload differs", n)
		}
		if bytes.Contains(file, plain[:min(n, 64)]) && n >= 16 {
			t.Errorf("%d bytes: plaintext visible in the file", n)
		}
	}
}

func TestRefused(t *testing.T) {
	plain := pattern(2*chunkSize + 100)
	file := seal(t, plain)
	first := headerSize + macSize
	second := first + sealedChunk
	third := second + sealedChunk
	cases := []struct {
		name string
		file []byte
		pass []byte
		want error
	}{
		{"wrong passphrase", file, []byte("wrong"), ErrWrongPassphrase},
		{"header byte changed", flip(file, 20), pass, ErrWrongPassphrase},
		{"kdf parameters raised", flipAt(file, 6, 0x7f), pass, ErrDamaged},
		{"not a hand-over file", append([]byte("PK\x03\x04"), file[4:]...), pass, ErrDamaged},
		{"empty", nil, pass, ErrDamaged},
		{"header only", file[:first], pass, ErrDamaged},
		{"last chunk dropped", file[:third], pass, ErrDamaged},
		{"last two chunks dropped", file[:second], pass, ErrDamaged},
		{"cut inside the last chunk", file[:len(file)-1], pass, ErrDamaged},
		{"byte appended", append(bytes.Clone(file), 0), pass, ErrDamaged},
		{"first chunk changed", flip(file, first+10), pass, ErrDamaged},
		{"last tag changed", flip(file, len(file)-1), pass, ErrDamaged},
		{"chunks swapped", swap(file, first, second, sealedChunk), pass, ErrDamaged},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := open(c.file, c.pass)
			if !errors.Is(err, c.want) {
				t.Fatalf("got %v, want %v", err, c.want)
			}
		})
	}
}

// TestByteFlipsRefused flips every byte of the header and tags, and bytes
// spread over the chunks (every byte in -long mode would take minutes:
// each open derives the key), of a two-chunk file.
func TestByteFlipsRefused(t *testing.T) {
	file := seal(t, pattern(chunkSize+300))
	first := headerSize + macSize
	var at []int
	for i := range len(file) {
		inChunk := (i - first) % sealedChunk
		if i < first || inChunk >= sealedChunk-16 || i >= len(file)-16 || i%1009 == 0 {
			at = append(at, i)
		}
	}
	for _, i := range at {
		if _, err := open(flip(file, i), pass); err == nil {
			t.Fatalf("byte %d flipped: file accepted", i)
		}
	}
}

func TestVerify(t *testing.T) {
	file := seal(t, pattern(chunkSize*2))
	if err := Verify(bytes.NewReader(file), pass); err != nil {
		t.Fatal(err)
	}
	if err := Verify(bytes.NewReader(file[:len(file)-5]), pass); !errors.Is(err, ErrDamaged) {
		t.Fatalf("cut file: %v", err)
	}
}

func TestPassphrase(t *testing.T) {
	seen := map[string]bool{}
	for range 200 {
		p := NewPassphrase()
		if len(p) != 29 || strings.Count(p, "-") != 4 {
			t.Fatalf("passphrase %q not five groups of five", p)
		}
		for _, r := range strings.ReplaceAll(p, "-", "") {
			if !strings.ContainsRune(passphraseAlphabet, r) {
				t.Fatalf("passphrase %q has %q", p, r)
			}
		}
		if seen[p] {
			t.Fatalf("passphrase %q twice", p)
		}
		seen[p] = true
	}
}

func flip(b []byte, i int) []byte { return flipAt(b, i, 0x01) }

func flipAt(b []byte, i int, x byte) []byte {
	c := bytes.Clone(b)
	c[i] ^= x
	return c
}

func swap(b []byte, i, j, n int) []byte {
	c := bytes.Clone(b)
	copy(c[i:i+n], b[j:j+n])
	copy(c[j:j+n], b[i:i+n])
	return c
}

// FuzzReader: whatever the bytes, the reader neither panics nor returns a
// payload from a file that was not sealed with the passphrase; a file
// sealed from the fuzzer's bytes opens to the same bytes.
func FuzzReader(f *testing.F) {
	f.Add(seal(f, []byte("hello")), []byte("hello"))
	f.Add(seal(f, nil), []byte{})
	f.Fuzz(func(t *testing.T, file, plain []byte) {
		if got, err := open(file, pass); err == nil && len(got) > 0 && !bytes.HasPrefix(file, []byte(magic)) {
			t.Fatal("opened a file without the magic")
		}
		got, err := open(seal(t, plain), pass)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("round trip: %v", err)
		}
	})
}

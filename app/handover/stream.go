// Package handover reads and writes the encrypted hand-over file: the only
// form in which records leave the office. A passphrase, handed over
// separately on a printed パスワード通知書, opens it. The file is a short
// header (the Argon2id parameters and salt, authenticated) and the payload
// in chunks sealed with XChaCha20-Poly1305, each nonce carrying the chunk's
// number and a last-chunk flag, so a large file streams and a cut, a
// reordering or a changed byte anywhere is refused. docs/FORMATS.md
// describes the bytes.
package handover

import (
	"bytes"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"golang.org/x/crypto/argon2"
	"golang.org/x/crypto/chacha20poly1305"
)

// Errors a reader returns; both are checked with errors.Is.
var (
	// ErrWrongPassphrase: the header does not open with the passphrase
	// (a wrong passphrase, or a header someone changed).
	ErrWrongPassphrase = errors.New("handover: wrong passphrase or changed header")
	// ErrDamaged: the file is not a hand-over file, or it is cut short,
	// reordered or changed after the header.
	ErrDamaged = errors.New("handover: damaged file")
)

// Params are the Argon2id parameters that turn a passphrase into the file's
// key. They are written into the header.
type Params struct {
	Time      uint32 // passes
	MemoryKiB uint32 // memory in KiB
	Threads   uint8
}

// DefaultParams are the parameters new files use: about half a second and
// 64 MiB on an office PC.
var DefaultParams = Params{Time: 3, MemoryKiB: 64 * 1024, Threads: 2}

// The limits a reader accepts, so that a hostile file cannot ask for hours
// of work or gigabytes of memory before its passphrase is even checked.
const (
	maxTime      = 10
	minMemoryKiB = 8 * 1024
	maxMemoryKiB = 1024 * 1024
	maxThreads   = 16
)

const (
	magic       = "MDGH"
	version     = 1
	saltSize    = 16
	prefixSize  = 16
	macSize     = 32
	headerSize  = 4 + 1 + 4 + 4 + 1 + saltSize + prefixSize // before the MAC
	chunkSize   = 64 * 1024
	sealedChunk = chunkSize + chacha20poly1305.Overhead
	lastFlag    = uint64(1) << 63
)

// keys derives the header's MAC key and the payload key from the
// passphrase and the header's salt and nonce prefix.
func keys(passphrase []byte, p Params, salt, prefix []byte) (mac, payload []byte, err error) {
	k := argon2.IDKey(passphrase, salt, p.Time, p.MemoryKiB, p.Threads, 32)
	defer clear(k)
	mac, err = hkdf.Key(sha256.New, k, salt, "madoguchi handover header v1", 32)
	if err != nil {
		return nil, nil, err
	}
	payload, err = hkdf.Key(sha256.New, k, prefix, "madoguchi handover payload v1", chacha20poly1305.KeySize)
	return mac, payload, err
}

func nonce(prefix []byte, n uint64, last bool) []byte {
	out := make([]byte, chacha20poly1305.NonceSizeX)
	copy(out, prefix)
	if last {
		n |= lastFlag
	}
	binary.BigEndian.PutUint64(out[prefixSize:], n)
	return out
}

// Writer seals what is written to it into a hand-over file. Close writes
// the last chunk; a file without it is refused by every reader.
type Writer struct {
	dst  io.Writer
	aead interface {
		Seal(dst, nonce, plain, ad []byte) []byte
	}
	prefix []byte
	buf    []byte
	out    []byte
	n      uint64
	closed bool
}

// NewWriter writes the header of a new hand-over file to dst and returns
// the writer of its payload. The passphrase is used, not kept.
func NewWriter(dst io.Writer, passphrase []byte, p Params) (*Writer, error) {
	if err := p.check(); err != nil {
		return nil, err
	}
	h := make([]byte, 0, headerSize+macSize)
	h = append(h, magic...)
	h = append(h, version)
	h = binary.BigEndian.AppendUint32(h, p.Time)
	h = binary.BigEndian.AppendUint32(h, p.MemoryKiB)
	h = append(h, p.Threads)
	random := make([]byte, saltSize+prefixSize)
	if _, err := rand.Read(random); err != nil {
		return nil, fmt.Errorf("handover: randomness: %w", err)
	}
	h = append(h, random...)
	salt, prefix := random[:saltSize], random[saltSize:]
	macKey, payloadKey, err := keys(passphrase, p, salt, prefix)
	if err != nil {
		return nil, fmt.Errorf("handover: derive keys: %w", err)
	}
	defer clear(payloadKey)
	m := hmac.New(sha256.New, macKey)
	m.Write(h)
	h = m.Sum(h)
	aead, err := chacha20poly1305.NewX(payloadKey)
	if err != nil {
		return nil, fmt.Errorf("handover: %w", err)
	}
	if _, err := dst.Write(h); err != nil {
		return nil, fmt.Errorf("handover: write header: %w", err)
	}
	return &Writer{dst: dst, aead: aead, prefix: bytes.Clone(prefix),
		buf: make([]byte, 0, chunkSize), out: make([]byte, 0, sealedChunk)}, nil
}

func (p Params) check() error {
	if p.Time < 1 || p.Time > maxTime || p.MemoryKiB < minMemoryKiB || p.MemoryKiB > maxMemoryKiB ||
		p.Threads < 1 || p.Threads > maxThreads {
		return fmt.Errorf("handover: argon2id parameters %+v out of range: %w", p, ErrDamaged)
	}
	return nil
}

// Write seals full chunks as they fill.
func (w *Writer) Write(b []byte) (int, error) {
	if w.closed {
		return 0, errors.New("handover: write after close")
	}
	n := len(b)
	for len(b) > 0 {
		if len(w.buf) == chunkSize {
			if err := w.flush(false); err != nil {
				return n - len(b), err
			}
		}
		k := copy(w.buf[len(w.buf):chunkSize], b)
		w.buf, b = w.buf[:len(w.buf)+k], b[k:]
	}
	return n, nil
}

func (w *Writer) flush(last bool) error {
	w.out = w.aead.Seal(w.out[:0], nonce(w.prefix, w.n, last), w.buf, nil)
	if _, err := w.dst.Write(w.out); err != nil {
		return fmt.Errorf("handover: write chunk %d: %w", w.n, err)
	}
	w.n++
	w.buf = w.buf[:0]
	return nil
}

// Close seals the last chunk (which may be empty only when nothing was
// written). It does not close dst.
func (w *Writer) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	return w.flush(true)
}

// Reader opens a hand-over file. Read returns a chunk's bytes only after
// the chunk verified; a damaged chunk, a missing last chunk or bytes after
// it end in ErrDamaged. A caller that must not act on part of a file reads
// it to the end first (see Verify).
type Reader struct {
	src  io.Reader
	aead interface {
		Open(dst, nonce, sealed, ad []byte) ([]byte, error)
	}
	prefix []byte
	in     []byte // a sealed chunk and the byte after it
	ahead  []byte // that byte, once the chunk is open
	pbuf   []byte
	plain  []byte // what Read has not returned yet of the open chunk
	n      uint64
	done   bool
	err    error
}

// NewReader reads and checks the header of a hand-over file.
func NewReader(src io.Reader, passphrase []byte) (*Reader, error) {
	h := make([]byte, headerSize+macSize)
	if _, err := io.ReadFull(src, h); err != nil {
		return nil, fmt.Errorf("handover: header: %w", ErrDamaged)
	}
	if string(h[:4]) != magic || h[4] != version {
		return nil, fmt.Errorf("handover: not a hand-over file of version %d: %w", version, ErrDamaged)
	}
	p := Params{Time: binary.BigEndian.Uint32(h[5:]), MemoryKiB: binary.BigEndian.Uint32(h[9:]), Threads: h[13]}
	if err := p.check(); err != nil {
		return nil, err
	}
	salt := h[14 : 14+saltSize]
	prefix := h[14+saltSize : headerSize]
	macKey, payloadKey, err := keys(passphrase, p, salt, prefix)
	if err != nil {
		return nil, fmt.Errorf("handover: derive keys: %w", err)
	}
	defer clear(payloadKey)
	m := hmac.New(sha256.New, macKey)
	m.Write(h[:headerSize])
	if !hmac.Equal(m.Sum(nil), h[headerSize:]) {
		return nil, ErrWrongPassphrase
	}
	aead, err := chacha20poly1305.NewX(payloadKey)
	if err != nil {
		return nil, fmt.Errorf("handover: %w", err)
	}
	return &Reader{src: src, aead: aead, prefix: bytes.Clone(prefix), in: make([]byte, sealedChunk+1),
		ahead: make([]byte, 0, 1), pbuf: make([]byte, 0, chunkSize)}, nil
}

// Read returns the payload, chunk by verified chunk.
func (r *Reader) Read(b []byte) (int, error) {
	for len(r.plain) == 0 {
		if r.err != nil {
			return 0, r.err
		}
		if r.done {
			return 0, io.EOF
		}
		r.err = r.next()
	}
	n := copy(b, r.plain)
	r.plain = r.plain[n:]
	return n, nil
}

// next reads and opens one chunk. A chunk is full-sized unless it is the
// last; a full-sized chunk is the last one exactly when nothing follows, so
// next reads one byte past it and keeps that byte for the next chunk.
func (r *Reader) next() error {
	k := copy(r.in, r.ahead)
	r.ahead = r.ahead[:0]
	n, err := io.ReadFull(r.src, r.in[k:])
	n += k
	switch {
	case err == nil:
		r.ahead = append(r.ahead, r.in[sealedChunk])
		return r.open(r.in[:sealedChunk], false)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		if n < chacha20poly1305.Overhead {
			return fmt.Errorf("handover: cut after chunk %d: %w", r.n, ErrDamaged)
		}
		return r.open(r.in[:n], true)
	}
	return fmt.Errorf("handover: read chunk %d: %w", r.n, err)
}

func (r *Reader) open(sealed []byte, last bool) error {
	plain, err := r.aead.Open(r.pbuf[:0], nonce(r.prefix, r.n, last), sealed, nil)
	if err != nil {
		return fmt.Errorf("handover: chunk %d: %w", r.n, ErrDamaged)
	}
	if last && len(plain) == 0 && r.n > 0 {
		return fmt.Errorf("handover: empty last chunk after chunk %d: %w", r.n-1, ErrDamaged)
	}
	r.n++
	r.plain, r.done = plain, last
	return nil
}

// Verify reads a whole hand-over file and reports whether every chunk
// opens with the passphrase, without keeping the payload: the check to
// run before anything is written from it.
func Verify(src io.Reader, passphrase []byte) error {
	r, err := NewReader(src, passphrase)
	if err != nil {
		return err
	}
	_, err = io.Copy(io.Discard, r)
	return err
}

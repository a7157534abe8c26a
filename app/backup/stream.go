package backup

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// Frames of the plaintext inside the chunks.
const (
	frameEnd  = 0 // then u64 big-endian: the number of pairs
	framePair = 1 // then uvarint(len key) key uvarint(len value) value
)

// Writer writes the pairs of a backup after its header: it frames them,
// cuts the plaintext into chunks of the header's size and seals each
// chunk, the last one (possibly empty) with the last flag. Close writes
// the end frame and the last chunk; it does not close the underlying
// writer.
type Writer struct {
	w      io.Writer
	s      *vault.Stream
	size   int
	buf    []byte
	sealed []byte
	next   uint64 // the index of the next chunk
	pairs  uint64
	done   bool
}

// NewWriter writes h to w and returns the writer of its chunks under the
// 32-byte file key.
func NewWriter(w io.Writer, h Header, fileKey []byte) (*Writer, error) {
	raw, err := h.Marshal()
	if err != nil {
		return nil, err
	}
	s, err := vault.NewStream(fileKey, AD(raw))
	if err != nil {
		return nil, err
	}
	if _, err := w.Write(raw); err != nil {
		return nil, fmt.Errorf("write backup header: %w", err)
	}
	return &Writer{w: w, s: s, size: h.ChunkSize, buf: make([]byte, 0, h.ChunkSize+binary.MaxVarintLen64*2)}, nil
}

// Pair adds one key and value.
func (w *Writer) Pair(key, value []byte) error {
	if len(key) == 0 || len(key) > maxKey || len(value) > maxValue {
		return fmt.Errorf("backup pair: key of %d bytes, value of %d: %w", len(key), len(value), ErrDamaged)
	}
	w.pairs++
	var hdr [1 + 2*binary.MaxVarintLen64]byte
	hdr[0] = framePair
	n := 1 + binary.PutUvarint(hdr[1:], uint64(len(key)))
	if err := w.write(hdr[:n]); err != nil {
		return err
	}
	if err := w.write(key); err != nil {
		return err
	}
	n = binary.PutUvarint(hdr[:], uint64(len(value)))
	if err := w.write(hdr[:n]); err != nil {
		return err
	}
	return w.write(value)
}

// write adds plaintext, sealing every full chunk.
func (w *Writer) write(p []byte) error {
	for len(p) > 0 {
		n := min(len(p), w.size-len(w.buf))
		w.buf = append(w.buf, p[:n]...)
		p = p[n:]
		if len(w.buf) == w.size {
			if err := w.flush(false); err != nil {
				return err
			}
		}
	}
	return nil
}

func (w *Writer) flush(last bool) error {
	w.sealed = w.s.Seal(w.sealed[:0], w.next, last, w.buf)
	w.next++
	w.buf = w.buf[:0]
	if _, err := w.w.Write(w.sealed); err != nil {
		return fmt.Errorf("write backup: %w", err)
	}
	return nil
}

// Close writes the end frame and the last chunk.
func (w *Writer) Close() error {
	if w.done {
		return nil
	}
	w.done = true
	end := binary.BigEndian.AppendUint64([]byte{frameEnd}, w.pairs)
	if err := w.write(end); err != nil {
		return err
	}
	return w.flush(true)
}

// Reader reads the pairs of a backup after its header, opening each chunk
// as it comes. Any chunk that does not open, a file that ends before the
// last chunk or goes on after it, and frames that do not parse wrap
// ErrDamaged.
type Reader struct {
	r    *bufio.Reader
	s    *vault.Stream
	size int
	sealed,
	plain []byte
	off   int
	next  uint64
	last  bool
	pairs uint64
	ended bool
	key   []byte
	value []byte
	// read64 counts the bytes of chunks read.
	read64 int64
}

// BytesRead is how many bytes of chunks the reader has read.
func (r *Reader) BytesRead() int64 { return r.read64 }

// NewReader returns the reader of the chunks that follow the raw header
// (as ReadHeader returned it) in r, under the file key.
func NewReader(r io.Reader, h Header, rawHeader, fileKey []byte) (*Reader, error) {
	s, err := vault.NewStream(fileKey, AD(rawHeader))
	if err != nil {
		return nil, err
	}
	return &Reader{r: bufio.NewReaderSize(r, 1<<16), s: s, size: h.ChunkSize,
		sealed: make([]byte, h.ChunkSize+vault.StreamOverhead)}, nil
}

// chunk opens the next chunk into plain.
func (r *Reader) chunk() error {
	if r.last {
		return fmt.Errorf("read after the last chunk: %w", ErrDamaged)
	}
	n, err := io.ReadFull(r.r, r.sealed)
	r.read64 += int64(n)
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
		r.last = true
	case err != nil:
		return fmt.Errorf("read backup: %w", err)
	}
	if !r.last {
		if _, err := r.r.Peek(1); errors.Is(err, io.EOF) {
			// A full chunk is never the last one: the file was cut.
			return fmt.Errorf("chunk %d: file ends after a full chunk: %w", r.next, ErrDamaged)
		}
	}
	if n < vault.StreamOverhead {
		return fmt.Errorf("chunk %d of %d bytes: %w", r.next, n, ErrDamaged)
	}
	r.plain, err = r.s.Open(r.plain[:0], r.next, r.last, r.sealed[:n])
	if err != nil {
		return fmt.Errorf("%w: %w", ErrDamaged, err)
	}
	r.next++
	r.off = 0
	return nil
}

// read fills p from the chunks.
func (r *Reader) read(p []byte) error {
	for len(p) > 0 {
		if r.off == len(r.plain) {
			if err := r.chunk(); err != nil {
				return err
			}
			if len(r.plain) == 0 {
				return fmt.Errorf("chunk %d: frames end early: %w", r.next-1, ErrDamaged)
			}
		}
		n := copy(p, r.plain[r.off:])
		r.off += n
		p = p[n:]
	}
	return nil
}

func (r *Reader) byte() (byte, error) {
	var b [1]byte
	err := r.read(b[:])
	return b[0], err
}

func (r *Reader) uvarint(max int) (int, error) {
	var x uint64
	for i := 0; i < binary.MaxVarintLen64; i++ {
		b, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == binary.MaxVarintLen64-1 && b > 1 {
			break
		}
		x |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			if x > uint64(max) || (i > 0 && b == 0) {
				break // too big, or not the shortest form
			}
			return int(x), nil
		}
	}
	return 0, fmt.Errorf("frame length: %w", ErrDamaged)
}

// Next returns the next key and value, valid until the next call, and
// io.EOF after the last pair once the end frame and the last chunk have
// checked out (the pair count, nothing after it).
func (r *Reader) Next() (key, value []byte, err error) {
	if r.ended {
		return nil, nil, io.EOF
	}
	if k, v, ok := r.inChunk(); ok {
		return k, v, nil
	}
	f, err := r.byte()
	if err != nil {
		return nil, nil, err
	}
	switch f {
	case framePair:
	case frameEnd:
		return nil, nil, r.end()
	default:
		return nil, nil, fmt.Errorf("frame type %d: %w", f, ErrDamaged)
	}
	kl, err := r.uvarint(maxKey)
	if err != nil {
		return nil, nil, err
	}
	if kl == 0 {
		return nil, nil, fmt.Errorf("empty key: %w", ErrDamaged)
	}
	r.key = grow(r.key, kl)
	if err := r.read(r.key); err != nil {
		return nil, nil, err
	}
	vl, err := r.uvarint(maxValue)
	if err != nil {
		return nil, nil, err
	}
	r.value = grow(r.value, vl)
	if err := r.read(r.value); err != nil {
		return nil, nil, err
	}
	r.pairs++
	return r.key, r.value, nil
}

// inChunk returns the next pair in place when its whole frame is in the
// open chunk and well formed (the pairs of a backup are small against a
// chunk, so nearly all of them are). Anything else is left to Next's
// byte-by-byte path, which gives the errors.
func (r *Reader) inChunk() (key, value []byte, ok bool) {
	b := r.plain[r.off:]
	if len(b) < 3 || b[0] != framePair {
		return nil, nil, false
	}
	kl, n := shortUvarint(b[1:], maxKey)
	if n <= 0 || kl == 0 {
		return nil, nil, false
	}
	at := 1 + n
	if len(b)-at < kl {
		return nil, nil, false
	}
	key = b[at : at+kl : at+kl]
	at += kl
	vl, n := shortUvarint(b[at:], maxValue)
	if n <= 0 || len(b)-at-n < vl {
		return nil, nil, false
	}
	at += n
	value = b[at : at+vl : at+vl]
	r.off += at + vl
	r.pairs++
	return key, value, true
}

// shortUvarint decodes a uvarint in its shortest form and at most max, as
// Reader.uvarint accepts it; n ≤ 0 when it does not.
func shortUvarint(b []byte, max int) (x, n int) {
	u, n := binary.Uvarint(b)
	if n <= 0 || u > uint64(max) || n != uvarintLen(u) {
		return 0, 0
	}
	return int(u), n
}

func uvarintLen(u uint64) int {
	n := 1
	for ; u >= 0x80; u >>= 7 {
		n++
	}
	return n
}

func (r *Reader) end() error {
	var c [8]byte
	if err := r.read(c[:]); err != nil {
		return err
	}
	if binary.BigEndian.Uint64(c[:]) != r.pairs {
		return fmt.Errorf("end frame counts %d pairs, read %d: %w", binary.BigEndian.Uint64(c[:]), r.pairs, ErrDamaged)
	}
	if r.off != len(r.plain) {
		return fmt.Errorf("data after the end frame: %w", ErrDamaged)
	}
	if !r.last {
		// The end frame filled a chunk: an empty last chunk follows.
		if err := r.chunk(); err != nil {
			return err
		}
		if !r.last || len(r.plain) != 0 {
			return fmt.Errorf("data after the end frame: %w", ErrDamaged)
		}
	}
	r.ended = true
	return io.EOF
}

func grow(b []byte, n int) []byte {
	if cap(b) < n {
		return make([]byte, n)
	}
	return b[:n]
}

// Verify reads every pair of the backup in r (after its raw header) and
// reports the number of pairs, or the first problem (ErrDamaged).
func Verify(r io.Reader, h Header, rawHeader, fileKey []byte) (int, error) {
	br, err := NewReader(r, h, rawHeader, fileKey)
	if err != nil {
		return 0, err
	}
	n := 0
	for {
		_, _, err := br.Next()
		if errors.Is(err, io.EOF) {
			return n, nil
		}
		if err != nil {
			return n, err
		}
		n++
	}
}

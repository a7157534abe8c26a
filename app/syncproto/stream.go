package syncproto

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// MaxPullFrame bounds one page of a pull stream: a page of MaxPageBytes,
// or one envelope of MaxEnvelope, and the framing of MaxPage envelopes.
const MaxPullFrame = central.MaxEnvelope + central.MaxPageBytes + central.MaxPage*(1<<10)

// PullStreamType is the content type of a pull stream.
const PullStreamType = "application/x-madoguchi-pull-stream"

// AppendPullFrame appends p to b as one frame of a pull stream: the
// length of its encoding (4 bytes, big-endian), then the encoding
// (PullResponse.Marshal). A pull stream is frames back to back, one per
// page, in cursor order.
func AppendPullFrame(b []byte, p *PullResponse) []byte {
	at := len(b)
	b = slices.Grow(b, 4+p.size())
	b = append(b, 0, 0, 0, 0)
	b = p.appendTo(b)
	binary.BigEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	return b
}

// FrameSize is the size in bytes of p's frame in a pull stream, its
// length included: len(AppendPullFrame(nil, p)), without encoding it.
func FrameSize(p *PullResponse) int { return 4 + p.size() }

// StartPullFrame appends the start of a frame whose envelopes follow one
// at a time (AppendPullEnvelope): for a server that reads them from its
// store one by one and never holds the page. EndPullFrame completes it,
// given len(b) before StartPullFrame; the frame is then byte for byte
// what AppendPullFrame makes of the same page.
func StartPullFrame(b []byte) []byte {
	b = append(b, 0, 0, 0, 0)
	return (&PullResponse{}).appendTo(b) // Next, Last and the count: EndPullFrame
}

// AppendPullEnvelope appends e, with its device and cursor, to a frame
// begun by StartPullFrame.
func AppendPullEnvelope(b []byte, e *central.Envelope) []byte {
	return appendEnvelope(b, *e, true)
}

// EndPullFrame completes the frame that starts at b[at:] (StartPullFrame)
// with its n envelopes: it writes the frame's length, the page's next
// and last cursors and the count.
func EndPullFrame(b []byte, at, n int, next, last uint64) []byte {
	h := b[at+4+len(wireMagic)+2:][:0]
	h = put64(h, next)
	h = put64(h, last)
	putLen(h, 4, n)
	binary.BigEndian.PutUint32(b[at:], uint32(len(b)-at-4))
	return b
}

// PullStream reads the pages of a pull stream, one frame at a time.
type PullStream struct {
	r   io.Reader
	off int64 // bytes read
}

// NewPullStream reads a pull stream from r.
func NewPullStream(r io.Reader) *PullStream { return &PullStream{r: r} }

// ErrStreamCut is what PullStream.Next returns when the stream ends
// inside a frame: the connection broke (it wraps io.ErrUnexpectedEOF).
var ErrStreamCut = fmt.Errorf("sync: pull stream cut inside a page: %w", io.ErrUnexpectedEOF)

// Next returns the next page. It returns io.EOF at the end of the stream
// (between two frames), an error wrapping ErrStreamCut when the stream
// ends inside a frame, ErrMalformed for a frame longer than MaxPullFrame
// or one that does not decode, and the reader's other errors as they are.
// The page's envelopes' Data are parts of a buffer of their own, which
// nothing else uses.
func (s *PullStream) Next() (*PullResponse, error) {
	var hdr [4]byte
	n, err := io.ReadFull(s.r, hdr[:])
	switch {
	case err == io.EOF:
		return nil, io.EOF
	case errors.Is(err, io.ErrUnexpectedEOF):
		return nil, fmt.Errorf("frame at byte %d: %w", s.off, ErrStreamCut)
	case err != nil:
		return nil, err
	}
	s.off += int64(n)
	size := binary.BigEndian.Uint32(hdr[:])
	if size > MaxPullFrame {
		return nil, fmt.Errorf("pull stream: frame at byte %d of %d bytes, at most %d: %w", s.off-4, size, MaxPullFrame, ErrMalformed)
	}
	// A frame of up to 4 MiB is read into one buffer of its size; a
	// longer one into a buffer that doubles as its bytes come, so that a
	// length the bytes after it do not back costs no more memory than
	// those bytes.
	want := int(size)
	buf := make([]byte, 0, min(want, 4<<20))
	for len(buf) < want {
		if len(buf) == cap(buf) {
			buf = slices.Grow(buf, min(want-len(buf), cap(buf)))
		}
		piece := min(want, cap(buf)) - len(buf)
		n, err := io.ReadFull(s.r, buf[len(buf):len(buf)+piece])
		buf = buf[:len(buf)+n]
		s.off += int64(n)
		if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, fmt.Errorf("frame at byte %d, %d of %d bytes: %w", s.off-int64(len(buf))-4, len(buf), want, ErrStreamCut)
		}
		if err != nil {
			return nil, err
		}
	}
	p, err := UnmarshalPullResponse(buf)
	if err != nil {
		return nil, fmt.Errorf("pull stream: frame at byte %d: %w", s.off-int64(size)-4, err)
	}
	return p, nil
}

package syncproto

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"testing"
	"testing/iotest"
)

// stream is the pull stream of pages.
func stream(pages ...*PullResponse) []byte {
	var b []byte
	for _, p := range pages {
		b = AppendPullFrame(b, p)
	}
	return b
}

func TestPullStreamRoundTrip(t *testing.T) {
	w := honest(t)
	pages := []*PullResponse{
		{Envelopes: clone(w.log[:3]), Next: 3, Last: 8},
		{Envelopes: clone(w.log[3:8]), Next: 8, Last: 8},
		{Next: 8, Last: 8},
	}
	b := stream(pages...)
	// The frames are the messages with their lengths before them.
	at := 0
	for i, p := range pages {
		m := p.Marshal()
		if n := binary.BigEndian.Uint32(b[at:]); int(n) != len(m) || !bytes.Equal(b[at+4:at+4+len(m)], m) {
			t.Fatalf("frame %d: length %d, want %d, or other bytes than Marshal's", i, n, len(m))
		}
		at += 4 + len(m)
	}
	// Read byte by byte too: a frame comes in as many reads as TCP makes.
	for _, r := range []io.Reader{bytes.NewReader(b), iotest.OneByteReader(bytes.NewReader(b))} {
		s := NewPullStream(r)
		for i, want := range pages {
			got, err := s.Next()
			if err != nil {
				t.Fatalf("page %d: %v", i, err)
			}
			if len(want.Envelopes) == 0 {
				want.Envelopes = got.Envelopes[:0:0]
				if len(got.Envelopes) != 0 {
					t.Fatalf("page %d: %d envelopes, want none", i, len(got.Envelopes))
				}
				got.Envelopes = want.Envelopes
			}
			if !reflect.DeepEqual(got, want) {
				t.Fatalf("page %d: %+v, want %+v", i, got, want)
			}
		}
		if _, err := s.Next(); err != io.EOF {
			t.Fatalf("after the last frame: %v, want io.EOF", err)
		}
	}
}

// TestPullFrameByEnvelope: a frame built envelope by envelope
// (StartPullFrame, AppendPullEnvelope, EndPullFrame), after bytes already
// in the buffer, is byte for byte AppendPullFrame's frame of the page,
// and FrameSize says its size.
func TestPullFrameByEnvelope(t *testing.T) {
	w := honest(t)
	for _, p := range []*PullResponse{
		{Envelopes: clone(w.log[:3]), Next: 3, Last: 8},
		{Envelopes: clone(w.log[3:8]), Next: 8, Last: 1 << 40},
		{Next: 8, Last: 8},
	} {
		for _, before := range [][]byte{nil, []byte("an earlier frame")} {
			want := AppendPullFrame(bytes.Clone(before), p)
			b := StartPullFrame(bytes.Clone(before))
			for i := range p.Envelopes {
				b = AppendPullEnvelope(b, &p.Envelopes[i])
			}
			b = EndPullFrame(b, len(before), len(p.Envelopes), p.Next, p.Last)
			if !bytes.Equal(b, want) {
				t.Fatalf("page of %d envelopes after %d bytes: the frames differ", len(p.Envelopes), len(before))
			}
			if n := FrameSize(p); n != len(want)-len(before) {
				t.Fatalf("page of %d envelopes: FrameSize %d, frame of %d bytes", len(p.Envelopes), n, len(want)-len(before))
			}
		}
	}
}

func TestPullStreamRefused(t *testing.T) {
	w := honest(t)
	one := stream(&PullResponse{Envelopes: clone(w.log[:2]), Next: 2, Last: 8})
	big := binary.BigEndian.AppendUint32(nil, MaxPullFrame+1)
	bad := bytes.Clone(one)
	bad[4] = 'X' // the magic of the message
	boom := errors.New("connection reset")
	pr := (&PushResponse{}).Marshal()
	push := append(binary.BigEndian.AppendUint32(nil, uint32(len(pr))), pr...)
	for _, tc := range []struct {
		name string
		r    io.Reader
		want error
	}{
		{"cut in the length", bytes.NewReader(one[:2]), ErrStreamCut},
		{"cut after the length", bytes.NewReader(one[:4]), ErrStreamCut},
		{"cut in the page", bytes.NewReader(one[:len(one)-1]), ErrStreamCut},
		{"longer than a page can be", bytes.NewReader(append(big, make([]byte, 64)...)), ErrMalformed},
		{"a length that no bytes follow", bytes.NewReader(binary.BigEndian.AppendUint32(nil, MaxPullFrame)), ErrStreamCut},
		{"not a pull response", bytes.NewReader(bad), ErrMalformed},
		{"a push response in the frame", bytes.NewReader(push), ErrMalformed},
		{"the reader's error", io.MultiReader(bytes.NewReader(one[:10]), iotest.ErrReader(boom)), boom},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := NewPullStream(tc.r).Next()
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func FuzzPullStream(f *testing.F) {
	w := honest(f)
	f.Add(stream(&PullResponse{Envelopes: clone(w.log[:4]), Next: 4, Last: 11}, &PullResponse{Next: 4, Last: 11}))
	f.Add(stream(&PullResponse{}))
	f.Add([]byte("\x00\x00\x00\x05MDGP\x03"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s := NewPullStream(bytes.NewReader(b))
		var again []byte
		for {
			p, err := s.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				if !errors.Is(err, ErrMalformed) && !errors.Is(err, ErrStreamCut) {
					t.Fatalf("error %v is neither malformed nor a cut", err)
				}
				return
			}
			again = AppendPullFrame(again, p)
		}
		if !bytes.Equal(again, b) {
			t.Fatalf("re-encodes to %x, input %x", again, b)
		}
	})
}

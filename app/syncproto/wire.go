package syncproto

import (
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// The encodings are described in the package doc (Wire format).

const (
	wireMagic   = "MDGP"
	wireVersion = 1

	typePushRequest  = 1
	typePushResponse = 2
	typePullResponse = 3
)

// PushRequest is the body of a push: one batch of the device's envelopes in
// chain order, and its access-log anchor if any. The device and office are
// not sent (the server takes them from the TLS session), nor cursors.
type PushRequest struct {
	Envelopes []central.Envelope
	Anchor    *central.Anchor
}

// PushResponse is the answer to a push: what the server stored, the
// device's chain head after it, and the office's highest cursor.
type PushResponse struct {
	Stored, Duplicates int
	Head               Head
	Last               uint64
}

// PullResponse is the answer to a pull: the envelopes above the cursor
// asked for, with their device and cursor, the cursor to pull after next
// time and the office's highest cursor.
type PullResponse struct {
	Envelopes  []central.Envelope
	Next, Last uint64
}

func header(typ byte) []byte {
	return append([]byte(wireMagic), typ, wireVersion)
}

func (r *reader) header(typ byte) {
	if m := r.take(len(wireMagic), "magic"); r.err == nil && string(m) != wireMagic {
		r.fail("not a sync message")
	}
	if t := r.u8("type"); r.err == nil && t != typ {
		r.fail("message type %d, want %d", t, typ)
	}
	if v := r.u8("version"); r.err == nil && v != wireVersion {
		r.fail("version %d", v)
	}
}

// appendEnvelope encodes one envelope; device and cursor only when full.
func appendEnvelope(b []byte, e central.Envelope, full bool) []byte {
	b = putBytes(b, 2, []byte(e.ID))
	b = putBytes(b, 1, []byte(e.Rev))
	if full {
		b = putBytes(b, 1, []byte(e.Device))
		b = put64(b, e.Cursor)
	}
	b = put64(b, e.Link.Seq)
	b = putBytes(b, 1, e.Link.Prev)
	b = putBytes(b, 1, e.Link.Hash)
	b = putBytes(b, 2, e.Link.Sig)
	return putBytes(b, 4, e.Data)
}

// minEnvelope is the size of the smallest encoded envelope.
func minEnvelope(full bool) int {
	n := 2 + 1 + 8 + 1 + 1 + 2 + 4
	if full {
		n += 1 + 8
	}
	return n
}

func (r *reader) envelope(full bool) central.Envelope {
	var e central.Envelope
	e.ID = r.str(2, 0, central.MaxID, "record id")
	e.Rev = r.str(1, 0, central.MaxRev, "rev")
	if full {
		if d := r.part(1, 0, central.MaxName, "device id"); string(d) == r.device {
			e.Device = r.device
		} else {
			e.Device = string(d)
			r.device = e.Device
		}
		e.Cursor = r.u64("cursor")
	}
	e.Link.Seq = r.u64("seq")
	e.Link.Prev = r.bytes(1, 0, central.MaxHash, "link prev")
	e.Link.Hash = r.bytes(1, 0, central.MaxHash, "link hash")
	e.Link.Sig = r.bytes(2, 0, central.MaxSig, "link signature")
	e.Data = r.view(4, 0, central.MaxEnvelope, "envelope data")
	return e
}

// envelopes reads a count and that many envelopes, refusing more than max,
// or more data in all than maxBytes (for a page: unless it is a single
// envelope).
func (r *reader) envelopes(max, maxBytes int, full bool) []central.Envelope {
	n := r.count(max, minEnvelope(full), "envelopes")
	if n == 0 || r.err != nil {
		return nil
	}
	envs := make([]central.Envelope, 0, n)
	total := 0
	for i := 0; i < n && r.err == nil; i++ {
		e := r.envelope(full)
		total += len(e.Data)
		if r.err == nil && total > maxBytes && !(full && n == 1) {
			r.fail("envelope %d (record %s rev %s): more than %d bytes of data in all", i, e.ID, e.Rev, maxBytes)
		}
		envs = append(envs, e)
	}
	if r.err != nil {
		return nil
	}
	return envs
}

// Marshal encodes the request.
func (q *PushRequest) Marshal() []byte {
	b := header(typePushRequest)
	b = putLen(b, 4, len(q.Envelopes))
	for _, e := range q.Envelopes {
		b = appendEnvelope(b, e, false)
	}
	if q.Anchor == nil {
		return put8(b, 0)
	}
	b = put8(b, 1)
	b = put64(b, q.Anchor.Seq)
	b = putBytes(b, 1, q.Anchor.Hash)
	b = putBytes(b, 2, q.Anchor.Sig)
	return put64(b, uint64(unixNano(q.Anchor.At)))
}

// unixNano is t in nanoseconds since 1970, 0 for the zero time.
func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

// fromUnixNano is the inverse of unixNano (in UTC).
func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n).UTC()
}

// UnmarshalPushRequest decodes a push request (at most central.MaxBatch
// envelopes, central.MaxBatchBytes of data in all). The envelopes' Data
// are parts of b, not copies: do not change b afterwards.
func UnmarshalPushRequest(b []byte) (*PushRequest, error) {
	r := &reader{b: b, msg: "push request", alias: true}
	r.header(typePushRequest)
	q := &PushRequest{Envelopes: r.envelopes(central.MaxBatch, central.MaxBatchBytes, false)}
	switch flag := r.u8("anchor flag"); {
	case r.err != nil:
	case flag == 1:
		a := &central.Anchor{}
		a.Seq = r.u64("anchor seq")
		a.Hash = r.bytes(1, 0, central.MaxHash, "anchor hash")
		a.Sig = r.bytes(2, 0, central.MaxSig, "anchor signature")
		a.At = fromUnixNano(int64(r.u64("anchor time")))
		q.Anchor = a
	case flag != 0:
		r.fail("anchor flag %d", flag)
	}
	if err := r.end(); err != nil {
		return nil, err
	}
	return q, nil
}

// Marshal encodes the response.
func (s *PushResponse) Marshal() []byte {
	b := header(typePushResponse)
	b = putLen(b, 4, s.Stored)
	b = putLen(b, 4, s.Duplicates)
	b = put64(b, s.Head.Seq)
	b = putBytes(b, 1, s.Head.Hash)
	return put64(b, s.Last)
}

// UnmarshalPushResponse decodes a push response (counts up to
// central.MaxBatch; a head with a hash exactly when its seq is not 0).
func UnmarshalPushResponse(b []byte) (*PushResponse, error) {
	r := &reader{b: b, msg: "push response"}
	r.header(typePushResponse)
	s := &PushResponse{}
	s.Stored = r.count(central.MaxBatch, 0, "stored")
	s.Duplicates = r.count(central.MaxBatch, 0, "duplicates")
	s.Head.Seq = r.u64("head seq")
	s.Head.Hash = r.bytes(1, 0, central.MaxHash, "head hash")
	if r.err == nil && (s.Head.Seq == 0) != (len(s.Head.Hash) == 0) {
		r.fail("head at seq %d with a hash of %d bytes", s.Head.Seq, len(s.Head.Hash))
	}
	s.Last = r.u64("last cursor")
	if err := r.end(); err != nil {
		return nil, err
	}
	return s, nil
}

// Marshal encodes the response.
func (p *PullResponse) Marshal() []byte {
	return p.appendTo(make([]byte, 0, p.size()))
}

// size is the response's encoded size.
func (p *PullResponse) size() int {
	n := len(wireMagic) + 2 + 8 + 8 + 4 // header, Next, Last, count
	for _, e := range p.Envelopes {
		n += envelopeSize(e)
	}
	return n
}

func (p *PullResponse) appendTo(b []byte) []byte {
	b = append(b, header(typePullResponse)...)
	b = put64(b, p.Next)
	b = put64(b, p.Last)
	b = putLen(b, 4, len(p.Envelopes))
	for _, e := range p.Envelopes {
		b = appendEnvelope(b, e, true)
	}
	return b
}

// envelopeSize is an envelope's encoded size with its device and cursor
// (fields too long for their length's width are encoded whole too).
func envelopeSize(e central.Envelope) int {
	return 2 + len(e.ID) + 1 + len(e.Rev) + 1 + len(e.Device) + 8 + 8 + 1 + len(e.Link.Prev) + 1 + len(e.Link.Hash) +
		2 + len(e.Link.Sig) + 4 + len(e.Data)
}

// UnmarshalPullResponse decodes a pull response (at most central.MaxPage
// envelopes and central.MaxPageBytes of data, unless a single envelope).
// The envelopes' Data are parts of b, not copies (a first pull moves
// gigabytes): do not change b afterwards. Every other field is a copy.
func UnmarshalPullResponse(b []byte) (*PullResponse, error) {
	r := &reader{b: b, msg: "pull response", alias: true}
	r.header(typePullResponse)
	p := &PullResponse{}
	p.Next = r.u64("next cursor")
	p.Last = r.u64("last cursor")
	p.Envelopes = r.envelopes(central.MaxPage, central.MaxPageBytes, true)
	if err := r.end(); err != nil {
		return nil, err
	}
	return p, nil
}

package audit

import (
	"bytes"
	"fmt"
)

// The reasons a BrokenLink gives, in Japanese for the supervisor's screen.
const (
	ReasonHash       = "ハッシュが一致しません"
	ReasonPrev       = "前のイベントとつながっていません"
	ReasonGap        = "番号が飛んでいます"
	ReasonUnreadable = "読み取れません"
)

// BrokenLink is the error for the first event at which the chain breaks.
type BrokenLink struct {
	Seq    uint64 // the seq under which the event is stored
	Reason string // one of the Reason constants
}

// Error returns "監査ログ N 番: reason".
func (b *BrokenLink) Error() string {
	return fmt.Sprintf("監査ログ %d 番: %s", b.Seq, b.Reason)
}

// Verifier re-walks a chain from its first event:
//
//	v := NewVerifier()
//	for each stored (seq, data) in ascending seq: if err := v.Add(seq, data); err != nil { … }
//	v.Count()
//
// After the first broken link every further Add returns the same error.
type Verifier struct {
	head   Head
	count  int
	broken *BrokenLink
}

// NewVerifier returns a Verifier expecting seq 1.
func NewVerifier() *Verifier { return &Verifier{} }

// Add checks the next stored event. It returns a *BrokenLink when data does
// not decode or is not in the canonical form Marshal writes (ReasonUnreadable),
// when seq or the event's own Seq is not the next number (ReasonGap), when
// Prev is not the previous event's hash (ReasonPrev), or when Hash does not
// match the event (ReasonHash).
func (v *Verifier) Add(seq uint64, data []byte) error {
	if v.broken != nil {
		return v.broken
	}
	if reason := v.check(seq, data); reason != "" {
		v.broken = &BrokenLink{Seq: seq, Reason: reason}
		return v.broken
	}
	return nil
}

func (v *Verifier) check(seq uint64, data []byte) string {
	e, err := Unmarshal(data)
	if err != nil || !bytes.Equal(e.Marshal(), data) {
		return ReasonUnreadable
	}
	want := v.head.Seq + 1
	switch {
	case seq != want || e.Seq != want:
		return ReasonGap
	case e.Prev != v.head.Hash:
		return ReasonPrev
	case e.Hash != e.ComputeHash():
		return ReasonHash
	}
	v.head = e.HeadAfter()
	v.count++
	return ""
}

// Count returns the number of events verified so far.
func (v *Verifier) Count() int { return v.count }

// Head returns the head after the last verified event.
func (v *Verifier) Head() Head { return v.head }

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
	ReasonCheckpoint = "署名付きチェックポイントより前の記録が書き換えられたか、署名が正しくありません"
	ReasonTruncated  = "署名付きチェックポイントまでの記録が削除されています"
	// ReasonVersions and ReasonHeader are found in a log that arrived by
	// sync: two versions under one event's id, or an event whose sealed
	// header (device, time) is not its content's.
	ReasonVersions = "同じ番号の記録が複数あります"
	ReasonHeader   = "記録の見出しが内容と一致しません"
)

// BrokenLink is the error for the first event at which the chain breaks.
type BrokenLink struct {
	Seq    uint64 // the seq under which the event is stored
	Reason string // one of the Reason constants
	// Signer is the person whose checkpoint the change broke, for
	// ReasonCheckpoint and ReasonTruncated.
	Signer string
}

// Error returns "監査ログ N 番: reason", naming the checkpoint's signer.
func (b *BrokenLink) Error() string {
	if b.Signer != "" {
		return fmt.Sprintf("監査ログ %d 番: %s（%s のチェックポイント）", b.Seq, b.Reason, b.Signer)
	}
	return fmt.Sprintf("監査ログ %d 番: %s", b.Seq, b.Reason)
}

// SignatureCheck verifies a checkpoint signature of login over msg.
type SignatureCheck func(login string, msg, sig []byte) bool

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
	office string
	check  SignatureCheck
	signer string
	last   Event // the newest checkpoint event verified
	ok     bool  // last is set
}

// NewVerifier returns a Verifier expecting seq 1.
func NewVerifier() *Verifier { return &Verifier{} }

// CheckSignatures makes v verify every checkpoint event of office with
// check; a checkpoint that does not verify is a BrokenLink with
// ReasonCheckpoint naming its signer. Without it checkpoints are only
// chained like any event.
func (v *Verifier) CheckSignatures(office string, check SignatureCheck) {
	v.office, v.check = office, check
}

// LastCheckpoint returns the newest verified checkpoint event.
func (v *Verifier) LastCheckpoint() (Event, bool) { return v.last, v.ok }

// Add checks the next stored event. It returns a *BrokenLink when data does
// not decode or is not in the canonical form Marshal writes (ReasonUnreadable),
// when seq or the event's own Seq is not the next number (ReasonGap), when
// Prev is not the previous event's hash (ReasonPrev), or when Hash does not
// match the event (ReasonHash).
func (v *Verifier) Add(seq uint64, data []byte) error {
	if v.broken != nil {
		return v.broken
	}
	if reason := v.checkOne(seq, data); reason != "" {
		v.broken = &BrokenLink{Seq: seq, Reason: reason, Signer: v.signer}
		return v.broken
	}
	return nil
}

func (v *Verifier) checkOne(seq uint64, data []byte) string {
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
	case e.Action == ActCheckpoint && v.check != nil:
		sig, ok := checkpointSig(e.Detail)
		msg := CheckpointMessage(v.office, e.Device, v.head, e.User, e.At)
		if !ok || !v.check(e.User, msg, sig) {
			v.signer = e.User
			return ReasonCheckpoint
		}
		v.last, v.ok = e, true
	}
	v.head = e.HeadAfter()
	v.count++
	return ""
}

// Count returns the number of events verified so far.
func (v *Verifier) Count() int { return v.count }

// Head returns the head after the last verified event.
func (v *Verifier) Head() Head { return v.head }

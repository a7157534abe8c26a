// Package audit is the device's access log: a hash chain of events (login,
// unlock, view, create, edit, print, export, user change …) in which every
// event carries the SHA-256 of its predecessor, so that editing, deleting or
// reordering an event is found by re-walking the chain (Verifier). It also
// holds the filters and the analysis (bulk viewing, after-hours access,
// failed logins, exports, prints) shown to supervisors.
//
// Events never carry personal data: Object is a record id, Detail a short
// technical note. Of our packages it imports only record (for Japan time);
// the store keeps the encoded events as opaque bytes.
package audit

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// The actions an event records.
const (
	ActLoginOK    = "login.ok"
	ActLoginFail  = "login.fail"
	ActUnlock     = "unlock"
	ActView       = "view"
	ActViewCase   = "view.case"
	ActCreate     = "create"
	ActUpdate     = "update"
	ActSearch     = "search"
	ActPrint      = "print"
	ActExport     = "export"
	ActUserAdd    = "user.add"
	ActUserChange = "user.change"
	ActInit       = "init"
	ActLocked     = "login.locked"
	// ActCheckpoint is a person's signature over the chain head before it
	// (see CheckpointMessage).
	ActCheckpoint = "checkpoint"
	// ActSync records one page of versions pulled from the sync server and
	// applied (the detail counts them).
	ActSync = "sync"
	// ActEnroll: this PC enrolled with a central server (or joined an
	// office through one); the detail names the server and the device id.
	ActEnroll = "enroll"
	// ActKeyChange records a key rotation, a table change or a conversion.
	ActKeyChange = "key.change"
	// ActWarning records something a supervisor must look at: an approval
	// whose signature does not verify, failed logins that went missing.
	ActWarning = "warning"
	// ActDeviceLog records that a supervisor read the access logs other
	// devices pushed through sync (the detail names the device or counts
	// the devices).
	ActDeviceLog = "audit.device"
	// ActPurge records an erasure (消去): one event for the signed order
	// (its hash, signer, reason and count), one per erased record (its id).
	ActPurge = "purge"
	// ActBackup: a backup of the vault was written (the detail counts it).
	ActBackup = "backup"
	// ActRestore: this vault was restored from a backup (the first event
	// written after the restore; the detail says when the backup was made).
	ActRestore = "restore"
)

// checkpointDomain starts the signed message of a checkpoint.
const checkpointDomain = "madoguchi audit checkpoint v1"

// CheckpointMessage returns the bytes a person signs to vouch for the chain
// up to h, at the moment at, on device of office:
//
//	field(checkpointDomain) field(office) field(device) uint64be(h.Seq)
//	field(h.Hash) field(signer) field(at in UTC, RFC 3339 with nanoseconds)
//
// with field as in ComputeHash. The checkpoint event that carries the
// signature is the event right after h: its Prev is h.Hash, its User the
// signer, its At the moment and its Detail "sig=" and the base64 signature.
func CheckpointMessage(office, device string, h Head, signer string, at time.Time) []byte {
	var b []byte
	field := func(s string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	field(checkpointDomain)
	field(office)
	field(device)
	b = binary.BigEndian.AppendUint64(b, h.Seq)
	field(h.Hash)
	field(signer)
	field(at.UTC().Format(time.RFC3339Nano))
	return b
}

// CheckpointDetail is the Detail of a checkpoint event carrying sig.
func CheckpointDetail(sig []byte) string { return "sig=" + base64.StdEncoding.EncodeToString(sig) }

// CheckpointSig returns the signature that CheckpointDetail put in a
// checkpoint event's Detail; ok is false for any other detail.
func CheckpointSig(detail string) (sig []byte, ok bool) { return checkpointSig(detail) }

// checkpointSig returns the signature in a checkpoint event's Detail.
func checkpointSig(detail string) ([]byte, bool) {
	rest, ok := strings.CutPrefix(detail, "sig=")
	if !ok {
		return nil, false
	}
	sig, err := base64.StdEncoding.DecodeString(rest)
	return sig, err == nil
}

// Event is one entry of the access log.
type Event struct {
	Seq    uint64    `json:"seq"`
	At     time.Time `json:"at"`     // UTC
	User   string    `json:"user"`   // login id
	Device string    `json:"device"` // device id
	Action string    `json:"action"` // one of the Act constants
	Object string    `json:"object"` // record id or ""; never a name or other personal data
	Detail string    `json:"detail"` // short, no personal data
	Prev   string    `json:"prev"`   // hex SHA-256 of the previous event, "" for seq 1
	Hash   string    `json:"hash"`   // hex SHA-256 of the canonical encoding (ComputeHash)
}

// hashDomain starts the canonical encoding, so the hash of an event can never
// equal the hash of some other structure.
const hashDomain = "madoguchi audit event v1"

// ComputeHash returns the hex SHA-256 of the event's canonical encoding:
//
//	field(hashDomain) uint64be(Seq) field(At) field(User) field(Device)
//	field(Action) field(Object) field(Detail) field(Prev)
//
// where field(s) is the length of s as a 4-byte big-endian integer followed
// by the bytes of s, and At is formatted in UTC with time.RFC3339Nano. Hash
// itself is not part of the encoding.
func (e Event) ComputeHash() string {
	var b []byte
	field := func(s string) {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	field(hashDomain)
	b = binary.BigEndian.AppendUint64(b, e.Seq)
	for _, s := range []string{e.At.UTC().Format(time.RFC3339Nano), e.User, e.Device, e.Action, e.Object, e.Detail, e.Prev} {
		field(s)
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Head is the end of a chain: the last event's seq and hash. The zero Head
// is the start of an empty chain.
type Head struct {
	Seq  uint64
	Hash string
}

// Next returns e as the event after h: Seq and Prev link it to h, At is
// converted to UTC (and stripped of its monotonic reading) and Hash is
// computed.
func (h Head) Next(e Event) Event {
	e.Seq = h.Seq + 1
	e.Prev = h.Hash
	e.At = e.At.UTC()
	e.Hash = e.ComputeHash()
	return e
}

// HeadAfter returns the chain head once e is appended.
func (e Event) HeadAfter() Head { return Head{Seq: e.Seq, Hash: e.Hash} }

// Marshal returns the JSON encoding of e, the form the store and the server
// keep. It returns nil only for an At that JSON cannot hold (a year outside
// 0–9999), which Next never produces from a clock reading.
func (e Event) Marshal() []byte {
	b, err := json.Marshal(e)
	if err != nil {
		return nil
	}
	return b
}

// ErrMalformed is wrapped by every Unmarshal error.
var ErrMalformed = errors.New("malformed audit event")

// Unmarshal decodes one event. It refuses unknown fields, trailing data, a
// Hash that is not 64 lower-case hex digits and a Prev that is neither that
// nor empty. It does not check that the hash matches: Verifier does. At is
// returned in UTC.
func Unmarshal(b []byte) (Event, error) {
	var e Event
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&e); err != nil {
		return Event{}, fmt.Errorf("decode audit event: %w: %v", ErrMalformed, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return Event{}, fmt.Errorf("decode audit event: %w: trailing data", ErrMalformed)
	}
	if !isHash(e.Hash) {
		return Event{}, fmt.Errorf("decode audit event: %w: hash is not 64 hex digits", ErrMalformed)
	}
	if e.Prev != "" && !isHash(e.Prev) {
		return Event{}, fmt.Errorf("decode audit event: %w: prev is not 64 hex digits", ErrMalformed)
	}
	e.At = e.At.UTC()
	return e, nil
}

func isHash(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for _, c := range []byte(s) {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// Number returns the number that Detail gives as key=N ("records hits=3":
// Number("hits") is 3), for a readable description of the event.
func (e Event) Number(key string) (int, bool) {
	for _, f := range strings.Fields(e.Detail) {
		if v, ok := strings.CutPrefix(f, key+"="); ok {
			var n int
			if _, err := fmt.Sscan(v, &n); err == nil {
				return n, true
			}
		}
	}
	return 0, false
}

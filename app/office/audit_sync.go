package office

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// The access log through sync.
//
// Outbox offers, after the versions waiting to be pushed and while there
// is room under its limit, this device's access-log events that the
// server has not acknowledged yet: each one sealed under the contact key
// as a storage record of kind "audit" with the id "~audit/" device "/"
// and the seq in 16 hex digits, at the rev {event time in ms, 0, device},
// its plaintext the event as the log stores it (audit.Event.Marshal).
// The events are not copied into the store to be pushed: the log is read
// from a watermark, sync/audit-pushed (8 bytes, the highest seq the
// server acknowledged), which Acknowledge moves in the same transaction
// as the engine's state. Events written before the vault first synced are
// pushed too (the watermark starts at 0).
//
// A push whose answer was lost is sent again byte for byte, and the
// server refuses other bytes under an id and rev it stores, so an event
// must seal to the same bytes every time (vault.SealFixed), and a retry
// must offer the same items. Versions made since would come before the
// events and push some out, so Outbox keeps what it offered with events,
// sync/audit-offer (how many versions, the seq range of the events and
// the contact key version), until Acknowledge, and offers it again.
//
// Apply stores the events of other devices as versions of their own
// records with one term, auditdev = device "/" 16-hex seq, by which
// DeviceLogs and DeviceLog read them in order; they are never merged,
// indexed or pushed again.
const (
	auditKind       = "audit"
	auditIDPrefix   = "~audit/"
	ixAuditDev      = "auditdev"
	metaAuditPushed = "sync/audit-pushed"
	metaAuditOffer  = "sync/audit-offer"
)

// auditID is the storage id of event seq of device.
func auditID(device string, seq uint64) string {
	return fmt.Sprintf("%s%s/%016x", auditIDPrefix, device, seq)
}

// auditTerm is the auditdev term value of event seq of device.
func auditTerm(device string, seq uint64) string { return fmt.Sprintf("%s/%016x", device, seq) }

// parseAuditTerm splits an auditdev term value (or an audit id without its
// prefix) into device and seq; ok is false for anything auditTerm does
// not make with a seq of at least 1.
func parseAuditTerm(v string) (device string, seq uint64, ok bool) {
	if len(v) < 18 || v[len(v)-17] != '/' {
		return "", 0, false
	}
	device = v[:len(v)-17]
	seq, err := strconv.ParseUint(v[len(v)-16:], 16, 64)
	if err != nil || seq == 0 || device == "" || auditTerm(device, seq) != v {
		return "", 0, false
	}
	return device, seq, true
}

// refuseAuditMeta refuses engine state that would overwrite the audit
// watermark or offer.
func refuseAuditMeta(meta map[string][]byte) error {
	for _, k := range []string{metaAuditPushed, metaAuditOffer} {
		if _, ok := meta[k]; ok {
			return fmt.Errorf("sync state key %q: %w", strings.TrimPrefix(k, syncMetaPrefix), ErrInvalid)
		}
	}
	return nil
}

// auditOffer is what Outbox offered with events: the first versions of
// the outbox, then the events from+1 … to sealed under contact key key.
type auditOffer struct {
	versions uint32
	from, to uint64
	key      uint32
}

func (a auditOffer) encode() []byte {
	b := binary.BigEndian.AppendUint32(nil, a.versions)
	b = binary.BigEndian.AppendUint64(b, a.from)
	b = binary.BigEndian.AppendUint64(b, a.to)
	return binary.BigEndian.AppendUint32(b, a.key)
}

func decodeAuditOffer(b []byte) (auditOffer, bool) {
	if len(b) != 24 {
		return auditOffer{}, false
	}
	a := auditOffer{versions: binary.BigEndian.Uint32(b), from: binary.BigEndian.Uint64(b[4:]),
		to: binary.BigEndian.Uint64(b[12:]), key: binary.BigEndian.Uint32(b[20:])}
	return a, a.to > a.from
}

// auditPushed returns the watermark. Call with o.mu held.
func (o *Office) auditPushed() (uint64, error) {
	b, err := o.store.Meta(metaAuditPushed)
	switch {
	case errors.Is(err, local.ErrNotFound):
		return 0, nil
	case err != nil:
		return 0, fmt.Errorf("sync: %w", err)
	case len(b) != 8:
		return 0, fmt.Errorf("sync: %s of %d bytes: %w", metaAuditPushed, len(b), ErrInvalid)
	}
	return binary.BigEndian.Uint64(b), nil
}

// outbox returns up to limit versions of the outbox and, with the room
// left, this device's events above the watermark, sealed; or what it
// offered last, if that was not acknowledged and fits. A limit <= 0
// lists the versions of the outbox only, all of them, and no events (the
// engine always passes a limit; the whole outbox is for looking at).
// Call with o.mu held.
func (o *Office) outbox(s *Session, limit int) ([]syncer.Outgoing, error) {
	if limit <= 0 {
		vs, err := o.store.Outbox(0)
		if err != nil {
			return nil, fmt.Errorf("sync: %w", err)
		}
		return outgoing(vs), nil
	}
	b, err := o.store.Meta(metaAuditOffer)
	if err != nil && !errors.Is(err, local.ErrNotFound) {
		return nil, fmt.Errorf("sync: %w", err)
	}
	if last, ok := decodeAuditOffer(b); ok && uint64(last.versions)+last.to-last.from <= uint64(limit) {
		out, err := o.offer(s, last)
		if err == nil || !errors.Is(err, errOfferGone) {
			return out, err
		}
	}
	vs, err := o.store.Outbox(limit)
	if err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	out := outgoing(vs)
	room := limit - len(vs)
	if room <= 0 {
		return out, nil
	}
	version, _, ok := s.keys.Current(vault.ClassContact)
	if !ok {
		return out, nil // no key to seal the events with: they wait
	}
	from, err := o.auditPushed()
	if err != nil {
		return nil, err
	}
	to := min(o.head.Seq, from+uint64(room))
	if to <= from {
		return out, nil
	}
	off := auditOffer{versions: uint32(len(vs)), from: from, to: to, key: version}
	evs, err := o.sealEvents(s, off)
	if err != nil {
		return nil, err
	}
	if err := o.store.Commit(local.Batch{Meta: map[string][]byte{metaAuditOffer: off.encode()}}); err != nil {
		return nil, fmt.Errorf("sync: %w", err)
	}
	return append(out, evs...), nil
}

// errOfferGone: the outbox no longer holds what an offer named.
var errOfferGone = errors.New("offer gone")

// offer returns the items of an earlier offer again.
func (o *Office) offer(s *Session, a auditOffer) ([]syncer.Outgoing, error) {
	var vs []local.Version
	if a.versions > 0 {
		var err error
		if vs, err = o.store.Outbox(int(a.versions)); err != nil {
			return nil, fmt.Errorf("sync: %w", err)
		}
		if len(vs) != int(a.versions) {
			return nil, errOfferGone
		}
	}
	evs, err := o.sealEvents(s, a)
	if err != nil {
		return nil, err
	}
	return append(outgoing(vs), evs...), nil
}

func outgoing(vs []local.Version) []syncer.Outgoing {
	out := make([]syncer.Outgoing, 0, len(vs))
	for _, v := range vs {
		out = append(out, syncer.Outgoing{ID: v.ID, Rev: v.Rev, Data: v.Blob})
	}
	return out
}

// sealEvents seals this device's events a.from+1 … a.to. An event that
// does not decode is sealed as it is stored, at wall time 0: the devices
// it reaches report it (audit.ReasonUnreadable) rather than this one
// withholding it. Call with o.mu held.
func (o *Office) sealEvents(s *Session, a auditOffer) ([]syncer.Outgoing, error) {
	device := o.kr.Device
	ref := vault.KeyRef{Class: vault.ClassContact, Version: a.key}
	out := make([]syncer.Outgoing, 0, a.to-a.from)
	errEnough := errors.New("enough")
	next := a.from + 1
	err := o.store.AuditRange(next, func(e local.AuditEntry) error {
		if e.Seq > a.to {
			return errEnough
		}
		if e.Seq != next {
			return fmt.Errorf("access log: seq %d after %d: %w", e.Seq, next-1, ErrAuditBroken)
		}
		next++
		var wall int64
		if ev, err := audit.Unmarshal(e.Data); err == nil {
			wall = max(ev.At.UnixMilli(), 0)
		}
		rev := vault.Rev{Wall: wall, Device: device}
		id := auditID(device, e.Seq)
		env, err := vault.SealFixedUnder(s.keys, ref, id, auditKind, rev, nil, e.Data)
		if err != nil {
			return fmt.Errorf("seal access-log event %d: %w", e.Seq, err)
		}
		out = append(out, syncer.Outgoing{ID: id, Rev: rev.String(), Data: env.Marshal(), Event: true})
		return nil
	})
	if err != nil && !errors.Is(err, errEnough) {
		return nil, fmt.Errorf("sync: %w", err)
	}
	if next != a.to+1 {
		return nil, fmt.Errorf("sync: access log ends at %d, not %d: %w", next-1, a.to, ErrAuditBroken)
	}
	return out, nil
}

// acknowledged splits what the server acknowledged into the outbox
// entries to delete and the meta that moves the watermark past the
// events and drops the offer. Call with o.mu held.
func (o *Office) acknowledged(done []syncer.Outgoing, meta map[string][]byte) ([]local.OutboxRef, []string, error) {
	refs := make([]local.OutboxRef, 0, len(done))
	var top uint64
	for _, d := range done {
		if rest, ok := strings.CutPrefix(d.ID, auditIDPrefix); ok {
			if _, seq, ok := parseAuditTerm(rest); ok {
				top = max(top, seq)
				continue
			}
		}
		refs = append(refs, local.OutboxRef{ID: d.ID, Rev: d.Rev})
	}
	if len(done) == 0 {
		return refs, nil, nil
	}
	if top > 0 {
		pushed, err := o.auditPushed()
		if err != nil {
			return nil, nil, err
		}
		if top > pushed {
			meta[metaAuditPushed] = binary.BigEndian.AppendUint64(nil, top)
		}
	}
	return refs, []string{metaAuditOffer}, nil
}

// pulledAudit checks a pulled access-log event: kind audit exactly under
// an id "~audit/<device>/<seq>" whose device is the rev's, counter 0, no
// parents. It returns the write that stores it.
func pulledAudit(p *pver) (local.Write, error) {
	rest, ok := strings.CutPrefix(p.v.ID, auditIDPrefix)
	device, seq, idOK := parseAuditTerm(rest)
	switch {
	case ok != (p.v.Kind == auditKind):
		return local.Write{}, fmt.Errorf("%w: kind %q under id %q", ErrSyncDamaged, p.v.Kind, p.v.ID)
	case !idOK:
		return local.Write{}, fmt.Errorf("%w: access-log id %q", ErrSyncDamaged, p.v.ID)
	case p.rev.Device != device || p.rev.Counter != 0 || len(p.env.Parents) > 0:
		return local.Write{}, fmt.Errorf("%w: access-log event %q at rev %s", ErrSyncDamaged, p.v.ID, p.rev)
	}
	return local.Write{Version: p.v, Terms: []local.Term{{Index: ixAuditDev, Value: auditTerm(device, seq)}}}, nil
}

// isAudit says whether a pulled version is (or claims to be) an
// access-log event.
func isAudit(p *pver) bool {
	return p.v.Kind == auditKind || strings.HasPrefix(p.v.ID, auditIDPrefix)
}

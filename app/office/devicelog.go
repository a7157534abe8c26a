package office

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// DeviceLog is what arrived by sync of one other device's access log.
type DeviceLog struct {
	Device string
	Events int       // events stored, readable or not
	First  time.Time // time of the first readable event (UTC)
	Last   time.Time // time of the last readable event (UTC)
	// Verified says that the chain verifies: seqs continuous from 1, each
	// event's prev the hash of the one before, its hash its own, its
	// checkpoints signed by their signers, one version of each event and
	// its sealed header naming its device and time. Otherwise Broken
	// names the first event at which it breaks.
	Verified bool
	Broken   *audit.BrokenLink
}

// deviceEvent is one stored event of a device, in the auditdev order.
type deviceEvent struct {
	seq uint64
	id  string
}

// DeviceLogs lists the other devices whose access-log events arrived by
// sync, by device id, each with its count, first and last time and
// whether its chain verifies (a chain that does not is listed with its
// first break). It reads without holding the office and stops when ctx
// ends; the reading is logged (audit.ActDeviceLog).
func (o *Office) DeviceLogs(ctx context.Context, s *Session) ([]DeviceLog, error) {
	w, err := o.begin(ctx, s, PermAudit)
	if err != nil {
		return nil, err
	}
	defer w.end()
	kr, _ := o.trusted()
	byDevice, err := o.deviceEvents(w.ctx, "")
	if err != nil {
		return nil, err
	}
	out := make([]DeviceLog, 0, len(byDevice))
	broken := 0
	for _, device := range slices.Sorted(maps.Keys(byDevice)) {
		if device == kr.Device {
			continue // this device's own log is VerifyAudit's
		}
		l := DeviceLog{Device: device}
		evs, b, err := o.readDeviceLog(w.ctx, s, device, byDevice[device])
		if err != nil {
			return nil, err
		}
		l.Events = len(byDevice[device])
		if len(evs) > 0 {
			l.First, l.Last = evs[0].At, evs[len(evs)-1].At
		}
		l.Verified, l.Broken = b == nil, b
		if b != nil {
			broken++
		}
		out = append(out, l)
	}
	err = o.locked(w, func() error {
		return o.commitEvents([]audit.Event{o.event(audit.ActDeviceLog, "", fmt.Sprintf("devices=%d broken=%d", len(out), broken))})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// DeviceLog returns the access-log events of device that arrived by sync,
// in seq order, opened with the session's contact key. When the chain does
// not verify it returns them all the same, with a *audit.BrokenLink
// naming the first break (an event that cannot be opened is left out and
// is that break, or comes after it). It reads without holding the office
// and stops when ctx ends; the reading is logged (audit.ActDeviceLog).
func (o *Office) DeviceLog(ctx context.Context, s *Session, device string) ([]audit.Event, error) {
	w, err := o.begin(ctx, s, PermAudit)
	if err != nil {
		return nil, err
	}
	defer w.end()
	byDevice, err := o.deviceEvents(w.ctx, device+"/")
	if err != nil {
		return nil, err
	}
	evs, broken, err := o.readDeviceLog(w.ctx, s, device, byDevice[device])
	if err != nil {
		return nil, err
	}
	detail := fmt.Sprintf("device=%s events=%d ok", device, len(evs))
	if broken != nil {
		detail = fmt.Sprintf("device=%s events=%d broken=%d", device, len(evs), broken.Seq)
	}
	if err := o.locked(w, func() error {
		return o.commitEvents([]audit.Event{o.event(audit.ActDeviceLog, "", detail)})
	}); err != nil {
		return nil, err
	}
	if broken != nil {
		return evs, broken
	}
	return evs, nil
}

// deviceEvents lists the stored events whose auditdev term starts with
// prefix, by device, in seq order.
func (o *Office) deviceEvents(ctx context.Context, prefix string) (map[string][]deviceEvent, error) {
	out := map[string][]deviceEvent{}
	var bad error
	err := o.store.Terms(ixAuditDev, prefix, func(value, id string) bool {
		if bad = ctxErr(ctx); bad != nil {
			return false
		}
		device, seq, ok := parseAuditTerm(value)
		if !ok || id != auditID(device, seq) {
			bad = fmt.Errorf("access-log term %q of %q: %w", value, id, ErrTampered)
			return false
		}
		out[device] = append(out[device], deviceEvent{seq: seq, id: id})
		return true
	})
	if err == nil {
		err = bad
	}
	if err != nil {
		return nil, fmt.Errorf("read device logs: %w", err)
	}
	for _, evs := range out {
		slices.SortFunc(evs, func(a, b deviceEvent) int { return cmp.Compare(a.seq, b.seq) })
	}
	return out, nil
}

// readDeviceLog opens and verifies one device's stored events. It returns
// the events it could open and the first break of the chain, if any.
func (o *Office) readDeviceLog(ctx context.Context, s *Session, device string, stored []deviceEvent) ([]audit.Event, *audit.BrokenLink, error) {
	kr, table := o.trusted()
	v := audit.NewVerifier()
	if table != nil && !kr.Format1() {
		v.CheckSignatures(kr.Office, table.VerifyBy)
	}
	var broken *audit.BrokenLink
	brk := func(seq uint64, reason string) {
		if broken == nil {
			broken = &audit.BrokenLink{Seq: seq, Reason: reason}
		}
	}
	out := make([]audit.Event, 0, len(stored))
	for _, d := range stored {
		if err := ctxErr(ctx); err != nil {
			return nil, nil, err
		}
		hist, err := o.store.History(d.id)
		if err != nil {
			return nil, nil, fmt.Errorf("read %s: %w", d.id, err)
		}
		if len(hist) != 1 {
			brk(d.seq, audit.ReasonVersions)
		}
		if len(hist) == 0 {
			continue
		}
		plain, rev, err := openAuditVersion(s, d.id, hist[len(hist)-1].Rev, hist[len(hist)-1].Blob)
		if err != nil {
			brk(d.seq, audit.ReasonUnreadable)
			continue
		}
		ev, err := audit.Unmarshal(plain)
		if err != nil {
			brk(d.seq, audit.ReasonUnreadable)
			continue
		}
		out = append(out, ev)
		if broken != nil {
			continue
		}
		if err := v.Add(d.seq, plain); err != nil {
			errors.As(err, &broken)
			continue
		}
		if ev.Device != device || rev.Wall != max(ev.At.UnixMilli(), 0) {
			brk(d.seq, audit.ReasonHeader)
		}
	}
	return out, broken, nil
}

// openAuditVersion opens one stored event version.
func openAuditVersion(s *Session, id, revText string, blob []byte) ([]byte, vault.Rev, error) {
	env, err := vault.UnmarshalEnvelope(blob)
	if err != nil {
		return nil, vault.Rev{}, err
	}
	rev, err := vault.ParseRev(revText)
	if err != nil {
		return nil, vault.Rev{}, err
	}
	plain, err := vault.Open(s.keys, env, vault.Expect{ID: id, Kind: auditKind, Rev: &rev})
	return plain, rev, err
}

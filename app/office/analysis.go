package office

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// AccessAnalysis is the monthly アクセスログ分析 of every device's access
// log that reached this PC: this PC's own log and the logs other devices
// pushed through sync.
type AccessAnalysis struct {
	audit.Monthly
	// Hours are the office hours the analysis counted with.
	Hours audit.OfficeHours
	// Names maps the login ids the analysis names to the people's names
	// (from the signed user table); an id that names no one is absent.
	Names map[string]string
	// Synced is false for a PC that has never synced and holds no other
	// device's log: there is nothing to say about devices (同期情報なし).
	Synced bool
	// Devices are the devices this PC knows of, this PC first; AsOf the
	// time their last contact was measured against (the month's last
	// instant, or now for the current month).
	Devices []DeviceContact
	AsOf    time.Time
	// Chains are the checks of each device's chain, this PC first.
	Chains []ChainCheck
}

// DeviceContact is the last time a device is known to have synced: for
// this PC the newest event the server acknowledged or the newest sync, for
// another device the newest of its events that reached this PC (zero when
// unknown). Stale is set when that is more than audit.StaleSync before
// the analysis's AsOf.
type DeviceContact struct {
	Device      string
	This        bool
	LastContact time.Time
	Stale       bool
}

// ChainCheck is the verification of one device's chain: Events checked,
// and the first break or nil.
type ChainCheck struct {
	Device string
	This   bool
	Events int
	Broken *audit.BrokenLink
}

// Name returns the person's name for login, or login itself.
func (a *AccessAnalysis) Name(login string) string {
	if n, ok := a.Names[login]; ok {
		return n
	}
	return login
}

// StaleDevices counts the devices that have not synced for more than
// audit.StaleSync.
func (a *AccessAnalysis) StaleDevices() int {
	n := 0
	for _, d := range a.Devices {
		if d.Stale {
			n++
		}
	}
	return n
}

// BrokenChains counts the chains that do not verify.
func (a *AccessAnalysis) BrokenChains() int {
	n := 0
	for _, c := range a.Chains {
		if c.Broken != nil {
			n++
		}
	}
	return n
}

// AnalyseAccess analyses the access log of month ("2026-09") for a
// supervisor or an admin (PermAudit): every device's events that reached
// this PC, with the office hours of Options.OfficeHours (see
// audit.AnalyseMonth), the devices that have not synced, and the check of
// this PC's chain (VerifyAudit, itself logged) and of each other device's.
// A chain that does not verify is a finding, not an error. Opening the
// analysis is logged (audit.ActAnalysis, the month as its object); the
// reminder of AnalysisDue looks for that event. ErrBadPeriod for a month
// that is not YYYY-MM.
func (o *Office) AnalyseAccess(ctx context.Context, s *Session, month string) (*AccessAnalysis, error) {
	w, err := o.begin(ctx, s, PermAudit)
	if err != nil {
		return nil, err
	}
	defer w.end()
	m, err := audit.ParseMonth(month)
	if err != nil {
		return nil, fmt.Errorf("access analysis: %w: %v", ErrBadPeriod, err)
	}
	a := &AccessAnalysis{Hours: o.opt.OfficeHours, AsOf: minTime(o.opt.now(), m.End().Add(-time.Nanosecond))}
	if a.Hours.Holiday == nil {
		// Public holidays and the office's own 休業日 count as outside office
		// hours, as weekends do.
		closed, err := o.closures(w.ctx, w.s, m.Start().Format(time.DateOnly), m.End().AddDate(0, 0, -1).Format(time.DateOnly))
		if err != nil {
			return nil, err
		}
		a.Hours.Holiday = func(day time.Time) bool { _, ok := closed[day.Format(time.DateOnly)]; return ok }
	}
	this, err := o.checkOwnChain(w)
	if err != nil {
		return nil, err
	}
	own, err := o.ownEvents(w.ctx)
	if err != nil {
		return nil, err
	}
	this.Events = len(own)
	a.Chains = append(a.Chains, this)
	others, err := o.otherDeviceLogs(w.ctx, s)
	if err != nil {
		return nil, err
	}
	all := own
	for _, d := range slices.Sorted(maps.Keys(others)) {
		l := others[d]
		a.Chains = append(a.Chains, ChainCheck{Device: d, Events: len(l.events), Broken: l.broken})
		all = append(all, l.events...)
	}
	a.Monthly = audit.AnalyseMonth(all, m, a.Hours)
	if err := o.deviceContacts(w, a, own, others); err != nil {
		return nil, err
	}
	a.Names = o.names(a)
	detail := fmt.Sprintf("events=%d bulk=%d outside=%d logins=%d outputs=%d stale=%d broken=%d", a.Events, len(a.BulkViews),
		len(a.Outside), len(a.FailedLogins), len(a.Outputs), a.StaleDevices(), a.BrokenChains())
	if err := o.locked(w, func() error { return o.commitEvents([]audit.Event{o.event(audit.ActAnalysis, m.String(), detail)}) }); err != nil {
		return nil, err
	}
	return a, nil
}

// checkOwnChain verifies this PC's chain; a broken chain is reported in
// the check, any other error returned.
func (o *Office) checkOwnChain(w *work) (ChainCheck, error) {
	kr, _ := o.trusted()
	c := ChainCheck{Device: kr.Device, This: true}
	_, err := o.VerifyAudit(w.ctx, w.s)
	if errors.As(err, &c.Broken) {
		return c, nil
	}
	return c, err
}

// ownEvents reads this PC's log; an event that does not decode is left
// out (the chain check reports it).
func (o *Office) ownEvents(ctx context.Context) ([]audit.Event, error) {
	var out []audit.Event
	err := o.store.AuditRange(1, func(e local.AuditEntry) error {
		if err := ctxErr(ctx); err != nil {
			return err
		}
		if ev, err := audit.Unmarshal(e.Data); err == nil {
			out = append(out, ev)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("read access log: %w", err)
	}
	return out, nil
}

// deviceLogOf is one other device's log as read by otherDeviceLogs.
type deviceLogOf struct {
	events []audit.Event
	broken *audit.BrokenLink
}

// otherDeviceLogs opens and verifies the logs of the other devices.
func (o *Office) otherDeviceLogs(ctx context.Context, s *Session) (map[string]deviceLogOf, error) {
	kr, _ := o.trusted()
	byDevice, err := o.deviceEvents(ctx, "")
	if err != nil {
		return nil, err
	}
	out := map[string]deviceLogOf{}
	for device, stored := range byDevice {
		if device == kr.Device {
			continue
		}
		evs, broken, err := o.readDeviceLog(ctx, s, device, stored)
		if err != nil {
			return nil, err
		}
		out[device] = deviceLogOf{events: evs, broken: broken}
	}
	return out, nil
}

// deviceContacts fills in the devices and whether this PC syncs.
func (o *Office) deviceContacts(w *work, a *AccessAnalysis, own []audit.Event, others map[string]deviceLogOf) error {
	var pushed uint64
	err := o.locked(w, func() error {
		_, err := o.store.Meta(syncMetaPrefix + "cursor")
		switch {
		case err == nil:
			a.Synced = true
		case !errors.Is(err, local.ErrNotFound):
			return fmt.Errorf("access analysis: %w", err)
		}
		pushed, err = o.auditPushed()
		return err
	})
	if err != nil {
		return err
	}
	a.Synced = a.Synced || len(others) > 0 || pushed > 0
	if !a.Synced {
		return nil
	}
	this := DeviceContact{Device: a.Chains[0].Device, This: true}
	for _, e := range own {
		if e.Seq == pushed || e.Action == audit.ActSync {
			this.LastContact = maxTime(this.LastContact, e.At)
		}
	}
	a.Devices = append(a.Devices, this)
	for _, c := range a.Chains[1:] {
		d := DeviceContact{Device: c.Device}
		if evs := others[c.Device].events; len(evs) > 0 {
			d.LastContact = evs[len(evs)-1].At
		}
		a.Devices = append(a.Devices, d)
	}
	for i := range a.Devices {
		a.Devices[i].Stale = a.AsOf.Sub(a.Devices[i].LastContact) > audit.StaleSync
	}
	return nil
}

func minTime(a, b time.Time) time.Time {
	if b.Before(a) {
		return b
	}
	return a
}

func maxTime(a, b time.Time) time.Time {
	if b.After(a) {
		return b
	}
	return a
}

// names looks up the name of every person the analysis names.
func (o *Office) names(a *AccessAnalysis) map[string]string {
	_, t := o.trusted()
	out := map[string]string{}
	add := func(login string) {
		if t == nil {
			return
		}
		if u, ok := t.Find(login); ok {
			out[login] = u.Name
		}
	}
	for _, x := range a.BulkViews {
		add(x.User)
	}
	for _, x := range a.Outside {
		add(x.User)
	}
	for _, x := range a.FailedLogins {
		add(x.Login)
	}
	for _, x := range a.Outputs {
		add(x.User)
	}
	return out
}

// AnalysisDue reports whether the supervisor of s should be reminded of
// the previous month's access-log analysis: s is a supervisor and no
// supervisor has opened that month's analysis (audit.ActAnalysis in this
// PC's log or in a log synced from another device). It returns the month
// either way. It logs nothing. PermAudit; an admin who is not a
// supervisor is never reminded.
func (o *Office) AnalysisDue(ctx context.Context, s *Session) (month string, due bool, err error) {
	w, err := o.begin(ctx, s, PermAudit)
	if err != nil {
		return "", false, err
	}
	defer w.end()
	m := audit.MonthOf(o.opt.now()).Previous()
	if !s.HasRole(RoleSupervisor) {
		return m.String(), false, nil
	}
	_, t := o.trusted()
	opened := func(e audit.Event) bool {
		if e.Action != audit.ActAnalysis || e.Object != m.String() || t == nil {
			return false
		}
		u, ok := t.Find(e.User)
		return ok && slices.Contains(u.Roles, string(RoleSupervisor))
	}
	own, err := o.ownEvents(w.ctx)
	if err != nil {
		return "", false, err
	}
	if slices.ContainsFunc(own, opened) {
		return m.String(), false, nil
	}
	others, err := o.otherDeviceLogs(w.ctx, s)
	if err != nil {
		return "", false, err
	}
	for _, l := range others {
		if slices.ContainsFunc(l.events, opened) {
			return m.String(), false, nil
		}
	}
	return m.String(), true, nil
}

package office

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// Store meta keys that anchor the keyring inside the encrypted store, so
// that swapping keyring.json for an older or a home-made one is noticed.
const (
	metaAdminPub    = "admin_pub"    // the office admin public key
	metaTableSerial = "table_serial" // highest signed table serial seen
	metaPendingSeq  = "pending_seq"  // highest failed-login number seen
	metaPendingOpen = "pending_open" // numbers seen but not yet opened
)

// CheckpointEvery is how many access-log events may pass before the
// logged-in person signs a checkpoint (they also sign at logout and lock).
const CheckpointEvery = 50

func serialBytes(n uint64) []byte { return binary.BigEndian.AppendUint64(nil, n) }

// afterUnlock anchors the keyring in the store, converts a format-1
// keyring at an admin's login, brings in the failed logins and signs the
// carried-over people's identities into the table. Call with o.mu held.
func (o *Office) afterUnlock(s *Session, password []byte) error {
	pin, err := o.store.Meta(metaAdminPub)
	if err != nil && !errors.Is(err, local.ErrNotFound) {
		return fmt.Errorf("read key anchor: %w", err)
	}
	if o.kr.Format1() {
		if pin != nil {
			return fmt.Errorf("format-1 keyring in a converted vault: %w", ErrForged)
		}
		return o.convert(s, password)
	}
	if pin != nil && string(pin) != string(s.un.AdminPub) {
		return fmt.Errorf("admin key differs from the store's: %w", ErrForged)
	}
	meta := map[string][]byte{metaAdminPub: s.un.AdminPub}
	if b, err := o.store.Meta(metaTableSerial); err == nil && len(b) == 8 && binary.BigEndian.Uint64(b) > o.table.Serial {
		return fmt.Errorf("user table serial %d is older than the store's: %w", o.table.Serial, ErrForged)
	}
	var evs []audit.Event
	var opened []vault.PendingEvent
	var present []uint64
	var seq uint64
	var signed, dropped []string
	err = o.updateKeyring(func(kr *vault.Keyring) error {
		opened, present = kr.TakePending(s.un)
		seq = kr.PendingSeq
		if s.un.Admin == nil {
			return nil
		}
		var err error
		signed, dropped, err = kr.ApplyUpgrades(s.un, grantsForRoles)
		return err
	})
	if err != nil {
		return err
	}
	for _, l := range signed {
		evs = append(evs, o.event(audit.ActKeyChange, "", "keys of "+l+" signed into the user table"))
	}
	for _, l := range dropped {
		evs = append(evs, o.event(audit.ActWarning, "", "refused keys offered for "+l))
	}
	meta[metaTableSerial] = serialBytes(o.table.Serial)
	pendEvs, pendMeta := o.checkPending(opened, present, seq)
	evs = append(evs, pendEvs...)
	for k, v := range pendMeta {
		meta[k] = v
	}
	if s.un.Upgraded {
		evs = append(evs, o.event(audit.ActKeyChange, "", "keys made for "+s.login+", waiting for an admin"))
	}
	return o.commit(nil, meta, evs...)
}

// convert brings in a format-1 keyring's failed logins and, for an admin,
// converts the keyring to the signed format 2.
func (o *Office) convert(s *Session, password []byte) error {
	var pending []vault.PendingEvent
	if err := o.updateKeyring(func(kr *vault.Keyring) error {
		pending = kr.TakeLegacyPending()
		return nil
	}); err != nil {
		return err
	}
	if err := o.commitEvents(o.pendingEvents(pending)); err != nil || !s.HasRole(RoleAdmin) {
		return err
	}
	person := vault.Person{Login: s.login, Name: s.name, Roles: rolesToStrings(s.roles), Classes: s.keys.Classes()}
	err := o.updateKeyring(func(kr *vault.Keyring) error {
		if !kr.Format1() {
			return nil // another program converted it meanwhile
		}
		return kr.Convert(s.un, person, password, o.opt.kdf())
	})
	if err != nil {
		return fmt.Errorf("convert keyring: %w", err)
	}
	o.setTrusted(o.kr, s.un.Table)
	s.keys = s.un.Keys
	meta := map[string][]byte{metaAdminPub: s.un.AdminPub, metaTableSerial: serialBytes(o.table.Serial)}
	if err := o.commit(nil, meta, o.event(audit.ActKeyChange, "", "keyring converted to format 2 (signed user table)")); err != nil {
		return err
	}
	_, err = o.signCarriedApprovals(s)
	return err
}

// grantsForRoles says which classes and whether the admin key roles grant.
func grantsForRoles(roles []string) ([]vault.Class, bool) {
	rs := rolesFromStrings(roles)
	return classesFor(rs), slices.Contains(rs, RoleAdmin)
}

// checkPending turns the failed logins this person opened into events and
// checks that none went missing: every number up to the keyring's
// PendingSeq must either be opened now or still be pending (present).
func (o *Office) checkPending(opened []vault.PendingEvent, present []uint64, seq uint64) ([]audit.Event, map[string][]byte) {
	evs := o.pendingEvents(opened)
	var seen uint64
	if b, err := o.store.Meta(metaPendingSeq); err == nil && len(b) == 8 {
		seen = binary.BigEndian.Uint64(b)
	}
	expect := parseNumbers(o.metaString(metaPendingOpen))
	for n := seen + 1; n <= seq; n++ {
		expect = append(expect, n)
	}
	var missing []string
	for _, n := range expect {
		if !slices.Contains(present, n) {
			missing = append(missing, strconv.FormatUint(n, 10))
		}
	}
	if seq < seen {
		missing = append(missing, fmt.Sprintf("counter reset %d<%d", seq, seen))
	}
	if len(missing) > 0 {
		evs = append(evs, o.event(audit.ActWarning, "", "failed-login records removed from keyring.json: "+strings.Join(missing, ",")))
	}
	var still []string
	for _, e := range o.kr.Pending {
		still = append(still, strconv.FormatUint(e.N, 10))
	}
	meta := map[string][]byte{metaPendingSeq: serialBytes(max(seq, seen)), metaPendingOpen: []byte(strings.Join(still, ","))}
	return evs, meta
}

// pendingEvents turns failed logins recorded while the store was closed
// into access-log events.
func (o *Office) pendingEvents(ps []vault.PendingEvent) []audit.Event {
	evs := make([]audit.Event, len(ps))
	for i, p := range ps {
		evs[i] = audit.Event{At: p.At.UTC(), User: p.Login, Device: o.kr.Device, Action: p.Action, Detail: p.Detail}
	}
	return evs
}

// parseNumbers reads "1,2,3".
func parseNumbers(s string) []uint64 {
	var out []uint64
	for _, f := range strings.Split(s, ",") {
		if n, err := strconv.ParseUint(f, 10, 64); err == nil {
			out = append(out, n)
		}
	}
	return out
}

// metaString reads a meta value as text ("" when absent).
func (o *Office) metaString(key string) string {
	b, err := o.store.Meta(key)
	if err != nil {
		return ""
	}
	return string(b)
}

// checkpoint signs the chain head as the logged-in person and records the
// checkpoint in the log and, when final (logout, lock), in keyring.json.
// People whose identity is not yet in the signed table (carried over from
// format 1) sign none. Call with o.mu held.
func (o *Office) checkpoint(final bool) error {
	s := o.sess
	if s == nil || !s.signs(o.table) || o.head.Seq == 0 {
		return nil
	}
	ev := o.event(audit.ActCheckpoint, "", "")
	msg := audit.CheckpointMessage(o.kr.Office, o.kr.Device, o.head, s.login, ev.At)
	ev.Detail = audit.CheckpointDetail(s.un.Identity.Sign(msg))
	e := o.head.Next(ev)
	if err := o.store.Commit(local.Batch{Audit: []local.AuditEntry{{Seq: e.Seq, Data: e.Marshal()}}}); err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	o.head = e.HeadAfter()
	o.sinceCheckpoint = 0
	if !final {
		return nil // the chain carries it; keyring.json learns it at logout
	}
	return o.updateKeyring(func(kr *vault.Keyring) error {
		if e.Seq > kr.Checkpoint.Seq {
			kr.Checkpoint = vault.CheckpointRef{Seq: e.Seq, Hash: e.Hash, Signer: s.login}
		}
		return nil
	})
}

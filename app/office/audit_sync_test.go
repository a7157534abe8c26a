package office

import (
	"bytes"
	"encoding/binary"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// pushLimit is the limit the tests offer with: room for every event.
const pushLimit = 1000

// outboxLimit returns f's Outbox(limit) as login.
func outboxLimit(t *testing.T, f *fixture, login string, limit int) []syncer.Outgoing {
	t.Helper()
	var out []syncer.Outgoing
	f.as(login, func(s *Session) {
		var err error
		if out, err = f.o.Replica(s).Outbox(bg0, limit); err != nil {
			t.Fatalf("Outbox: %v", err)
		}
	})
	return out
}

// acknowledge acknowledges out on f as login.
func acknowledge(t *testing.T, f *fixture, login string, out []syncer.Outgoing) {
	t.Helper()
	f.as(login, func(s *Session) {
		if err := f.o.Replica(s).Acknowledge(bg0, out, map[string][]byte{"acked": []byte("1")}); err != nil {
			t.Fatalf("Acknowledge: %v", err)
		}
	})
}

// eventsOf returns the access-log items of out, and their seqs.
func eventsOf(t *testing.T, out []syncer.Outgoing, device string) ([]syncer.Outgoing, []uint64) {
	t.Helper()
	var evs []syncer.Outgoing
	var seqs []uint64
	for _, o := range out {
		rest, ok := strings.CutPrefix(o.ID, auditIDPrefix)
		if !ok {
			if len(evs) > 0 {
				t.Fatalf("version %s after the events", o.ID)
			}
			continue
		}
		d, seq, ok := parseAuditTerm(rest)
		if !ok || d != device {
			t.Fatalf("event id %q, want device %s", o.ID, device)
		}
		evs, seqs = append(evs, o), append(seqs, seq)
	}
	return evs, seqs
}

// deviceLogs returns DeviceLogs on f as login.
func deviceLogs(t *testing.T, f *fixture, login string) []DeviceLog {
	t.Helper()
	var ls []DeviceLog
	f.as(login, func(s *Session) {
		var err error
		if ls, err = f.o.DeviceLogs(bg0, s); err != nil {
			t.Fatalf("DeviceLogs: %v", err)
		}
	})
	return ls
}

func TestSyncAccessLogReachesTheOtherDevice(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	a.as("soudan", func(s *Session) {
		a.business(s, "監査同期商店", "カンサドウキショウテン", "03-5555-0401")
	})
	devA := a.o.Device()
	versions := len(outboxOf(t, a, "soudan"))
	out := outboxLimit(t, a, "soudan", pushLimit)
	evs, seqs := eventsOf(t, out, devA)
	if len(out) != versions+len(evs) || len(evs) < 10 {
		t.Fatalf("outbox of %d: %d versions, %d events", len(out), versions, len(evs))
	}
	for i, seq := range seqs {
		if seq != uint64(i+1) {
			t.Fatalf("event %d has seq %d: every event from the first is pushed", i, seq)
		}
	}
	// Each event: kind audit, sealed under the contact key, at its time,
	// its plaintext the log's own bytes.
	a.as("soudan", func(s *Session) {
		for i, o := range evs {
			env, err := vault.UnmarshalEnvelope(o.Data)
			if err != nil {
				t.Fatal(err)
			}
			if env.Kind != "audit" || env.Key.Class != vault.ClassContact || env.Rev.String() != o.Rev || len(env.Parents) != 0 {
				t.Fatalf("event %d: kind %q key %v rev %s/%s parents %v", i+1, env.Kind, env.Key, env.Rev, o.Rev, env.Parents)
			}
			plain, err := vault.Open(s.keys, env, vault.Expect{ID: o.ID, Kind: "audit"})
			if err != nil {
				t.Fatal(err)
			}
			var stored []byte
			_ = a.o.store.AuditRange(seqs[i], func(e local.AuditEntry) error { stored = e.Data; return errWalked })
			ev, err := audit.Unmarshal(plain)
			if err != nil || !bytes.Equal(plain, stored) || env.Rev != (vault.Rev{Wall: ev.At.UnixMilli(), Device: devA}) {
				t.Fatalf("event %d: %s, stored %s, rev %s (%v)", i+1, plain, stored, env.Rev, err)
			}
		}
	})

	// Offered again (the answer lost): the same items, byte for byte, even
	// with a version made since, which would come before the events.
	a.as("soudan", func(s *Session) {
		a.business(s, "監査同期二号店", "カンサドウキニゴウテン", "03-5555-0402")
	})
	if again := outboxLimit(t, a, "soudan", len(out)); !reflect.DeepEqual(again, out) {
		t.Fatalf("offered again: %d items, not the %d of before", len(again), len(out))
	}
	// Sealed afresh, without the offer kept: the same bytes for each event.
	a.as("admin", func(*Session) {
		if err := a.o.store.Commit(local.Batch{DropMeta: []string{metaAuditOffer}}); err != nil {
			t.Fatal(err)
		}
	})
	fresh, _ := eventsOf(t, outboxLimit(t, a, "soudan", pushLimit), devA)
	if len(fresh) <= len(evs) || !reflect.DeepEqual(fresh[:len(evs)], evs) {
		t.Fatalf("sealed again: %d events, the first %d not the same bytes", len(fresh), len(evs))
	}

	// B stores them: supervisors see A's log, and its chain verifies.
	got := applyOut(t, b, "kantoku", out)
	if got.New != len(out) || got.Merged != 0 || got.Conflicts != 0 {
		t.Fatalf("apply %+v of %d", got, len(out))
	}
	ls := deviceLogs(t, b, "kantoku")
	if len(ls) != 1 || ls[0].Device != devA || ls[0].Events != len(evs) || !ls[0].Verified || ls[0].Broken != nil {
		t.Fatalf("DeviceLogs on B: %+v", ls)
	}
	b.as("admin", func(s *Session) {
		log, err := b.o.DeviceLog(bg0, s, devA)
		if err != nil || len(log) != len(evs) {
			t.Fatalf("DeviceLog: %d events, %v", len(log), err)
		}
		if log[0].Seq != 1 || log[0].Action != audit.ActInit || log[0].Device != devA || !ls[0].First.Equal(log[0].At) || !ls[0].Last.Equal(log[len(log)-1].At) {
			t.Fatalf("DeviceLog starts with %+v (list %+v)", log[0], ls[0])
		}
		if other, err := b.o.DeviceLog(bg0, s, "devZ"); err != nil || len(other) != 0 {
			t.Fatalf("DeviceLog of a device that sent nothing: %v %v", other, err)
		}
		// The readings are logged.
		evs, err := b.o.AuditEvents(bg0, s, audit.Filter{Action: audit.ActDeviceLog})
		if err != nil || len(evs) != 3 || evs[1].Detail != "device="+devA+" events="+strconv.Itoa(len(log))+" ok" {
			t.Fatalf("logged readings %+v %v", evs, err)
		}
	})
	b.as("uketsuke", func(s *Session) {
		if _, err := b.o.DeviceLogs(bg0, s); !errors.Is(err, ErrForbidden) {
			t.Fatalf("reception: %v", err)
		}
	})

	// Applied again: known, nothing new. Never in B's outbox, never
	// merged; B's own events are B's to push.
	if again := applyOut(t, b, "kantoku", out); again.New != 0 || again.Known != len(out) {
		t.Fatalf("apply again %+v", again)
	}
	bo := outboxLimit(t, b, "kantoku", pushLimit)
	if bevs, _ := eventsOf(t, bo, b.o.Device()); len(bevs) != len(bo) || len(bo) == 0 {
		t.Fatalf("B's outbox: %d items, %d of them B's events", len(bo), len(bevs))
	}

	// Acknowledged: the watermark moves, the versions leave the outbox
	// (the second business's two parts remain), and the next offer starts
	// after the events pushed.
	acknowledge(t, a, "soudan", out)
	var mark []byte
	a.as("admin", func(*Session) { mark, _ = a.o.store.Meta(metaAuditPushed) })
	if len(mark) != 8 || binary.BigEndian.Uint64(mark) != seqs[len(seqs)-1] {
		t.Fatalf("watermark %x, want %d", mark, seqs[len(seqs)-1])
	}
	next := outboxLimit(t, a, "soudan", pushLimit)
	nevs, nseqs := eventsOf(t, next, devA)
	if len(next)-len(nevs) != 2 || len(nseqs) == 0 || nseqs[0] != seqs[len(seqs)-1]+1 {
		t.Fatalf("after acknowledging: %d items, events from %v", len(next), nseqs)
	}
}

func TestSyncAccessLogOfferFitsTheLimit(t *testing.T) {
	a := newFixture(t)
	versions := len(outboxOf(t, a, "soudan"))
	out := outboxLimit(t, a, "soudan", versions+2)
	_, seqs := eventsOf(t, out, a.o.Device())
	if !slices.Equal(seqs, []uint64{1, 2}) {
		t.Fatalf("room for 2 events: %v", seqs)
	}
	if few := outboxLimit(t, a, "soudan", 1); len(few) != 1 || strings.HasPrefix(few[0].ID, auditIDPrefix) {
		t.Fatalf("limit 1: %v", few)
	}
	acknowledge(t, a, "soudan", out[:versions+2])
	if _, seqs := eventsOf(t, outboxLimit(t, a, "soudan", 3), a.o.Device()); !slices.Equal(seqs, []uint64{3, 4, 5}) {
		t.Fatalf("after acknowledging 2: %v", seqs)
	}
}

// resealed replaces event seq of out by plain sealed under the same id and
// rev with the keys of login on f.
func resealed(t *testing.T, f *fixture, login string, out []syncer.Outgoing, seq uint64, change func(ev *audit.Event)) []syncer.Outgoing {
	t.Helper()
	out = slices.Clone(out)
	f.as(login, func(s *Session) {
		for i, o := range out {
			if o.ID != auditID(f.o.Device(), seq) {
				continue
			}
			env, err := vault.UnmarshalEnvelope(o.Data)
			if err != nil {
				t.Fatal(err)
			}
			plain, err := vault.Open(s.keys, env, vault.Expect{ID: o.ID, Kind: "audit"})
			if err != nil {
				t.Fatal(err)
			}
			ev, err := audit.Unmarshal(plain)
			if err != nil {
				t.Fatal(err)
			}
			change(&ev)
			e, err := vault.SealFixed(s.keys, vault.ClassContact, o.ID, "audit", env.Rev, nil, ev.Marshal())
			if err != nil {
				t.Fatal(err)
			}
			out[i].Data = e.Marshal()
			return
		}
		t.Fatalf("no event %d", seq)
	})
	return out
}

func TestSyncAccessLogCutOrAlteredIsReported(t *testing.T) {
	a := newFixture(t)
	a.as("soudan", func(s *Session) {
		a.business(s, "監査改ざん商店", "カンサカイザンショウテン", "03-5555-0403")
	})
	devA := a.o.Device()
	out := outboxLimit(t, a, "soudan", pushLimit)
	evs, _ := eventsOf(t, out, devA)
	if len(evs) < 8 {
		t.Fatalf("%d events", len(evs))
	}
	cases := []struct {
		name   string
		out    []syncer.Outgoing
		seq    uint64
		reason string
	}{
		{"detail changed", resealed(t, a, "admin", out, 3, func(ev *audit.Event) { ev.Detail = "changed" }), 3, audit.ReasonHash},
		{"rehashed", resealed(t, a, "admin", out, 2, func(ev *audit.Event) { ev.User = "someone"; ev.Hash = ev.ComputeHash() }), 3, audit.ReasonPrev},
		{"a checkpoint rehashed", resealed(t, a, "admin", out, 3, func(ev *audit.Event) { ev.User = "someone"; ev.Hash = ev.ComputeHash() }), 3, audit.ReasonCheckpoint},
		{"one missing", slices.DeleteFunc(slices.Clone(out), func(o syncer.Outgoing) bool { return o.ID == auditID(devA, 5) }), 6, audit.ReasonGap},
		{"the first missing", slices.DeleteFunc(slices.Clone(out), func(o syncer.Outgoing) bool { return o.ID == auditID(devA, 1) }), 2, audit.ReasonGap},
		{"another device's", resealed(t, a, "admin", out, 2, func(ev *audit.Event) { ev.Device = "devX"; ev.Hash = ev.ComputeHash() }), 2, audit.ReasonHeader},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := syncDevice(t, a, "devB"+strconv.Itoa(i))
			applyOut(t, b, "kantoku", c.out)
			ls := deviceLogs(t, b, "kantoku")
			if len(ls) != 1 || ls[0].Verified || ls[0].Broken == nil || ls[0].Broken.Seq != c.seq || ls[0].Broken.Reason != c.reason {
				t.Fatalf("DeviceLogs %+v (broken %v), want a break at %d: %s", ls, ls[0].Broken, c.seq, c.reason)
			}
			b.as("kantoku", func(s *Session) {
				log, err := b.o.DeviceLog(bg0, s, devA)
				var broken *audit.BrokenLink
				if !errors.As(err, &broken) || broken.Seq != c.seq || len(log) != ls[0].Events {
					t.Fatalf("DeviceLog: %d events, %v", len(log), err)
				}
			})
		})
	}

	// A second version of an event, under another rev: both stored, the
	// event reported.
	t.Run("two versions", func(t *testing.T) {
		b := syncDevice(t, a, "devBv")
		applyOut(t, b, "kantoku", out)
		var other syncer.Outgoing
		a.as("admin", func(s *Session) {
			o := evs[6]
			rev := vault.Rev{Wall: 1, Device: devA}
			var data []byte
			_ = a.o.store.AuditRange(7, func(e local.AuditEntry) error { data = e.Data; return errWalked })
			e, err := vault.SealFixed(s.keys, vault.ClassContact, o.ID, "audit", rev, nil, data)
			if err != nil {
				t.Fatal(err)
			}
			other = syncer.Outgoing{ID: o.ID, Rev: rev.String(), Data: e.Marshal()}
		})
		if got := applyOut(t, b, "kantoku", []syncer.Outgoing{other}); got.New != 1 {
			t.Fatalf("apply %+v", got)
		}
		ls := deviceLogs(t, b, "kantoku")
		if len(ls) != 1 || ls[0].Verified || ls[0].Broken.Seq != 7 || ls[0].Broken.Reason != audit.ReasonVersions {
			t.Fatalf("DeviceLogs %+v %v", ls, ls[0].Broken)
		}
	})
}

func TestSyncAccessLogDamageRefused(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	devA := a.o.Device()
	out := outboxLimit(t, a, "soudan", pushLimit)
	evs, _ := eventsOf(t, out, devA)
	applyOut(t, b, "kantoku", evs[:2])
	seal := func(id, kind string, rev vault.Rev) syncer.Outgoing {
		var o syncer.Outgoing
		a.as("admin", func(s *Session) {
			e, err := vault.SealFixed(s.keys, vault.ClassFor(kind), id, kind, rev, nil, []byte(`{}`))
			if err != nil {
				t.Fatal(err)
			}
			o = syncer.Outgoing{ID: id, Rev: rev.String(), Data: e.Marshal()}
		})
		return o
	}
	rev := vault.Rev{Wall: 1700000000000, Device: devA}
	for name, o := range map[string]syncer.Outgoing{
		"other bytes under a stored id and rev": resealed(t, a, "admin", evs[:2], 2, func(ev *audit.Event) { ev.Detail = "x" })[1],
		"another device in the rev":             seal(auditID(devA, 9), "audit", vault.Rev{Wall: 1, Device: "devX"}),
		"a counter":                             seal(auditID(devA, 9), "audit", vault.Rev{Wall: 1, Counter: 1, Device: devA}),
		"seq 0":                                 seal(auditID(devA, 0), "audit", rev),
		"upper-case seq":                        seal(auditPrefixed(devA, "000000000000000A"), "audit", rev),
		"no seq":                                seal(auditIDPrefix+devA, "audit", rev),
		"kind audit under a record id":          seal("B-AUDIT", "audit", rev),
		"a business under an access-log id":     seal(auditID(devA, 9), "business", rev),
	} {
		b.as("kantoku", func(s *Session) {
			_, err := b.o.Replica(s).Apply(bg0, []syncer.Incoming{syncer.Incoming{ID: o.ID, Rev: o.Rev, Data: o.Data}}, nil)
			if !errors.Is(err, ErrSyncDamaged) {
				t.Errorf("%s: %v, want ErrSyncDamaged", name, err)
			}
		})
	}
	// The engine's state cannot overwrite the watermark.
	a.as("soudan", func(s *Session) {
		if err := a.o.Replica(s).Acknowledge(bg0, nil, map[string][]byte{"audit-pushed": {0}}); !errors.Is(err, ErrInvalid) {
			t.Errorf("state audit-pushed: %v", err)
		}
	})
}

func auditPrefixed(device, seq string) string { return auditIDPrefix + device + "/" + seq }

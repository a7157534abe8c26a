package office

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
)

// TestRetentionRulesReachOtherPCs: a supervisor's change of the retention
// rules reaches the second PC by sync; of two changes made offline on two
// PCs the later wins on both; a receptionist's own program pushing rules
// it signed changes nothing and is named in the access log.
func TestRetentionRulesReachOtherPCs(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	g := syncDevice(t, f, "d-retention-b")
	pull(t, f, g, "admin")
	first := RetentionRules{Consultation: 7, Reservation: 2, Dispatch: 5, Application: 3, Business: 10}
	f.as("kantoku", func(s *Session) {
		if err := f.o.SetRetention(ctx, s, first); err != nil {
			t.Fatal(err)
		}
	})
	pull(t, f, g, "uketsuke")
	g.as("kantoku", func(s *Session) {
		if r, err := g.o.Retention(ctx, s); err != nil || r != first {
			t.Fatalf("rules on the second PC: %+v %v", r, err)
		}
	})

	// Offline on both: the second PC's change is the later one.
	older := RetentionRules{Consultation: 6, Reservation: 2, Dispatch: 5, Application: 3, Business: 10}
	newer := RetentionRules{Consultation: 8, Reservation: 2, Dispatch: 5, Application: 3, Business: 10}
	f.as("kantoku", func(s *Session) {
		if err := f.o.SetRetention(ctx, s, older); err != nil {
			t.Fatal(err)
		}
	})
	g.clock.t = g.clock.t.Add(time.Hour)
	g.as("kantoku", func(s *Session) {
		if err := g.o.SetRetention(ctx, s, newer); err != nil {
			t.Fatal(err)
		}
	})
	pull(t, f, g, "kantoku")
	pull(t, g, f, "kantoku")
	for _, x := range []*fixture{f, g} {
		x.as("kantoku", func(s *Session) {
			if r, err := x.o.Retention(ctx, s); err != nil || r != newer {
				t.Errorf("after both synced: %+v %v, want %+v", r, err, newer)
			}
		})
	}

	// A receptionist's own program signs rules of one year.
	var forged syncer.Outgoing
	g.as("uketsuke", func(s *Session) {
		w, _, err := g.o.retentionVersion(s, RetentionRules{Consultation: 1, Reservation: 1, Dispatch: 1, Application: 1, Business: 1})
		if err != nil {
			t.Fatal(err)
		}
		forged = syncer.Outgoing{ID: w.Version.ID, Rev: w.Version.Rev, Data: w.Version.Blob}
	})
	applyOut(t, f, "admin", []syncer.Outgoing{forged})
	f.as("kantoku", func(s *Session) {
		if r, err := f.o.Retention(ctx, s); err != nil || r != newer {
			t.Errorf("a receptionist's rules were adopted: %+v %v", r, err)
		}
		evs, err := f.o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActWarning})
		found := false
		for _, e := range evs {
			found = found || (e.Object == forged.ID && strings.Contains(e.Detail, "retention setting refused"))
		}
		if err != nil || !found {
			t.Errorf("no warning of the forged rules: %+v %v", evs, err)
		}
	})
}

// FuzzDecodeRetentionSetting: a setting comes from sync (another PC's
// push), so its decoder takes any bytes without panicking, and what it
// accepts encodes to a setting it accepts again, of the same hash.
func FuzzDecodeRetentionSetting(f *testing.F) {
	good := &RetentionSetting{Office: "o-1", By: "kantoku", At: time.Date(2026, 10, 1, 1, 0, 0, 5, time.UTC),
		Rules: DefaultRetention, Sig: []byte{1, 2, 3}}
	b, _ := json.Marshal(good)
	f.Add(b)
	f.Add([]byte(`{"office":"o","rules":{"consultation":1}} {}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := decodeRetentionSetting(b)
		if err != nil {
			return
		}
		again, _ := json.Marshal(r)
		q, err := decodeRetentionSetting(again)
		if err != nil || q.hash() != r.hash() {
			t.Fatalf("round trip: %v", err)
		}
	})
}

package office

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
)

// TestEraseReachesOtherPCs: the order a supervisor signs on one PC travels
// in its outbox; the other PC, whoever syncs there (reception, without the
// case key), verifies it and erases the records, and its next sync by a
// person with the case key clears their blind-index entries: after that no word of the
// records is in any version Badger holds there, nor in any file. An edit
// made offline on the other PC before the order arrived does not bring the
// record back to the first, and an order a receptionist signs is refused
// by the PC it reaches.
func TestEraseReachesOtherPCs(t *testing.T) {
	f := newFixture(t)
	biz, cons, other := f.erasable()
	g := syncDevice(t, f, "d-erase-b")
	pull(t, f, g, "admin")
	before := strings.Join(traces(t, g, erasedWords, biz, cons), "\n")
	for _, w := range erasedWords {
		if !strings.Contains(before, w) {
			t.Fatalf("%s is not on the second PC before the erasure: the test proves nothing", w)
		}
	}
	ctx := context.Background()
	// Offline on the second PC: an edit of the business.
	g.as("uketsuke", func(s *Session) {
		var b record.Business
		if _, err := g.o.load(s, biz, record.KindBusiness, &b); err != nil {
			t.Fatal(err)
		}
		b.Note = "消去前の編集"
		if err := g.o.SaveBusiness(ctx, s, &b, SaveBusinessOptions{}); err != nil {
			t.Fatal(err)
		}
	})
	f.as("kantoku", func(s *Session) {
		plan, err := f.o.PlanErase(ctx, s, []string{biz}, ReasonRequest)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.o.Erase(ctx, s, plan); err != nil {
			t.Fatal(err)
		}
	})
	// The second PC's edit reaches the first after the erasure: not stored.
	pull(t, g, f, "admin")
	f.as("admin", func(s *Session) {
		if _, err := f.o.store.Head(biz); err == nil {
			t.Error("the offline edit brought the erased business back")
		}
	})
	pull(t, f, g, "uketsuke")
	g.as("uketsuke", func(s *Session) {
		if _, err := g.o.Business(ctx, s, biz); !errors.Is(err, ErrNotFound) {
			t.Errorf("business on the second PC after the order: %v", err)
		}
	})
	// The next sync there by a person with the case key clears the blind
	// entries reception could not read.
	pull(t, f, g, "soudan")
	g.as("kantoku", func(s *Session) {
		evs, err := g.o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActPurge})
		if err != nil || len(evs) != 4 || evs[0].User != "uketsuke" {
			t.Errorf("purge events on the second PC: %+v %v", evs, err)
		}
	})
	g.reopen()
	if after := traces(t, g, append(erasedWords, "消去前の編集"), biz, cons); len(after) > 0 {
		t.Errorf("on the second PC after the erasure:\n%s", strings.Join(after, "\n"))
	}
	scanFiles(t, g.dir, erasedWords)

	// A receptionist's own program pushes an order it signed itself.
	var forged syncer.Outgoing
	g.as("uketsuke", func(s *Session) {
		p := &PurgeOrder{Reason: ReasonRequest, Items: []PurgeItem{{ID: other, Kind: record.KindBusiness, Versions: 2}}}
		if err := g.o.signOrder(s, p); err != nil {
			t.Fatal(err)
		}
		w, _, err := g.o.orderVersion(s, p)
		if err != nil {
			t.Fatal(err)
		}
		forged = syncer.Outgoing{ID: w.Version.ID, Rev: w.Version.Rev, Data: w.Version.Blob}
	})
	applyOut(t, f, "admin", []syncer.Outgoing{forged})
	f.as("kantoku", func(s *Session) {
		if _, err := f.o.Business(ctx, s, other); err != nil {
			t.Errorf("a forged order erased %s: %v", other, err)
		}
		evs, err := f.o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActWarning})
		found := false
		for _, e := range evs {
			found = found || (e.Object == forged.ID && strings.Contains(e.Detail, "purge order refused"))
		}
		if err != nil || !found {
			t.Errorf("no warning of the forged order: %+v %v", evs, err)
		}
	})
}

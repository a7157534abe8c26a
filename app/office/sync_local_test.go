package office

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

var bg0 = context.Background()

func TestSyncRecordAppearsOnTheOtherDevice(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	var biz *record.Business
	var cons *record.Consultation
	a.as("soudan", func(s *Session) {
		biz = a.business(s, "同期テスト商店", "ドウキテストショウテン", "03-5555-0101")
		cons = &record.Consultation{BusinessID: biz.ID, ConsultantID: a.staff, Date: "2026-10-01", Start: "10:00", End: "11:00",
			Mode: "窓口", Case: &record.ConsultationCase{Summary: "販路開拓について相談"}}
		if err := a.o.SaveConsultation(bg0, s, cons); err != nil {
			t.Fatal(err)
		}
	})
	out := outboxOf(t, a, "soudan")
	got := applyOut(t, b, "soudan", out)
	if got.New != len(out) || got.Known != 0 || got.Unopened != 0 || got.Merged != 0 {
		t.Fatalf("first apply %+v of %d", got, len(out))
	}
	b.as("soudan", func(s *Session) {
		hits, err := b.o.Search(bg0, s, "同期テスト", 10)
		if err != nil || len(hits) != 1 || hits[0].ID != biz.ID {
			t.Fatalf("search on B: %v %v", hits, err)
		}
		hits, err = b.o.Search(bg0, s, "0101", 10)
		if err != nil || len(hits) != 1 {
			t.Fatalf("phone search on B: %v %v", hits, err)
		}
		cs, err := b.o.SearchCases(bg0, s, "販路開拓", 10)
		if err != nil || len(cs) != 1 || cs[0].ID != cons.ID {
			t.Fatalf("case search on B: %v %v", cs, err)
		}
		got, err := b.o.Business(bg0, s, biz.ID)
		if err != nil || got.Name != biz.Name || got.Case == nil || got.Case.RepBirth != "1970-04-01" {
			t.Fatalf("business on B: %+v %v", got, err)
		}
		st, err := b.o.Replica(s).State(bg0, "cursor")
		if err != nil || string(st) != "x" {
			t.Fatalf("state %q %v", st, err)
		}
		if st, err := b.o.Replica(s).State(bg0, "none"); err != nil || st != nil {
			t.Fatalf("absent state %q %v", st, err)
		}
	})
	// Pulled versions are not B's to push.
	if bo := outboxOf(t, b, "soudan"); len(bo) != 0 {
		t.Fatalf("B's outbox holds %d pulled versions", len(bo))
	}
	// The same page again changes nothing.
	var before, after storeState
	b.as("soudan", func(*Session) { before = storeStateOf(t, b.o) })
	again := applyOut(t, b, "soudan", out)
	if again.New != 0 || again.Known != len(out) {
		t.Fatalf("second apply %+v", again)
	}
	b.as("soudan", func(*Session) { after = storeStateOf(t, b.o) })
	if before.records != after.records || before.hlc != after.hlc {
		t.Fatalf("the same page again changed the records:\n%s\n%s", before.records, after.records)
	}
}

func TestSyncRefusesAHeaderOfAnotherRecord(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	a.as("uketsuke", func(s *Session) {
		a.business(s, "改ざん確認商店", "カイザンカクニンショウテン", "03-5555-0202")
	})
	out := outboxOf(t, a, "uketsuke")
	bad := slices.Clone(out)
	if bad[len(bad)-1].ID == out[0].ID {
		t.Fatal("the outbox holds one record")
	}
	bad[len(bad)-1].ID = out[0].ID // sealed for one record, offered as another
	b.as("uketsuke", func(s *Session) {
		before := storeStateOf(t, b.o)
		in := make([]syncer.Incoming, len(bad))
		for i, x := range bad {
			in[i] = syncer.Incoming(x)
		}
		_, err := b.o.Replica(s).Apply(bg0, in, map[string][]byte{"cursor": []byte("1")})
		if !errors.Is(err, ErrSyncDamaged) {
			t.Fatalf("got %v, want ErrSyncDamaged", err)
		}
		if d := before.diff(storeStateOf(t, b.o)); d != "" {
			t.Fatalf("a refused page changed %s", d)
		}
		for _, x := range out {
			if _, err := b.o.store.Head(x.ID); !errors.Is(err, local.ErrNotFound) {
				t.Fatalf("%s stored: %v", x.ID, err)
			}
		}
		if st, _ := b.o.Replica(s).State(bg0, "cursor"); st != nil {
			t.Fatalf("state set: %q", st)
		}
	})
}

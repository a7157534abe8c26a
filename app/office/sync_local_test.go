package office

import (
	"context"
	"crypto/ed25519"
	"encoding/hex"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/vault"
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
			in[i] = syncer.Incoming{ID: x.ID, Rev: x.Rev, Data: x.Data}
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

func TestSyncApplyIsOneTransactionAndChecksKinds(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	var x string
	a.as("uketsuke", func(s *Session) {
		x = a.business(s, "一括確認商店", "イッカツカクニンショウテン", "03-5555-0404").ID
	})
	pull(t, a, b, "uketsuke")
	var y string
	var forged syncer.Incoming
	a.as("uketsuke", func(s *Session) {
		y = a.business(s, "途中確認商店", "トチュウカクニンショウテン", "03-5555-0505").ID
		// A validly sealed version of x that says it is a reservation.
		rev := a.o.clock.Next()
		env, err := vault.Seal(s.keys, vault.ClassContact, x, string(record.KindReservation), rev, nil, []byte(`{}`))
		if err != nil {
			t.Fatal(err)
		}
		forged = syncer.Incoming{ID: x, Rev: rev.String(), Data: env.Marshal()}
	})
	var in []syncer.Incoming
	for _, o := range outboxOf(t, a, "uketsuke") {
		in = append(in, syncer.Incoming{ID: o.ID, Rev: o.Rev, Data: o.Data})
	}
	in = append(in, forged)
	b.as("uketsuke", func(s *Session) {
		before := storeStateOf(t, b.o)
		_, err := b.o.Replica(s).Apply(bg0, in, map[string][]byte{"cursor": []byte("2")})
		if !errors.Is(err, ErrSyncDamaged) {
			t.Fatalf("a record of another kind: %v", err)
		}
		// A write the store refuses at the end of the batch, after every
		// version, head, term and meta of the page was written in the
		// transaction: nothing of it stays.
		applyHook = func(b *local.Batch) { b.Writes = append(b.Writes, local.Write{Version: local.Version{ID: x}}) }
		defer func() { applyHook = nil }()
		_, err = b.o.Replica(s).Apply(bg0, in[:len(in)-1], map[string][]byte{"cursor": []byte("2")})
		if !errors.Is(err, local.ErrInvalid) {
			t.Fatalf("injected failure: %v", err)
		}
		after := storeStateOf(t, b.o)
		if before.records != after.records || before.hlc != after.hlc || before.head != after.head {
			t.Fatalf("a failed Apply left:\n%s\n%s", before.records, after.records)
		}
		if _, err := b.o.store.Head(y); !errors.Is(err, local.ErrNotFound) {
			t.Fatalf("%s stored: %v", y, err)
		}
		if st, _ := b.o.Replica(s).State(bg0, "cursor"); string(st) != "x" {
			t.Fatalf("state %q", st)
		}
	})
}

func TestSyncAcknowledgeRemovesTheGivenEntries(t *testing.T) {
	a := newFixture(t)
	all := outboxOf(t, a, "uketsuke")
	if len(all) < 4 {
		t.Fatalf("outbox of %d", len(all))
	}
	a.as("uketsuke", func(s *Session) {
		r := a.o.Replica(s)
		if err := r.Acknowledge(bg0, []syncer.Outgoing{all[0], all[2]}, map[string][]byte{"cursor": []byte("9")}); err != nil {
			t.Fatal(err)
		}
		rest, err := r.Outbox(bg0, 0)
		if err != nil {
			t.Fatal(err)
		}
		want := append([]syncer.Outgoing{all[1]}, all[3:]...)
		if !reflect.DeepEqual(rest, want) {
			t.Fatalf("outbox after acknowledging 2 of %d: %d left", len(all), len(rest))
		}
		if st, _ := r.State(bg0, "cursor"); string(st) != "9" {
			t.Fatalf("state %q", st)
		}
		if first, _ := r.Outbox(bg0, 1); len(first) != 1 || first[0].Rev != all[1].Rev {
			t.Fatalf("limit 1: %v", first)
		}
	})
}

func TestSyncSeedsAVaultFromBeforeSync(t *testing.T) {
	a := newFixture(t)
	a.as("admin", func(s *Session) {
		// A vault from before sync: its versions are in no outbox.
		vs, err := a.o.store.Outbox(0)
		if err != nil {
			t.Fatal(err)
		}
		refs := make([]local.OutboxRef, len(vs))
		total := 0
		for i, v := range vs {
			refs[i] = local.OutboxRef{ID: v.ID, Rev: v.Rev}
		}
		if err := a.o.store.Commit(local.Batch{Acked: refs}); err != nil {
			t.Fatal(err)
		}
		for _, k := range []string{string(record.KindVenue), string(record.KindStaff)} {
			ids, _ := a.o.store.IDs(k)
			for _, id := range ids {
				h, _ := a.o.store.History(id)
				total += len(h)
			}
		}
		r := a.o.Replica(s)
		out, err := r.Outbox(bg0, 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(out) != total || total == 0 {
			t.Fatalf("seeded outbox of %d, the vault holds %d versions", len(out), total)
		}
		if err := r.Acknowledge(bg0, out, nil); err != nil {
			t.Fatal(err)
		}
		if again, _ := r.Outbox(bg0, 0); len(again) != 0 {
			t.Fatalf("seeded twice: %d", len(again))
		}
	})
}

func TestSyncReceptionLeavesCasePartsForLater(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	var cons *record.Consultation
	a.as("soudan", func(s *Session) {
		biz := a.business(s, "受付確認商店", "ウケツケカクニンショウテン", "03-5555-0606")
		cons = &record.Consultation{BusinessID: biz.ID, ConsultantID: a.staff, Date: "2026-10-01", Start: "10:00", End: "11:00",
			Mode: "窓口", Case: &record.ConsultationCase{Summary: "事業承継の計画"}}
		if err := a.o.SaveConsultation(bg0, s, cons); err != nil {
			t.Fatal(err)
		}
	})
	got := pull(t, a, b, "uketsuke")
	if got.Unopened != 2 { // the business's and the consultation's case parts
		t.Fatalf("reception applied %+v", got)
	}
	b.as("uketsuke", func(s *Session) {
		if _, err := b.o.store.Head(cons.ID + caseSuffix); err != nil {
			t.Fatalf("case part not stored: %v", err)
		}
		if keys, _ := b.o.store.MetaKeys(unopenedPrefix, 0); len(keys) != 2 {
			t.Fatalf("remembered %v", keys)
		}
		if hits, _ := b.o.Search(bg0, s, "受付確認", 10); len(hits) != 1 {
			t.Fatalf("contact part not indexed: %v", hits)
		}
	})
	// The next page a consultant applies indexes them.
	later(a)
	a.as("soudan", func(s *Session) {
		a.business(s, "次頁確認商店", "ジページカクニンショウテン", "03-5555-0707")
	})
	pull(t, a, b, "soudan")
	b.as("soudan", func(s *Session) {
		cs, err := b.o.SearchCases(bg0, s, "事業承継", 10)
		if err != nil || len(cs) != 1 || cs[0].ID != cons.ID {
			t.Fatalf("case search after a consultant's apply: %v %v", cs, err)
		}
		if keys, _ := b.o.store.MetaKeys(unopenedPrefix, 0); len(keys) != 0 {
			t.Fatalf("still remembered %v", keys)
		}
	})
}

func TestSyncSignerAndAnchor(t *testing.T) {
	a := newFixture(t)
	a.as("kantoku", func(s *Session) {
		r := a.o.Replica(s)
		login, sign := r.Signer()
		msg := []byte("push chain")
		keys := r.SignKeys(login)
		if login != "kantoku" || len(keys) == 0 || !ed25519.Verify(keys[0], msg, sign(msg)) {
			t.Fatalf("signer %s with %d keys", login, len(keys))
		}
		if r.SignKeys("nobody") != nil {
			t.Fatal("keys of an unknown login")
		}
		an, ok, err := r.Anchor(bg0)
		if err != nil || !ok {
			t.Fatalf("anchor %v %v", ok, err)
		}
		var evs []audit.Event
		if err := a.o.store.AuditRange(1, func(e local.AuditEntry) error {
			ev, err := audit.Unmarshal(e.Data)
			evs = append(evs, ev)
			return err
		}); err != nil {
			t.Fatal(err)
		}
		ev := evs[an.Seq-1]
		if ev.Action != audit.ActCheckpoint || hex.EncodeToString(an.Hash) != ev.Hash {
			t.Fatalf("anchor %d is %s", an.Seq, ev.Action)
		}
		for _, later := range evs[an.Seq:] {
			if later.Action == audit.ActCheckpoint {
				t.Fatalf("checkpoint %d is newer than the anchor %d", later.Seq, an.Seq)
			}
		}
		kr, _ := a.o.trusted()
		signed := audit.CheckpointMessage(kr.Office, ev.Device, evs[an.Seq-2].HeadAfter(), ev.User, ev.At)
		if !ed25519.Verify(r.SignKeys(ev.User)[0], signed, an.Sig) {
			t.Fatal("the anchor's signature does not verify")
		}
	})
}

func TestSyncMarksProbableDuplicates(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	var onA, onB string
	a.as("uketsuke", func(s *Session) {
		onA = a.business(s, "重複確認商店", "ジュウフクカクニンショウテン", "03-5555-0808").ID
	})
	b.as("uketsuke", func(s *Session) {
		onB = b.business(s, "重複確認商店", "ジュウフクカクニンショウテン", "03-5555-0909").ID
	})
	pull(t, a, b, "uketsuke")
	b.as("uketsuke", func(s *Session) {
		if ids, _ := b.o.store.Find(ixDup, onB); !reflect.DeepEqual(ids, []string{onA}) {
			t.Fatalf("dup term of %s: %v", onB, ids)
		}
		ds, err := b.o.ProbableDuplicates(context.Background(), s)
		if err != nil || len(ds) != 1 || ds[0].Business.ID != onA || ds[0].Like.ID != onB {
			t.Fatalf("ProbableDuplicates: %+v %v", ds, err)
		}
	})
	b.as("kantoku", func(s *Session) {
		if err := b.o.MergeBusiness(context.Background(), s, onA, onB); err != nil {
			t.Fatal(err)
		}
		ds, err := b.o.ProbableDuplicates(context.Background(), s)
		if err != nil || len(ds) != 0 {
			t.Fatalf("ProbableDuplicates after the merge: %+v %v", ds, err)
		}
	})
}

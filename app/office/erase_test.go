package office

import (
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// erasedWords are the words of the record the erasure tests erase: the
// business's old and new name, its phone, its representative's birth date
// (case part), and the consultation's content. No other record holds them.
var erasedWords = []string{"消去対象旧商店", "消去対象新商店", "0355559876", "1961-07-23", "極秘の資金繰り相談", "別の銀行へ借換え", "第三版の所感"}

// erasable builds a business (renamed once) with a consultation in three
// versions, approved, and a reservation, spread over Badger's tables by
// reopening the office between the steps; and a second business that must
// survive. It returns the business id, the consultation id and the other
// business's id.
func (f *fixture) erasable() (biz, cons, other string) {
	f.t.Helper()
	ctx := context.Background()
	f.as("soudan", func(s *Session) {
		b := dummyBusiness("消去対象旧商店", "ショウキョタイショウ", "03-5555-9876")
		b.Case.RepBirth = "1961-07-23"
		if err := f.o.SaveBusiness(ctx, s, b, SaveBusinessOptions{}); err != nil {
			f.t.Fatal(err)
		}
		biz = b.ID
	})
	f.reopen()
	f.as("soudan", func(s *Session) {
		var b record.Business
		if _, err := f.o.load(s, biz, record.KindBusiness, &b); err != nil {
			f.t.Fatal(err)
		}
		b.Name = "消去対象新商店"
		if err := f.o.SaveBusiness(ctx, s, &b, SaveBusinessOptions{}); err != nil {
			f.t.Fatal(err)
		}
		c := &record.Consultation{BusinessID: biz, ConsultantID: f.staff, Date: "2026-10-01", Start: "10:00", End: "10:30",
			Mode: "窓口", Status: record.StDraft, Case: &record.ConsultationCase{Summary: "極秘の資金繰り相談"}}
		if err := f.o.SaveConsultation(ctx, s, c); err != nil {
			f.t.Fatal(err)
		}
		cons = c.ID
		if _, err := f.reservation(s, biz, f.venue, f.staff, "2026-10-20", "10:00", "11:00"); err != nil {
			f.t.Fatal(err)
		}
		o := f.business(s, "残る商店", "ノコルショウテン", "03-5555-1111")
		other = o.ID
		oc := &record.Consultation{BusinessID: other, ConsultantID: f.staff, Date: "2026-10-01", Start: "11:00", End: "11:30",
			Mode: "窓口", Status: record.StConfirmed, Case: &record.ConsultationCase{Summary: "残る相談の資金繰り"}}
		if err := f.o.SaveConsultation(ctx, s, oc); err != nil {
			f.t.Fatal(err)
		}
	})
	f.reopen()
	f.as("soudan", func(s *Session) {
		c, err := f.o.Consultation(ctx, s, cons)
		if err != nil {
			f.t.Fatal(err)
		}
		c.Case.Guidance, c.Status = "別の銀行へ借換え", record.StConfirmed
		if err := f.o.SaveConsultation(ctx, s, c); err != nil {
			f.t.Fatal(err)
		}
		c, _ = f.o.Consultation(ctx, s, cons)
		c.Case.Impression = "第三版の所感"
		if err := f.o.SaveConsultation(ctx, s, c); err != nil {
			f.t.Fatal(err)
		}
	})
	f.as("kantoku", func(s *Session) {
		if err := f.o.Approve(ctx, s, cons); err != nil {
			f.t.Fatal(err)
		}
	})
	return biz, cons, other
}

// reopen closes and opens the office, so that Badger writes its memtables
// into tables (the versions then sit in several files and levels).
func (f *fixture) reopen() {
	f.t.Helper()
	if f.o.sess != nil {
		f.t.Fatal("reopen while logged in")
	}
	if err := f.o.Close(); err != nil {
		f.t.Fatal(err)
	}
	o, err := Open(f.dir, testOptions(f.clock))
	if err != nil {
		f.t.Fatal(err)
	}
	f.o = o
	f.t.Cleanup(func() { o.Close() })
}

// traces opens the closed vault's Badger with the store key, walks every
// key in every version Badger still holds (deleted ones included), and
// returns where the words are found: in a key or value as stored, inside
// a version's envelope opened with the office keys, or as the target of a
// blind-index entry (opened with the blind keys) that points at one of ids.
func traces(t *testing.T, f *fixture, words []string, ids ...string) []string {
	t.Helper()
	kr, err := vault.LoadKeyring(filepath.Join(f.dir, KeyringFile))
	if err != nil {
		t.Fatal(err)
	}
	un, err := kr.Unlock("kantoku", []byte(testPassword), f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	keys := un.Keys
	db := rawStore(t, f)
	defer db.Close()
	var found []string
	seen := 0
	hit := func(where string, b []byte) {
		for _, w := range words {
			if bytes.Contains(b, []byte(w)) {
				found = append(found, fmt.Sprintf("%q in %s", w, where))
			}
		}
	}
	err = db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{AllVersions: true, PrefetchValues: false})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			item := it.Item()
			key := item.KeyCopy(nil)
			val, err := item.ValueCopy(nil)
			if err != nil {
				return err
			}
			seen++
			where := fmt.Sprintf("key %q@%d", key, item.Version())
			hit(where, key)
			hit(where, val)
			switch {
			case bytes.HasPrefix(key, []byte("v/")) && len(val) > 0:
				id, rev, _ := strings.Cut(string(key[2:]), "\x00")
				n, k := binary.Uvarint(val)
				if k <= 0 || int(n) > len(val)-k {
					t.Errorf("%s: not a version", where)
					continue
				}
				kind, blob := string(val[k:k+int(n)]), val[k+int(n):]
				env, err := vault.UnmarshalEnvelope(blob)
				if err != nil {
					t.Errorf("%s: %v", where, err)
					continue
				}
				r, _ := vault.ParseRev(rev)
				plain, err := vault.Open(keys, env, vault.Expect{ID: id, Kind: kind, Rev: &r})
				if err != nil {
					t.Errorf("%s: %v", where, err)
					continue
				}
				hit(where+" (opened)", plain)
			case bytes.HasPrefix(key, []byte("m/"+blindPrefix)) && len(val) > 0:
				ek := string(key[2:])
				v, _ := strings.CutPrefix(ek, blindPrefix)
				ver, _, _ := strings.Cut(v, "/")
				var vn uint32
				fmt.Sscan(ver, &vn)
				b, err := keys.BlindIndex(vn)
				if err != nil {
					t.Errorf("%s: %v", where, err)
					continue
				}
				raw, err := b.Open(ek, val)
				b.Close()
				if err != nil {
					t.Errorf("%s: %v", where, err)
					continue
				}
				for _, id := range ids {
					if string(raw) == id || string(raw) == id+caseSuffix {
						found = append(found, fmt.Sprintf("blind entry %s points at %s", ek, id))
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if seen < 50 {
		t.Fatalf("only %d entries walked", seen)
	}
	return found
}

// TestEraseLeavesNoTrace is the erasure's proof on one PC: before the
// erasure every word of the record is found (in the opened envelopes, the
// plain index and the deleted index keys of the old name), after it none is,
// in any version Badger holds, nor in any file; the other records, their
// search and the access-log chain are whole.
func TestEraseLeavesNoTrace(t *testing.T) {
	f := newFixture(t)
	biz, cons, other := f.erasable()
	ids := []string{biz, cons}
	before := traces(t, f, erasedWords, ids...)
	for _, w := range erasedWords {
		if !strings.Contains(strings.Join(before, "\n"), fmt.Sprintf("%q", w)) {
			t.Fatalf("%s is not in the store before the erasure: the test proves nothing", w)
		}
	}
	if !strings.Contains(strings.Join(before, "\n"), "blind entry") {
		t.Fatal("no blind entry points at the record before the erasure")
	}
	ctx := context.Background()
	var res ErasureResult
	f.as("kantoku", func(s *Session) {
		plan, err := f.o.PlanErase(ctx, s, []string{biz}, ReasonRequest)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[record.Kind]int{}
		for _, it := range plan.Items {
			kinds[it.Kind]++
		}
		if len(plan.Items) != 3 || kinds[record.KindConsultation] != 1 || kinds[record.KindReservation] != 1 {
			t.Fatalf("plan: %+v", plan.Items)
		}
		// business 2 versions + its unchanged case part 1, consultation and
		// case 4 each (saved three times, approved) + approval 1,
		// reservation 1
		if plan.Versions() != 13 {
			t.Errorf("plan versions: %d, want 13: %+v", plan.Versions(), plan.Items)
		}
		if res, err = f.o.Erase(ctx, s, plan); err != nil {
			t.Fatal(err)
		}
		if res.Versions != plan.Versions() {
			t.Errorf("erased %d versions, planned %d", res.Versions, plan.Versions())
		}
		if _, err := f.o.Consultation(ctx, s, cons); !errors.Is(err, ErrNotFound) {
			t.Errorf("erased consultation reads: %v", err)
		}
		hits, err := f.o.SearchCases(ctx, s, "資金繰り", 10)
		if err != nil || len(hits) != 1 || hits[0].BusinessID != other {
			t.Errorf("case search after erasure: %+v %v", hits, err)
		}
		if hits, err := f.o.Search(ctx, s, "消去対象", 10); err != nil || len(hits) != 0 {
			t.Errorf("search after erasure: %+v %v", hits, err)
		}
		if n, err := f.o.VerifyAudit(ctx, s); err != nil || n == 0 {
			t.Errorf("access log after erasure: %d %v", n, err)
		}
		evs, err := f.o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActPurge})
		if err != nil || len(evs) != 4 {
			t.Errorf("purge events: %d %v", len(evs), err)
		}
		out, err := f.o.store.Outbox(0)
		if err != nil || len(out) == 0 {
			t.Fatalf("outbox: %d %v", len(out), err)
		}
		for _, v := range out {
			if strings.HasPrefix(v.ID, biz) || strings.HasPrefix(v.ID, cons) {
				t.Errorf("outbox still holds %s", v.ID)
			}
		}
	})
	f.reopen()
	if after := traces(t, f, erasedWords, ids...); len(after) > 0 {
		t.Errorf("after the erasure:\n%s", strings.Join(after, "\n"))
	}
	scanFiles(t, f.dir, erasedWords)
}

// TestEraseInsider: nobody but a supervisor or an admin erases, lists or
// changes the retention rules; an order not signed by one of them, or
// changed after signing, is refused and erases nothing.
func TestEraseInsider(t *testing.T) {
	f := newFixture(t)
	id := f.confirmedConsultation("内部者の消去")
	ctx := context.Background()
	for _, login := range []string{"uketsuke", "soudan", "coord"} {
		f.as(login, func(s *Session) {
			if _, err := f.o.Expired(ctx, s); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s Expired: %v", login, err)
			}
			if _, err := f.o.PlanErase(ctx, s, []string{id}, ReasonRequest); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s PlanErase: %v", login, err)
			}
			plan := ErasePlan{Reason: ReasonRequest, Items: []PurgeItem{{ID: id, Kind: record.KindConsultation, Versions: 3}}}
			if _, err := f.o.Erase(ctx, s, plan); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s Erase: %v", login, err)
			}
			if err := f.o.SetRetention(ctx, s, RetentionRules{1, 1, 1, 1, 1}); !errors.Is(err, ErrForbidden) {
				t.Errorf("%s SetRetention: %v", login, err)
			}
			// Their own program signs an order with their own key.
			p := &PurgeOrder{Reason: ReasonRequest, Items: plan.Items}
			if err := f.o.signOrder(s, p); err != nil {
				t.Fatal(err)
			}
			if _, err := f.o.ApplyPurgeOrder(ctx, s, p.Marshal()); !errors.Is(err, ErrForged) {
				t.Errorf("%s's own order: %v", login, err)
			}
			// … or claims a supervisor signed it.
			p.By = "kantoku"
			if _, err := f.o.ApplyPurgeOrder(ctx, s, p.Marshal()); !errors.Is(err, ErrForged) {
				t.Errorf("%s's order in kantoku's name: %v", login, err)
			}
		})
	}
	var signed *PurgeOrder
	f.as("kantoku", func(s *Session) {
		plan, err := f.o.PlanErase(ctx, s, []string{id}, ReasonRequest)
		if err != nil {
			t.Fatal(err)
		}
		signed = &PurgeOrder{Reason: plan.Reason, Items: plan.Items}
		if err := f.o.signOrder(s, signed); err != nil {
			t.Fatal(err)
		}
	})
	other := f.confirmedConsultation("巻き添えにしない")
	for _, c := range []struct {
		name string
		edit func(p *PurgeOrder)
		want error
	}{
		{"another record added", func(p *PurgeOrder) {
			p.Items = append(p.Items, PurgeItem{ID: other, Kind: record.KindConsultation, Versions: 1})
			slices.SortFunc(p.Items, func(a, b PurgeItem) int { return strings.Compare(a.ID, b.ID) })
		}, ErrForged},
		{"record swapped", func(p *PurgeOrder) { p.Items[0].ID = other }, ErrForged},
		{"another office", func(p *PurgeOrder) { p.Office = "another" }, ErrForged},
		{"time changed", func(p *PurgeOrder) { p.At = p.At.Add(time.Second) }, ErrForged},
		{"no signature", func(p *PurgeOrder) { p.Sig = nil }, ErrInvalid},
		{"a master", func(p *PurgeOrder) { p.Items[0] = PurgeItem{ID: f.venue, Kind: record.KindVenue} }, ErrInvalid},
	} {
		p := *signed
		p.Items = append([]PurgeItem(nil), signed.Items...)
		c.edit(&p)
		f.as("uketsuke", func(s *Session) {
			if _, err := f.o.ApplyPurgeOrder(ctx, s, p.Marshal()); !errors.Is(err, c.want) {
				t.Errorf("%s: %v, want %v", c.name, err, c.want)
			}
		})
	}
	f.as("soudan", func(s *Session) {
		for _, id := range []string{id, other} {
			if _, err := f.o.Consultation(ctx, s, id); err != nil {
				t.Errorf("%s after refused orders: %v", id, err)
			}
		}
	})
	// The genuine order, applied by anyone's sync, erases.
	f.as("uketsuke", func(s *Session) {
		if _, err := f.o.ApplyPurgeOrder(ctx, s, signed.Marshal()); err != nil {
			t.Errorf("genuine order: %v", err)
		}
	})
	f.as("soudan", func(s *Session) {
		if _, err := f.o.Consultation(ctx, s, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("after the genuine order: %v", err)
		}
	})
	// Reception could not read the blind index: its entries still point at
	// the record until a session with the case key clears them.
	f.reopen()
	if left := traces(t, f, nil, id); len(left) == 0 {
		t.Fatal("no blind entry left by reception's erasure: the test proves nothing")
	}
	f.as("kantoku", func(s *Session) {
		if _, err := f.o.Expired(ctx, s); err != nil {
			t.Fatal(err)
		}
		if hits, err := f.o.SearchCases(ctx, s, "内部者の消去", 10); err != nil || len(hits) != 0 {
			t.Errorf("case search: %+v %v", hits, err)
		}
	})
	f.reopen()
	if left := traces(t, f, nil, id); len(left) > 0 {
		t.Errorf("after a supervisor's session:\n%s", strings.Join(left, "\n"))
	}
}

// TestExpired lists the records past their retention and follows a change
// of the rules.
func TestExpired(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.clock.mu.Lock()
	f.clock.t = time.Date(2019, 4, 1, 1, 0, 0, 0, time.UTC)
	f.clock.mu.Unlock()
	var oldBiz, newBiz, oldCons, oldResv string
	f.as("soudan", func(s *Session) {
		b := f.business(s, "古い商店", "フルイショウテン", "03-5555-2001")
		oldBiz = b.ID
		c := &record.Consultation{BusinessID: b.ID, ConsultantID: f.staff, Date: "2019-04-01", Start: "10:00", End: "10:30",
			Mode: "窓口", Status: record.StConfirmed, Case: &record.ConsultationCase{Summary: "古い相談"}}
		if err := f.o.SaveConsultation(ctx, s, c); err != nil {
			t.Fatal(err)
		}
		oldCons = c.ID
		r, err := f.reservation(s, b.ID, f.venue, f.staff, "2022-05-10", "10:00", "11:00")
		if err != nil {
			t.Fatal(err)
		}
		oldResv = r.ID
		n := f.business(s, "新しい商店", "アタラシイショウテン", "03-5555-2002")
		newBiz = n.ID
		if _, err := f.reservation(s, n.ID, f.venue, f.staff, "2026-09-01", "10:00", "11:00"); err != nil {
			t.Fatal(err)
		}
	})
	f.clock.mu.Lock()
	f.clock.t = time.Date(2026, 10, 1, 1, 0, 0, 0, time.UTC)
	f.clock.mu.Unlock()
	list := func(s *Session) map[string]ExpiredRecord {
		t.Helper()
		ex, err := f.o.Expired(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]ExpiredRecord{}
		for _, e := range ex {
			out[e.ID] = e
		}
		return out
	}
	f.as("kantoku", func(s *Session) {
		got := list(s)
		// The consultation (2019-04-01 + 5 y) has expired; the old business
		// is kept until 5 years after its reservation of 2022; the
		// reservation itself (3 y) until 2025-05-10: expired.
		if got[oldCons].Until != "2024-04-01" || got[oldCons].Kind != record.KindConsultation {
			t.Errorf("old consultation: %+v", got[oldCons])
		}
		if got[oldResv].Until != "2025-05-10" {
			t.Errorf("old reservation: %+v", got[oldResv])
		}
		if _, ok := got[oldBiz]; ok {
			t.Errorf("old business listed: %+v", got[oldBiz])
		}
		if _, ok := got[newBiz]; ok || len(got) != 2 {
			t.Errorf("listed: %+v", got)
		}
		if err := f.o.SetRetention(ctx, s, RetentionRules{Consultation: 5, Reservation: 3, Dispatch: 5, Application: 3, Business: 4}); err != nil {
			t.Fatal(err)
		}
		if err := f.o.SetRetention(ctx, s, RetentionRules{}); !errors.Is(err, ErrInvalid) {
			t.Errorf("zero rules: %v", err)
		}
		if got := list(s); got[oldBiz].Until != "2026-05-10" || len(got) != 3 {
			t.Errorf("after the change: %+v", got)
		}
	})
}

// scanFiles reports every file under dir that holds one of words as it is
// written (UTF-8): the store is encrypted, so this is the weakest check.
func scanFiles(t *testing.T, dir string, words []string) {
	t.Helper()
	files := 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		files++
		for _, w := range words {
			if bytes.Contains(data, []byte(w)) {
				t.Errorf("%q in %s", w, path)
			}
		}
		return nil
	})
	if err != nil || files < 3 {
		t.Fatalf("scan %s: %d files, %v", dir, files, err)
	}
}

// TestErasureReport renders the 消去報告書 of an erasure: ids, kinds, counts,
// dates, the signer, the order and the receipt, never a word of the
// records; the text (ids and the order hash masked) is a pdftotext golden.
func TestErasureReport(t *testing.T) {
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext not installed (poppler-utils)")
	}
	f := newFixture(t)
	ctx := context.Background()
	var biz string
	f.as("soudan", func(s *Session) {
		b := f.business(s, "報告書確認商店", "ホウコクショカクニン", "03-5555-3001")
		biz = b.ID
		c := &record.Consultation{BusinessID: biz, ConsultantID: f.staff, Date: "2026-09-30", Start: "10:00", End: "10:30",
			Mode: "窓口", Status: record.StConfirmed, Case: &record.ConsultationCase{Summary: "報告書に載らない相談"}}
		if err := f.o.SaveConsultation(ctx, s, c); err != nil {
			t.Fatal(err)
		}
	})
	f.as("kantoku", func(s *Session) {
		plan, err := f.o.PlanErase(ctx, s, []string{biz}, ReasonRequest)
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.o.Erase(ctx, s, plan)
		if err != nil {
			t.Fatal(err)
		}
		list, err := f.o.Erasures(ctx, s)
		if err != nil || len(list) != 1 || list[0].Hash != res.Order.Hash() || list[0].Records != 2 {
			t.Fatalf("erasures: %+v %v", list, err)
		}
		if _, err := f.o.PrintErasureReport(ctx, s, strings.Repeat("0", 64)); !errors.Is(err, ErrNotFound) {
			t.Errorf("unknown order: %v", err)
		}
		pdf, err := f.o.PrintErasureReport(ctx, s, res.Order.Hash())
		if err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-layout", "-", "-")
		cmd.Stdin = bytes.NewReader(pdf)
		out, err := cmd.Output()
		if err != nil {
			t.Fatal(err)
		}
		text := string(out)
		for _, w := range []string{"報告書確認商店", "0355553001", "報告書に載らない相談"} {
			if strings.Contains(text, w) {
				t.Errorf("the report holds %q", w)
			}
		}
		text = strings.ReplaceAll(text, res.Order.Hash()[:16], "<order>")
		text = strings.ReplaceAll(text, f.o.officeName(), "<office>")
		text = regexp.MustCompile(`\b([BCLR])-[0-9A-Z]{10}\b`).ReplaceAllString(text, "$1-<id>")
		// The layout's spacing depends on the width of the random ids and
		// hash the masks replace: runs of spaces count as one gap.
		gap := regexp.MustCompile(` {2,}`)
		var lines []string
		for _, l := range strings.Split(text, "\n") {
			lines = append(lines, gap.ReplaceAllString(strings.TrimRight(l, " "), "  "))
		}
		compareGolden(t, "erasure-report", strings.Join(lines, "\n"))
		evs, err := f.o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActPrint})
		if err != nil || len(evs) != 1 || !strings.HasPrefix(evs[0].Detail, "消去報告書 "+res.Order.Hash()[:16]) {
			t.Errorf("print event: %+v %v", evs, err)
		}
	})
}

var updateGolden = flag.Bool("update", false, "rewrite the golden files under testdata")

// compareGolden compares text with testdata/<name>.golden.txt, or rewrites
// it with -update.
func compareGolden(t *testing.T, name, text string) {
	t.Helper()
	path := filepath.Join("testdata", name+".golden.txt")
	if *updateGolden {
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if string(want) != text {
		t.Errorf("%s differs from %s (run go test -update and review the diff):\n%s", name, path, text)
	}
}

// TestErasureFinishesAfterACrash: a crash after the order was kept and
// before its records were dropped leaves it not done; the next listing
// finishes it.
func TestErasureFinishesAfterACrash(t *testing.T) {
	f := newFixture(t)
	id := f.confirmedConsultation("途中で止まった消去")
	ctx := context.Background()
	f.as("kantoku", func(s *Session) {
		plan, err := f.o.PlanErase(ctx, s, []string{id}, ReasonRequest)
		if err != nil {
			t.Fatal(err)
		}
		p := &PurgeOrder{Reason: plan.Reason, Items: plan.Items}
		if err := f.o.signOrder(s, p); err != nil {
			t.Fatal(err)
		}
		// What purge commits first, and nothing after it.
		pending, _ := json.Marshal(storedPurge{Order: p.Marshal()})
		if err := f.o.store.Commit(local.Batch{Meta: map[string][]byte{metaPurgePrefix + p.Hash(): pending}}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.o.Consultation(ctx, s, id); err != nil {
			t.Fatalf("before the listing: %v", err)
		}
		if _, err := f.o.Expired(ctx, s); err != nil {
			t.Fatal(err)
		}
		if _, err := f.o.Consultation(ctx, s, id); !errors.Is(err, ErrNotFound) {
			t.Errorf("after the listing: %v", err)
		}
		list, err := f.o.Erasures(ctx, s)
		if err != nil || len(list) != 1 || list[0].Versions == 0 {
			t.Errorf("erasures: %+v %v", list, err)
		}
	})
}

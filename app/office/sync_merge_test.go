package office

import (
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// editBusiness reads business id on f as login, changes it and saves it.
func editBusiness(t *testing.T, f *fixture, login, id string, change func(b *record.Business)) {
	t.Helper()
	f.as(login, func(s *Session) {
		b, err := f.o.Business(bg0, s, id)
		if err != nil {
			t.Fatal(err)
		}
		change(b)
		if err := f.o.SaveBusiness(bg0, s, b, SaveBusinessOptions{}); err != nil {
			t.Fatalf("SaveBusiness: %v", err)
		}
	})
}

// sharedBusiness makes a business on a and pulls it to the others.
func sharedBusiness(t *testing.T, a *fixture, others ...*fixture) string {
	t.Helper()
	var id string
	a.as("soudan", func(s *Session) {
		id = a.business(s, "併合確認商店", "ヘイゴウカクニンショウテン", "03-5555-0303").ID
	})
	for _, o := range others {
		pull(t, a, o, "soudan")
	}
	return id
}

func parentsOf(t *testing.T, f *fixture, id string) []string {
	t.Helper()
	var out []string
	f.as("soudan", func(s *Session) {
		v, err := f.o.store.Head(id)
		if err != nil {
			t.Fatal(err)
		}
		env, err := vault.UnmarshalEnvelope(v.Blob)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range env.Parents {
			out = append(out, p.String())
		}
	})
	return out
}

func TestSyncMergesEditsOfDifferentFields(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	id := sharedBusiness(t, a, b)
	later(a)
	editBusiness(t, a, "uketsuke", id, func(b *record.Business) { b.City = "ちよだ区" })
	editBusiness(t, b, "uketsuke", id, func(b *record.Business) { b.Email = "new@example.jp" })
	leafA, _ := headOf(t, a, "soudan", id)
	leafB, _ := headOf(t, b, "soudan", id)
	gotB := pull(t, a, b, "soudan")
	gotA := pull(t, b, a, "soudan")
	if gotA.Merged != 1 || gotB.Merged != 1 || gotA.Conflicts != 0 || gotB.Conflicts != 0 {
		t.Fatalf("applied on A %+v, on B %+v", gotA, gotB)
	}
	head, plain := sameHead(t, a, b, "soudan", id)
	if !strings.HasPrefix(head.Rev[strings.LastIndex(head.Rev, "-")+1:], mergeDevicePrefix) {
		t.Fatalf("head %s is no merge version", head.Rev)
	}
	var m record.Business
	if err := json.Unmarshal(plain, &m); err != nil {
		t.Fatal(err)
	}
	if m.City != "ちよだ区" || m.Email != "new@example.jp" || strings.Contains(string(plain), conflictsField) {
		t.Fatalf("merged %s", plain)
	}
	want := []string{leafA.Rev, leafB.Rev}
	slices.Sort(want)
	if got := parentsOf(t, a, id); !reflect.DeepEqual(got, want) {
		t.Fatalf("merge parents %v, want the leaves %v", got, want)
	}
	// Merge versions stay on the device.
	for _, x := range append(outboxOf(t, a, "soudan"), outboxOf(t, b, "soudan")...) {
		if x.Rev == head.Rev {
			t.Fatalf("merge version %s in an outbox", x.Rev)
		}
	}
	// A save on top of the merge version follows the leaves, and its
	// content starts from the merged record.
	later(a)
	editBusiness(t, a, "uketsuke", id, func(b *record.Business) {
		if b.City != "ちよだ区" || b.Email != "new@example.jp" || b.Rev != head.Rev {
			t.Fatalf("read merged %+v", b)
		}
		b.Note = "統合後"
	})
	if got := parentsOf(t, a, id); !reflect.DeepEqual(got, want) {
		t.Fatalf("a save on the merge names %v, want the leaves %v", got, want)
	}
	// B takes it as the single leaf.
	pull(t, a, b, "soudan")
	v, plain := sameHead(t, a, b, "soudan", id)
	if strings.Contains(v.Rev, mergeDevicePrefix) || !strings.Contains(string(plain), "統合後") {
		t.Fatalf("head after the save %s %s", v.Rev, plain)
	}
}

func TestSyncConflictListedAndResolved(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	id := sharedBusiness(t, a, b)
	later(a)
	editBusiness(t, a, "uketsuke", id, func(b *record.Business) { b.Phone = "03-5555-1111" })
	editBusiness(t, b, "uketsuke", id, func(b *record.Business) { b.Phone = "03-5555-2222"; b.City = "しながわ区" })
	leafA, _ := headOf(t, a, "soudan", id)
	gotB := pull(t, a, b, "soudan")
	gotA := pull(t, b, a, "soudan")
	if gotA.Conflicts != 1 || gotB.Conflicts != 1 {
		t.Fatalf("applied on A %+v, on B %+v", gotA, gotB)
	}
	sameHead(t, a, b, "soudan", id)
	var details []ConflictDetail
	for _, f := range []*fixture{a, b} {
		f.as("uketsuke", func(s *Session) {
			list, err := f.o.Conflicts(bg0, s)
			if err != nil || len(list) != 1 || list[0].ID != id || !reflect.DeepEqual(list[0].Fields, []string{"phone"}) || len(list[0].Revs) != 2 {
				t.Fatalf("Conflicts: %+v %v", list, err)
			}
			d, err := f.o.Conflict(bg0, s, id)
			if err != nil {
				t.Fatal(err)
			}
			details = append(details, d)
			// The phone index holds the later side's number, and the
			// conflict term lists the record.
			if ids, _ := f.o.store.Find(ixConflict, "1"); !reflect.DeepEqual(ids, []string{id}) {
				t.Fatalf("conflict term: %v", ids)
			}
		})
	}
	if !reflect.DeepEqual(details[0], details[1]) {
		t.Fatalf("details differ:\n%+v\n%+v", details[0], details[1])
	}
	d := details[0]
	if len(d.Fields) != 1 || len(d.Fields[0].Values) != 3 || d.Fields[0].Values[0].Value == nil {
		t.Fatalf("detail %+v", d)
	}
	var phones []string
	for _, v := range d.Fields[0].Values {
		var p string
		_ = json.Unmarshal(v.Value, &p)
		phones = append(phones, p+"@"+v.UpdatedBy)
	}
	if !slices.Contains(phones, "03-5555-1111@uketsuke") || !slices.Contains(phones, "03-5555-2222@uketsuke") || !slices.Contains(phones, "03-5555-0303@soudan") {
		t.Fatalf("values %v", phones)
	}
	// Resolve on A, keeping A's number; B takes the resolution.
	a.as("uketsuke", func(s *Session) {
		if err := a.o.ResolveConflict(bg0, s, id, map[string]string{"phone": leafA.Rev}); err != nil {
			t.Fatal(err)
		}
		if _, err := a.o.Conflict(bg0, s, id); !errorsIs(err, ErrNoConflict) {
			t.Fatalf("after resolving: %v", err)
		}
	})
	pull(t, a, b, "soudan")
	_, plain := sameHead(t, a, b, "soudan", id)
	var m record.Business
	_ = json.Unmarshal(plain, &m)
	if m.Phone != "03-5555-1111" || m.City != "しながわ区" || strings.Contains(string(plain), conflictsField) {
		t.Fatalf("resolved %s", plain)
	}
	for _, f := range []*fixture{a, b} {
		f.as("uketsuke", func(s *Session) {
			if list, err := f.o.Conflicts(bg0, s); err != nil || len(list) != 0 {
				t.Fatalf("Conflicts after resolving: %+v %v", list, err)
			}
			if hits, _ := f.o.Search(bg0, s, "5555-1111", 10); len(hits) != 1 {
				t.Fatalf("phone index after resolving: %v", hits)
			}
		})
	}
}

func TestSyncSaveEndsAConflict(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	id := sharedBusiness(t, a, b)
	later(a)
	editBusiness(t, a, "uketsuke", id, func(b *record.Business) { b.Note = "A" })
	editBusiness(t, b, "uketsuke", id, func(b *record.Business) { b.Note = "B" })
	pull(t, a, b, "soudan")
	later(a)
	editBusiness(t, b, "uketsuke", id, func(b *record.Business) { b.Note = "決着" })
	b.as("uketsuke", func(s *Session) {
		if ids, _ := b.o.store.Find(ixConflict, "1"); len(ids) != 0 {
			t.Fatalf("conflict term after a save: %v", ids)
		}
		if list, _ := b.o.Conflicts(bg0, s); len(list) != 0 {
			t.Fatalf("Conflicts after a save: %v", list)
		}
	})
	_, plain := headOf(t, b, "soudan", id)
	if strings.Contains(string(plain), conflictsField) {
		t.Fatalf("saved %s", plain)
	}
	got := pull(t, b, a, "soudan")
	if got.Conflicts != 0 {
		t.Fatalf("A after B's save: %+v", got)
	}
	sameHead(t, a, b, "soudan", id)
}

func TestSyncThreeDevicesConverge(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	c := syncDevice(t, a, "devC")
	id := sharedBusiness(t, a, b, c)
	later(a)
	editBusiness(t, a, "uketsuke", id, func(b *record.Business) { b.City = "A区"; b.Note = "A" })
	editBusiness(t, b, "uketsuke", id, func(b *record.Business) { b.Email = "b@example.jp"; b.Note = "B" })
	editBusiness(t, c, "uketsuke", id, func(b *record.Business) { b.Address = "1-2-3"; b.Note = "C" })
	outs := map[*fixture][]syncerOut{}
	for _, f := range []*fixture{a, b, c} {
		outs[f] = outboxOf(t, f, "soudan")
	}
	// Each device applies the others' pages in another order.
	applyOut(t, a, "soudan", outs[b])
	applyOut(t, a, "soudan", outs[c])
	applyOut(t, b, "soudan", outs[c])
	applyOut(t, b, "soudan", outs[a])
	applyOut(t, c, "soudan", append(slices.Clone(outs[a]), outs[b]...))
	sameHead(t, a, b, "soudan", id)
	_, plain := sameHead(t, b, c, "soudan", id)
	var m record.Business
	_ = json.Unmarshal(plain, &m)
	if m.City != "A区" || m.Email != "b@example.jp" || m.Address != "1-2-3" {
		t.Fatalf("merged %s", plain)
	}
	cs, err := conflictsOf(plain)
	if err != nil || len(cs) != 1 || cs[0].Field != "note" {
		t.Fatalf("conflicts %+v %v", cs, err)
	}
}

type syncerOut = syncer.Outgoing

func errorsIs(err, target error) bool { return errors.Is(err, target) }

func TestSyncCasePartsMergeOnTheirOwn(t *testing.T) {
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	id := sharedBusiness(t, a, b)
	later(a)
	editBusiness(t, a, "soudan", id, func(b *record.Business) { b.City = "めぐろ区"; b.Case.RepBirth = "1971-01-01" })
	editBusiness(t, b, "soudan", id, func(b *record.Business) { b.Case.RepBirth = "1972-02-02" })
	caseA, _ := headOf(t, a, "soudan", id+caseSuffix)
	pull(t, a, b, "soudan")
	pull(t, b, a, "soudan")
	sameHead(t, a, b, "soudan", id)
	sameHead(t, a, b, "soudan", id+caseSuffix)
	b.as("uketsuke", func(s *Session) {
		if list, err := b.o.Conflicts(bg0, s); err != nil || len(list) != 0 {
			t.Fatalf("reception sees %+v %v", list, err)
		}
		if _, err := b.o.Conflict(bg0, s, id); !errors.Is(err, ErrNoConflict) {
			t.Fatalf("reception's detail: %v", err)
		}
	})
	b.as("soudan", func(s *Session) {
		list, err := b.o.Conflicts(bg0, s)
		if err != nil || len(list) != 1 || !list[0].Case || !reflect.DeepEqual(list[0].Fields, []string{"rep_birth"}) {
			t.Fatalf("Conflicts: %+v %v", list, err)
		}
		if err := b.o.ResolveConflict(bg0, s, id, map[string]string{"case.rep_birth": caseA.Rev}); err != nil {
			t.Fatal(err)
		}
		got, err := b.o.Business(bg0, s, id)
		if err != nil || got.Case.RepBirth != "1971-01-01" || got.City != "めぐろ区" {
			t.Fatalf("resolved %+v %v", got, err)
		}
	})
	pull(t, b, a, "soudan")
	sameHead(t, a, b, "soudan", id+caseSuffix)
}

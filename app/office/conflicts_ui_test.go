package office

import (
	"encoding/json"
	"errors"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// TestResolveConflictWithTypedValue: a person types a merged value for a
// field in 競合 instead of picking a side; the list says when the latest
// side was saved; the resolution is written to the access log.
func TestResolveConflictWithTypedValue(t *testing.T) {
	if got := businessOf("reservation", "r-1", []byte(`{"business_id":"b-9","date":"2026-10-01"}`)); got != "b-9" {
		t.Fatalf("businessOf a reservation: %q", got)
	}
	if got := businessOf("seminar", "s-1", []byte(`{"title":"x"}`)); got != "" {
		t.Fatalf("businessOf a seminar: %q", got)
	}
	a := newFixture(t)
	b := syncDevice(t, a, "devB")
	id := sharedBusiness(t, a, b)
	later(a)
	editBusiness(t, a, "uketsuke", id, func(b *record.Business) { b.Phone = "03-5555-1111" })
	editBusiness(t, b, "uketsuke", id, func(b *record.Business) { b.Phone = "03-5555-2222" })
	leafA, _ := headOf(t, a, "soudan", id)
	pull(t, b, a, "soudan")
	a.as("uketsuke", func(s *Session) {
		list, err := a.o.Conflicts(bg0, s)
		if err != nil || len(list) != 1 {
			t.Fatalf("Conflicts: %+v %v", list, err)
		}
		if list[0].BusinessID != id {
			t.Fatalf("BusinessID %q, want %q", list[0].BusinessID, id)
		}
		if list[0].When.IsZero() || list[0].When.Before(RevTime(leafA.Rev)) {
			t.Fatalf("When %v, revs %v", list[0].When, list[0].Revs)
		}
		if RevTime(leafA.Rev).IsZero() || !RevTime("").IsZero() || !RevTime("junk").IsZero() {
			t.Fatal("RevTime")
		}
		typed, _ := json.Marshal("03-5555-1111 / 03-5555-2222")
		err = a.o.ResolveConflictWith(bg0, s, id, map[string]string{"phone": leafA.Rev}, map[string]json.RawMessage{"phone": typed})
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("picked and typed: %v", err)
		}
		if err := a.o.ResolveConflictWith(bg0, s, id, nil, map[string]json.RawMessage{"city": typed}); !errors.Is(err, ErrInvalid) {
			t.Fatalf("typed a field not in conflict: %v", err)
		}
		if err := a.o.ResolveConflictWith(bg0, s, id, nil, map[string]json.RawMessage{"phone": typed}); err != nil {
			t.Fatal(err)
		}
		got, err := a.o.Business(bg0, s, id)
		if err != nil || got.Phone != "03-5555-1111 / 03-5555-2222" {
			t.Fatalf("after resolving: %+v %v", got, err)
		}
	})
	a.as("kantoku", func(s *Session) {
		evs, err := a.o.AuditEvents(bg0, s, audit.Filter{Action: audit.ActUpdate})
		if err != nil {
			t.Fatal(err)
		}
		logged := false
		for _, ev := range evs {
			logged = logged || (ev.Object == id && ev.User == "uketsuke" && ev.Detail == "conflict resolved")
		}
		if !logged {
			t.Fatal("resolution not in the access log")
		}
	})
}

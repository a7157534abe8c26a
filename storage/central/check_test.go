package central

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestLockoutUntil(t *testing.T) {
	now := time.Date(2026, 4, 1, 9, 0, 0, 0, time.UTC)
	p := DefaultLockout
	for failures, want := range map[int]time.Duration{0: 0, 4: 0, 5: 30 * time.Second, 6: time.Minute, 7: 2 * time.Minute,
		11: 32 * time.Minute, 12: time.Hour, 1000: time.Hour} {
		got := p.Until(failures, now)
		if want == 0 && !got.IsZero() || want != 0 && !got.Equal(now.Add(want)) {
			t.Errorf("%d failures: locked until %v, want +%v", failures, got, want)
		}
	}
	// Without a maximum the doubling stops before it overflows.
	if got := (Lockout{After: 1, Base: time.Second}).Until(1<<30, now); !got.After(now) {
		t.Errorf("unbounded lockout: %v", got)
	}
	if !(Lockout{}).Until(100, now).IsZero() {
		t.Error("the zero policy locks")
	}
}

func TestTime(t *testing.T) {
	jst := time.FixedZone("JST", 9*3600)
	in := time.Date(2026, 4, 1, 9, 0, 0, 123456789, jst)
	got := Time(in)
	if got.Location() != time.UTC || got.Nanosecond() != 123456000 || !got.Equal(in.Truncate(time.Microsecond)) {
		t.Fatalf("Time(%v) = %v", in, got)
	}
	if !Time(time.Time{}).IsZero() {
		t.Fatal("the zero time changed")
	}
}

func env(id, rev string, seq uint64, prev, hash string) Envelope {
	return Envelope{ID: id, Rev: rev, Link: Link{Seq: seq, Prev: []byte(prev), Hash: []byte(hash)}, Data: []byte("ct " + id)}
}

func TestCheckBatch(t *testing.T) {
	a, b := env("B-1", "r1", 1, "", "h1"), env("B-2", "r1", 2, "h1", "h2")
	got, err := CheckBatch(Batch{Office: "o", Device: "d", Envelopes: []Envelope{a, b, a}})
	if err != nil || len(got.Envelopes) != 2 || got.Envelopes[0].Device != "d" {
		t.Fatalf("batch with a repeat: %+v, %v", got, err)
	}
	a2 := a
	a2.Data = []byte("other")
	if _, err := CheckBatch(Batch{Office: "o", Device: "d", Envelopes: []Envelope{a, a2}}); !errors.Is(err, ErrConflict) {
		t.Fatalf("one (id, rev) with two contents: %v", err)
	}
	if _, err := CheckBatch(Batch{Office: "o", Device: "d"}); !errors.Is(err, ErrInvalid) {
		t.Fatalf("empty batch: %v", err)
	}
	at := time.Date(2026, 4, 1, 9, 0, 0, 999, time.Local)
	got, err = CheckBatch(Batch{Office: "o", Device: "d", Anchor: &Anchor{Seq: 3, Hash: []byte("x")}, At: at})
	if err != nil || !got.Anchor.At.Equal(Time(at)) || !got.At.Equal(Time(at)) {
		t.Fatalf("anchor only: %+v, %v", got, err)
	}
}

func TestSplitContinueAdvance(t *testing.T) {
	a, b, c := env("B-1", "r1", 1, "", "h1"), env("B-2", "r1", 2, "h1", "h2"), env("B-3", "r1", 3, "h2", "h3")
	a.Device, b.Device, c.Device = "d", "d", "d"
	fresh, dups, err := Split([]Envelope{a, b, c}, map[Key][32]byte{{"B-1", "r1"}: Sum(a)})
	if err != nil || dups != 1 || len(fresh) != 2 {
		t.Fatalf("Split: %d fresh, %d dups, %v", len(fresh), dups, err)
	}
	if _, _, err := Split([]Envelope{a}, map[Key][32]byte{{"B-1", "r1"}: Sum(b)}); !errors.Is(err, ErrConflict) {
		t.Fatalf("Split of a changed envelope: %v", err)
	}
	head, err := Continue("d", ChainHead{Seq: 1, Hash: []byte("h1")}, fresh)
	if err != nil || head.Seq != 3 || string(head.Hash) != "h3" {
		t.Fatalf("Continue: %+v, %v", head, err)
	}
	for name, h := range map[string]ChainHead{"gap": {Seq: 0}, "wrong hash": {Seq: 1, Hash: []byte("hx")}, "behind": {Seq: 2, Hash: []byte("h2")}} {
		if _, err := Continue("d", h, fresh); !errors.Is(err, ErrChainBroken) {
			t.Errorf("Continue %s: %v", name, err)
		}
	}
	old := Anchor{Seq: 5, Hash: []byte("a5")}
	if _, changed, err := Advance("d", old, Anchor{Seq: 5, Hash: []byte("a5")}); err != nil || changed {
		t.Fatalf("same anchor: %v %v", changed, err)
	}
	if next, changed, err := Advance("d", old, Anchor{Seq: 6, Hash: []byte("a6")}); err != nil || !changed || next.Seq != 6 {
		t.Fatalf("forward: %v %v", changed, err)
	}
	for _, a := range []Anchor{{Seq: 4, Hash: []byte("a4")}, {Seq: 5, Hash: []byte("fork")}} {
		if _, _, err := Advance("d", old, a); !errors.Is(err, ErrChainBroken) {
			t.Errorf("anchor %d %s: %v", a.Seq, a.Hash, err)
		}
	}
}

func TestSumCoversEveryField(t *testing.T) {
	base := Envelope{ID: "B-1", Rev: "r", Device: "d", Link: Link{Seq: 1, Prev: []byte("p"), Hash: []byte("h"), Sig: []byte("s")}, Data: []byte("ct")}
	changes := []func(*Envelope){
		func(e *Envelope) { e.ID = "B-2" }, func(e *Envelope) { e.Rev = "s" }, func(e *Envelope) { e.Device = "e" },
		func(e *Envelope) { e.Link.Seq = 2 }, func(e *Envelope) { e.Link.Prev = []byte("q") },
		func(e *Envelope) { e.Link.Hash = []byte("i") }, func(e *Envelope) { e.Link.Sig = []byte("t") },
		func(e *Envelope) { e.Data = []byte("cu") },
		// Field boundaries: moving a byte from one field to the next changes the sum.
		func(e *Envelope) { e.Link.Prev, e.Link.Hash = []byte("ph"), nil },
	}
	for i, ch := range changes {
		e := base
		ch(&e)
		if Sum(e) == Sum(base) {
			t.Errorf("change %d keeps the sum", i)
		}
	}
}

func TestCheckTable(t *testing.T) {
	at := time.Date(2026, 4, 1, 9, 0, 0, 999, time.Local)
	got, err := CheckTable("o", Table{Serial: 1, Data: []byte{1}, Device: "d", At: at})
	if err != nil || !got.At.Equal(Time(at)) || got.At.Location() != time.UTC {
		t.Fatalf("CheckTable: %+v, %v", got, err)
	}
	if _, err := CheckTable("o", Table{Serial: maxSeq, Data: make([]byte, MaxTable), Device: "d"}); err != nil {
		t.Fatalf("the largest table: %v", err)
	}
	for name, c := range map[string]struct {
		office string
		t      Table
	}{
		"serial 0":          {"o", Table{Data: []byte{1}, Device: "d"}},
		"serial past int64": {"o", Table{Serial: maxSeq + 1, Data: []byte{1}, Device: "d"}},
		"no data":           {"o", Table{Serial: 1, Device: "d"}},
		"too much data":     {"o", Table{Serial: 1, Data: make([]byte, MaxTable+1), Device: "d"}},
		"no device":         {"o", Table{Serial: 1, Data: []byte{1}}},
		"bad device":        {"o", Table{Serial: 1, Data: []byte{1}, Device: "a b"}},
		"no office":         {"", Table{Serial: 1, Data: []byte{1}, Device: "d"}},
	} {
		if _, err := CheckTable(c.office, c.t); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestReplaceTable(t *testing.T) {
	for _, c := range []struct {
		stored, serial uint64
		same           bool
		replace        bool
		err            error
	}{
		{0, 1, false, true, nil}, {3, 4, false, true, nil}, {3, 4, true, true, nil},
		{3, 3, true, false, nil}, {3, 3, false, false, ErrConflict}, {3, 2, true, false, ErrConflict}, {3, 2, false, false, ErrConflict},
	} {
		replace, err := ReplaceTable("o", c.stored, c.serial, c.same)
		if replace != c.replace || !errors.Is(err, c.err) || (err == nil) != (c.err == nil) {
			t.Errorf("stored %d, put %d, same %v: %v, %v", c.stored, c.serial, c.same, replace, err)
		}
		if err != nil && !strings.Contains(err.Error(), "stored serial 3") {
			t.Errorf("conflict %q does not name the stored serial", err)
		}
	}
}

package syncer_test

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
)

var (
	schedules = flag.Int("sync.schedules", 200, "seeded random schedules of TestSchedules (long mode: thousands)")
	steps     = flag.Int("sync.steps", 24, "steps of each schedule")
	seedFlag  = flag.Uint64("sync.seed", 0, "first seed of TestSchedules (0: from the clock; printed)")
)

var officeAllowDup = office.SaveBusinessOptions{AllowDuplicate: true}

// editRec is one save in a schedule, for the oracle.
type editRec struct {
	id    string
	field string // the field the save changed
	value string // its new value
	rev   string
	known map[string]bool   // the revs of the record the saving PC had
	vals  map[string]string // every field as saved
}

// fields are the business fields a schedule edits: text fields with a
// unique value each time, so that no two edits agree by chance.
var fields = []string{"name", "phone", "email", "city", "address", "note"}

func setField(b *record.Business, f, v string) {
	switch f {
	case "name":
		b.Name = v
	case "phone":
		b.Phone = v
	case "email":
		b.Email = v
	case "city":
		b.City = v
	case "address":
		b.Address = v
	case "note":
		b.Note = v
	}
}

func getField(b *record.Business, f string) string {
	switch f {
	case "name":
		return b.Name
	case "phone":
		return b.Phone
	case "email":
		return b.Email
	case "city":
		return b.City
	case "address":
		return b.Address
	case "note":
		return b.Note
	}
	return ""
}

// faulty is the server as the network and a crash make it look: a push
// sent again later (duplicated, out of order), an answer lost after the
// server stored the push, a connection cut in the middle of a pull.
type faulty struct {
	syncer.Remote
	rng      *rand.Rand
	old      *[]*syncproto.PushRequest // this PC's earlier pushes
	cutPull  int                       // fail the n-th pull (0: never)
	loseAck  bool                      // fail the first push after the server stored it
	pulls    int
	replayed bool
}

var errCut = errors.New("connection cut (test)")

func (f *faulty) Push(ctx context.Context, req *syncproto.PushRequest) (*syncproto.PushResponse, error) {
	if len(*f.old) > 0 && !f.replayed && f.rng.IntN(2) == 0 {
		// An earlier batch arrives again, after newer ones: all duplicates.
		f.replayed = true
		again := (*f.old)[f.rng.IntN(len(*f.old))]
		// With its old access-log anchor it is refused (the anchor may
		// not go back); without, every envelope is a duplicate.
		resp, err := f.Remote.Push(ctx, again)
		if errors.Is(err, syncclient.ErrChainBroken) && again.Anchor != nil {
			err, resp = nil, &syncproto.PushResponse{}
		}
		if err != nil {
			var d []string
			for _, e := range again.Envelopes {
				d = append(d, fmt.Sprintf("%s/%s@%d", e.ID, e.Rev, e.Link.Seq))
			}
			return nil, fmt.Errorf("replayed batch %v: %w", d, err)
		}
		if resp.Stored != 0 {
			return nil, fmt.Errorf("replayed batch stored %d envelopes again", resp.Stored)
		}
	}
	resp, err := f.Remote.Push(ctx, req)
	if err == nil {
		*f.old = append(*f.old, req) // stored: a copy may arrive again later
	}

	if err == nil && f.loseAck {
		f.loseAck = false
		return nil, errCut
	}
	return resp, err
}

func (f *faulty) Pull(ctx context.Context, after uint64, limit int) (*syncproto.PullResponse, error) {
	if f.pulls++; f.pulls == f.cutPull {
		return nil, errCut
	}
	return f.Remote.Pull(ctx, after, limit)
}

// faultyStream is faulty pulling in streams, as the real client does: the
// cut falls inside a stream, after the pages before it.
type faultyStream struct{ *faulty }

func (f faultyStream) PullPages(ctx context.Context, after uint64, limit, pages int, each func(*syncproto.PullResponse) error) error {
	return f.Remote.(syncer.PageStreamer).PullPages(ctx, after, limit, pages, func(p *syncproto.PullResponse) error {
		if f.pulls++; f.pulls == f.cutPull {
			return errCut
		}
		return each(p)
	})
}

// TestSchedules runs seeded random schedules: a server and three PCs over
// TLS on loopback, offline edits of the same records, PCs that stay
// offline for a while (partitions), pushes duplicated and replayed out of
// order, answers lost after the server stored a push, connections cut in
// the middle of a pull, and server restarts. At the end every PC syncs
// until quiet; then every replica is identical, every value ever saved is
// in every replica's history, and no field lost a concurrent value without
// a 競合 mark. A failing seed is replayed with -sync.seed SEED
// -sync.schedules 1.
func TestSchedules(t *testing.T) {
	n := *schedules
	if testing.Short() {
		n = min(n, 20)
	}
	seed := *seedFlag
	if seed == 0 {
		seed = uint64(time.Now().UnixNano())
	}
	t.Logf("seed %d, %d schedules of %d steps (replay one: -sync.seed SEED -sync.schedules 1)", seed, n, *steps)
	for i := range n {
		s := seed + uint64(i)
		t.Run(fmt.Sprintf("seed-%d", s), func(t *testing.T) {
			t.Parallel() // each schedule has its own server and PCs; they wait on fsync
			runSchedule(t, s, *steps)
			if t.Failed() {
				t.Logf("replay: go test ./app/syncer -run TestSchedules -sync.seed %d -sync.schedules 1", s)
			}
		})
	}
}

func runSchedule(t *testing.T, seed uint64, nsteps int) {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))

	c := startCentral(t)
	a := founder(t, c)
	pcs := []*pc{a, join(t, c, "B"), join(t, c, "C")}
	logins := map[*pc]string{pcs[0]: "kanri", pcs[1]: "soudan", pcs[2]: "soudan"}
	for _, p := range pcs[1:] {
		mustSync(t, p, logins[p])
	}

	olds := map[*pc]*[]*syncproto.PushRequest{}
	for _, p := range pcs {
		olds[p] = &[]*syncproto.PushRequest{}
	}
	var ids []string
	var edits []editRec
	counter := 0
	save := func(p *pc, id string) {
		counter++
		if e, ok := saveRandom(t, p, logins[p], id, rng, seed, counter); ok {
			if id == "" {
				ids = append(ids, e.id)
			}
			edits = append(edits, e)
		}
	}

	for step := range nsteps {
		p := pcs[rng.IntN(len(pcs))]

		switch k := rng.IntN(10); {
		case k < 2 || len(ids) == 0:
			save(p, "")
		case k < 5:
			save(p, ids[rng.IntN(len(ids))])
		case k < 9:
			f := &faulty{Remote: nil, rng: rng, old: olds[p]}
			switch rng.IntN(4) {
			case 1:
				f.loseAck = true
			case 2:
				f.cutPull = 1 + rng.IntN(3)
			}
			streamed := rng.IntN(2) == 0
			_, err := p.syncWith(logins[p], func(r syncer.Remote) syncer.Remote {
				if f.Remote = r; streamed {
					return faultyStream{f}
				}
				return f
			})
			if err != nil && !errors.Is(err, errCut) {
				t.Fatalf("step %d: %s: sync: %v", step, p.name, err)
			}
		default:
			c.restart()
		}
	}
	// Every PC syncs until nothing moves: twice round.
	for range 2 {
		for _, p := range pcs {
			mustSync(t, p, logins[p])
		}
	}
	snap := sameSnapshots(t, pcs...)
	checkOracle(t, pcs[1], ids, edits, snap)
}

// uniqueValue is a value of field f that no other save of the schedule
// writes.
func uniqueValue(f string, seed uint64, n int) string {
	switch f {
	case "phone":
		return fmt.Sprintf("03-%04d-%04d", seed%10000, n)
	case "email":
		return fmt.Sprintf("e%d-%d@example.jp", seed%100000, n)
	}
	return fmt.Sprintf("%s-%d-%d", f, seed%100000, n)
}

// saveRandom saves on p, as login, a new business (id empty) or a change of
// one random field of business id, and returns the save for the oracle;
// false when p does not have the business yet.
func saveRandom(t *testing.T, p *pc, login, id string, rng *rand.Rand, seed uint64, n int) (editRec, bool) {
	t.Helper()
	ctx := context.Background()
	s := p.login(login)
	known := map[string]bool{}
	var b *record.Business
	if id == "" {
		b = &record.Business{Name: uniqueValue("name", seed, n*10+1), Kana: "ダミー", Phone: uniqueValue("phone", seed, n*10+2), Form: "法人",
			Category: "小規模事業者", Industry: "I 卸売業，小売業", Prefecture: "東京都", City: uniqueValue("city", seed, n*10+3)}
	} else {
		hist, err := p.o.BusinessHistory(ctx, s, id)
		if errors.Is(err, office.ErrNotFound) {
			return editRec{}, false // not on this PC yet
		}
		if err != nil {
			t.Fatalf("%s: history %s: %v", p.name, id, err)
		}
		for _, h := range hist {
			known[h.Rev] = true
		}
		if b, err = p.o.Business(ctx, s, id); err != nil {
			t.Fatalf("%s: business %s: %v", p.name, id, err)
		}
	}
	f := fields[rng.IntN(len(fields))]
	v := uniqueValue(f, seed, n*10)
	setField(b, f, v)
	if err := p.o.SaveBusiness(ctx, s, b, officeAllowDup); err != nil {
		t.Fatalf("%s: save %s: %v", p.name, id, err)
	}
	vals := map[string]string{}
	for _, g := range fields {
		vals[g] = getField(b, g)
	}
	return editRec{id: b.ID, field: f, value: v, rev: b.Rev, known: known, vals: vals}, true
}

// checkOracle checks on p (identical to the others) that every saved value
// is in its record's history, and, field by field, the three-way merge
// that the latest saves of each record call for. The latest saves are
// those no other save had seen (each save carries the whole record: a
// person who saw a value and kept it asserts it). Where they agree, the
// field shows their value; where they differ and every one of them
// differs from every common ancestor (both sides changed the field), the
// field shows one of them and is marked 競合.
func checkOracle(t *testing.T, p *pc, ids []string, saves []editRec, snap snapshot) {
	t.Helper()
	ctx := context.Background()
	s := p.login(p.sLogin)
	conflicts := map[string][]string{}
	cs, err := p.o.Conflicts(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		conflicts[c.ID] = append(conflicts[c.ID], c.Fields...)
	}
	for _, id := range ids {
		head, err := p.o.Business(ctx, s, id)
		if err != nil {
			t.Fatalf("business %s: %v", id, err)
		}
		hist, err := p.o.BusinessHistory(ctx, s, id)
		if err != nil {
			t.Fatal(err)
		}
		var mine, latest, common []editRec
		for _, e := range saves {
			if e.id == id {
				mine = append(mine, e)
			}
		}
		for _, e := range mine {
			found := false
			for _, h := range hist {
				if h.Rev == e.rev && getField(&h, e.field) == e.value {
					found = true
				}
			}
			if !found {
				t.Errorf("%s: the save %s of %s=%q is not in the history: lost", id, e.rev, e.field, e.value)
			}
			superseded := false
			for _, x := range mine {
				if x.known[e.rev] {
					superseded = true
				}
			}
			if !superseded {
				latest = append(latest, e)
			}
		}
		for _, e := range mine {
			all := true
			for _, l := range latest {
				all = all && l.known[e.rev]
			}
			if all {
				common = append(common, e)
			}
		}
		for _, f := range fields {
			values := map[string]bool{}
			for _, l := range latest {
				values[l.vals[f]] = true
			}
			got := getField(head, f)
			if !values[got] {
				t.Errorf("%s.%s = %q, not the value of one of its latest saves %v", id, f, got, values)
				continue
			}
			if len(values) == 1 {
				continue
			}
			bothChanged := true
			for _, l := range latest {
				if l.vals[f] == "" && len(common) == 0 {
					bothChanged = false
				}
				for _, c := range common {
					if c.vals[f] == l.vals[f] {
						bothChanged = false
					}
				}
			}
			if bothChanged && !slices.Contains(conflicts[id], f) {
				for _, e := range mine {
					t.Logf("  save %s %s=%q known %v", e.rev, e.field, e.value, e.known)
				}
				t.Errorf("%s.%s: changed on every side %v, but no 競合 mark (conflicts %v)", id, f, values, conflicts[id])
			}
		}
	}
	_ = snap
}

package syncer_test

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

func mustSync(t *testing.T, p *pc, login string) syncer.Result {
	t.Helper()
	r, err := p.sync(login)
	if err != nil {
		t.Fatalf("%s: sync as %s: %v", p.name, login, err)
	}
	return r
}

func sameSnapshots(t *testing.T, pcs ...*pc) snapshot {
	t.Helper()
	first := pcs[0].snapshot()
	for _, p := range pcs[1:] {
		if s := p.snapshot(); !reflect.DeepEqual(first, s) {
			t.Fatalf("%s and %s differ:\n%s: %+v\n%s: %+v", pcs[0].name, p.name, pcs[0].name, first, p.name, s)
		}
	}
	return first
}

func TestTwoPCsConvergeThroughTheServer(t *testing.T) {
	c := startCentral(t)
	a := founder(t, c)
	b1 := a.newBusiness("kanri", "ダミー商店", "ダミーショウテン", "03-5555-0101")
	b2 := a.newBusiness("kanri", "テスト工業", "テストコウギョウ", "03-5555-0102")
	mustSync(t, a, "kanri")

	b := join(t, c, "B")
	r := mustSync(t, b, "soudan") // the consultant registers their own server login
	if r.Applied.New == 0 {
		t.Fatalf("first pull of B applied nothing: %+v", r)
	}
	snap := sameSnapshots(t, a, b)
	if len(snap.Businesses) != 2 {
		t.Fatalf("B has %d businesses", len(snap.Businesses))
	}

	// Offline edits of different fields of one record, and a new record.
	a.edit("kanri", b1.ID, func(x *record.Business) { x.Email = "new@example.jp" })
	b.edit("soudan", b1.ID, func(x *record.Business) { x.Phone = "03-5555-0199" })
	b.newBusiness("soudan", "見本食堂", "ミホンショクドウ", "03-5555-0103")
	mustSync(t, a, "kanri")
	mustSync(t, b, "soudan")
	mustSync(t, a, "kanri")
	snap = sameSnapshots(t, a, b)
	if len(snap.Businesses) != 3 || len(snap.Conflicts) != 0 {
		t.Fatalf("after merge: %d businesses, conflicts %v", len(snap.Businesses), snap.Conflicts)
	}

	// The same field on both sides: 競合 on both, the same.
	a.edit("kanri", b2.ID, func(x *record.Business) { x.City = "さくら区" })
	b.edit("soudan", b2.ID, func(x *record.Business) { x.City = "もみじ区" })
	mustSync(t, a, "kanri")
	r = mustSync(t, b, "soudan")
	mustSync(t, a, "kanri")
	if r.Applied.Conflicts != 1 {
		t.Errorf("B's sync reported %d conflicts", r.Applied.Conflicts)
	}
	snap = sameSnapshots(t, a, b)
	if !reflect.DeepEqual(snap.Conflicts, []string{b2.ID}) {
		t.Fatalf("conflicts %v, want [%s]", snap.Conflicts, b2.ID)
	}
}

// evil is a server that cannot read but lies about what it holds: it
// takes the honest log of the office, changes it with transform (drop,
// reorder, replay, swap…), and serves pages of the result, consistently,
// as a real server would; lie, when set, changes push answers.
type evil struct {
	syncer.Remote
	transform func([]central.Envelope) []central.Envelope
	lie       func(*syncproto.PushResponse)
	rewind    bool // the second pull is answered as if asked from the start
	// lastAt, when set, is the last cursor every pull answer gives (a
	// server that lost what came after it).
	lastAt uint64
	log    []central.Envelope
	pulls  int
}

func (e *evil) Pull(ctx context.Context, after uint64, limit int) (*syncproto.PullResponse, error) {
	if e.log == nil {
		var all []central.Envelope
		var at uint64
		for {
			p, err := e.Remote.Pull(ctx, at, 0)
			if err != nil {
				return nil, err
			}
			all = append(all, p.Envelopes...)
			if len(p.Envelopes) == 0 || p.Next >= p.Last {
				break
			}
			at = p.Next
		}
		e.log = e.transform(all)
	}
	if limit <= 0 {
		limit = central.MaxPage
	}
	if e.pulls++; e.rewind && e.pulls == 2 {
		after = 0
	}
	out := &syncproto.PullResponse{Next: after}
	for _, env := range e.log {
		if env.Cursor > after && len(out.Envelopes) < limit {
			out.Envelopes = append(out.Envelopes, env)
			out.Next = env.Cursor
		}
		out.Last = max(out.Last, env.Cursor)
	}
	if e.lastAt > 0 {
		out.Last = e.lastAt
	}
	return out, nil
}

// evilStream is evil sending its pages in streams of up to two pages, as
// a real client's Remote receives them (a syncer.PageStreamer).
type evilStream struct{ *evil }

func (e evilStream) PullPages(ctx context.Context, after uint64, limit, pages int, each func(*syncproto.PullResponse) error) error {
	for range min(pages, 2) {
		p, err := e.Pull(ctx, after, limit)
		if err != nil {
			return err
		}
		if err := each(p); err != nil {
			return err
		}
		if len(p.Envelopes) == 0 || p.Next >= p.Last {
			return nil
		}
		after = p.Next
	}
	return nil
}

func (e *evil) Push(ctx context.Context, req *syncproto.PushRequest) (*syncproto.PushResponse, error) {
	resp, err := e.Remote.Push(ctx, req)
	if err == nil && e.lie != nil {
		e.lie(resp)
	}
	return resp, err
}

// ofDevice returns the indexes of the envelopes of device d.
func ofDevice(log []central.Envelope, d string) []int {
	var is []int
	for i, e := range log {
		if e.Device == d {
			is = append(is, i)
		}
	}
	return is
}

func without(log []central.Envelope, drop func(i int, e central.Envelope) bool) []central.Envelope {
	var out []central.Envelope
	for i, e := range log {
		if !drop(i, e) {
			out = append(out, e)
		}
	}
	return out
}

func TestMaliciousServerDetected(t *testing.T) {
	c := startCentral(t)
	a := founder(t, c)
	for i := range 3 {
		a.newBusiness("kanri", fmt.Sprintf("ダミー商店%d", i), "ダミーショウテン", fmt.Sprintf("03-5555-01%02d", i))
		mustSync(t, a, "kanri")
	}
	// C sees everything of A and pushes one of its own: its heads claim
	// says how far it saw A's chain.
	cpc := join(t, c, "C")
	mustSync(t, cpc, "soudan")
	cpc.newBusiness("soudan", "見本食堂", "ミホンショクドウ", "03-5555-0200")
	mustSync(t, cpc, "soudan")
	ad, cd := a.creds.Device, cpc.creds.Device

	cases := []struct {
		name      string
		transform func([]central.Envelope) []central.Envelope
		want      error
	}{
		{"drop one of A's", func(l []central.Envelope) []central.Envelope {
			k := ofDevice(l, ad)[3]
			return without(l, func(i int, _ central.Envelope) bool { return i == k })
		}, syncproto.ErrDropped},
		{"withhold A's tail (C saw it)", func(l []central.Envelope) []central.Envelope {
			is := ofDevice(l, ad)
			cut := is[len(is)-3]
			return without(l, func(i int, e central.Envelope) bool { return e.Device == ad && i >= cut })
		}, syncproto.ErrWithheld},
		{"reorder two of A's", func(l []central.Envelope) []central.Envelope {
			is := ofDevice(l, ad)
			i, j := is[2], is[3]
			l[i], l[j] = l[j], l[i]
			l[i].Cursor, l[j].Cursor = l[j].Cursor, l[i].Cursor
			return l
		}, syncproto.ErrReordered},
		{"replay one of A's later", func(l []central.Envelope) []central.Envelope {
			again := l[ofDevice(l, ad)[1]]
			again.Cursor = l[len(l)-1].Cursor + 1
			return append(l, again)
		}, syncproto.ErrReplayed},
		{"move a version to another record", func(l []central.Envelope) []central.Envelope {
			is := ofDevice(l, ad)
			l[is[2]].ID = l[is[0]].ID
			return l
		}, syncproto.ErrTampered},
		{"attribute A's version to C", func(l []central.Envelope) []central.Envelope {
			l[ofDevice(l, ad)[0]].Device = cd
			return l
		}, syncproto.ErrTampered},
		{"swap the sealed bytes of two versions", func(l []central.Envelope) []central.Envelope {
			is := ofDevice(l, ad)
			l[is[0]].Data, l[is[1]].Data = l[is[1]].Data, l[is[0]].Data
			return l
		}, syncproto.ErrTampered},
	}
	// Each lie is told in single pages and in streams: the checker sees
	// the same pages either way.
	for _, tc := range cases {
		for _, streamed := range []bool{false, true} {
			name := tc.name
			if streamed {
				name += " (streamed)"
			}
			t.Run(name, func(t *testing.T) {
				b := join(t, c, "B")
				before := b.snapshot()
				_, err := b.syncWith("soudan", func(r syncer.Remote) syncer.Remote {
					e := &evil{Remote: r, transform: tc.transform}
					if streamed {
						return evilStream{e}
					}
					return e
				})
				if !errors.Is(err, tc.want) {
					t.Fatalf("got %v, want %v", err, tc.want)
				}
				if syncproto.Japanese(err) == "" {
					t.Errorf("no Japanese sentence for %v", err)
				}
				if after := b.snapshot(); len(after.Businesses) > len(before.Businesses)+4 {
					t.Errorf("B applied more than the pages before the lie: %d", len(after.Businesses))
				}
				// The server, honest again: B rescans and converges.
				if _, err := b.syncOpt("soudan", syncer.Options{Rescan: true}); err != nil {
					t.Fatalf("rescan: %v", err)
				}
				sameSnapshots(t, cpc, b)
			})
		}
	}
	t.Run("a page from before the cursor", func(t *testing.T) {
		b := join(t, c, "B")
		_, err := b.syncWith("soudan", func(r syncer.Remote) syncer.Remote {
			return &evil{Remote: r, rewind: true, transform: func(l []central.Envelope) []central.Envelope { return l }}
		})
		if !errors.Is(err, syncproto.ErrRolledBack) {
			t.Fatalf("got %v, want ErrRolledBack", err)
		}
	})

	t.Run("server hides this device's own acknowledged versions", func(t *testing.T) {
		b := join(t, c, "B")
		mustSync(t, b, "soudan")
		b.newBusiness("soudan", "自社記録", "ジシャキロク", "03-5555-0300")
		bd := b.creds.Device
		_, err := b.syncWith("soudan", func(r syncer.Remote) syncer.Remote {
			return &evil{Remote: r, transform: func(l []central.Envelope) []central.Envelope {
				return without(l, func(_ int, e central.Envelope) bool { return e.Device == bd })
			}}
		})
		if !errors.Is(err, syncproto.ErrRolledBack) && !errors.Is(err, syncproto.ErrReplayed) {
			t.Fatalf("got %v, want a rollback detected", err)
		}
	})
	t.Run("last cursor below what this PC pulled (restored from a backup)", func(t *testing.T) {
		// B pulled A's newer versions; the server, restored from a backup
		// taken before them, answers with a last cursor below B's and
		// nothing new (B has nothing to push: it is not caught at a push).
		b := join(t, c, "B")
		before := mustSync(t, b, "soudan")
		a.newBusiness("kanri", "後から商店", "アトカラショウテン", "03-5555-0400")
		mustSync(t, a, "kanri")
		mustSync(t, b, "soudan")
		_, err := b.syncWith("soudan", func(r syncer.Remote) syncer.Remote {
			return &evil{Remote: r, lastAt: before.Cursor, transform: func(l []central.Envelope) []central.Envelope { return l }}
		})
		if !errors.Is(err, syncproto.ErrRolledBack) {
			t.Fatalf("got %v, want ErrRolledBack", err)
		}
	})
	t.Run("push answer with a lower head", func(t *testing.T) {
		b := join(t, c, "B")
		mustSync(t, b, "soudan")
		b.newBusiness("soudan", "自社記録二", "ジシャキロクニ", "03-5555-0301")
		_, err := b.syncWith("soudan", func(r syncer.Remote) syncer.Remote {
			return &evil{Remote: r, transform: func(l []central.Envelope) []central.Envelope { return l },
				lie: func(p *syncproto.PushResponse) { p.Head.Seq--; p.Head.Hash = []byte("x") }}
		})
		if !errors.Is(err, syncproto.ErrRolledBack) {
			t.Fatalf("got %v, want ErrRolledBack", err)
		}
		// The versions stay in the outbox; the honest server finds them
		// stored and acknowledges them.
		r := mustSync(t, b, "soudan")
		if r.Duplicates == 0 {
			t.Errorf("retried push: %+v", r)
		}
	})
}

// onePage is the server ending every stream after one page.
type onePage struct{ syncer.Remote }

func (o onePage) PullPages(ctx context.Context, after uint64, limit, pages int, each func(*syncproto.PullResponse) error) error {
	return o.Remote.(syncer.PageStreamer).PullPages(ctx, after, limit, 1, each)
}

// noPage is a server whose streams end before their first page.
type noPage struct{ syncer.Remote }

func (noPage) PullPages(context.Context, uint64, int, int, func(*syncproto.PullResponse) error) error {
	return nil
}

// TestPullStreamsEndingEarly: streams that the server ends after one page
// still bring everything (the PC asks again from the last page); a stream
// that ends before its first page is an error, not a loop.
func TestPullStreamsEndingEarly(t *testing.T) {
	c := startCentral(t)
	a := founder(t, c)
	for i := range 6 {
		a.newBusiness("kanri", fmt.Sprintf("ダミー商店%d", i), "ダミーショウテン", fmt.Sprintf("03-5555-02%02d", i))
	}
	mustSync(t, a, "kanri")
	b := join(t, c, "B")
	r, err := b.syncWith("soudan", func(r syncer.Remote) syncer.Remote { return onePage{r} })
	if err != nil {
		t.Fatal(err)
	}
	if r.Pulled < 12 {
		t.Fatalf("pulled %d versions, want the 12 of the six businesses at least", r.Pulled)
	}
	sameSnapshots(t, a, b)
	a.newBusiness("kanri", "後から商店", "アトカラショウテン", "03-5555-0299")
	mustSync(t, a, "kanri")
	if _, err := b.syncWith("soudan", func(r syncer.Remote) syncer.Remote { return noPage{r} }); !errors.Is(err, syncproto.ErrMalformed) {
		t.Fatalf("a stream without a page: %v, want ErrMalformed", err)
	}
	mustSync(t, b, "soudan")
	sameSnapshots(t, a, b)
}

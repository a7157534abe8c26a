package syncer_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/purge"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// sealedOf returns the sealed bytes the server holds of the record ids.
func (c *centralServer) sealedOf(t *testing.T, ids ...string) [][]byte {
	t.Helper()
	var out [][]byte
	after := uint64(0)
	for {
		p, err := c.store.Pull(context.Background(), c.id.Office, after, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Envelopes {
			base, _, _ := strings.Cut(e.ID, "#")
			for _, id := range ids {
				if base == id {
					out = append(out, e.Data)
				}
			}
		}
		after = p.Next
		if !p.More {
			return out
		}
	}
}

// filesHold reports which of the byte strings some file of the server's
// store holds (a 48-byte piece from the middle of each).
func (c *centralServer) filesHold(t *testing.T, data [][]byte) []bool {
	t.Helper()
	found := make([]bool, len(data))
	err := filepath.WalkDir(filepath.Join(c.data, "store"), func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for i, x := range data {
			mid := len(x) / 2
			if bytes.Contains(b, x[mid-24:mid+24]) {
				found[i] = true
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// purgeOnServer does what a PC's sync does after its pull: it sends every
// order carried out there without a receipt, and keeps the receipts.
func (p *pc) purgeOnServer(t *testing.T, login string) []*purge.Receipt {
	t.Helper()
	ctx := context.Background()
	s := p.login(login)
	se, err := p.cl.Login(ctx, login, pwOf(login))
	if err != nil {
		t.Fatal(err)
	}
	due, err := p.o.PurgesDue(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	var out []*purge.Receipt
	for _, o := range due {
		r, raw, err := p.cl.Purge(ctx, se, o.Office, o)
		if err != nil {
			t.Fatalf("%s: purge: %v", p.name, err)
		}
		if err := p.o.SetPurgeReceipt(ctx, s, o.Hash(), raw, p.creds.Pin); err != nil {
			t.Fatalf("%s: keep the receipt: %v", p.name, err)
		}
		out = append(out, r)
	}
	return out
}

// TestErasureOnTheServer: after a supervisor's erasure has synced, the
// server verifies the order, replaces every stored version of the erased
// records by a redaction mark and signs a receipt; no file of the server's
// store holds the erased sealed bytes afterwards (the kept records' bytes
// are found, so the scan sees what is stored); a PC that joins afterwards
// checks the chains across the gaps, takes them on the order it pulls,
// and ends with the same records; the 消去報告書 names the receipt.
func TestErasureOnTheServer(t *testing.T) {
	c := startCentral(t)
	a := founder(t, c)
	ctx := context.Background()
	gone := a.newBusiness("kanri", "消去される商店", "ショウキョサレル", "03-5555-0401")
	kept := a.newBusiness("kanri", "残される商店", "ノコサレル", "03-5555-0402")
	mustSync(t, a, "kanri")
	b := join(t, c, "B")
	mustSync(t, b, "soudan")
	goneBytes := c.sealedOf(t, gone.ID)
	keptBytes := c.sealedOf(t, kept.ID)
	if len(goneBytes) == 0 || len(keptBytes) == 0 {
		t.Fatalf("the server holds %d and %d versions", len(goneBytes), len(keptBytes))
	}
	for i, f := range c.filesHold(t, goneBytes) {
		if !f {
			t.Fatalf("the scan does not find version %d of the record before the erasure", i)
		}
	}

	s := a.login("kanri")
	plan, err := a.o.PlanErase(ctx, s, []string{gone.ID}, office.ReasonRequest)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a.o.Erase(ctx, s, plan)
	if err != nil {
		t.Fatal(err)
	}
	// Before the order's version is on the server, it is not due.
	if due, err := a.o.PurgesDue(ctx, s); err != nil || len(due) != 0 {
		t.Fatalf("due before the push: %d, %v", len(due), err)
	}
	mustSync(t, a, "kanri")
	receipts := a.purgeOnServer(t, "kanri")
	if len(receipts) != 1 || receipts[0].Order != res.Order.Hash() || receipts[0].Redacted != len(goneBytes) {
		t.Fatalf("receipts %+v, want one of %d versions", receipts, len(goneBytes))
	}
	if again := a.purgeOnServer(t, "kanri"); len(again) != 0 {
		t.Fatalf("a receipt kept is asked again: %+v", again)
	}
	for i, f := range c.filesHold(t, goneBytes) {
		if f {
			t.Errorf("a file of the server's store still holds erased version %d", i)
		}
	}
	held := c.filesHold(t, keptBytes)
	for i, f := range held {
		if !f {
			t.Errorf("the scan does not find kept version %d", i)
		}
	}

	mustSync(t, b, "uketsuke")
	late := join(t, c, "C")
	mustSync(t, late, "soudan")
	snap := sameSnapshots(t, a, b, late)
	if _, ok := snap.Businesses[gone.ID]; ok || len(snap.Businesses) != 1 {
		t.Fatalf("after the erasure: %v", snap.Businesses)
	}
	mustSync(t, late, "soudan")
	mustSync(t, a, "kanri")

	// The report names the server's receipt.
	s = a.login("kanri")
	list, err := a.o.Erasures(ctx, s)
	if err != nil || len(list) != 1 || !strings.Contains(list[0].Receipt, "サーバーで消去") {
		t.Fatalf("erasures: %+v, %v", list, err)
	}
}

// TestServerErasesOnlyOnAVerifiedOrder plays the insider and the server:
// an order a receptionist signs is refused by the server (nothing
// redacted); a server that redacts a record on its own, or under a real
// order that does not name it, is caught by the next PC that pulls it.
func TestServerErasesOnlyOnAVerifiedOrder(t *testing.T) {
	c := startCentral(t)
	a := founder(t, c)
	ctx := context.Background()
	victim := a.newBusiness("kanri", "狙われる商店", "ネラワレル", "03-5555-0501")
	other := a.newBusiness("kanri", "別の商店", "ベツノ", "03-5555-0502")
	mustSync(t, a, "kanri")
	b := join(t, c, "B")
	mustSync(t, b, "uketsuke")

	// A real erasure, which names the office's id.
	sa := a.login("kanri")
	plan0, err := a.o.PlanErase(ctx, sa, []string{other.ID}, office.ReasonRequest)
	if err != nil {
		t.Fatal(err)
	}
	real, err := a.o.Erase(ctx, sa, plan0)
	if err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, "kanri")
	a.purgeOnServer(t, "kanri")
	mustSync(t, b, "uketsuke")

	// A receptionist's own program signs an order and sends it.
	s := b.login("uketsuke")
	login, sign := b.o.Replica(s).Signer()
	forged := &purge.Order{Reason: purge.ReasonRequest, Items: []purge.Item{{ID: victim.ID, Kind: record.KindBusiness, Versions: 1}}}
	forged.Sign(real.Order.Office, login, time.Now(), sign)
	se, err := b.cl.Login(ctx, "uketsuke", pwOf("uketsuke"))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.cl.Purge(ctx, se, forged.Office, forged); !errors.Is(err, syncclient.ErrPurgeRefused) {
		t.Fatalf("a receptionist's order: %v, want ErrPurgeRefused", err)
	}
	for _, d := range c.sealedOf(t, victim.ID) {
		if _, _, ok := central.ParseRedaction(d); ok {
			t.Fatal("the server redacted on a receptionist's order")
		}
	}

	// The server redacts on its own: the next PC to pull it refuses.
	fake := strings.Repeat("ab", 32)
	if _, err := c.store.Redact(ctx, c.id.Office, fake, []string{victim.ID}); err != nil {
		t.Fatal(err)
	}
	late := join(t, c, "C")
	if _, err := late.sync("soudan"); !errors.Is(err, office.ErrSyncDamaged) {
		t.Fatalf("a PC pulling versions the server erased without an order: %v, want ErrSyncDamaged", err)
	}

	// The server redacts another record under a real order.
	c2 := startCentral(t)
	a2 := founder(t, c2)
	x := a2.newBusiness("kanri", "消去される商店", "ショウキョ", "03-5555-0601")
	y := a2.newBusiness("kanri", "残るはずの商店", "ノコル", "03-5555-0602")
	mustSync(t, a2, "kanri")
	s2 := a2.login("kanri")
	plan, err := a2.o.PlanErase(ctx, s2, []string{x.ID}, office.ReasonRequest)
	if err != nil {
		t.Fatal(err)
	}
	res, err := a2.o.Erase(ctx, s2, plan)
	if err != nil {
		t.Fatal(err)
	}
	mustSync(t, a2, "kanri")
	a2.purgeOnServer(t, "kanri")
	if _, err := c2.store.Redact(ctx, c2.id.Office, res.Order.Hash(), []string{y.ID}); err != nil {
		t.Fatal(err)
	}
	late2 := join(t, c2, "C")
	_, err = late2.sync("soudan")
	if !errors.Is(err, office.ErrSyncDamaged) || !strings.Contains(err.Error(), "does not name it") {
		t.Fatalf("a record redacted under an order that does not name it: %v", err)
	}
}

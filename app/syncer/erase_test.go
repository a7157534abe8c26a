package syncer_test

import (
	"context"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/office"
)

// TestErasureThroughTheServer: a supervisor's erasure on A reaches B at its
// next sync (whoever syncs there) and a PC that joins afterwards, which
// pulls the erased versions before the order and erases them on arrival:
// every PC ends with the same records, without the erased one.
func TestErasureThroughTheServer(t *testing.T) {
	c := startCentral(t)
	a := founder(t, c)
	gone := a.newBusiness("kanri", "消去される商店", "ショウキョサレル", "03-5555-0301")
	kept := a.newBusiness("kanri", "残される商店", "ノコサレル", "03-5555-0302")
	mustSync(t, a, "kanri")
	b := join(t, c, "B")
	mustSync(t, b, "soudan")
	if snap := sameSnapshots(t, a, b); len(snap.Businesses) != 2 {
		t.Fatalf("B has %d businesses before the erasure", len(snap.Businesses))
	}
	ctx := context.Background()
	s := a.login("kanri")
	plan, err := a.o.PlanErase(ctx, s, []string{gone.ID}, office.ReasonRequest)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.o.Erase(ctx, s, plan); err != nil {
		t.Fatal(err)
	}
	mustSync(t, a, "kanri")
	mustSync(t, b, "uketsuke")
	late := join(t, c, "C")
	mustSync(t, late, "soudan")
	snap := sameSnapshots(t, a, b, late)
	if _, ok := snap.Businesses[gone.ID]; ok || len(snap.Businesses) != 1 {
		t.Fatalf("after the erasure: %v", snap.Businesses)
	}
	if _, ok := snap.Businesses[kept.ID]; !ok {
		t.Fatalf("the kept business is gone: %v", snap.Businesses)
	}
	// Everyone syncs on without complaint.
	mustSync(t, b, "soudan")
	mustSync(t, a, "kanri")
	mustSync(t, late, "soudan")
}

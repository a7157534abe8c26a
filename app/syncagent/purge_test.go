package syncagent_test

import (
	"context"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// TestErasureReachesTheServer: the sync after an erasure pushes the order
// and then sends it to the server, which redacts the record's versions and
// answers a receipt that the PC keeps with the order (the 消去報告書 shows
// it); the next sync sends nothing again.
func TestErasureReachesTheServer(t *testing.T) {
	c := startCentral(t)
	dir := founder(t, c)
	creds, err := syncclient.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var id string
	session(t, dir, "kanri", &creds, func(o *office.Office, s *office.Session) {
		id = saveBusiness(t, o, s, "消去同期商店")
	})
	session(t, dir, "kanri", &creds, func(o *office.Office, s *office.Session) {
		plan, err := o.PlanErase(ctx, s, []string{id}, office.ReasonRequest)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := o.Erase(ctx, s, plan); err != nil {
			t.Fatal(err)
		}
	})
	redacted := 0
	page, err := c.Store.Pull(ctx, c.ID.Office, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range page.Envelopes {
		if e.ID == id {
			if _, _, ok := central.ParseRedaction(e.Data); !ok {
				t.Fatalf("version %s of the erased record is on the server as sealed bytes", e.Rev)
			}
			redacted++
		}
	}
	if redacted == 0 {
		t.Fatal("no version of the record on the server")
	}
	session(t, dir, "kanri", &creds, func(o *office.Office, s *office.Session) {
		list, err := o.Erasures(ctx, s)
		if err != nil || len(list) != 1 || !strings.Contains(list[0].Receipt, "サーバーで消去（1 版") {
			t.Fatalf("erasures: %+v, %v", list, err)
		}
		if due, err := o.PurgesDue(ctx, s); err != nil || len(due) != 0 {
			t.Fatalf("due after the receipt: %d, %v", len(due), err)
		}
		// After a restore of the server an admin sends the orders again.
		if n, err := o.ResendPurges(ctx, s); err != nil || n != 1 {
			t.Fatalf("ResendPurges = %d, %v", n, err)
		}
	})
	session(t, dir, "kanri", &creds, nil)
	session(t, dir, "kanri", &creds, func(o *office.Office, s *office.Session) {
		list, err := o.Erasures(ctx, s)
		if err != nil || len(list) != 1 || !strings.Contains(list[0].Receipt, "サーバーで消去（0 版") {
			t.Fatalf("erasures after sending again: %+v, %v", list, err)
		}
		if due, err := o.PurgesDue(ctx, s); err != nil || len(due) != 0 {
			t.Fatalf("due after the second receipt: %d, %v", len(due), err)
		}
	})
}

package syncagent_test

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// TestWebBookingThroughTheServer: a reception PC's sync publishes the
// office's free slots with its booking key; a business books one (the test
// plays the public page: it seals the form to the published key, as the
// page does, and stores only the ciphertext); the next sync brings the
// request to the PC, which opens it and confirms it; the sync after that
// tells the server, whose status is then 確定 for the business to see.
func TestWebBookingThroughTheServer(t *testing.T) {
	c := startCentral(t)
	dir := founder(t, c)
	creds, err := syncclient.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	session(t, dir, "kanri", &creds, func(o *office.Office, s *office.Session) {
		v := &record.Venue{Name: "本庁舎 相談室A", Capacity: 1, Active: true}
		if err := o.SaveVenue(context.Background(), s, v); err != nil {
			t.Fatal(err)
		}
	})
	session(t, dir, "uketsuke", &creds, nil)
	bk := c.Store.(central.Bookings)
	ctx := context.Background()
	_, raw, err := bk.Publication(ctx, c.ID.Office)
	if err != nil {
		t.Fatalf("nothing published: %v", err)
	}
	p, err := bookingproto.DecodePublication(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Slots) == 0 || p.Office != c.ID.Name || p.KeyID != vault.BookingKeyID(p.PublicKey) {
		t.Fatalf("publication: %d slots, office %q", len(p.Slots), p.Office)
	}
	sl := p.Slots[0]
	const ref = "WB-TEST-0001"
	form := bookingproto.Form{Ref: ref, SlotID: sl.ID, Venue: sl.Venue, Kind: sl.Kind, Start: sl.Start, End: sl.End,
		Business: "有限会社ためし工房", Contact: "試験 花子", Phone: "03-5558-0101", Email: "tameshi@example.jp",
		Industry: "E 製造業", Topic: "資金繰りの相談", Privacy: true, Lang: "ja", Sent: time.Now()}
	plain, _ := json.Marshal(form)
	sealed, err := vault.SealBooking(p.PublicKey, bookingproto.Info(c.ID.Office, ref), plain)
	if err != nil {
		t.Fatal(err)
	}
	cancel := sha256.Sum256([]byte("cancel code"))
	if _, err := bk.AddBookingRequest(ctx, central.BookingRequest{Office: c.ID.Office, Ref: ref, SlotID: sl.ID, KeyID: p.KeyID,
		Sealed: sealed, Received: time.Now(), CancelHash: cancel[:]}, sl.Capacity); err != nil {
		t.Fatal(err)
	}

	session(t, dir, "uketsuke", &creds, nil) // brings the request
	session(t, dir, "uketsuke", &creds, func(o *office.Office, s *office.Session) {
		ws, err := o.WebRequests(ctx, s, false)
		if err != nil || len(ws) != 1 || ws[0].Form == nil || ws[0].Form.Business != "有限会社ためし工房" {
			t.Fatalf("web requests on the PC: %+v %v", ws, err)
		}
		b, err := o.WebBusiness(ctx, s, ref)
		if err != nil {
			t.Fatal(err)
		}
		b.Kana = "タメシコウボウ"
		if _, err := o.ConfirmWebRequest(ctx, s, ref, office.WebConfirm{Business: &b}); err != nil {
			t.Fatal(err)
		}
	}) // and this sync tells the server
	r, err := bk.BookingRequest(ctx, c.ID.Office, ref)
	if err != nil || r.Status != central.BookingConfirmed {
		t.Fatalf("the server's status: %q, %v", r.Status, err)
	}
	// The publication after the confirmation no longer offers the slot.
	_, raw, _ = bk.Publication(ctx, c.ID.Office)
	p2, _ := bookingproto.DecodePublication(raw)
	for _, s2 := range p2.Slots {
		if s2.ID == sl.ID {
			t.Errorf("the booked slot is still published with %d places", s2.Capacity)
		}
	}
}

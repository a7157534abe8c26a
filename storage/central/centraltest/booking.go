package centraltest

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// bookings returns the backend's web booking.
func bookings(t *testing.T, b Backend) central.Bookings {
	t.Helper()
	bk, ok := b.Open(t).(central.Bookings)
	if !ok {
		t.Fatal("the backend has no web booking (central.Bookings)")
	}
	return bk
}

// bookingRequest is a request with random ciphertext.
func bookingRequest(office, ref, slot string) central.BookingRequest {
	sealed := make([]byte, 600)
	rand.Read(sealed)
	sum := sha256.Sum256([]byte("cancel " + ref))
	return central.BookingRequest{Office: office, Ref: ref, SlotID: slot, KeyID: "k1", Sealed: sealed,
		Received: time.Date(2026, 10, 1, 1, 2, 3, 0, time.UTC), CancelHash: sum[:]}
}

func testBookingPublication(t *testing.T, b Backend) {
	ctx, bk := context.Background(), bookings(t, b)
	if _, _, err := bk.Publication(ctx, "o-1"); !errors.Is(err, central.ErrNotFound) {
		t.Fatalf("no publication yet: %v", err)
	}
	must(t, bk.PutPublication(ctx, "o-1", 5, []byte(`{"serial":5}`)))
	for _, serial := range []uint64{5, 4} {
		if err := bk.PutPublication(ctx, "o-1", serial, []byte(`{"old":1}`)); !errors.Is(err, central.ErrStale) {
			t.Errorf("serial %d after 5: %v", serial, err)
		}
	}
	must(t, bk.PutPublication(ctx, "o-1", 6, []byte(`{"serial":6}`)))
	must(t, bk.PutPublication(ctx, "o-2", 1, []byte(`{"other":1}`)))
	serial, p, err := bk.Publication(ctx, "o-1")
	if err != nil || serial != 6 || string(p) != `{"serial":6}` {
		t.Errorf("publication %d %s %v", serial, p, err)
	}
	if err := bk.PutPublication(ctx, "o-1", 7, nil); !errors.Is(err, central.ErrInvalid) {
		t.Errorf("empty publication: %v", err)
	}
}

func testBookingRequests(t *testing.T, b Backend) {
	ctx, bk := context.Background(), bookings(t, b)
	a, err := bk.AddBookingRequest(ctx, bookingRequest("o-1", "WB-A", "s1"), 2)
	must(t, err)
	if a.Cursor != 1 || a.Status != central.BookingReceived {
		t.Fatalf("first request %+v", a)
	}
	_, err = bk.AddBookingRequest(ctx, bookingRequest("o-1", "WB-B", "s1"), 2)
	must(t, err)
	if _, err := bk.AddBookingRequest(ctx, bookingRequest("o-1", "WB-C", "s1"), 2); !errors.Is(err, central.ErrSlotFull) {
		t.Fatalf("a third request for two places: %v", err)
	}
	if _, err := bk.AddBookingRequest(ctx, bookingRequest("o-1", "WB-A", "s2"), 2); !errors.Is(err, central.ErrConflict) {
		t.Errorf("the same ref again: %v", err)
	}
	// Another office's requests and cursors are its own.
	other, err := bk.AddBookingRequest(ctx, bookingRequest("o-2", "WB-A", "s1"), 1)
	must(t, err)
	if other.Cursor != 1 {
		t.Errorf("the other office's first cursor %d", other.Cursor)
	}

	// Declining one frees its place, and moves it to a new cursor.
	d, err := bk.SetBookingStatus(ctx, "o-1", "WB-A", central.BookingDeclined, "当日は相談員の都合がつかないため")
	must(t, err)
	if d.Cursor != 3 || d.Status != central.BookingDeclined || d.Reason == "" {
		t.Errorf("declined %+v", d)
	}
	c, err := bk.AddBookingRequest(ctx, bookingRequest("o-1", "WB-C", "s1"), 2)
	must(t, err)
	if c.Cursor != 4 {
		t.Errorf("cursor %d after a decline", c.Cursor)
	}
	for _, m := range []struct {
		ref, status string
		ok          bool
	}{
		{"WB-A", central.BookingConfirmed, false}, // declined stays declined
		{"WB-A", central.BookingDeclined, true},   // the same again: no change
		{"WB-B", central.BookingConfirmed, true},
		{"WB-B", central.BookingReceived, false},
		{"WB-B", central.BookingCancelled, true},
		{"WB-B", central.BookingConfirmed, false},
		{"WB-Z", central.BookingCancelled, false},
	} {
		_, err := bk.SetBookingStatus(ctx, "o-1", m.ref, m.status, "")
		if (err == nil) != m.ok {
			t.Errorf("%s → %s: %v", m.ref, m.status, err)
		}
	}
	if _, err := bk.SetBookingStatus(ctx, "o-1", "WB-Z", central.BookingCancelled, ""); !errors.Is(err, central.ErrNotFound) {
		t.Errorf("unknown ref: %v", err)
	}
	if _, err := bk.SetBookingStatus(ctx, "o-1", "WB-C", "承認", ""); !errors.Is(err, central.ErrInvalid) {
		t.Errorf("unknown status: %v", err)
	}
	// Listing: each request once, at its newest cursor.
	all, more, err := bk.BookingRequests(ctx, "o-1", 0, 0)
	must(t, err)
	got := ""
	for _, r := range all {
		got += fmt.Sprintf("%d:%s:%s ", r.Cursor, r.Ref, r.Status)
	}
	if want := "3:WB-A:お断り 4:WB-C:受付中 6:WB-B:取消 "; got != want || more {
		t.Errorf("requests %q (more %v), want %q", got, more, want)
	}
	page, more, err := bk.BookingRequests(ctx, "o-1", 3, 1)
	must(t, err)
	if len(page) != 1 || page[0].Ref != "WB-C" || !more {
		t.Errorf("page after 3: %+v more %v", page, more)
	}
	r, err := bk.BookingRequest(ctx, "o-1", "WB-C")
	must(t, err)
	want := bookingRequest("o-1", "WB-C", "s1")
	if r.SlotID != "s1" || r.KeyID != "k1" || len(r.Sealed) != 600 || string(r.CancelHash) != string(want.CancelHash) ||
		!r.Received.Equal(want.Received) {
		t.Errorf("stored %+v", r)
	}
	// The cancelled WB-B freed its place: two requests fit again.
	_, err = bk.AddBookingRequest(ctx, bookingRequest("o-1", "WB-D", "s1"), 2)
	must(t, err)
}

// testBookingLastPlace: many businesses send for the last places of a slot
// at once; exactly as many as there are places win.
func testBookingLastPlace(t *testing.T, b Backend) {
	ctx, bk := context.Background(), bookings(t, b)
	for _, capacity := range []int{1, 3} {
		slot := fmt.Sprintf("last-%d", capacity)
		var wg sync.WaitGroup
		var mu sync.Mutex
		won, full := 0, 0
		for i := range 16 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, err := bk.AddBookingRequest(ctx, bookingRequest("o-1", fmt.Sprintf("WB-%s-%02d", slot, i), slot), capacity)
				mu.Lock()
				defer mu.Unlock()
				switch {
				case err == nil:
					won++
				case errors.Is(err, central.ErrSlotFull):
					full++
				default:
					t.Errorf("request %d: %v", i, err)
				}
			}()
		}
		wg.Wait()
		if won != capacity || full != 16-capacity {
			t.Errorf("capacity %d: %d won, %d told it is full", capacity, won, full)
		}
	}
	all, _, err := bk.BookingRequests(ctx, "o-1", 0, 0)
	must(t, err)
	for i, r := range all {
		if r.Cursor != uint64(i+1) {
			t.Errorf("cursors %d at %d: a gap or a repeat", r.Cursor, i)
		}
	}
}

// must fails the test on err.
func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

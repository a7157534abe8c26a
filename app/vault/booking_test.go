package vault

import (
	"bytes"
	"errors"
	"testing"
)

func TestBookingKeys(t *testing.T) {
	k, err := NewOfficeKeys()
	if err != nil {
		t.Fatal(err)
	}
	first, err := k.BookingKeys()
	if err != nil || len(first) != 1 {
		t.Fatalf("BookingKeys = %d keys, %v", len(first), err)
	}
	again, _ := k.BookingKeys()
	if !bytes.Equal(first[0].Public(), again[0].Public()) || first[0].ID != BookingKeyID(first[0].Public()) {
		t.Fatal("the booking key is not derived deterministically")
	}
	info := []byte("madoguchi booking v1\x00office\x00REF1")
	sealed, err := SealBooking(first[0].Public(), info, []byte("form"))
	if err != nil {
		t.Fatal(err)
	}
	if pt, err := first[0].Open(info, sealed); err != nil || string(pt) != "form" {
		t.Fatalf("Open = %q, %v", pt, err)
	}
	if _, err := first[0].Open([]byte("madoguchi booking v1\x00office\x00REF2"), sealed); !errors.Is(err, ErrTampered) {
		t.Fatalf("Open under another reference = %v, want ErrTampered", err)
	}
	flipped := bytes.Clone(sealed)
	flipped[len(flipped)-1] ^= 1
	if _, err := first[0].Open(info, flipped); !errors.Is(err, ErrTampered) {
		t.Fatalf("Open of a flipped byte = %v, want ErrTampered", err)
	}
	if _, err := SealBooking([]byte("short"), info, []byte("x")); !errors.Is(err, ErrMalformed) {
		t.Fatalf("SealBooking to a bad key = %v, want ErrMalformed", err)
	}

	// A new contact key gives a new booking key; the old one still opens
	// what was sealed to it.
	if _, err := k.Rotate(ClassContact); err != nil {
		t.Fatal(err)
	}
	keys, err := k.BookingKeys()
	if err != nil || len(keys) != 2 {
		t.Fatalf("after rotation: %d keys, %v", len(keys), err)
	}
	if keys[0].ID == first[0].ID || keys[1].ID != first[0].ID {
		t.Fatalf("after rotation the newest key must come first and differ: %s %s (old %s)", keys[0].ID, keys[1].ID, first[0].ID)
	}
	if _, err := keys[1].Open(info, sealed); err != nil {
		t.Fatalf("old key after rotation: %v", err)
	}
	if _, err := k.Subset(ClassCase).BookingKeys(); !errors.Is(err, ErrMalformed) {
		t.Fatalf("BookingKeys without a contact key = %v", err)
	}
}

package purge

import (
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
)

func TestCovers(t *testing.T) {
	p := &Order{Items: []Item{{ID: "B-0000000001", Kind: record.KindBusiness}, {ID: "C-0000000005", Kind: record.KindConsultation}}}
	for _, tc := range []struct {
		id   string
		want bool
	}{
		{"B-0000000001", true},
		{"C-0000000005", true},
		{"C-0000000005#case", true},
		{"C-0000000005#approval", true},
		{"C-0000000005#other", false},
		{"C-00000000050", false},
		{"B-0000000002", false},
		{"A-0000000001", false},
		{"~purge/abc", false},
	} {
		if got := p.Covers(tc.id); got != tc.want {
			t.Errorf("Covers(%q) = %v, want %v", tc.id, got, tc.want)
		}
	}
	if got := len(p.Parts()); got != 6 {
		t.Errorf("Parts: %d ids, want 6", got)
	}
}

func TestReceipt(t *testing.T) {
	_, key, _ := ed25519.GenerateKey(rand.Reader)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	pub := SPKIPin(key.Public().(ed25519.PublicKey))
	other := SPKIPin(otherKey.Public().(ed25519.PublicKey))
	at := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
	r := SignReceipt(key, "o-1", "abcd", at, 12)
	got, err := VerifyReceipt(r.Marshal(), pub, "o-1", "abcd")
	if err != nil || got.Redacted != 12 || !got.At.Equal(at) || got.Mark() != r.Mark() {
		t.Fatalf("VerifyReceipt = %+v, %v", got, err)
	}
	changed := *r
	changed.Redacted = 13
	byOther := SignReceipt(otherKey, "o-1", "abcd", at, 12)
	claimed := *byOther
	claimed.Key = r.Key // names the server's key, signed by another
	for _, tc := range []struct {
		name          string
		b             []byte
		pub           [32]byte
		office, order string
		want          error
	}{
		{"another server", r.Marshal(), other, "o-1", "abcd", ErrForged},
		{"signed by another key", byOther.Marshal(), pub, "o-1", "abcd", ErrForged},
		{"another key's signature under the server's key", claimed.Marshal(), pub, "o-1", "abcd", ErrForged},
		{"another order", r.Marshal(), pub, "o-1", "abce", ErrForged},
		{"another office", r.Marshal(), pub, "o-2", "abcd", ErrForged},
		{"count changed", changed.Marshal(), pub, "o-1", "abcd", ErrForged},
		{"not JSON", []byte("receipt"), pub, "o-1", "abcd", ErrInvalid},
		{"unknown field", []byte(`{"office":"o-1","x":1}`), pub, "o-1", "abcd", ErrInvalid},
		{"trailing", append(r.Marshal(), " {}"...), pub, "o-1", "abcd", ErrInvalid},
	} {
		if _, err := VerifyReceipt(tc.b, tc.pub, tc.office, tc.order); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// FuzzVerifyReceipt: a receipt comes from the server, so its decoder takes
// any bytes without panicking and accepts only what the key signed.
func FuzzVerifyReceipt(f *testing.F) {
	seed := ed25519.NewKeyFromSeed(make([]byte, 32))
	pub := seed.Public().(ed25519.PublicKey)
	pin := SPKIPin(pub)
	good := SignReceipt(seed, "o-1", "abcd", time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC), 3).Marshal()
	f.Add(good)
	f.Add([]byte(`{"office":"o-1","order":"abcd","at":"2026-12-03T07:00:00Z","redacted":3,"sig":"AA=="}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := VerifyReceipt(b, pin, "o-1", "abcd")
		if err != nil {
			return
		}
		if !ed25519.Verify(pub, r.message(), r.Sig) {
			t.Fatal("accepted a receipt that the key did not sign")
		}
	})
}

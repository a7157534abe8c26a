package syncproto

import (
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// linkKAT is LinkHash("office1", "pc-1", 2, 32×0x11, "rec-1", "r2",
// "hello"); the test also builds the preimage by hand.
const linkKAT = "e6783eeae047c18f1965f30dcf85c77cf276003ed8f5bbd728b492495a9ca0f4"

func TestLinkHashKnownAnswer(t *testing.T) {
	prev := bytes.Repeat([]byte{0x11}, 32)
	got := LinkHash("office1", "pc-1", 2, prev, "rec-1", "r2", []byte("hello"))

	var pre []byte
	pre = append(pre, "madoguchi push link v1\x00"...)
	pre = append(pre, 0, 0, 0, 7)
	pre = append(pre, "office1"...)
	pre = append(pre, 0, 0, 0, 4)
	pre = append(pre, "pc-1"...)
	pre = append(pre, 0, 0, 0, 0, 0, 0, 0, 2)
	pre = append(pre, 0, 0, 0, 32)
	pre = append(pre, prev...)
	pre = append(pre, 0, 0, 0, 5)
	pre = append(pre, "rec-1"...)
	pre = append(pre, 0, 0, 0, 2)
	pre = append(pre, "r2"...)
	d := sha256.Sum256([]byte("hello"))
	pre = append(pre, d[:]...)
	want := sha256.Sum256(pre)
	if !bytes.Equal(got, want[:]) {
		t.Fatalf("LinkHash = %x, preimage by hand gives %x", got, want)
	}
	if hex.EncodeToString(got) != linkKAT {
		t.Fatalf("LinkHash = %x, want %s", got, linkKAT)
	}
}

func TestLinkHashFields(t *testing.T) {
	base := func() []byte { return LinkHash("o", "d", 1, nil, "id", "rev", []byte("x")) }
	for _, tc := range []struct {
		name string
		h    []byte
	}{
		{"office", LinkHash("p", "d", 1, nil, "id", "rev", []byte("x"))},
		{"device", LinkHash("o", "e", 1, nil, "id", "rev", []byte("x"))},
		{"seq", LinkHash("o", "d", 2, nil, "id", "rev", []byte("x"))},
		{"prev", LinkHash("o", "d", 1, []byte{0}, "id", "rev", []byte("x"))},
		{"id", LinkHash("o", "d", 1, nil, "ie", "rev", []byte("x"))},
		{"rev", LinkHash("o", "d", 1, nil, "id", "reV", []byte("x"))},
		{"data", LinkHash("o", "d", 1, nil, "id", "rev", []byte("y"))},
		{"boundary", LinkHash("o", "d", 1, nil, "idr", "ev", []byte("x"))},
	} {
		if bytes.Equal(tc.h, base()) {
			t.Errorf("changing %s does not change the hash", tc.name)
		}
	}
	if !bytes.Equal(base(), base()) {
		t.Error("LinkHash not deterministic")
	}
}

type signer struct {
	login string
	pub   ed25519.PublicKey
	priv  ed25519.PrivateKey
}

func newSigner(t testing.TB, login string, seed byte) signer {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return signer{login: login, pub: priv.Public().(ed25519.PublicKey), priv: priv}
}

func (s signer) sign(msg []byte) []byte { return ed25519.Sign(s.priv, msg) }

func TestSignature(t *testing.T) {
	alice := newSigner(t, "alice", 1)
	bob := newSigner(t, "bob", 2)
	hash := LinkHash("o", "d", 1, nil, "id", "rev", []byte("x"))
	blob := SignLink("alice", alice.sign, hash)
	if len(blob) != 2+5+64 || blob[0] != 1 || blob[1] != 5 || string(blob[2:7]) != "alice" {
		t.Fatalf("blob %x", blob)
	}
	login, sig, err := ParseSig(blob)
	if err != nil || login != "alice" || !ed25519.Verify(alice.pub, append([]byte("madoguchi push sig v1\x00"), hash...), sig) {
		t.Fatalf("ParseSig = %q, %x, %v", login, sig, err)
	}
	keys := func(l string) [][]byte {
		switch l {
		case "alice":
			return [][]byte{{1, 2, 3}, bob.pub, alice.pub} // a bad key, a former key, the current one
		case "bob":
			return [][]byte{bob.pub}
		}
		return nil
	}
	other := append([]byte(nil), hash...)
	other[0] ^= 1
	swapped := append([]byte{1, 3}, "bob"...)
	swapped = append(swapped, blob[7:]...)
	for _, tc := range []struct {
		name      string
		keys      func(string) [][]byte
		hash, sig []byte
		login     string
		ok        bool
	}{
		{"good", keys, hash, blob, "alice", true},
		{"other hash", keys, other, blob, "alice", false},
		{"login swapped", keys, hash, swapped, "bob", false},
		{"unknown login", func(string) [][]byte { return nil }, hash, blob, "alice", false},
		{"nil keys", nil, hash, blob, "alice", false},
		{"empty blob", keys, hash, nil, "", false},
		{"truncated", keys, hash, blob[:len(blob)-1], "", false},
	} {
		login, ok := VerifyLink(tc.keys, tc.hash, tc.sig)
		if login != tc.login || ok != tc.ok {
			t.Errorf("%s: VerifyLink = %q, %v; want %q, %v", tc.name, login, ok, tc.login, tc.ok)
		}
	}
	if SignLink("", alice.sign, hash) != nil || SignLink("a b", alice.sign, hash) != nil ||
		SignLink(strings.Repeat("a", central.MaxLogin+1), alice.sign, hash) != nil ||
		SignLink("alice", func([]byte) []byte { return []byte{1} }, hash) != nil ||
		SignLink("alice", nil, hash) != nil {
		t.Error("SignLink signed with an invalid login or signer")
	}
}

func TestParseSigMalformed(t *testing.T) {
	sig := bytes.Repeat([]byte{7}, 64)
	mk := func(v byte, login string, sig []byte) []byte {
		return append(append([]byte{v, byte(len(login))}, login...), sig...)
	}
	for _, tc := range []struct {
		name string
		b    []byte
	}{
		{"empty", nil},
		{"one byte", []byte{1}},
		{"version 2", mk(2, "alice", sig)},
		{"short sig", mk(1, "alice", sig[:63])},
		{"long sig", mk(1, "alice", append(sig, 0))},
		{"empty login", mk(1, "", sig)},
		{"space in login", mk(1, "a b", sig)},
		{"bad utf-8", mk(1, "\xff", sig)},
		{"long login", mk(1, strings.Repeat("a", central.MaxLogin+1), sig)},
	} {
		if _, _, err := ParseSig(tc.b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", tc.name, err)
		}
	}
}

func TestLinks(t *testing.T) {
	alice := newSigner(t, "alice", 1)
	items := []Item{{"r1", "v1", []byte("one")}, {"r2", "v1", []byte("two")}}
	envs, head, err := Links("o", "d", Head{}, "alice", alice.sign, items)
	if err != nil {
		t.Fatal(err)
	}
	if len(envs) != 2 || head.Seq != 2 || !bytes.Equal(head.Hash, envs[1].Link.Hash) {
		t.Fatalf("envs %v head %v", envs, head)
	}
	if envs[0].Link.Seq != 1 || len(envs[0].Link.Prev) != 0 || envs[1].Link.Seq != 2 || !bytes.Equal(envs[1].Link.Prev, envs[0].Link.Hash) {
		t.Fatalf("chain %+v", envs)
	}
	keys := func(string) [][]byte { return [][]byte{alice.pub} }
	for _, e := range envs {
		if e.Device != "d" || !bytes.Equal(e.Link.Hash, LinkHash("o", "d", e.Link.Seq, e.Link.Prev, e.ID, e.Rev, e.Data)) {
			t.Errorf("envelope %+v", e)
		}
		if _, ok := VerifyLink(keys, e.Link.Hash, e.Link.Sig); !ok {
			t.Errorf("envelope %s: signature does not verify", e.ID)
		}
	}
	again, head2, _ := Links("o", "d", Head{}, "alice", alice.sign, items)
	if !reflect.DeepEqual(envs, again) || !reflect.DeepEqual(head, head2) {
		t.Error("Links not deterministic")
	}
	more, head3, _ := Links("o", "d", head, "alice", alice.sign, []Item{{"r3", "v1", []byte("3")}})
	if more[0].Link.Seq != 3 || !bytes.Equal(more[0].Link.Prev, head.Hash) || head3.Seq != 3 {
		t.Errorf("continued chain %+v", more[0].Link)
	}
	if _, _, err := Links("o", "d", Head{}, "", alice.sign, items); err == nil {
		t.Error("Links with an empty login")
	}
	if _, _, err := Links("o", "d", Head{}, "alice", alice.sign, []Item{{HeadsPrefix + "e", "1", []byte{1}}}); !errors.Is(err, ErrMalformed) {
		t.Errorf("heads item of another device: %v", err)
	}
	if envs, h, err := Links("o", "d", head, "alice", alice.sign, nil); err != nil || len(envs) != 0 || !reflect.DeepEqual(h, head) {
		t.Errorf("no items: %v %v %v", envs, h, err)
	}
}

func TestHeads(t *testing.T) {
	h := func(seq uint64, b byte) Head { return Head{Seq: seq, Hash: bytes.Repeat([]byte{b}, 32)} }
	seen := map[string]Head{"b": h(3, 2), "a": h(5, 1), "self": h(9, 9), "zero": {}, "bad id": h(1, 1), "nohash": {Seq: 2}}
	it := HeadsItem("self", 12, seen)
	if it.ID != "~heads/self" || it.Rev != "000000000000000c" || !IsHeads(it.ID) || IsHeads("rec") {
		t.Fatalf("item %q %q", it.ID, it.Rev)
	}
	got, err := DecodeHeads(it.Data)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]Head{"a": h(5, 1), "b": h(3, 2)}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("decoded %v, want %v", got, want)
	}
	// Canonical: sorted, the same bytes from any map order.
	if again := HeadsItem("self", 12, want); !bytes.Equal(again.Data, it.Data) {
		t.Error("encoding depends on the map")
	}
	wantBytes := "01" + "00000002" + "0161" + "0000000000000005" + "20" + strings.Repeat("01", 32) +
		"0162" + "0000000000000003" + "20" + strings.Repeat("02", 32)
	if hex.EncodeToString(it.Data) != wantBytes {
		t.Errorf("encoding %x\nwant     %s", it.Data, wantBytes)
	}
	empty := HeadsItem("self", 1, nil)
	if len(empty.Data) == 0 {
		t.Error("empty heads item without data (the server refuses empty envelopes)")
	}
	if m, err := DecodeHeads(empty.Data); err != nil || len(m) != 0 {
		t.Errorf("empty: %v %v", m, err)
	}
}

func TestDecodeHeadsMalformed(t *testing.T) {
	ok, _ := hex.DecodeString("01" + "00000001" + "0161" + "0000000000000005" + "01aa")
	entry := func(id string, seq byte, hash string) string {
		return hex.EncodeToString([]byte{byte(len(id))}) + hex.EncodeToString([]byte(id)) + "00000000000000" + hex.EncodeToString([]byte{seq}) + hash
	}
	if _, err := DecodeHeads(ok); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, hex string }{
		{"empty", ""},
		{"version 0", "00" + "00000000"},
		{"version 2", "02" + "00000000"},
		{"truncated", hex.EncodeToString(ok[:len(ok)-1])},
		{"trailing", hex.EncodeToString(ok) + "00"},
		{"count too big", "01" + "00000002" + entry("a", 5, "01aa")},
		{"huge count", "01" + "ffffffff"},
		{"out of order", "01" + "00000002" + entry("b", 5, "01aa") + entry("a", 5, "01aa")},
		{"repeated", "01" + "00000002" + entry("a", 5, "01aa") + entry("a", 5, "01aa")},
		{"seq 0", "01" + "00000001" + entry("a", 0, "01aa")},
		{"no hash", "01" + "00000001" + entry("a", 1, "00")},
		{"long hash", "01" + "00000001" + entry("a", 1, "41"+strings.Repeat("00", 65))},
		{"empty id", "01" + "00000001" + entry("", 1, "01aa")},
		{"space in id", "01" + "00000001" + entry("a b", 1, "01aa")},
	} {
		b, err := hex.DecodeString(tc.hex)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if _, err := DecodeHeads(b); !errors.Is(err, ErrMalformed) {
			t.Errorf("%s: err %v, want ErrMalformed", tc.name, err)
		}
	}
}

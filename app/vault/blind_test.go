package vault

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"slices"
	"testing"
)

// blindVector is one known answer for BlindIndex under the case key of 32
// bytes of KeyFill: entry tokens, legacy tokens and sealed values.
type blindVector struct {
	KeyFill uint8         `json:"case_key_fill"`
	Version uint32        `json:"version"`
	Tokens  []blindToken  `json:"tokens"`
	Legacy  []blindToken  `json:"legacy_tokens"` // one part each: the term
	Sealed  []blindSealed `json:"sealed"`
}

// blindToken is the token of a list of parts.
type blindToken struct {
	Parts []string `json:"parts"`
	Token string   `json:"token"`
}

// blindSealed is a value sealed with a given salt.
type blindSealed struct {
	Bound  string `json:"bound"`
	Salt   string `json:"salt_hex"`
	Value  string `json:"value_hex"`
	Sealed string `json:"sealed_hex"`
}

// computeBlind fills the outputs of v from the code.
func computeBlind(t *testing.T, v blindVector) blindVector {
	t.Helper()
	b := newBlindIndex(bytes.Repeat([]byte{v.KeyFill}, KeySize), v.Version)
	defer b.Close()
	out := v
	out.Tokens = slices.Clone(v.Tokens)
	for i, tok := range out.Tokens {
		out.Tokens[i].Token = b.Token(tok.Parts...)
	}
	out.Legacy = slices.Clone(v.Legacy)
	for i, tok := range out.Legacy {
		if len(tok.Parts) != 1 {
			t.Fatalf("legacy token %d: %d parts, want 1", i, len(tok.Parts))
		}
		out.Legacy[i].Token = b.LegacyToken(tok.Parts[0])
	}
	out.Sealed = slices.Clone(v.Sealed)
	for i, s := range out.Sealed {
		sealed, err := b.sealWithSalt(s.Bound, unhex(t, s.Value), [blindSaltLen]byte(unhex(t, s.Salt)))
		if err != nil {
			t.Fatal(err)
		}
		out.Sealed[i].Sealed = hex.EncodeToString(sealed)
	}
	return out
}

// checkBlindIndependently recomputes v from FORMAT.md with HKDF by hand
// and crypto/hmac, without the package's code, and opens every sealed value
// with BlindIndex.Open.
func checkBlindIndependently(t *testing.T, v blindVector) {
	t.Helper()
	caseKey := bytes.Repeat([]byte{v.KeyFill}, KeySize)
	mac := func(key []byte, parts ...[]byte) []byte {
		m := hmac.New(sha256.New, key)
		for _, p := range parts {
			m.Write(p)
		}
		return m.Sum(nil)
	}
	macKey := hkdfByHand(caseKey, "madoguchi blind index v2 mac")
	sealKey := hkdfByHand(caseKey, "madoguchi blind index v2 seal")
	searchKey := hkdfByHand(caseKey, "search v1")
	for _, tok := range v.Tokens {
		var msg []byte
		for _, p := range tok.Parts {
			msg = handLP(msg, []byte(p))
		}
		if hand := base64.RawURLEncoding.EncodeToString(mac(macKey, msg)[:16]); hand != tok.Token {
			t.Errorf("token of %q: by hand %s, want %s", tok.Parts, hand, tok.Token)
		}
	}
	for _, tok := range v.Legacy {
		if hand := hex.EncodeToString(mac(searchKey, []byte(tok.Parts[0]))[:8]); hand != tok.Token {
			t.Errorf("legacy token of %q: by hand %s, want %s", tok.Parts[0], hand, tok.Token)
		}
	}
	b := newBlindIndex(caseKey, v.Version)
	defer b.Close()
	for _, s := range v.Sealed {
		sealed, value := unhex(t, s.Sealed), unhex(t, s.Value)
		size := 16
		if len(value) >= 16 {
			size = 32
		}
		if len(sealed) != 8+size+8 || hex.EncodeToString(sealed[:8]) != s.Salt {
			t.Errorf("sealed %q: %d bytes, salt %x", s.Value, len(sealed), sealed[:8])
			continue
		}
		ct := sealed[8 : 8+size]
		if tag := mac(sealKey, []byte("t"), sealed[:8+size], []byte(s.Bound))[:8]; !bytes.Equal(tag, sealed[8+size:]) {
			t.Errorf("sealed %q: tag by hand %x", s.Value, tag)
		}
		ks := mac(sealKey, []byte("s"), sealed[:8], []byte(s.Bound))
		pt := make([]byte, size)
		for i := range pt {
			pt[i] = ct[i] ^ ks[i]
		}
		want := append([]byte{byte(len(value))}, value...)
		want = append(want, make([]byte, size-len(want))...)
		if !bytes.Equal(pt, want) {
			t.Errorf("sealed %q: plaintext by hand %x", s.Value, pt)
		}
		if got, err := b.Open(s.Bound, sealed); err != nil || !bytes.Equal(got, value) {
			t.Errorf("sealed %q: Open = %x, %v", s.Value, got, err)
		}
	}
}

func TestBlindIndexSealOpen(t *testing.T) {
	k := fixedKeys(t, ClassCase, 1, 2)
	b, err := k.BlindIndex(2)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	other, _ := k.BlindIndex(1)
	defer other.Close()
	bound := "blind/2/" + b.Token("e", "相談", "0")
	for _, v := range [][]byte{nil, []byte("C-0123456789"), []byte("C-0123456789abc"), []byte("C-0123456789abcdef0123"), make([]byte, BlindValueMax)} {
		sealed, err := b.Seal(bound, v)
		if err != nil {
			t.Fatal(err)
		}
		if want := 32 + 16*(len(v)/16); len(sealed) != want {
			t.Errorf("%q: %d bytes, want %d", v, len(sealed), want)
		}
		if again, _ := b.Seal(bound, v); bytes.Equal(again, sealed) {
			t.Errorf("%q: sealed twice alike", v)
		}
		got, err := b.Open(bound, sealed)
		if err != nil || !bytes.Equal(got, v) {
			t.Errorf("%q: got %q %v", v, got, err)
		}
		if _, err := b.Open("blind/2/"+b.Token("e", "相談", "1"), sealed); !errors.Is(err, ErrTampered) {
			t.Errorf("moved to another entry: %v", err)
		}
		if _, err := other.Open(bound, sealed); !errors.Is(err, ErrTampered) {
			t.Errorf("opened under another key version: %v", err)
		}
		for i := range sealed {
			bad := bytes.Clone(sealed)
			bad[i] ^= 1
			if _, err := b.Open(bound, bad); !errors.Is(err, ErrTampered) {
				t.Fatalf("byte %d flipped: %v", i, err)
			}
		}
		for _, n := range []int{0, 1, len(sealed) - 1, len(sealed) + 1} {
			short := append(bytes.Clone(sealed), 0)[:n]
			if _, err := b.Open(bound, short); !errors.Is(err, ErrTampered) {
				t.Fatalf("%d of %d bytes: %v", n, len(sealed), err)
			}
		}
	}
	if _, err := b.Seal(bound, make([]byte, BlindValueMax+1)); !errors.Is(err, ErrBlindValueTooLong) {
		t.Errorf("%d-byte value: %v", BlindValueMax+1, err)
	}
}

func TestBlindIndexKeys(t *testing.T) {
	k := fixedKeys(t, ClassCase, 1, 2)
	if _, err := k.BlindIndex(3); !errors.Is(err, ErrNoKey) {
		t.Errorf("version not held: %v", err)
	}
	if _, err := fixedKeys(t, ClassContact, 1).BlindIndex(1); !errors.Is(err, ErrNoKey) {
		t.Errorf("no case key: %v", err)
	}
	b1, _ := k.BlindIndex(1)
	b2, _ := k.BlindIndex(2)
	defer b1.Close()
	defer b2.Close()
	if b1.Version() != 1 || b2.Version() != 2 {
		t.Errorf("versions %d %d", b1.Version(), b2.Version())
	}
	if b1.Token("n", "相談") == b2.Token("n", "相談") || b1.LegacyToken("相談") == b2.LegacyToken("相談") {
		t.Error("two key versions give the same token")
	}
	// Length prefixes keep the parts apart.
	if b1.Token("ab", "c") == b1.Token("a", "bc") || b1.Token("ab") == b1.Token("a", "b") || b1.Token() == b1.Token("") {
		t.Error("different parts give the same token")
	}
}

func TestBlindIndexClose(t *testing.T) {
	k := fixedKeys(t, ClassCase, 1)
	b, _ := k.BlindIndex(1)
	keys := slices.Clone(b.keys)
	if len(keys) != 3 {
		t.Fatalf("%d keys", len(keys))
	}
	b.Close()
	for i, key := range keys {
		if !bytes.Equal(key, make([]byte, KeySize)) {
			t.Errorf("key %d not zeroed", i)
		}
	}
	b.Close() // twice is fine
	var nilIndex *BlindIndex
	nilIndex.Close()
	if case1, _ := k.Get(ClassCase, 1); !bytes.Equal(case1, bytes.Repeat([]byte{1}, KeySize)) {
		t.Error("Close touched the case key")
	}
	defer func() {
		if recover() == nil {
			t.Error("Token after Close did not panic")
		}
	}()
	b.Token("n", "相談")
}

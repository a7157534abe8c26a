package vault

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// editKeyring marshals a valid keyring, applies edit to its generic JSON
// form and returns the bytes.
func editKeyring(t *testing.T, edit func(m map[string]any)) []byte {
	t.Helper()
	kr, office := testKeyring(t)
	if _, err := kr.InitStoreKey(office); err != nil {
		t.Fatal(err)
	}
	b, err := kr.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	if b, err = json.Marshal(m); err != nil {
		t.Fatal(err)
	}
	return b
}

// user0 returns the first user object of m.
func user0(m map[string]any) map[string]any {
	return m["users"].([]any)[0].(map[string]any)
}

func TestUnmarshalKeyringRejects(t *testing.T) {
	tests := []struct {
		name string
		edit func(m map[string]any)
		err  error
	}{
		{"format 2", func(m map[string]any) { m["format"] = 2 }, ErrNewerFormat},
		{"format 0", func(m map[string]any) { m["format"] = 0 }, ErrMalformed},
		{"no format", func(m map[string]any) { delete(m, "format") }, ErrMalformed},
		{"unknown field", func(m map[string]any) { m["extra"] = true }, ErrMalformed},
		{"short salt", func(m map[string]any) { user0(m)["salt"] = "AAAA" }, ErrMalformed},
		{"short nonce", func(m map[string]any) { user0(m)["bundle"].(map[string]any)["nonce"] = "AAAA" }, ErrMalformed},
		{"kdf time 0", func(m map[string]any) { user0(m)["kdf"].(map[string]any)["time"] = 0 }, ErrMalformed},
		{"kdf time 21", func(m map[string]any) { user0(m)["kdf"].(map[string]any)["time"] = 21 }, ErrMalformed},
		{"kdf memory 512", func(m map[string]any) { user0(m)["kdf"].(map[string]any)["memory_kib"] = 512 }, ErrMalformed},
		{"kdf threads 65", func(m map[string]any) { user0(m)["kdf"].(map[string]any)["threads"] = 65 }, ErrMalformed},
		{"duplicate login", func(m map[string]any) { m["users"] = append(m["users"].([]any), user0(m)) }, ErrMalformed},
		{"negative failures", func(m map[string]any) { user0(m)["failures"] = -1 }, ErrMalformed},
		{"store key version 0", func(m map[string]any) { m["store_key"].(map[string]any)["version"] = 0 }, ErrMalformed},
		{"bad last rev", func(m map[string]any) { m["last_rev"] = "xyz" }, ErrMalformed},
		{"empty device", func(m map[string]any) { m["device"] = "" }, ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := UnmarshalKeyring(editKeyring(t, tt.edit))
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
		})
	}
}

func TestUnmarshalKeyringSyntax(t *testing.T) {
	for _, s := range []string{"", "{", "[]", `{"format":1}{}`, `{"format":"1"}`} {
		if _, err := UnmarshalKeyring([]byte(s)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", s, err)
		}
	}
}

func TestKeyringRoundTrip(t *testing.T) {
	b := editKeyring(t, func(m map[string]any) {})
	kr, err := UnmarshalKeyring(b)
	if err != nil {
		t.Fatal(err)
	}
	kr.LastRev = testRev
	out, err := kr.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(out), "\"format\": 1") {
		t.Errorf("no format line:\n%s", out)
	}
	kr2, err := UnmarshalKeyring(out)
	if err != nil || !reflect.DeepEqual(kr, kr2) {
		t.Fatalf("round trip: %v", err)
	}
}

package vault

import (
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"
)

// richKeyring returns a format-2 keyring with every field of the file in
// use: failure counters, sealed pending events, a checkpoint, legacy pins,
// an upgrade and a last rev.
func richKeyring(t testing.TB) *Keyring {
	t.Helper()
	kr, _, _ := newTestOffice(t, "office-rich")
	if _, err := kr.Unlock("rita", []byte("wrong"), t0); !errors.Is(err, ErrWrongPassword) {
		t.Fatal(err)
	}
	kr.Checkpoint = CheckpointRef{Seq: 7, Hash: strings.Repeat("ab", 32), Signer: "admin"}
	kr.LegacyPins = []LegacyPin{{Class: ClassCase, MAC: bytes.Repeat([]byte{1}, 32)}}
	kr.Upgrades = []Upgrade{{Login: "carol", Class: ClassCase, KEMPub: bytes.Repeat([]byte{2}, 1216),
		SignPub: bytes.Repeat([]byte{3}, 32), Bundle: SealedBlob{Nonce: make([]byte, 24), CT: make([]byte, 40)},
		MAC: bytes.Repeat([]byte{4}, 32)}}
	kr.LastRev = testRev
	return reload(t, kr)
}

// editKeyring applies edit to the generic JSON form of base (m) and of its
// table body (body, re-encoded afterwards; the signature is not renewed)
// and returns the bytes.
func editKeyring(t *testing.T, base []byte, edit func(m, body map[string]any)) []byte {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(base, &m); err != nil {
		t.Fatal(err)
	}
	var body map[string]any
	if tab, ok := m["table"].(map[string]any); ok {
		raw, err := base64.StdEncoding.DecodeString(tab["body"].(string))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(raw, &body); err != nil {
			t.Fatal(err)
		}
	}
	var oldBody any
	if tab, ok := m["table"].(map[string]any); ok {
		oldBody = tab["body"]
	}
	edit(m, body)
	if tab, ok := m["table"].(map[string]any); ok && body != nil {
		if tab["body"] == oldBody { // not replaced by the edit
			raw, err := json.Marshal(body)
			if err != nil {
				t.Fatal(err)
			}
			tab["body"] = base64.StdEncoding.EncodeToString(raw)
		}
	}
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// obj returns m[key] as an object, arr m[key] as an array.
func obj(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }
func arr(m map[string]any, key string) []any          { return m[key].([]any) }

// userN returns the n-th user object of a table body.
func userN(body map[string]any, n int) map[string]any { return arr(body, "users")[n].(map[string]any) }

// b64 is the JSON form of bytes.
func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func TestUnmarshalKeyringRejects(t *testing.T) {
	base := mustMarshal(t, richKeyring(t))
	tests := []struct {
		name string
		edit func(m, body map[string]any)
		err  error
	}{
		{"format 3", func(m, _ map[string]any) { m["format"] = 3 }, ErrNewerFormat},
		{"format 0", func(m, _ map[string]any) { m["format"] = 0 }, ErrMalformed},
		{"format -1", func(m, _ map[string]any) { m["format"] = -1 }, ErrMalformed},
		{"format string", func(m, _ map[string]any) { m["format"] = "2" }, ErrMalformed},
		{"format fraction", func(m, _ map[string]any) { m["format"] = 2.5 }, ErrMalformed},
		{"no format", func(m, _ map[string]any) { delete(m, "format") }, ErrMalformed},
		{"unknown field", func(m, _ map[string]any) { m["extra"] = true }, ErrMalformed},
		{"format-1 field in format 2", func(m, _ map[string]any) { m["users"] = []any{} }, ErrMalformed},
		{"empty office", func(m, _ map[string]any) { m["office"] = "" }, ErrMalformed},
		{"office with space", func(m, _ map[string]any) { m["office"] = "a b" }, ErrMalformed},
		{"long office", func(m, _ map[string]any) { m["office"] = strings.Repeat("o", 65) }, ErrMalformed},
		{"empty device", func(m, _ map[string]any) { m["device"] = "" }, ErrMalformed},
		{"bad last rev", func(m, _ map[string]any) { m["last_rev"] = "xyz" }, ErrMalformed},
		// The signed table.
		{"no table", func(m, _ map[string]any) { delete(m, "table") }, ErrMalformed},
		{"unknown table field", func(m, _ map[string]any) { obj(m, "table")["extra"] = 1 }, ErrMalformed},
		{"body not JSON", func(m, body map[string]any) { obj(m, "table")["body"] = b64([]byte("{")) }, ErrMalformed},
		{"body trailing data", func(m, _ map[string]any) {
			raw, _ := base64.StdEncoding.DecodeString(obj(m, "table")["body"].(string))
			obj(m, "table")["body"] = b64(append(raw, "{}"...))
		}, ErrMalformed},
		{"short signature", func(m, _ map[string]any) { obj(m, "table")["sig"] = b64(make([]byte, 63)) }, ErrMalformed},
		{"no signature", func(m, _ map[string]any) { delete(obj(m, "table"), "sig") }, ErrMalformed},
		{"unknown body field", func(_, body map[string]any) { body["extra"] = 1 }, ErrMalformed},
		{"short admin key", func(_, body map[string]any) { body["admin_pub"] = b64(make([]byte, 31)) }, ErrMalformed},
		{"current unknown class", func(_, body map[string]any) { obj(body, "current")["other"] = 1 }, ErrMalformed},
		{"current version 0", func(_, body map[string]any) { obj(body, "current")["case"] = 0 }, ErrMalformed},
		{"unknown user field", func(_, body map[string]any) { userN(body, 0)["failures"] = 0 }, ErrMalformed},
		{"duplicate login", func(_, body map[string]any) { body["users"] = append(arr(body, "users"), userN(body, 1)) }, ErrMalformed},
		{"login with space", func(_, body map[string]any) { userN(body, 1)["login"] = "a b" }, ErrMalformed},
		{"empty login", func(_, body map[string]any) { userN(body, 1)["login"] = "" }, ErrMalformed},
		{"long name", func(_, body map[string]any) { userN(body, 1)["name"] = strings.Repeat("n", 257) }, ErrMalformed},
		{"short salt", func(_, body map[string]any) { userN(body, 1)["salt"] = "AAAA" }, ErrMalformed},
		{"short nonce", func(_, body map[string]any) { obj(userN(body, 1), "bundle")["nonce"] = "AAAA" }, ErrMalformed},
		{"short bundle", func(_, body map[string]any) { obj(userN(body, 1), "bundle")["ct"] = "AAAA" }, ErrMalformed},
		{"bundle names a key", func(_, body map[string]any) { obj(userN(body, 1), "bundle")["class"] = "contact" }, ErrMalformed},
		{"short sign key", func(_, body map[string]any) { userN(body, 1)["sign_pub"] = b64(make([]byte, 31)) }, ErrMalformed},
		{"huge kem key", func(_, body map[string]any) { userN(body, 1)["kem_pub"] = b64(make([]byte, 4097)) }, ErrMalformed},
		{"grant unknown class", func(_, body map[string]any) {
			arr(userN(body, 1), "grants")[0].(map[string]any)["class"] = "other"
		}, ErrMalformed},
		{"grant version 0", func(_, body map[string]any) {
			arr(userN(body, 1), "grants")[0].(map[string]any)["version"] = 0
		}, ErrMalformed},
		{"supervisor until year -1", func(_, body map[string]any) {
			userN(body, 1)["supervisor_until"] = "0000-01-01T00:00:00+01:00"
		}, ErrMalformed},
		// Local bookkeeping.
		{"negative failures", func(m, _ map[string]any) { arr(m, "local")[0].(map[string]any)["failures"] = -1 }, ErrMalformed},
		{"duplicate local login", func(m, _ map[string]any) { m["local"] = append(arr(m, "local"), arr(m, "local")[0]) }, ErrMalformed},
		{"local bad login", func(m, _ map[string]any) { arr(m, "local")[0].(map[string]any)["login"] = "" }, ErrMalformed},
		{"locked until year -1", func(m, _ map[string]any) {
			arr(m, "local")[0].(map[string]any)["locked_until"] = "0000-01-01T00:00:00+01:00"
		}, ErrMalformed},
		{"store key version 0", func(m, _ map[string]any) { obj(m, "store_key")["version"] = 0 }, ErrMalformed},
		{"store key under case", func(m, _ map[string]any) { obj(m, "store_key")["class"] = "case" }, ErrMalformed},
		{"store key short", func(m, _ map[string]any) { obj(m, "store_key")["ct"] = b64(make([]byte, 47)) }, ErrMalformed},
		{"pending number 0", func(m, _ map[string]any) { arr(m, "pending")[0].(map[string]any)["n"] = 0 }, ErrMalformed},
		{"pending number above seq", func(m, _ map[string]any) { m["pending_seq"] = 0 }, ErrMalformed},
		{"pending year -1", func(m, _ map[string]any) {
			arr(m, "pending")[0].(map[string]any)["at"] = "0000-01-01T00:00:00+01:00"
		}, ErrMalformed},
		{"checkpoint short hash", func(m, _ map[string]any) { obj(m, "checkpoint")["hash"] = "abcd" }, ErrMalformed},
		{"checkpoint seq 0", func(m, _ map[string]any) { obj(m, "checkpoint")["seq"] = 0 }, ErrMalformed},
		{"legacy pin unknown class", func(m, _ map[string]any) { arr(m, "legacy_pins")[0].(map[string]any)["class"] = "x" }, ErrMalformed},
		{"legacy pin short mac", func(m, _ map[string]any) { arr(m, "legacy_pins")[0].(map[string]any)["mac"] = "AAAA" }, ErrMalformed},
		{"upgrade bad login", func(m, _ map[string]any) { arr(m, "upgrades")[0].(map[string]any)["login"] = "a b" }, ErrMalformed},
		{"upgrade unknown class", func(m, _ map[string]any) { arr(m, "upgrades")[0].(map[string]any)["class"] = "x" }, ErrMalformed},
		{"upgrade short sign key", func(m, _ map[string]any) { arr(m, "upgrades")[0].(map[string]any)["sign_pub"] = "AAAA" }, ErrMalformed},
		{"upgrade short mac", func(m, _ map[string]any) { arr(m, "upgrades")[0].(map[string]any)["mac"] = "AAAA" }, ErrMalformed},
		{"upgrade bad nonce", func(m, _ map[string]any) {
			obj(arr(m, "upgrades")[0].(map[string]any), "bundle")["nonce"] = "AAAA"
		}, ErrMalformed},
	}
	if _, err := UnmarshalKeyring(editKeyring(t, base, func(_, _ map[string]any) {})); err != nil {
		t.Fatalf("unedited keyring refused: %v", err)
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr, err := UnmarshalKeyring(editKeyring(t, base, tt.edit))
			if !errors.Is(err, tt.err) || kr != nil {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
		})
	}
}

// TestKDFCaps checks the range of KDF parameters a keyring may carry: time
// 1..10, memory 1024 KiB..1 GiB, threads 1..16, in both formats. Above
// the caps a keyring is refused as malformed, so an edited file cannot make
// a login cost more than that.
func TestKDFCaps(t *testing.T) {
	v2 := mustMarshal(t, richKeyring(t))
	v1 := mustMarshal(t, testV1(t).kr)
	tests := []struct {
		name string
		p    KDFParams
		ok   bool
	}{
		{"lowest", KDFParams{1, 1024, 1}, true},
		{"highest", KDFParams{10, 1 << 20, 16}, true},
		{"time 0", KDFParams{0, 1024, 1}, false},
		{"time 11", KDFParams{11, 1024, 1}, false},
		{"time 20", KDFParams{20, 1024, 1}, false},
		{"memory 1023 KiB", KDFParams{1, 1023, 1}, false},
		{"memory 1 GiB + 1 KiB", KDFParams{1, 1<<20 + 1, 1}, false},
		{"memory 4 GiB - 1 KiB", KDFParams{1, 1<<22 - 1, 1}, false},
		{"threads 0", KDFParams{1, 1024, 0}, false},
		{"threads 17", KDFParams{1, 1024, 17}, false},
		{"threads 64", KDFParams{1, 1024, 64}, false},
	}
	set := func(u map[string]any, p KDFParams) {
		u["kdf"] = map[string]any{"time": p.Time, "memory_kib": p.MemoryKiB, "threads": p.Threads}
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.valid(); got != tt.ok {
				t.Errorf("valid() = %v", got)
			}
			files := map[string][]byte{
				"format 2": editKeyring(t, v2, func(_, body map[string]any) { set(userN(body, 2), tt.p) }),
				"format 1": editKeyring(t, v1, func(m, _ map[string]any) { set(arr(m, "users")[1].(map[string]any), tt.p) }),
			}
			for name, b := range files {
				_, err := UnmarshalKeyring(b)
				if tt.ok && err != nil || !tt.ok && !errors.Is(err, ErrMalformed) {
					t.Errorf("%s: err = %v", name, err)
				}
			}
		})
	}
	if !DefaultKDF.valid() || !TestKDF().valid() {
		t.Error("DefaultKDF or TestKDF out of range")
	}
}

func TestUnmarshalKeyringSyntax(t *testing.T) {
	for _, s := range []string{"", "{", "[]", "null", `{"format":1}{}`, `{"format":2}{}`, `{"format":"1"}`, `{"format":2} x`} {
		if _, err := UnmarshalKeyring([]byte(s)); !errors.Is(err, ErrMalformed) {
			t.Errorf("%q: %v", s, err)
		}
	}
}

// normalizeKeyring makes the empty-versus-nil slices of a decoded keyring
// comparable: Marshal writes absent counters and pending events as [] and
// leaves out empty pins and upgrades.
func normalizeKeyring(kr *Keyring) *Keyring {
	if kr.Local == nil {
		kr.Local = []LocalState{}
	}
	if kr.Pending == nil {
		kr.Pending = []SealedEvent{}
	}
	if len(kr.LegacyPins) == 0 {
		kr.LegacyPins = nil
	}
	if len(kr.Upgrades) == 0 {
		kr.Upgrades = nil
	}
	return kr
}

func TestKeyringRoundTrip(t *testing.T) {
	kr := richKeyring(t)
	out := mustMarshal(t, kr)
	if !strings.Contains(string(out), "\"format\": 2,") || !bytes.HasSuffix(out, []byte("}\n")) {
		t.Errorf("no format line or final newline:\n%s", out)
	}
	kr2 := mustUnmarshal(t, out)
	if !reflect.DeepEqual(normalizeKeyring(kr), normalizeKeyring(kr2)) {
		t.Fatalf("round trip differs")
	}
	if again := mustMarshal(t, kr2); !bytes.Equal(again, out) {
		t.Error("second Marshal differs")
	}
	if kr2.Format1() || kr2.Format != 2 || kr2.PendingSeq != 1 || len(kr2.Local) != 1 || kr2.LastRev != testRev ||
		kr2.Checkpoint.Seq != 7 || len(kr2.LegacyPins) != 1 || len(kr2.Upgrades) != 1 {
		t.Errorf("fields lost: %+v", kr2)
	}
	// Through a file too, with the login still working.
	kr3 := saveLoad(t, kr2, filepath.Join(t.TempDir(), "keyring.json"))
	if !reflect.DeepEqual(normalizeKeyring(kr3), normalizeKeyring(kr2)) {
		t.Fatal("save/load differs")
	}
	mustUnlock(t, kr3, "carol")
	// A fresh keyring marshals empty lists, not null.
	if b := mustMarshal(t, NewKeyring("o", "d")); !strings.Contains(string(b), "\"local\": []") || !strings.Contains(string(b), "\"pending\": []") {
		t.Errorf("empty keyring:\n%s", b)
	}
}

// TestEditedTable edits the user table of keyring.json as someone with the
// file and a text editor could, and checks what Unlock makes of it. The
// error depends on what the edit touches:
//   - ErrWrongPassword when the edit changes what the person's bundle is
//     bound to (office, login, KDF parameters, salt: its AAD, and the KEK
//     derived from the last two): the bundle does not open, so nothing is
//     known yet that could check the table, and the attempt counts as a
//     wrong password;
//   - ErrForged when the bundle opens (the edit left its binding alone) but
//     the table's signature does not verify against the admin key pinned in
//     the bundle. The signature covers the whole body, so an edit of one
//     person's entry is refused at everyone's login.
func TestEditedTable(t *testing.T) {
	kr, a, _ := newTestOffice(t, "office-a")
	before := mustMarshal(t, kr)
	if _, err := kr.SetDisabled(a, "sue", true, t0); err != nil {
		t.Fatal(err)
	}
	if err := kr.Rotate(a, ClassContact); err != nil {
		t.Fatal(err)
	}
	base := mustMarshal(t, kr)
	oldSue := entry(t, withTable(t, before, func(*UserTable) {}).UnsafeTable(), "sue")
	other, _, _ := newTestOffice(t, "office-b") // same people and passwords

	// mallory is an entry someone makes from scratch: her own identity and
	// a bundle under her own password that pins the real admin key (which
	// is public).
	mallory := func(tab *UserTable) {
		id, err := NewIdentity()
		if err != nil {
			t.Fatal(err)
		}
		salt := bytes.Repeat([]byte{9}, SaltSize)
		pt, _ := json.Marshal(bundleV2{SignSeed: id.signSeed, KEMSeed: id.kemSeed, AdminPub: tab.AdminPub})
		blob, err := sealBlob(userKEK(pw("mallory"), salt, TestKDF()), bundleAADv2(tab.Office, "mallory", TestKDF(), salt), pt)
		if err != nil {
			t.Fatal(err)
		}
		tab.Users = append(tab.Users, TableUser{Login: "mallory", Roles: []string{"admin", "consultant"}, KDF: TestKDF(),
			Salt: salt, Bundle: blob, KEMPub: id.KEMPublic(), SignPub: id.SignPublic(), Grants: entry(t, tab, "carol").Grants})
	}
	table := func(fn func(tab *UserTable)) func(b []byte) *Keyring {
		return func(b []byte) *Keyring { return withTable(t, b, fn) }
	}
	file := func(fn func(kr *Keyring)) func(b []byte) *Keyring {
		return func(b []byte) *Keyring {
			kr := mustUnmarshal(t, b)
			fn(kr)
			return reload(t, kr)
		}
	}
	tests := []struct {
		name  string
		edit  func(b []byte) *Keyring
		login string
		err   error
	}{
		{"unchanged", table(func(*UserTable) {}), "carol", nil},
		// Her bundle opens; the signature over the edited body fails.
		{"roles changed", table(func(tab *UserTable) { entry(t, tab, "rita").Roles = []string{"consultant", "admin"} }), "rita", ErrForged},
		{"another person's roles changed", table(func(tab *UserTable) { entry(t, tab, "rita").Roles = nil }), "carol", ErrForged},
		{"name changed", table(func(tab *UserTable) { entry(t, tab, "rita").Name = "Mallory" }), "rita", ErrForged},
		// Flipping a person to disabled only denies service (deleting the
		// file does that too): Unlock refuses a disabled entry before it
		// derives anything, so that person sees ErrDisabled; the others
		// see ErrForged.
		{"disabled flipped on, that person", table(func(tab *UserTable) { entry(t, tab, "rita").Disabled = true }), "rita", ErrDisabled},
		{"disabled flipped on, another person", table(func(tab *UserTable) { entry(t, tab, "rita").Disabled = true }), "carol", ErrForged},
		// A disabled person's bundle and grants are deleted; putting back
		// the ones of an earlier copy opens the bundle, not the table.
		{"disabled flipped off with the old bundle", table(func(tab *UserTable) {
			u := entry(t, tab, "sue")
			u.Disabled, u.Bundle, u.Grants = false, oldSue.Bundle, oldSue.Grants
		}), "sue", ErrForged},
		// An added person's own bundle opens and pins the real admin key,
		// which did not sign the table listing her.
		{"user added", table(mallory), "mallory", ErrForged},
		{"user added, others' login", table(mallory), "admin", ErrForged},
		// A copy of someone's entry under another login: the bundle's AAD
		// names the original login.
		{"user added as a copy", table(func(tab *UserTable) {
			u := entry(t, tab, "rita").clone()
			u.Login = "mallory"
			tab.Users = append(tab.Users, u)
		}), "mallory", ErrWrongPassword},
		// The KEK is derived with other parameters and the AAD names them.
		{"kdf params raised", table(func(tab *UserTable) { entry(t, tab, "rita").KDF = KDFParams{2, 2048, 2} }), "rita", ErrWrongPassword},
		{"kdf params lowered", table(func(tab *UserTable) { entry(t, tab, "rita").KDF.MemoryKiB = 1025 }), "rita", ErrWrongPassword},
		// Another salt gives another KEK, and the AAD names the salt.
		{"salt swapped", table(func(tab *UserTable) {
			r, c := entry(t, tab, "rita"), entry(t, tab, "carol")
			r.Salt, c.Salt = c.Salt, r.Salt
		}), "rita", ErrWrongPassword},
		{"bundles swapped", table(func(tab *UserTable) {
			r, c := entry(t, tab, "rita"), entry(t, tab, "carol")
			r.Bundle, c.Bundle = c.Bundle, r.Bundle
		}), "rita", ErrWrongPassword},
		// Rita's bundle opens; the table fails (and the grants are wrapped
		// to Carol's key with Carol's login in the info: TestGrantsBound).
		{"grants swapped", table(func(tab *UserTable) {
			r, c := entry(t, tab, "rita"), entry(t, tab, "carol")
			r.Grants, c.Grants = c.Grants, r.Grants
		}), "rita", ErrForged},
		{"admin grant copied", table(func(tab *UserTable) { entry(t, tab, "rita").AdminGrant = entry(t, tab, "admin").AdminGrant }), "rita", ErrForged},
		{"public keys swapped", table(func(tab *UserTable) {
			r, c := entry(t, tab, "rita"), entry(t, tab, "carol")
			r.KEMPub, c.KEMPub, r.SignPub, c.SignPub = c.KEMPub, r.KEMPub, c.SignPub, r.SignPub
		}), "carol", ErrForged},
		{"current version changed", table(func(tab *UserTable) { tab.Current[ClassContact] = 1 }), "carol", ErrForged},
		{"serial raised", table(func(tab *UserTable) { tab.Serial += 100 }), "carol", ErrForged},
		{"signature bytes flipped", file(func(kr *Keyring) { kr.Table.Sig[10] ^= 1 }), "carol", ErrForged},
		{"signature of the previous table", file(func(kr *Keyring) { kr.Table.Sig = mustUnmarshal(t, before).Table.Sig }), "carol", ErrForged},
		// A whole table signed by a key of the editor's own: the bundles
		// pin the office's admin key.
		{"table signed by another key", file(func(kr *Keyring) {
			pub, priv, _ := ed25519.GenerateKey(nil)
			tab := cloneTable(kr.UnsafeTable())
			tab.AdminPub = pub
			st, err := tab.sign(priv)
			if err != nil {
				t.Fatal(err)
			}
			kr.Table = st
		}), "carol", ErrForged},
		// The other office's bundles are bound to its office id, not to
		// the one of this file.
		{"table of another office", file(func(kr *Keyring) { kr.Table = other.Table }), "carol", ErrWrongPassword},
		// Only with the admin key: the office named in the body must be
		// the file's.
		{"re-signed for another office", file(func(kr *Keyring) {
			tab := cloneTable(kr.UnsafeTable())
			tab.Office = "office-b"
			st, err := tab.sign(a.Admin)
			if err != nil {
				t.Fatal(err)
			}
			kr.Table = st
		}), "carol", ErrForged},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kr := tt.edit(base)
			un, err := kr.Unlock(tt.login, pw(tt.login), t0)
			if !errors.Is(err, tt.err) {
				t.Fatalf("Unlock %s = %v, want %v", tt.login, err, tt.err)
			}
			if err != nil && un != nil {
				t.Fatal("Unlocked returned with an error")
			}
			// Only a wrong password counts towards the lockout.
			if f := localState(kr, tt.login).Failures; (f == 1) != errors.Is(tt.err, ErrWrongPassword) {
				t.Errorf("failures %d", f)
			}
			if tt.err == nil {
				if _, err := kr.VerifiedTable(un.AdminPub); err != nil {
					t.Error(err)
				}
				return
			}
			if _, err := kr.VerifiedTable(a.AdminPub); !errors.Is(err, ErrForged) {
				t.Errorf("VerifiedTable of the edited file: %v", err)
			}
		})
	}

	// The other office's whole keyring content in this file (office id
	// included) is simply that office's keyring: its people log in, but the
	// store key of this file does not open with its keys. The store anchors
	// the admin key too (docs/SECURITY.md).
	kr2 := mustUnmarshal(t, base)
	kr2.Table, kr2.Office = other.Table, other.Office
	un, err := reload(t, kr2).Unlock("carol", pw("carol"), t0)
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(un.AdminPub, a.AdminPub) {
		t.Error("same admin key")
	}
	if _, err := kr2.StoreKeyBytes(un.Keys); !errors.Is(err, ErrTampered) && !errors.Is(err, ErrNoKey) {
		t.Errorf("store key with the other office's keys: %v", err)
	}
}

// TestGrantsBound re-signs edited tables with the real admin key, as only
// an admin could: grants and the admin grant are wrapped to one person's
// key with their login in the HPKE info, so moved to someone else they do
// not open.
func TestGrantsBound(t *testing.T) {
	kr, a, _ := newTestOffice(t, "")
	resign := func(fn func(tab *UserTable)) *Keyring {
		k := reload(t, kr)
		tab := cloneTable(k.UnsafeTable())
		fn(tab)
		st, err := tab.sign(a.Admin)
		if err != nil {
			t.Fatal(err)
		}
		k.Table = st
		return reload(t, k)
	}
	tests := []struct {
		name string
		fn   func(tab *UserTable)
	}{
		{"grants swapped", func(tab *UserTable) {
			r, c := entry(t, tab, "rita"), entry(t, tab, "carol")
			r.Grants, c.Grants = c.Grants, r.Grants
		}},
		{"case grant copied", func(tab *UserTable) {
			r := entry(t, tab, "rita")
			for _, g := range entry(t, tab, "carol").Grants {
				if g.Class == ClassCase {
					r.Grants = append(r.Grants, g)
				}
			}
		}},
		{"grant relabelled", func(tab *UserTable) {
			r := entry(t, tab, "rita")
			r.Grants = append(r.Grants, Grant{Class: ClassCase, Version: 1, Wrap: r.Grants[0].Wrap})
		}},
		{"admin grant copied", func(tab *UserTable) { entry(t, tab, "rita").AdminGrant = entry(t, tab, "admin").AdminGrant }},
		{"kem key of another person", func(tab *UserTable) { entry(t, tab, "rita").KEMPub = entry(t, tab, "carol").KEMPub }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := resign(tt.fn).Unlock("rita", pw("rita"), t0); !errors.Is(err, ErrForged) {
				t.Fatalf("Unlock = %v, want ErrForged", err)
			}
		})
	}
	if _, err := resign(func(*UserTable) {}).Unlock("rita", pw("rita"), t0); err != nil {
		t.Fatalf("re-signed unchanged table: %v", err)
	}
}

// TestTableRollback puts an older signed table back into keyring.json. It
// verifies (it was signed), so Unlock cannot refuse it; its serial is lower
// than the one the caller anchored in the store, which is how a rollback
// is caught (docs/SECURITY.md). It gives nobody more than their copy of
// the old file did.
func TestTableRollback(t *testing.T) {
	kr, a, _ := newTestOffice(t, "")
	old := mustMarshal(t, kr)
	demoted := Person{Login: "carol", Roles: []string{"reception"}, Classes: []Class{ClassContact}}
	if _, err := kr.SetRoles(a, demoted, t0); err != nil {
		t.Fatal(err)
	}
	if err := kr.Rotate(a, ClassCase); err != nil {
		t.Fatal(err)
	}
	anchored := kr.UnsafeTable().Serial
	rolled := mustUnmarshal(t, mustMarshal(t, kr))
	rolled.Table = mustUnmarshal(t, old).Table
	rolled = reload(t, rolled)
	carol := mustUnlock(t, rolled, "carol")
	if carol.Table.Serial >= anchored {
		t.Fatalf("rolled-back serial %d, anchored %d", carol.Table.Serial, anchored)
	}
	if !reflect.DeepEqual(carol.Keys.Versions(ClassCase), []uint32{1}) {
		t.Errorf("rolled-back table gives case %v", carol.Keys.Versions(ClassCase))
	}
}

// TestUnlockedAfterEdit checks that an admin's edit refuses a table that
// changed under it (another program rewrote the file with a forged one).
func TestUnlockedAfterEdit(t *testing.T) {
	kr, a, _ := newTestOffice(t, "")
	forged := withTable(t, mustMarshal(t, kr), func(tab *UserTable) { entry(t, tab, "rita").Roles = []string{"admin"} })
	if err := forged.AddUser(a, Person{Login: "bob", Classes: []Class{ClassContact}}, []byte("x"), TestKDF()); !errors.Is(err, ErrForged) {
		t.Fatalf("edit of a forged table: %v", err)
	}
	if _, err := forged.SetRoles(a, testPerson(t, "rita"), t0); !errors.Is(err, ErrForged) {
		t.Fatalf("SetRoles on a forged table: %v", err)
	}
	if u, _ := forged.UnsafeTable().Find("bob"); u.Login != "" {
		t.Error("user added to a forged table")
	}
	if !slices.Equal(entry(t, forged.UnsafeTable(), "rita").Roles, []string{"admin"}) {
		t.Error("forged table changed by a refused edit")
	}
}

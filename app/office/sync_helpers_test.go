package office

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// syncDevice makes another device of f's office: a vault in a folder of
// its own with a copy of f's keyring.json (the same office, office keys
// and signed user table) under another device id, and an empty store, as
// a PC enrolled later would start before its first pull.
//
// Copying the folder as it is would not do: the copy would carry the same
// device id, so both would make the same revs. And the device id cannot be
// changed in a copied keyring alone: the store key is sealed with the
// office and device ids as associated data (vault.storeKeyAAD), so the copy
// would no longer open its store. So the copy gets a new device id and a
// new store key (Keyring.InitStoreKey, with the office keys an admin
// unlocks) and no store: the store is made at the first login. Its
// checkpoint reference, last rev and pending events are the first
// device's local bookkeeping and are cleared.
func syncDevice(t *testing.T, f *fixture, device string) *fixture {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(f.dir, KeyringFile))
	if err != nil {
		t.Fatal(err)
	}
	kr, err := vault.UnmarshalKeyring(raw)
	if err != nil {
		t.Fatal(err)
	}
	un, err := kr.Unlock("admin", []byte(testPassword), f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	kr.Device = device
	kr.Checkpoint = vault.CheckpointRef{}
	kr.LastRev = vault.Rev{}
	kr.Pending, kr.PendingSeq = nil, 0
	kr.Local = nil
	if _, err := kr.InitStoreKey(un.Keys); err != nil {
		t.Fatal(err)
	}
	g := &fixture{t: t, dir: filepath.Join(t.TempDir(), device), clock: f.clock,
		venue: f.venue, venue2: f.venue2, staff: f.staff, staff2: f.staff2}
	if err := os.MkdirAll(g.dir, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := kr.Save(filepath.Join(g.dir, KeyringFile)); err != nil {
		t.Fatal(err)
	}
	o, err := Open(g.dir, testOptions(g.clock))
	if err != nil {
		t.Fatal(err)
	}
	g.o = o
	t.Cleanup(func() { o.Close() })
	return g
}

// pull moves what from's outbox holds (as login) into to (as login):
// Outbox on one, Apply on the other, Acknowledge on the first; no network.
// It returns what Apply counted.
func pull(t *testing.T, from, to *fixture, login string) syncer.Applied {
	t.Helper()
	var out []syncer.Outgoing
	from.as(login, func(s *Session) {
		var err error
		if out, err = from.o.Replica(s).Outbox(context.Background(), 0); err != nil {
			t.Fatalf("Outbox: %v", err)
		}
	})
	return applyOut(t, to, login, out)
}

// applyOut applies versions taken from an outbox.
func applyOut(t *testing.T, to *fixture, login string, out []syncer.Outgoing) syncer.Applied {
	t.Helper()
	in := make([]syncer.Incoming, len(out))
	for i, x := range out {
		in[i] = syncer.Incoming{ID: x.ID, Rev: x.Rev, Data: x.Data}
	}
	var got syncer.Applied
	to.as(login, func(s *Session) {
		var err error
		if got, err = to.o.Replica(s).Apply(context.Background(), in, map[string][]byte{"cursor": []byte("x")}); err != nil {
			t.Fatalf("Apply: %v", err)
		}
	})
	return got
}

// outboxOf returns f's outbox as login.
func outboxOf(t *testing.T, f *fixture, login string) []syncer.Outgoing {
	t.Helper()
	var out []syncer.Outgoing
	f.as(login, func(s *Session) {
		var err error
		if out, err = f.o.Replica(s).Outbox(context.Background(), 0); err != nil {
			t.Fatalf("Outbox: %v", err)
		}
	})
	return out
}

// headOf returns the head version of a storage record and its plaintext
// (opened with login's keys).
func headOf(t *testing.T, f *fixture, login, id string) (local.Version, []byte) {
	t.Helper()
	var v local.Version
	var plain []byte
	f.as(login, func(s *Session) {
		var err error
		if v, err = f.o.store.Head(id); err != nil {
			t.Fatalf("head of %s: %v", id, err)
		}
		env, err := vault.UnmarshalEnvelope(v.Blob)
		if err != nil {
			t.Fatal(err)
		}
		if plain, err = vault.Open(s.keys, env, vault.Expect{ID: id, Kind: v.Kind}); err != nil {
			t.Fatalf("open head of %s: %v", id, err)
		}
	})
	return v, plain
}

// sameHead checks that two devices show the same head rev and plaintext.
func sameHead(t *testing.T, a, b *fixture, login, id string) (local.Version, []byte) {
	t.Helper()
	va, pa := headOf(t, a, login, id)
	vb, pb := headOf(t, b, login, id)
	if va.Rev != vb.Rev || !bytes.Equal(pa, pb) {
		t.Fatalf("%s differs:\n A %s %s\n B %s %s", id, va.Rev, pa, vb.Rev, pb)
	}
	return va, pa
}

// later moves the shared clock on, so that revs differ by time.
func later(f *fixture) { f.clock.Advance(time.Minute) }

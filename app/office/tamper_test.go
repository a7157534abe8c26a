package office

import (
	"context"
	"encoding/binary"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// rawStore opens the vault's Badger store directly, as an attacker holding
// the store key (an insider on the PC) could, to change bytes behind the
// office's back. Only tests do this.
func rawStore(t *testing.T, f *fixture) *badger.DB {
	t.Helper()
	kr, err := vault.LoadKeyring(filepath.Join(f.dir, KeyringFile))
	if err != nil {
		t.Fatal(err)
	}
	keys, err := kr.Unlock("admin", []byte(testPassword), f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	key, err := kr.StoreKeyBytes(keys.Keys)
	if err != nil {
		t.Fatal(err)
	}
	db, err := badger.Open(badger.DefaultOptions(filepath.Join(f.dir, StoreDir)).WithEncryptionKey(key).
		WithIndexCacheSize(1 << 20).WithBlockCacheSize(1 << 20).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

func auditKey(seq uint64) []byte {
	k := append([]byte("a/"), make([]byte, 8)...)
	binary.BigEndian.PutUint64(k[2:], seq)
	return k
}

func TestAuditTamperingIsFound(t *testing.T) {
	f := newFixture(t)
	f.as("uketsuke", func(s *Session) {
		f.business(s, "改ざん確認商店", "カイザンカクニンショウテン", "03-5555-0701")
	})
	f.as("kantoku", func(s *Session) {
		if n, err := f.o.VerifyAudit(context.Background(), s); err != nil || n < 5 {
			t.Fatalf("clean chain: %d %v", n, err)
		}
	})
	f.o.Close()
	const target = 4
	db := rawStore(t, f)
	err := db.Update(func(txn *badger.Txn) error {
		item, err := txn.Get(auditKey(target))
		if err != nil {
			return err
		}
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		ev, err := audit.Unmarshal(v)
		if err != nil {
			return err
		}
		ev.User = "someone-else" // hide who did it, keep the old hash
		return txn.Set(auditKey(target), ev.Marshal())
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	f.as("kantoku", func(s *Session) {
		_, err := f.o.VerifyAudit(context.Background(), s)
		var bl *audit.BrokenLink
		if !errors.As(err, &bl) || bl.Seq != target {
			t.Fatalf("tampered event %d: got %v", target, err)
		}
	})
}

func TestTamperedOrReplayedEnvelopeRefused(t *testing.T) {
	f := newFixture(t)
	var id string
	f.as("uketsuke", func(s *Session) {
		b := f.business(s, "封筒確認商店", "フウトウカクニンショウテン", "03-5555-0801")
		b.Note = "二版目"
		if err := f.o.SaveBusiness(context.Background(), s, b, SaveBusinessOptions{}); err != nil {
			t.Fatal(err)
		}
		id = b.ID
	})
	s := f.login("soudan")
	vs, err := f.o.store.History(id)
	if err != nil || len(vs) != 2 {
		t.Fatalf("history: %d %v", len(vs), err)
	}
	newer, _ := vault.ParseRev(vs[1].Rev)
	newer.Wall++
	flipped := append([]byte(nil), vs[1].Blob...)
	flipped[len(flipped)-1] ^= 0x01
	tests := []struct {
		name string
		blob []byte
	}{
		{"replayed old version as the head", vs[0].Blob},
		{"bit flipped", flipped},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			newer.Counter++
			w := local.Write{Version: local.Version{ID: id, Kind: string(record.KindBusiness), Rev: newer.String(), Blob: tc.blob}}
			if err := f.o.store.Commit(local.Batch{Writes: []local.Write{w}}); err != nil {
				t.Fatal(err)
			}
			_, err := f.o.Business(context.Background(), s, id)
			if !errors.Is(err, ErrTampered) {
				t.Fatalf("got %v, want ErrTampered", err)
			}
			if msg := Message(err); !strings.Contains(msg, "改ざん") {
				t.Fatalf("message %q", msg)
			}
		})
	}
	f.logout()
}

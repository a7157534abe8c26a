package office

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// A vault made by the format-1 release (testdata/vault-format1, dummy data)
// opens, the first admin login converts it, and everything still reads.
func TestUpgradeFormat1Vault(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "office")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "vault-format1"))); err != nil {
		t.Fatal(err)
	}
	ids, err := os.ReadFile(filepath.Join("testdata", "vault-format1.ids"))
	if err != nil {
		t.Fatal(err)
	}
	bid, cid, _ := strings.Cut(strings.TrimSpace(string(ids)), "\n")
	f := &fixture{t: t, dir: dir, clock: &testClock{}}
	f.clock.t = time.Date(2026, 10, 2, 1, 0, 0, 0, time.UTC)
	o, err := Open(dir, testOptions(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	f.o = o
	t.Cleanup(func() { o.Close() })

	// A consultant logs in before any admin: the format-1 keyring keeps
	// working, and stays format 1.
	f.as("soudan", func(s *Session) {
		c, err := o.Consultation(context.Background(), s, cid)
		if err != nil || c.Case == nil || !strings.Contains(c.Case.Summary, "ふくろう") {
			t.Fatalf("read before conversion: %v", err)
		}
	})
	if kr, _ := vault.LoadKeyring(filepath.Join(dir, KeyringFile)); !kr.Format1() {
		t.Fatal("a consultant's login converted the keyring")
	}
	// The admin (also supervisor) converts it.
	f.as("admin", func(s *Session) {
		if s.un.Admin == nil || !s.signs(o.table) {
			t.Fatal("admin has no signed identity after conversion")
		}
		if n, err := o.VerifyAudit(context.Background(), s); err != nil || n < 10 {
			t.Fatalf("audit after conversion: %d %v", n, err)
		}
	})
	kr, err := vault.LoadKeyring(filepath.Join(dir, KeyringFile))
	if err != nil || kr.Format1() {
		t.Fatalf("keyring after admin login: %v", err)
	}
	// The approval given in format 1 was signed at conversion.
	f.as("kantoku", func(s *Session) {
		c, err := o.Consultation(context.Background(), s, cid)
		if err != nil || c.Status != record.StApproved || c.ApprovalBroken {
			t.Fatalf("carried approval: %v %s %v", err, c.Status, c.ApprovalBroken)
		}
		if s.un.Upgraded != true {
			t.Fatal("supervisor did not make key pairs at first login")
		}
		// Case text indexed by the earlier release is still found.
		hits, err := o.SearchCases(context.Background(), s, "ふくろう", 10)
		if err != nil || len(hits) != 1 || hits[0].ID != cid {
			t.Fatalf("search of old case text: %v %v", hits, err)
		}
	})
	f.as("uketsuke", func(s *Session) {
		if _, err := o.Business(context.Background(), s, bid); err != nil {
			t.Fatal(err)
		}
	})
	// The admin's next login signs the new key pairs in.
	f.as("admin", func(s *Session) {})
	f.as("kantoku", func(s *Session) {
		if s.un.Upgraded || !s.signs(o.table) {
			t.Fatal("supervisor's key pairs not signed in by the admin")
		}
		if n, err := o.VerifyAudit(context.Background(), s); err != nil || n < 10 {
			t.Fatalf("audit: %d %v", n, err)
		}
	})
	// A format-1 keyring put back over the converted vault is refused.
	old, _ := os.ReadFile(filepath.Join("testdata", "vault-format1", KeyringFile))
	if err := os.WriteFile(filepath.Join(dir, KeyringFile), old, 0o600); err != nil {
		t.Fatal(err)
	}
	o2, err := Open(dir, testOptions(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o2.Login(context.Background(), "uketsuke", []byte(testPassword)); err == nil || !strings.Contains(Message(err), "署名") {
		t.Fatalf("format-1 keyring over a converted vault: %v", err)
	}
}

package syncagent_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// session runs fn as login on the vault in dir, syncing once before
// logout when creds are given.
func session(t *testing.T, dir, login string, creds *syncclient.Creds, fn func(o *office.Office, s *office.Session)) syncer.Result {
	t.Helper()
	ctx := context.Background()
	o, err := office.Open(dir, officeOptions())
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	s, err := o.Login(ctx, login, []byte(pwOf(login)))
	if err != nil {
		t.Fatalf("login %s: %v", login, err)
	}
	if fn != nil {
		fn(o, s)
	}
	var res syncer.Result
	if creds != nil {
		if res, err = syncagent.Once(ctx, o, s, *creds, login, []byte(pwOf(login)), syncagent.OnceOptions{KDF: officeOptions().KDF}); err != nil {
			t.Fatalf("sync as %s: %v", login, err)
		}
	}
	if err := o.Logout(); err != nil {
		t.Fatal(err)
	}
	return res
}

func saveBusiness(t *testing.T, o *office.Office, s *office.Session, name string) string {
	t.Helper()
	b := &record.Business{Name: name, Kana: "フッキュウシケン", Phone: "03-5559-0001", Form: "法人", Category: "小規模事業者",
		Industry: "I 卸売業，小売業", Prefecture: "東京都", City: "みなと区", Email: "info@example.jp"}
	if err := o.SaveBusiness(context.Background(), s, b, office.SaveBusinessOptions{AllowDuplicate: true}); err != nil {
		t.Fatal(err)
	}
	return b.ID
}

// TestRestoreThenSyncNoDuplicates: PC A is backed up with a version not
// yet pushed, then goes on (pushes it, and more) and is lost. The backup
// is restored on PC B, which enrolls anew and syncs: it pushes nothing
// the server has (no conflict, no second copy of an access-log event),
// gets what A pushed after the backup, and its new work reaches A.
func TestRestoreThenSyncNoDuplicates(t *testing.T) {
	c := startCentral(t)
	dirA := founder(t, c)
	credsA, err := syncclient.Load(dirA)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	var b1, b2, b3 string
	session(t, dirA, "soudan", &credsA, func(o *office.Office, s *office.Session) { b1 = saveBusiness(t, o, s, "復元試験一商店") })
	session(t, dirA, "soudan", nil, func(o *office.Office, s *office.Session) { b2 = saveBusiness(t, o, s, "復元試験二商店") })
	out := filepath.Join(t.TempDir(), "a.mdgbak")
	session(t, dirA, "kanri", nil, func(o *office.Office, s *office.Session) {
		if _, err := o.Backup(ctx, s, out); err != nil {
			t.Fatal(err)
		}
	})
	// After the backup A pushes b2 and its log, and makes b3.
	session(t, dirA, "soudan", &credsA, func(o *office.Office, s *office.Session) { b3 = saveBusiness(t, o, s, "復元試験三商店") })

	dirB := filepath.Join(t.TempDir(), "B")
	if _, err := office.Restore(ctx, out, dirB, "kanri", []byte(adminPW), officeOptions()); err != nil {
		t.Fatalf("restore: %v", err)
	}
	credsB, err := syncclient.Enroll(ctx, dirB, c.Code(false), "復元したPC")
	if err != nil {
		t.Fatal(err)
	}
	session(t, dirB, "kanri", nil, func(o *office.Office, s *office.Session) {
		if err := o.RecordEnrollment(ctx, s, c.ID.Name, credsB.Device); err != nil {
			t.Fatal(err)
		}
	})
	res := session(t, dirB, "soudan", &credsB, func(o *office.Office, s *office.Session) {})
	// The one version it pushes is its own: the ledger row of the restore.
	if res.Pushed != 1 || res.Duplicates != 0 {
		t.Fatalf("first sync of the restored PC pushed %d versions, %d duplicates; want 1 and 0", res.Pushed, res.Duplicates)
	}
	var b4 string
	session(t, dirB, "soudan", &credsB, func(o *office.Office, s *office.Session) {
		for _, id := range []string{b1, b2, b3} {
			if _, err := o.Business(ctx, s, id); err != nil {
				t.Errorf("business %s on the restored PC: %v", id, err)
			}
		}
		out, err := o.Replica(s).Outbox(ctx, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range out {
			if !x.Event {
				t.Errorf("version %s %s still waits to be pushed", x.ID, x.Rev)
			}
		}
		b4 = saveBusiness(t, o, s, "復元試験四商店")
	})
	session(t, dirA, "soudan", &credsA, func(o *office.Office, s *office.Session) {})
	session(t, dirA, "soudan", nil, func(o *office.Office, s *office.Session) {
		list, err := o.Businesses(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, b := range list {
			if strings.HasPrefix(b.Name, "復元試験") {
				n++
			}
		}
		if n != 4 {
			t.Fatalf("A holds %d businesses of the test, want 4 (b4 %s)", n, b4)
		}
	})
	checkPushedOnce(t, c.Store, credsA.Office, credsB.Device, dirB)
}

// checkPushedOnce checks that the restored PC pushed nothing its backup
// held (A pushed all of it): every version it pushed was made under its
// new device id, and every access-log event comes after the backup's
// last one.
func checkPushedOnce(t *testing.T, st central.Store, officeID, deviceB, dirB string) {
	t.Helper()
	ctx := context.Background()
	var last uint64 // the backup's last event, and B's new device id
	var newDevice string
	session(t, dirB, "kanri", nil, func(o *office.Office, s *office.Session) {
		evs, err := o.AuditEvents(ctx, s, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			if e.Action == audit.ActRestore {
				newDevice = e.Device
			}
		}
		for _, e := range evs {
			if e.Device != newDevice {
				last = max(last, e.Seq)
			}
		}
	})
	pushed := 0
	for after := uint64(0); ; {
		p, err := st.Pull(ctx, officeID, after, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range p.Envelopes {
			rest, ok := strings.CutPrefix(e.ID, "~audit/"+newDevice+"/")
			if !ok {
				rev, err := vault.ParseRev(e.Rev)
				if e.Device == deviceB && !strings.HasPrefix(e.ID, "~") && (err != nil || rev.Device != newDevice) {
					t.Errorf("the restored PC pushed %s %s, made before the restore", e.ID, e.Rev)
				}
				continue
			}
			seq, err := strconv.ParseUint(rest, 16, 64)
			if err != nil {
				t.Fatal(err)
			}
			if seq <= last {
				t.Errorf("the restored PC pushed event %d of the backup again (the backup ends at %d)", seq, last)
			}
			pushed++
		}
		if len(p.Envelopes) == 0 || p.Next >= p.Last {
			break
		}
		after = p.Next
	}
	if pushed == 0 {
		t.Fatal("the restored PC pushed no access-log events")
	}
}

package office

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/backup"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// backupFixture is a fixture with a few businesses and a consultation,
// backed up by the admin to a file it returns.
func backupFixture(t *testing.T) (*fixture, string, []string) {
	t.Helper()
	f := newFixture(t)
	var ids []string
	f.as("soudan", func(s *Session) {
		for i := range 3 {
			b := f.business(s, fmt.Sprintf("バックアップ試験%d商店", i), "バックアップシケンショウテン", fmt.Sprintf("03-5557-%04d", i))
			ids = append(ids, b.ID)
		}
		c := &record.Consultation{BusinessID: ids[0], ConsultantID: f.staff, Date: "2026-10-01", Status: record.StDraft,
			Case: &record.ConsultationCase{Summary: "バックアップ試験の相談内容"}}
		if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	})
	out := filepath.Join(t.TempDir(), "office.mdgbak")
	f.as("admin", func(s *Session) {
		info, err := f.o.Backup(context.Background(), s, out)
		if err != nil {
			t.Fatalf("Backup: %v", err)
		}
		if info.Keys == 0 || info.Bytes == 0 {
			t.Fatalf("Backup wrote %+v", info)
		}
	})
	return f, out, ids
}

func TestRestoreAfterDeletingVault(t *testing.T) {
	f, out, ids := backupFixture(t)
	f.o.Close()
	if err := os.RemoveAll(f.dir); err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	if _, err := Restore(ctx, out, f.dir, "admin", []byte(testPassword), testOptions(f.clock)); err != nil {
		t.Fatalf("Restore: %v", err)
	}
	o, err := Open(f.dir, testOptions(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	// The consultant's password opens it, and the records read back.
	s, err := o.Login(ctx, "soudan", []byte(testPassword))
	if err != nil {
		t.Fatalf("login after restore: %v", err)
	}
	for _, id := range ids[:3] {
		if _, err := o.Business(ctx, s, id); err != nil {
			t.Errorf("business %s after restore: %v", id, err)
		}
	}
	c, err := o.Consultation(ctx, s, ids[3])
	if err != nil || c.Case == nil || c.Case.Summary != "バックアップ試験の相談内容" {
		t.Fatalf("consultation after restore: %v", err)
	}
	if err := o.Logout(); err != nil {
		t.Fatal(err)
	}
	s, err = o.Login(ctx, "admin", []byte(testPassword))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.VerifyAudit(ctx, s); err != nil {
		t.Fatalf("access log after restore: %v", err)
	}
	evs, err := o.AuditEvents(ctx, s, audit.Filter{Action: audit.ActRestore})
	if err != nil || len(evs) != 1 {
		t.Fatalf("restore events: %d, %v", len(evs), err)
	}
	rows, err := o.Ledger(ctx, s)
	if err != nil {
		t.Fatal(err)
	}
	if !slices.ContainsFunc(rows, func(r record.LedgerEntry) bool { return r.Method == "復元" }) {
		t.Fatalf("no ledger row of the restore in %d rows", len(rows))
	}
}

func TestBackupLedgerAndEvent(t *testing.T) {
	f, _, _ := backupFixture(t)
	f.as("admin", func(s *Session) {
		evs, err := f.o.AuditEvents(context.Background(), s, audit.Filter{Action: audit.ActBackup})
		if err != nil || len(evs) != 1 {
			t.Fatalf("backup events: %d, %v", len(evs), err)
		}
		rows, err := f.o.Ledger(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(rows, func(r record.LedgerEntry) bool {
			return r.Method == "バックアップ（暗号化）" && strings.Contains(r.Content, "office.mdgbak")
		}) {
			t.Fatalf("no ledger row of the backup")
		}
	})
}

func TestBackupOnlyAdmins(t *testing.T) {
	f := newFixture(t)
	for _, login := range []string{"uketsuke", "soudan", "coord", "kantoku"} {
		f.as(login, func(s *Session) {
			_, err := f.o.Backup(context.Background(), s, filepath.Join(t.TempDir(), "x"))
			if !errors.Is(err, ErrForbidden) {
				t.Errorf("%s: %v, want ErrForbidden", login, err)
			}
		})
	}
}

// restoreRefused restores b (the bytes of a backup file) and expects
// refusal, no vault and no leftover folder.
func restoreRefused(t *testing.T, f *fixture, b []byte, what string) error {
	t.Helper()
	parent := t.TempDir()
	path := filepath.Join(parent, "in.mdgbak")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(parent, "restored")
	_, err := Restore(context.Background(), path, dir, "admin", []byte(testPassword), testOptions(f.clock))
	if err == nil {
		t.Fatalf("%s: restored", what)
	}
	ents, _ := os.ReadDir(parent)
	if len(ents) != 1 {
		t.Fatalf("%s: %d entries left beside the backup", what, len(ents)-1)
	}
	return err
}

func TestRestoreRefusesFlippedBit(t *testing.T) {
	f, out, _ := backupFixture(t)
	good, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	// Positions spread over the whole file, and every byte of its first
	// and last hundred (header fields, the last chunk's tag).
	var at []int
	for i := range len(good) {
		if i < 100 || i >= len(good)-100 || i%(len(good)/150+1) == 0 {
			at = append(at, i)
		}
	}
	for _, i := range at {
		b := slices.Clone(good)
		b[i] ^= 1 << (i % 8)
		err := restoreRefused(t, f, b, fmt.Sprintf("bit flipped in byte %d", i))
		if !errors.Is(err, ErrBackupDamaged) && !errors.Is(err, ErrNotBackup) && !errors.Is(err, ErrBackupNewer) {
			t.Fatalf("byte %d: %v, want a damaged backup", i, err)
		}
		if MessageIn(Japanese, err) == MessageIn(Japanese, errors.New("x")) {
			t.Fatalf("byte %d: no plain message for %v", i, err)
		}
	}
}

func TestRestoreRefusesTruncated(t *testing.T) {
	f, out, _ := backupFixture(t)
	good, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []int{0, 3, 30, len(good) / 3, len(good) - 17, len(good) - 16, len(good) - 1} {
		err := restoreRefused(t, f, good[:n], fmt.Sprintf("cut to %d bytes", n))
		if !errors.Is(err, ErrBackupDamaged) && !errors.Is(err, ErrNotBackup) {
			t.Fatalf("cut to %d: %v", n, err)
		}
	}
}

func TestRestoreErrors(t *testing.T) {
	f, out, _ := backupFixture(t)
	ctx := context.Background()
	other := filepath.Join(t.TempDir(), "notbackup")
	if err := os.WriteFile(other, []byte("事業者名,電話番号\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, from, dir, login, pw string
		want                       error
	}{
		{"wrong password", out, "", "admin", "wrong-password-1", ErrWrongPassword},
		{"unknown login", out, "", "nobody", testPassword, ErrWrongPassword},
		{"not an admin", out, "", "soudan", testPassword, ErrForbidden},
		{"a vault is there", out, f.dir, "admin", testPassword, ErrVaultExists},
		{"not a backup", other, "", "admin", testPassword, ErrNotBackup},
		{"no such file", filepath.Join(t.TempDir(), "none"), "", "admin", testPassword, os.ErrNotExist},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := tc.dir
			if dir == "" {
				dir = filepath.Join(t.TempDir(), "restored")
			}
			_, err := Restore(ctx, tc.from, dir, tc.login, []byte(tc.pw), testOptions(f.clock))
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if tc.dir == "" && Exists(dir) {
				t.Fatal("a vault was made")
			}
		})
	}
}

// TestRestoredVaultRejoins: a restored vault has a new device id, forgets
// the sync engine's state and is marked to pull before it pushes.
func TestRestoredVaultRejoins(t *testing.T) {
	f, out, _ := backupFixture(t)
	former := f.o.kr.Device
	var backupSeq uint64
	f.as("admin", func(s *Session) {
		evs, err := f.o.AuditEvents(context.Background(), s, audit.Filter{Action: audit.ActBackup})
		if err != nil || len(evs) != 1 {
			t.Fatalf("backup events: %d, %v", len(evs), err)
		}
		backupSeq = evs[0].Seq
	})
	dir := filepath.Join(t.TempDir(), "restored")
	if _, err := Restore(context.Background(), out, dir, "admin", []byte(testPassword), testOptions(f.clock)); err != nil {
		t.Fatal(err)
	}
	o, err := Open(dir, testOptions(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	if o.kr.Device == former {
		t.Fatal("the restored vault kept the device id")
	}
	s, err := o.Login(context.Background(), "admin", []byte(testPassword))
	if err != nil {
		t.Fatal(err)
	}
	rj, ok, err := o.rejoining()
	if err != nil || !ok || rj.device != former || rj.seq == 0 {
		t.Fatalf("rejoin state %+v %v %v", rj, ok, err)
	}
	// The last access-log entry the backup held: the one before the
	// backup's own event, which came after the store was read.
	if rj.seq != backupSeq-1 {
		t.Fatalf("rejoin from entry %d, want %d", rj.seq, backupSeq-1)
	}
	out2, err := o.Replica(s).Outbox(context.Background(), 100)
	if err != nil || len(out2) != 0 {
		t.Fatalf("outbox while rejoining: %d, %v", len(out2), err)
	}
}

// backupPairs writes a backup of KindVault (every key and value of the
// store), the format Backup wrote before KindVaultFiles.
func backupPairs(t *testing.T, o *Office, s *Session, path string) {
	t.Helper()
	w, err := o.begin(context.Background(), s, PermBackup)
	if err != nil {
		t.Fatal(err)
	}
	defer w.end()
	o.mu.Lock()
	raw, err := os.ReadFile(filepath.Join(o.dir, KeyringFile))
	snap, office := o.store.NewSnapshot(), o.kr.Office
	o.mu.Unlock()
	defer snap.Close()
	if err != nil {
		t.Fatal(err)
	}
	fileKey := vault.NewFileKey()
	wrapped, err := vault.WrapFileKey(s.keys, backupPurpose, office, fileKey)
	if err != nil {
		t.Fatal(err)
	}
	h := backup.Header{Kind: backup.KindVault, ChunkSize: backup.DefaultChunkSize, Created: o.opt.now().UTC(),
		Office: office, Keyring: raw, WrappedKey: wrapped}
	if _, _, err := backup.WriteFile(path, func(f io.Writer) (int, error) {
		return writeBackup(w, f, h, fileKey, snap, 0)
	}); err != nil {
		t.Fatal(err)
	}
}

// TestRestoreOlderBackup restores a backup of every key and value, as
// Backup wrote them before it wrote the store's files.
func TestRestoreOlderBackup(t *testing.T) {
	f, _, ids := backupFixture(t)
	out := filepath.Join(t.TempDir(), "older.mdgbak")
	f.as("admin", func(s *Session) { backupPairs(t, f.o, s, out) })
	dir := filepath.Join(t.TempDir(), "restored")
	ctx := context.Background()
	info, err := Restore(ctx, out, dir, "admin", []byte(testPassword), testOptions(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	if info.Keys == 0 {
		t.Errorf("restore of %d pairs", info.Keys)
	}
	o, err := Open(dir, testOptions(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	defer o.Close()
	s, err := o.Login(ctx, "soudan", []byte(testPassword))
	if err != nil {
		t.Fatal(err)
	}
	if c, err := o.Consultation(ctx, s, ids[3]); err != nil || c.Case == nil || c.Case.Summary != "バックアップ試験の相談内容" {
		t.Fatalf("consultation after restore: %v", err)
	}
	rj, ok, err := o.rejoining()
	if err != nil || !ok || rj.seq == 0 {
		t.Fatalf("rejoin state %+v %v %v", rj, ok, err)
	}
}

// TestBackupWhileSaving makes backups while the administrator's session
// saves staff records, and adds a user (which changes the keyring) while
// one backup reads the store: each backup restores to a vault holding
// every record saved before it began, and the user added during the
// second backup is in the vault restored from it (it started over).
func TestBackupWhileSaving(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	var added sync.Once
	var addDuringRead atomic.Bool
	f.as("admin", func(s *Session) {
		// The hook is set before the saver starts: Options is read by
		// value on every save.
		f.o.opt.backupRead = func() {
			if !addDuringRead.Load() {
				return
			}
			added.Do(func() {
				err := f.o.AddUser(ctx, s, NewUser{Login: "tsuika", Name: "追加 花子", Roles: []Role{RoleReception},
					Password: []byte(testPassword)})
				if err != nil {
					t.Errorf("add user: %v", err)
				}
			})
		}
		var mu sync.Mutex
		var saved []string
		stop, done := make(chan struct{}), make(chan error, 1)
		go func() {
			for i := 0; ; i++ {
				select {
				case <-stop:
					done <- nil
					return
				default:
				}
				st := &record.Staff{Name: fmt.Sprintf("保存試験 %d", i), Kana: "ホゾンシケン", Role: "相談員", Active: true}
				if err := f.o.SaveStaff(ctx, s, st); err != nil {
					done <- err
					return
				}
				mu.Lock()
				saved = append(saved, st.ID)
				mu.Unlock()
			}
		}()
		defer func() {
			close(stop)
			if err := <-done; err != nil {
				t.Fatalf("saving: %v", err)
			}
		}()
		for round := range 3 {
			for {
				mu.Lock()
				n := len(saved)
				mu.Unlock()
				if n >= 20*(round+1) {
					break
				}
				time.Sleep(5 * time.Millisecond)
			}
			addDuringRead.Store(round == 1)
			mu.Lock()
			before := slices.Clone(saved)
			mu.Unlock()
			out := filepath.Join(t.TempDir(), "office.mdgbak")
			if _, err := f.o.Backup(ctx, s, out); err != nil {
				t.Fatalf("round %d: backup: %v", round, err)
			}
			dir := filepath.Join(t.TempDir(), "restored")
			if _, err := Restore(ctx, out, dir, "admin", []byte(testPassword), testOptions(f.clock)); err != nil {
				t.Fatalf("round %d: restore: %v", round, err)
			}
			o, err := Open(dir, testOptions(f.clock))
			if err != nil {
				t.Fatal(err)
			}
			rs, err := o.Login(ctx, "admin", []byte(testPassword))
			if err != nil {
				o.Close()
				t.Fatal(err)
			}
			staff, err := o.Staff(ctx, rs)
			if err != nil {
				o.Close()
				t.Fatal(err)
			}
			have := map[string]bool{}
			for _, st := range staff {
				have[st.ID] = true
			}
			for _, id := range before {
				if !have[id] {
					t.Errorf("round %d: staff %s, saved before the backup, is not in the restored vault", round, id)
				}
			}
			users, err := o.Users(ctx, rs)
			if err != nil {
				t.Fatal(err)
			}
			hasNew := slices.ContainsFunc(users, func(u User) bool { return u.Login == "tsuika" })
			if round >= 1 && !hasNew {
				t.Errorf("round %d: the user added during the backup is not in the restored vault", round)
			}
			t.Logf("round %d: %d staff saved before the backup, %d restored", round, len(before), len(staff))
			if err := o.Close(); err != nil {
				t.Fatal(err)
			}
		}
	})
}

// TestBackupBusy: when the keyring changes during every attempt, the
// backup gives up with ErrBackupBusy, which tells the person to try again
// later, and the backup made before it is left as it was.
func TestBackupBusy(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	f.as("admin", func(s *Session) {
		out := filepath.Join(t.TempDir(), "office.mdgbak")
		if _, err := f.o.Backup(ctx, s, out); err != nil {
			t.Fatal(err)
		}
		before, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		added := 0
		f.o.opt.backupRead = func() {
			added++
			err := f.o.AddUser(ctx, s, NewUser{Login: fmt.Sprintf("tsuika%d", added), Name: "追加 花子", Roles: []Role{RoleReception},
				Password: []byte(testPassword)})
			if err != nil {
				t.Errorf("add user: %v", err)
			}
		}
		defer func() { f.o.opt.backupRead = nil }()
		_, err = f.o.Backup(ctx, s, out)
		if !errors.Is(err, ErrBackupBusy) {
			t.Fatalf("backup while the keyring changes every time: %v, want ErrBackupBusy", err)
		}
		if added != backupAttempts {
			t.Errorf("%d attempts, want %d", added, backupAttempts)
		}
		if msg := Message(err); !strings.Contains(msg, "しばらくしてからやり直してください") {
			t.Errorf("message %q", msg)
		}
		if after, err := os.ReadFile(out); err != nil || !bytes.Equal(after, before) {
			t.Errorf("the earlier backup changed (%v)", err)
		}
	})
}

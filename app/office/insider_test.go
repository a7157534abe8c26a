package office

// The insider's attacks: a staff member with a reception login, a copy of
// the vault folder, a text editor and a small Go program using this
// project's own packages. Each test plays one attack and checks that it
// fails (or is found). The list, with the result each test asserts:
//
//	attack                                                           result
//	store key zeroed while Badger holds it (data key rotation)       storage/local TestKeyRotationAfterCallerZeroesKey
//	case content sealed under the contact key                         TestInsiderCaseUnderContactKey: refused (改ざん)
//	status 承認済 written with the contact key                          TestInsiderForgedApproval: reads 確定, warning logged
//	keyring.json: reception grants itself admin / supervisor          TestInsiderEditsKeyring: login refused, exit 6
//	keyring.json: a disabled person re-enables themselves            TestInsiderEditsKeyring: login refused
//	keyring.json: Argon2 parameters of 4 GiB                          TestInsiderEditsKeyring: refused before deriving
//	demoted consultant pastes the old keyring back                    TestInsiderDemotedKeepsOldKeyring: reads nothing new
//	access log: an event rewritten and the chain recomputed           TestInsiderRewritesLog: checkpoint names its signer
//	access log: the last events and checkpoint dropped                TestInsiderTruncatesLog: truncation reported
//	failed logins deleted from keyring.json                           TestInsiderDeletesFailedLogins: warning logged
//	case-text index read without the case key                         TestInsiderReadsBlindIndex: random keys, equal sizes
//	a Session's login or roles changed by the caller                  TestInsiderSessionIsFixed: no effect
//	unknown login ids told apart by time                              TestUnknownLoginCostsAKeyDerivation
//	vault files readable by other accounts                            TestVaultFilesAreOwnerOnly
//	reception opens the access-log analysis (silencing the reminder)  TestInsiderReceptionOpensAnalysis: refused
//	reception erases, or signs / edits a purge order                  TestEraseInsider: refused, nothing erased

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/crypto/chacha20poly1305"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// confirmedConsultation saves a confirmed record as the consultant.
func (f *fixture) confirmedConsultation(summary string) string {
	f.t.Helper()
	var id string
	f.as("soudan", func(s *Session) {
		f.seq++
		b := f.business(s, fmt.Sprintf("内部確認商店%d", f.seq), "ナイブカクニンショウテン", fmt.Sprintf("03-5555-%04d", 900+f.seq))
		c := &record.Consultation{BusinessID: b.ID, ConsultantID: f.staff, Date: "2026-10-01", Start: "10:00", End: "10:30",
			Mode: "窓口", Status: record.StConfirmed, Case: &record.ConsultationCase{Summary: summary}}
		if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
			f.t.Fatalf("SaveConsultation: %v", err)
		}
		id = c.ID
	})
	return id
}

// forgeEnvelope seals plaintext under key with any header the attacker
// likes (the attacker has the key and the format).
func forgeEnvelope(t *testing.T, key []byte, class vault.Class, version uint32, id, kind string, rev vault.Rev, parents []vault.Rev, pt []byte) []byte {
	t.Helper()
	e := &vault.Envelope{V: vault.EnvelopeVersion, ID: id, Kind: kind, Rev: rev, Parents: parents, Key: vault.KeyRef{Class: class, Version: version}}
	aead, err := chacha20poly1305.NewX(key)
	if err != nil {
		t.Fatal(err)
	}
	e.CT = aead.Seal(nil, e.Nonce[:], pt, e.AAD())
	return e.Marshal()
}

func TestInsiderCaseUnderContactKey(t *testing.T) {
	f := newFixture(t)
	id := f.confirmedConsultation("本物の相談概要です")
	s := f.login("uketsuke")
	head, err := f.o.store.Head(id + caseSuffix)
	if err != nil {
		t.Fatal(err)
	}
	parent, _ := vault.ParseRev(head.Rev)
	rev := parent
	rev.Counter++
	v, key, _ := s.keys.Current(vault.ClassContact)
	pt, _ := json.Marshal(record.ConsultationCase{Summary: "受付が書いた偽の内容"})
	blob := forgeEnvelope(t, key, vault.ClassContact, v, id+caseSuffix, caseKind(record.KindConsultation), rev, []vault.Rev{parent}, pt)
	w := local.Write{Version: local.Version{ID: id + caseSuffix, Kind: caseKind(record.KindConsultation), Rev: rev.String(), Blob: blob}}
	if err := f.o.store.Commit(local.Batch{Writes: []local.Write{w}}); err != nil {
		t.Fatal(err)
	}
	if _, err := vault.Seal(s.keys, vault.ClassContact, id+caseSuffix, caseKind(record.KindConsultation), rev, nil, pt); !errors.Is(err, vault.ErrNoKey) {
		t.Fatalf("Seal of a case kind under contact: %v", err)
	}
	f.logout()
	f.as("kantoku", func(s *Session) {
		_, err := f.o.Consultation(context.Background(), s, id)
		if !errors.Is(err, ErrTampered) {
			t.Fatalf("forged case content read as: %v", err)
		}
	})
}

func TestInsiderForgedApproval(t *testing.T) {
	f := newFixture(t)
	id := f.confirmedConsultation("承認偽装の確認用")
	// Reception writes a new contact version saying 承認済, with its own key.
	s := f.login("uketsuke")
	var c record.Consultation
	rev0, err := f.o.load(s, id, record.KindConsultation, &c)
	if err != nil {
		t.Fatal(err)
	}
	c.Status = record.StApproved
	parent, _ := vault.ParseRev(rev0)
	rev := parent
	rev.Counter += 500 // clear of the revisions the office issues next
	pt, _ := json.Marshal(&c)
	env, err := vault.Seal(s.keys, vault.ClassContact, id, string(record.KindConsultation), rev, []vault.Rev{parent}, pt)
	if err != nil {
		t.Fatal(err)
	}
	w := local.Write{Version: local.Version{ID: id, Kind: string(record.KindConsultation), Rev: rev.String(), Blob: env.Marshal()}}
	if err := f.o.store.Commit(local.Batch{Writes: []local.Write{w}}); err != nil {
		t.Fatal(err)
	}
	f.logout()
	f.as("kantoku", func(s *Session) {
		got, err := f.o.Consultation(context.Background(), s, id)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != record.StConfirmed || !got.ApprovalBroken {
			t.Fatalf("forged approval reads as %s (broken=%v)", got.Status, got.ApprovalBroken)
		}
		evs, err := f.o.AuditEvents(context.Background(), s, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		if !hasEvent(evs, audit.ActWarning, id) {
			t.Fatal("no warning in the access log")
		}
		// A real approval by the supervisor verifies.
		if err := f.o.SaveConsultation(context.Background(), s, got); err != nil { // back to a clean 確定 version
			t.Fatal(err)
		}
		if err := f.o.Approve(context.Background(), s, id); err != nil {
			t.Fatal(err)
		}
		got, err = f.o.Consultation(context.Background(), s, id)
		if err != nil || got.Status != record.StApproved || got.ApprovalBroken {
			t.Fatalf("real approval: %v %s %v", err, got.Status, got.ApprovalBroken)
		}
	})
	// The approval still verifies after a restart (no cache).
	f.as("uketsuke", func(s *Session) {
		got, err := f.o.Consultation(context.Background(), s, id)
		if err != nil || got.Status != record.StApproved {
			t.Fatalf("approval after restart: %v %s", err, got.Status)
		}
	})
}

func hasEvent(evs []audit.Event, action, object string) bool {
	for _, e := range evs {
		if e.Action == action && e.Object == object {
			return true
		}
	}
	return false
}

// editTable rewrites the user table inside keyring.json with edit, keeping
// the old signature, as a text editor would.
func editTable(t *testing.T, dir string, edit func(tb map[string]any)) {
	t.Helper()
	path := filepath.Join(dir, KeyringFile)
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var kr map[string]any
	if err := json.Unmarshal(raw, &kr); err != nil {
		t.Fatal(err)
	}
	table := kr["table"].(map[string]any)
	body, _ := base64.StdEncoding.DecodeString(table["body"].(string))
	var tb map[string]any
	if err := json.Unmarshal(body, &tb); err != nil {
		t.Fatal(err)
	}
	edit(tb)
	body, _ = json.Marshal(tb)
	table["body"] = base64.StdEncoding.EncodeToString(body)
	out, _ := json.Marshal(kr)
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
}

func tableUser(tb map[string]any, login string) map[string]any {
	for _, u := range tb["users"].([]any) {
		if m := u.(map[string]any); m["login"] == login {
			return m
		}
	}
	return nil
}

func TestInsiderEditsKeyring(t *testing.T) {
	tests := []struct {
		name  string
		login string
		edit  func(tb map[string]any)
		want  error
	}{
		{"reception grants itself admin and supervisor", "uketsuke", func(tb map[string]any) {
			tableUser(tb, "uketsuke")["roles"] = []any{"reception", "admin", "supervisor"}
		}, ErrForged},
		{"a disabled person re-enables themselves", "coord", func(tb map[string]any) {
			tableUser(tb, "coord")["disabled"] = false
		}, ErrDisabled},
		{"Argon2 of 4 GiB", "uketsuke", func(tb map[string]any) {
			tableUser(tb, "uketsuke")["kdf"] = map[string]any{"time": 3, "memory_kib": 4 << 20, "threads": 4}
		}, ErrDamagedKeyring},
		{"raised KDF within the caps", "uketsuke", func(tb map[string]any) {
			tableUser(tb, "uketsuke")["kdf"] = map[string]any{"time": 2, "memory_kib": 1024, "threads": 1}
		}, ErrWrongPassword},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			f := newFixture(t)
			f.as("admin", func(s *Session) {
				if err := f.o.SetDisabled(context.Background(), s, "coord", true); err != nil {
					t.Fatal(err)
				}
			})
			editTable(t, f.dir, tc.edit)
			o, err := Open(f.dir, testOptions(f.clock))
			if err == nil {
				_, err = o.Login(context.Background(), tc.login, []byte(testPassword))
				if err == nil {
					o.Close()
				}
			}
			if !errors.Is(err, tc.want) {
				t.Fatalf("login after edit: %v, want %v", err, tc.want)
			}
			if Message(err) == Message(errors.New("x")) {
				t.Fatalf("no clear message for %v", err)
			}
			// The other staff still log in after a failed attempt that
			// left the file untouched... except that the table is forged:
			// then nobody does, which is what tells the office.
		})
	}
}

func TestInsiderDemotedKeepsOldKeyring(t *testing.T) {
	f := newFixture(t)
	oldID := f.confirmedConsultation("降格前に書いた相談の概要")
	old, err := os.ReadFile(filepath.Join(f.dir, KeyringFile))
	if err != nil {
		t.Fatal(err)
	}
	f.as("admin", func(s *Session) {
		if err := f.o.SetRoles(context.Background(), s, "soudan", []Role{RoleReception}); err != nil {
			t.Fatal(err)
		}
	})
	var newID string
	f.as("kantoku", func(s *Session) {
		b := f.business(s, "降格後商店", "コウカクゴショウテン", "03-5555-0902")
		c := &record.Consultation{BusinessID: b.ID, ConsultantID: f.staff, Date: "2026-10-02", Start: "10:00", End: "10:30",
			Mode: "窓口", Status: record.StConfirmed, Case: &record.ConsultationCase{Summary: "降格後に書いた相談の概要"}}
		if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
			t.Fatal(err)
		}
		newID = c.ID
		// The blind index finds records under both case key versions.
		hits, err := f.o.SearchCases(context.Background(), s, "相談の概要", 10)
		if err != nil || len(hits) != 2 {
			t.Fatalf("search across key versions: %d %v", len(hits), err)
		}
	})
	f.o.Close()
	// The demoted consultant pastes the old keyring back.
	if err := os.WriteFile(filepath.Join(f.dir, KeyringFile), old, 0o600); err != nil {
		t.Fatal(err)
	}
	o, err := Open(f.dir, testOptions(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o.Login(context.Background(), "soudan", []byte(testPassword)); !errors.Is(err, ErrForged) {
		t.Fatalf("login with the rolled-back keyring: %v", err)
	}
	// Their own small program skips the office checks and uses the keys.
	kr, err := vault.LoadKeyring(filepath.Join(f.dir, KeyringFile))
	if err != nil {
		t.Fatal(err)
	}
	un, err := kr.Unlock("soudan", []byte(testPassword), f.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	sk, err := kr.StoreKeyBytes(un.Keys)
	if err != nil {
		t.Fatal(err)
	}
	st, err := local.Open(filepath.Join(f.dir, StoreDir), sk, local.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for id, readable := range map[string]bool{oldID: true, newID: false} {
		v, err := st.Head(id + caseSuffix)
		if err != nil {
			t.Fatal(err)
		}
		env, err := vault.UnmarshalEnvelope(v.Blob)
		if err != nil {
			t.Fatal(err)
		}
		_, err = vault.Open(un.Keys, env, vault.Expect{ID: env.ID, Kind: env.Kind})
		if readable && err != nil {
			t.Errorf("old record: %v", err)
		}
		if !readable && !errors.Is(err, vault.ErrNoKey) {
			t.Errorf("record written after the demotion opened with the old keys: %v", err)
		}
	}
}

// auditEntries reads the raw log.
func auditEntries(t *testing.T, st *local.Store) []local.AuditEntry {
	t.Helper()
	var out []local.AuditEntry
	if err := st.AuditRange(1, func(e local.AuditEntry) error { out = append(out, e); return nil }); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestInsiderRewritesLog(t *testing.T) {
	f := newFixture(t)
	f.as("uketsuke", func(s *Session) {
		f.business(s, "ログ書換商店", "ログカキカエショウテン", "03-5555-0903")
	})
	s := f.login("uketsuke")
	// Rewrite event 3 (hide who did it) and recompute the whole chain, as
	// anyone with the store key can.
	entries := auditEntries(t, f.o.store)
	var head audit.Head
	var rewritten []local.AuditEntry
	for _, e := range entries {
		ev, _ := audit.Unmarshal(e.Data)
		if ev.Seq == 3 {
			ev.User = "someone-else"
		}
		ev = head.Next(ev)
		head = ev.HeadAfter()
		rewritten = append(rewritten, local.AuditEntry{Seq: ev.Seq, Data: ev.Marshal()})
	}
	f.logout()
	_ = s
	db := rawStore(t, f)
	if err := writeAudit(db, rewritten); err != nil {
		t.Fatal(err)
	}
	db.Close()
	f.as("kantoku", func(s *Session) {
		_, err := f.o.VerifyAudit(context.Background(), s)
		var bl *audit.BrokenLink
		if !errors.As(err, &bl) || bl.Reason != audit.ReasonCheckpoint || bl.Signer == "" {
			t.Fatalf("rewritten chain: %v", err)
		}
		if !strings.Contains(Message(err), bl.Signer) {
			t.Fatalf("message does not name the signer: %s", Message(err))
		}
	})
}

func TestInsiderTruncatesLog(t *testing.T) {
	f := newFixture(t)
	f.as("uketsuke", func(s *Session) {
		f.business(s, "ログ削除商店", "ログサクジョショウテン", "03-5555-0904")
	})
	kr, err := vault.LoadKeyring(filepath.Join(f.dir, KeyringFile))
	if err != nil {
		t.Fatal(err)
	}
	ref := kr.Checkpoint
	if ref.Seq < 5 {
		t.Fatalf("no checkpoint at logout: %+v", ref)
	}
	db := rawStore(t, f)
	if err := deleteAuditFrom(db, ref.Seq-2); err != nil {
		t.Fatal(err)
	}
	db.Close()
	f.as("kantoku", func(s *Session) {
		_, err := f.o.VerifyAudit(context.Background(), s)
		var bl *audit.BrokenLink
		if !errors.As(err, &bl) || bl.Reason != audit.ReasonTruncated || bl.Signer != "uketsuke" {
			t.Fatalf("truncated chain: %v", err)
		}
	})
}

func TestInsiderDeletesFailedLogins(t *testing.T) {
	f := newFixture(t)
	for range 2 {
		if _, err := f.o.Login(context.Background(), "kantoku", []byte("wrong-password-x")); !errors.Is(err, ErrWrongPassword) {
			t.Fatal(err)
		}
	}
	// Reception logs in: it cannot open the sealed failures, they stay.
	f.as("uketsuke", func(s *Session) {})
	// The attacker deletes them from keyring.json.
	path := filepath.Join(f.dir, KeyringFile)
	raw, _ := os.ReadFile(path)
	var m map[string]any
	_ = json.Unmarshal(raw, &m)
	m["pending"] = []any{}
	out, _ := json.Marshal(m)
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	f.as("kantoku", func(s *Session) {
		evs, err := f.o.AuditEvents(context.Background(), s, audit.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range evs {
			if e.Action == audit.ActWarning && strings.Contains(e.Detail, "failed-login records removed") && strings.Contains(e.Detail, "1,2") {
				found = true
			}
		}
		if !found {
			t.Fatal("removed failed logins not reported")
		}
	})
	// Failed logins a supervisor can open are written with their login.
	if _, err := f.o.Login(context.Background(), "soudan", []byte("wrong-password-y")); !errors.Is(err, ErrWrongPassword) {
		t.Fatal(err)
	}
	f.as("kantoku", func(s *Session) {
		evs, _ := f.o.AuditEvents(context.Background(), s, audit.Filter{})
		for _, e := range evs {
			if e.Action == audit.ActLoginFail && e.User == "soudan" {
				return
			}
		}
		t.Fatal("sealed failed login not brought into the log")
	})
}

func TestInsiderReadsBlindIndex(t *testing.T) {
	f := newFixture(t)
	short := f.confirmedConsultation("短い概要")
	long := f.confirmedConsultation(strings.Repeat("資金繰りと販路開拓についての長い相談内容。", 20))
	f.o.Close()
	db := rawStore(t, f)
	defer db.Close()
	sizes := map[int]int{}
	entries := 0
	err := scanRaw(db, func(k, v []byte) {
		key := string(k)
		if strings.HasPrefix(key, "x/"+ixBlind) {
			t.Errorf("plain blind term %q", key)
		}
		if strings.HasPrefix(key, "m/"+blindPrefix) {
			entries++
			sizes[len(v)]++
			if strings.Contains(key, short) || strings.Contains(key, long) {
				t.Errorf("record id in an index key %q", key)
			}
		}
		if strings.HasPrefix(key, "t/") && strings.HasSuffix(key, caseSuffix) && len(v) > 0 {
			t.Errorf("case part has plain terms: %q", key)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if entries == 0 || len(sizes) != 1 {
		t.Fatalf("blind index: %d entries, value sizes %v (want one size)", entries, sizes)
	}
}

func TestInsiderSessionIsFixed(t *testing.T) {
	f := newFixture(t)
	s := f.login("uketsuke")
	defer f.logout()
	roles := s.Roles()
	roles[0] = RoleSupervisor
	if s.HasRole(RoleSupervisor) || s.May(PermApprove) {
		t.Fatal("changing the returned roles changed the session")
	}
	fake := &Session{}
	if _, err := f.o.Users(context.Background(), fake); !errors.Is(err, ErrNotLoggedIn) {
		t.Fatalf("a session made by the caller: %v", err)
	}
}

func TestUnknownLoginCostsAKeyDerivation(t *testing.T) {
	f := newFixture(t)
	f.o.Close()
	// A KDF expensive enough to dominate everything else on the path.
	opt := testOptions(f.clock)
	opt.KDF = vault.KDFParams{Time: 2, MemoryKiB: 32 * 1024, Threads: 1}
	o, err := Open(f.dir, opt)
	if err != nil {
		t.Fatal(err)
	}
	s, err := o.Login(context.Background(), "admin", []byte(testPassword))
	if err != nil {
		t.Fatal(err)
	}
	if err := o.ResetPassword(context.Background(), s, "admin", nil, []byte(testPassword)); err != nil {
		t.Fatal(err)
	}
	o.Close()
	o, _ = Open(f.dir, opt)
	timeOf := func(login string) time.Duration { // the fastest of three, against a busy machine
		best := time.Hour
		for range 3 {
			start := time.Now()
			_, err := o.Login(context.Background(), login, []byte("wrong-password-z"))
			if !errors.Is(err, ErrWrongPassword) {
				t.Fatal(err)
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	known, unknown := timeOf("admin"), timeOf("nobody-here")
	if unknown < known/3 {
		t.Fatalf("unknown login %v, known %v: ids can be probed by time", unknown, known)
	}
}

func TestVaultFilesAreOwnerOnly(t *testing.T) {
	f := newFixture(t)
	f.confirmedConsultation("ファイル権限の確認")
	f.o.Close()
	err := filepath.WalkDir(f.dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := fs.FileMode(0o600)
		if d.IsDir() {
			want = 0o700
		}
		if info.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, info.Mode().Perm(), want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// writeAudit overwrites audit entries in a raw store.
func writeAudit(db *badger.DB, entries []local.AuditEntry) error {
	return db.Update(func(txn *badger.Txn) error {
		for _, e := range entries {
			if err := txn.Set(auditKey(e.Seq), e.Data); err != nil {
				return err
			}
		}
		return nil
	})
}

// deleteAuditFrom deletes the audit entries from seq on.
func deleteAuditFrom(db *badger.DB, seq uint64) error {
	return db.Update(func(txn *badger.Txn) error {
		for s := seq; ; s++ {
			if _, err := txn.Get(auditKey(s)); err != nil {
				return nil
			}
			if err := txn.Delete(auditKey(s)); err != nil {
				return err
			}
		}
	})
}

// scanRaw calls fn with every key and value of a raw store.
func scanRaw(db *badger.DB, fn func(k, v []byte)) error {
	return db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			fn(it.Item().KeyCopy(nil), v)
		}
		return nil
	})
}

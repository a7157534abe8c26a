package office

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

func TestNoPlaintextAtRest(t *testing.T) {
	f := newFixture(t)
	// Unique dummy values that appear nowhere else.
	name := "試験用ユニーク商会ZQX" + time.Now().Format("150405")
	phone := "03-5559-8" + time.Now().Format("05") + "1"
	summary := "秘匿確認用の相談概要ぬえきりん"
	f.as("soudan", func(s *Session) {
		b := f.business(s, name, "シケンヨウユニークショウカイ", phone)
		c := &record.Consultation{BusinessID: b.ID, ConsultantID: f.staff, Date: "2026-10-01", Start: "10:00", End: "10:30",
			Mode: "窓口", Status: record.StConfirmed, Case: &record.ConsultationCase{Summary: summary}}
		if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
			t.Fatalf("SaveConsultation: %v", err)
		}
	})
	f.o.Close()
	markers := [][]byte{[]byte(name), []byte(record.NormalizePhone(phone)), []byte(phone), []byte(summary),
		[]byte(record.NormalizeName(name))}
	files := 0
	err := filepath.Walk(f.dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		files++
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		for _, m := range markers {
			if bytes.Contains(data, m) {
				t.Errorf("%s holds plaintext %q", path, m)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if files < 3 {
		t.Fatalf("scanned only %d files", files)
	}
}

func TestReceptionCannotReadCaseFields(t *testing.T) {
	f := newFixture(t)
	var cid, bid string
	f.as("soudan", func(s *Session) {
		b := f.business(s, "ケース確認商店", "ケースカクニンショウテン", "03-5555-0101")
		bid = b.ID
		c := &record.Consultation{BusinessID: b.ID, ConsultantID: f.staff, Date: "2026-10-01", Status: record.StDraft,
			Case: &record.ConsultationCase{Summary: "融資の相談", Loan: record.Loan{Lender: "テスト金庫", Amount: 3000000}}}
		if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
			t.Fatal(err)
		}
		cid = c.ID
	})
	f.as("uketsuke", func(s *Session) {
		c, err := f.o.Consultation(context.Background(), s, cid)
		if err != nil {
			t.Fatalf("Consultation: %v", err)
		}
		if c.Case != nil {
			t.Fatal("reception got the case part")
		}
		b, err := f.o.Business(context.Background(), s, bid)
		if err != nil || b.Case != nil {
			t.Fatalf("Business: %v, case %v", err, b.Case)
		}
		if s.keys.Has(vault.ClassCase) {
			t.Fatal("reception holds the case key")
		}
		// Reading the store directly does not help either.
		v, err := f.o.store.Head(cid + caseSuffix)
		if err != nil {
			t.Fatal(err)
		}
		env, err := vault.UnmarshalEnvelope(v.Blob)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := vault.Open(s.keys, env, vault.Expect{ID: env.ID, Kind: env.Kind}); !errors.Is(err, vault.ErrNoKey) {
			t.Fatalf("reception opened the case envelope: %v", err)
		}
		if _, err := f.o.SearchCases(context.Background(), s, "融資", 10); !errors.Is(err, ErrForbidden) {
			t.Fatalf("reception case search: %v", err)
		}
		if err := f.o.SaveConsultation(context.Background(), s, &record.Consultation{BusinessID: bid, ConsultantID: f.staff, Date: "2026-10-01"}); !errors.Is(err, ErrForbidden) {
			t.Fatalf("reception saved a consultation: %v", err)
		}
	})
}

func TestLoginErrors(t *testing.T) {
	f := newFixture(t)
	if _, err := f.o.Login(context.Background(), "soudan", []byte("wrong-password")); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := f.o.Login(context.Background(), "nobody", []byte(testPassword)); !errors.Is(err, ErrWrongPassword) {
		t.Fatalf("unknown user: %v", err)
	}
	if msg := Message(ErrWrongPassword); !strings.Contains(msg, "パスワードが違います") {
		t.Fatalf("message %q", msg)
	}
	if _, err := Open(filepath.Join(t.TempDir(), "none"), Options{}); !errors.Is(err, ErrNoVault) {
		t.Fatalf("missing vault: %v", err)
	}
	bad := t.TempDir()
	if err := os.WriteFile(filepath.Join(bad, KeyringFile), []byte(`{"format":1,"users":[`), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(bad, Options{}); !errors.Is(err, ErrDamagedKeyring) {
		t.Fatalf("damaged keyring: %v", err)
	}
	if err := Init(f.dir, "x1", "x", []byte(testPassword), Options{}); !errors.Is(err, ErrVaultExists) {
		t.Fatalf("init twice: %v", err)
	}
}

func TestLockoutSurvivesRestartAndIsLogged(t *testing.T) {
	f := newFixture(t)
	for i := 0; i < 5; i++ {
		if _, err := f.o.Login(context.Background(), "soudan", []byte("wrong-password")); !errors.Is(err, ErrWrongPassword) {
			t.Fatalf("try %d: %v", i, err)
		}
	}
	// A new Office (a restart) still sees the lock, even with the right password.
	o2, err := Open(f.dir, testOptions(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	_, err = o2.Login(context.Background(), "soudan", []byte(testPassword))
	var le *vault.LockedError
	if !errors.As(err, &le) || !errors.Is(err, ErrLocked) {
		t.Fatalf("locked login: %v", err)
	}
	if !strings.Contains(Message(err), "使えません") {
		t.Fatalf("message %q", Message(err))
	}
	f.clock.Advance(time.Hour)
	s, err := o2.Login(context.Background(), "soudan", []byte(testPassword))
	if err != nil {
		t.Fatalf("after the lock: %v", err)
	}
	o2.Logout()
	_ = s
	f.as("kantoku", func(s *Session) {
		evs, err := f.o.AuditEvents(context.Background(), s, audit.Filter{Action: audit.ActLoginFail, User: "soudan"})
		if err != nil {
			t.Fatal(err)
		}
		if len(evs) < 5 {
			t.Fatalf("failed logins logged: %d, want >= 5", len(evs))
		}
	})
}

func TestVaultInUse(t *testing.T) {
	f := newFixture(t)
	f.login("uketsuke")
	defer f.logout()
	o2, err := Open(f.dir, testOptions(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := o2.Login(context.Background(), "soudan", []byte(testPassword)); !errors.Is(err, ErrVaultInUse) {
		t.Fatalf("second opener: %v", err)
	}
}

func TestDoubleBookingRefused(t *testing.T) {
	f := newFixture(t)
	f.as("uketsuke", func(s *Session) {
		a := f.business(s, "予約一商店", "ヨヤクイチショウテン", "03-5555-0201")
		b := f.business(s, "予約二商店", "ヨヤクニショウテン", "03-5555-0202")
		c := f.business(s, "予約三商店", "ヨヤクサンショウテン", "03-5555-0203")
		if _, err := f.reservation(s, a.ID, f.venue, f.staff, "2026-10-05", "10:00", "11:00"); err != nil {
			t.Fatalf("first booking: %v", err)
		}
		tests := []struct {
			name         string
			venue, staff string
			start, end   string
			want         error
			msg          string // the message names people and businesses
		}{
			{"same consultant overlapping", f.venue2, f.staff, "10:30", "11:30", ErrDoubleBooking, "相談 一郎さんは 10/5 10:00〜11:00 に 予約一商店 の予約があります"},
			{"same room overlapping", f.venue, f.staff2, "09:30", "10:30", ErrDoubleBooking, "相談室Aは 10/5 10:00〜11:00 に 予約一商店 の予約があります"},
			{"back to back is fine", f.venue, f.staff, "11:00", "12:00", nil, ""},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				_, err := f.reservation(s, b.ID, tc.venue, tc.staff, "2026-10-05", tc.start, tc.end)
				if !errors.Is(err, tc.want) && !(tc.want == nil && err == nil) {
					t.Fatalf("got %v, want %v", err, tc.want)
				}
				if tc.want != nil && !strings.Contains(Message(err), tc.msg) {
					t.Fatalf("message %q, want %q", Message(err), tc.msg)
				}
				if tc.want != nil && (strings.Contains(err.Error(), "予約一商店") || strings.Contains(err.Error(), "相談")) {
					t.Fatalf("the error for logs names a business or person: %v", err)
				}
			})
		}
		// The large room holds two at once, not three.
		if _, err := f.reservation(s, a.ID, f.venue2, "", "2026-10-06", "13:00", "14:00"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.reservation(s, b.ID, f.venue2, "", "2026-10-06", "13:00", "14:00"); err != nil {
			t.Fatal(err)
		}
		if _, err := f.reservation(s, c.ID, f.venue2, "", "2026-10-06", "13:30", "14:00"); !errors.Is(err, ErrFull) {
			t.Fatalf("third in a room for two: %v", err)
		}
		// A cancelled reservation frees its slot.
		r, err := f.reservation(s, c.ID, f.venue, f.staff2, "2026-10-07", "09:00", "10:00")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.o.SetReservationStatus(context.Background(), s, r.ID, record.ResCanceled); err != nil {
			t.Fatal(err)
		}
		if _, err := f.reservation(s, a.ID, f.venue, f.staff2, "2026-10-07", "09:00", "10:00"); err != nil {
			t.Fatalf("slot after cancel: %v", err)
		}
	})
}

func TestDuplicateBusinessFlagged(t *testing.T) {
	f := newFixture(t)
	f.as("uketsuke", func(s *Session) {
		orig := f.business(s, "株式会社ヤマダ商店", "カブシキガイシャヤマダショウテン", "03-5555-0301")
		tests := []struct{ name, bname, phone string }{
			{"company form and width", "㈱ﾔﾏﾀﾞ商店", "03-5555-9999"},
			{"hiragana and spaces", "やまだ 商店", "03-5555-9998"},
			{"same phone other format", "全然違う屋", "０３（５５５５）０３０１"},
		}
		for _, tc := range tests {
			t.Run(tc.name, func(t *testing.T) {
				err := f.o.SaveBusiness(context.Background(), s, dummyBusiness(tc.bname, "テスト", tc.phone), SaveBusinessOptions{})
				var de *DuplicateError
				if !errors.As(err, &de) || len(de.Matches) != 1 || de.Matches[0].ID != orig.ID {
					t.Fatalf("got %v", err)
				}
			})
		}
		b := dummyBusiness("やまだ 商店", "ヤマダショウテン", "03-5555-9997")
		if err := f.o.SaveBusiness(context.Background(), s, b, SaveBusinessOptions{AllowDuplicate: true}); err != nil {
			t.Fatalf("allowed duplicate: %v", err)
		}
		if err := f.o.SaveBusiness(context.Background(), s, dummyBusiness("別の会社", "ベツノカイシャ", "03-5555-0302"), SaveBusinessOptions{}); err != nil {
			t.Fatalf("distinct business: %v", err)
		}
	})
}

func TestSearch(t *testing.T) {
	f := newFixture(t)
	var id string
	f.as("uketsuke", func(s *Session) {
		id = f.business(s, "有限会社青空ベーカリー", "ユウゲンガイシャアオゾラベーカリー", "03-5555-0401").ID
		f.business(s, "星野工務店", "ホシノコウムテン", "03-5555-0402")
		tests := []struct {
			query string
			want  int
		}{
			{"青空", 1}, {"あおぞら", 1}, {"アオゾラ", 1}, {"ベーカリー", 1}, {"0401", 1}, {"03-5555-0401", 1},
			{"5555", 2}, {strings.ToLower(id), 1}, {"存在しない名前", 0}, {"青", 1},
		}
		for _, tc := range tests {
			hits, err := f.o.Search(context.Background(), s, tc.query, 0)
			if err != nil {
				t.Fatalf("%q: %v", tc.query, err)
			}
			if len(hits) != tc.want {
				t.Errorf("%q: %d hits, want %d (%v)", tc.query, len(hits), tc.want, hits)
			}
		}
	})
	f.as("soudan", func(s *Session) {
		c := &record.Consultation{BusinessID: id, ConsultantID: f.staff, Date: "2026-10-01", Status: record.StDraft,
			Case: &record.ConsultationCase{Summary: "持続化補助金の申請書の書き方", Guidance: "商工会を案内"}}
		if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
			t.Fatal(err)
		}
		for q, want := range map[string]int{"補助金": 1, "申請書": 1, "商工会": 1, "融資": 0} {
			hits, err := f.o.SearchCases(context.Background(), s, q, 0)
			if err != nil || len(hits) != want {
				t.Errorf("case %q: %d hits (%v), want %d", q, len(hits), err, want)
			}
		}
	})
}

func TestConsultationFlowAndHistory(t *testing.T) {
	f := newFixture(t)
	var rid, cid string
	f.as("uketsuke", func(s *Session) {
		b := f.business(s, "流れ確認商店", "ナガレカクニンショウテン", "03-5555-0501")
		r, err := f.reservation(s, b.ID, f.venue, f.staff, "2026-10-01", "13:00", "14:00")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := f.o.SetReservationStatus(context.Background(), s, r.ID, record.ResVisited); err != nil {
			t.Fatal(err)
		}
		rid = r.ID
	})
	f.as("soudan", func(s *Session) {
		c, err := f.o.DraftFromReservation(context.Background(), s, rid)
		if err != nil {
			t.Fatal(err)
		}
		if c.Minutes != 60 || c.BusinessID == "" || c.Category != "小規模事業者" {
			t.Fatalf("draft %+v", c)
		}
		if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
			t.Fatalf("draft save: %v", err)
		}
		c.Status = record.StConfirmed
		if err := f.o.SaveConsultation(context.Background(), s, c); err == nil {
			t.Fatal("confirmed without 相談の概要")
		}
		c.Case.Summary = "販路拡大の相談"
		if err := f.o.SaveConsultation(context.Background(), s, c); err != nil {
			t.Fatalf("confirm: %v", err)
		}
		cid = c.ID
	})
	f.as("kantoku", func(s *Session) {
		pend, err := f.o.PendingApprovals(context.Background(), s)
		if err != nil || len(pend) != 1 {
			t.Fatalf("pending %v %v", pend, err)
		}
		if err := f.o.Approve(context.Background(), s, cid); err != nil {
			t.Fatal(err)
		}
		h, err := f.o.ConsultationHistory(context.Background(), s, cid)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{record.StDraft, record.StConfirmed, record.StApproved}
		if len(h) != len(want) {
			t.Fatalf("history has %d versions", len(h))
		}
		for i, v := range h {
			if v.Status != want[i] || v.Case == nil {
				t.Fatalf("version %d: %s, case %v", i, v.Status, v.Case)
			}
		}
	})
	f.as("soudan", func(s *Session) {
		c, err := f.o.Consultation(context.Background(), s, cid)
		if err != nil {
			t.Fatal(err)
		}
		c.Case.Note = "後から変更"
		if err := f.o.SaveConsultation(context.Background(), s, c); !errors.Is(err, ErrForbidden) {
			t.Fatalf("consultant edited an approved record: %v", err)
		}
	})
}

func TestStaleUpdateRefused(t *testing.T) {
	f := newFixture(t)
	f.as("uketsuke", func(s *Session) {
		b := f.business(s, "更新確認商店", "コウシンカクニンショウテン", "03-5555-0601")
		stale := *b
		b.Note = "一回目"
		if err := f.o.SaveBusiness(context.Background(), s, b, SaveBusinessOptions{}); err != nil {
			t.Fatal(err)
		}
		stale.Note = "古い版から"
		if err := f.o.SaveBusiness(context.Background(), s, &stale, SaveBusinessOptions{}); !errors.Is(err, ErrConflict) {
			t.Fatalf("stale update: %v", err)
		}
	})
}

func TestAdminWithoutCaseKeyCannotGrantIt(t *testing.T) {
	f := newFixture(t)
	f.as("admin", func(s *Session) {
		if err := f.o.AddUser(context.Background(), s, NewUser{Login: "admin2", Name: "管理 二郎", Roles: []Role{RoleAdmin}, Password: []byte(testPassword)}); err != nil {
			t.Fatal(err)
		}
		if err := f.o.AddUser(context.Background(), s, NewUser{Login: "ab", Name: "x", Roles: []Role{RoleReception}, Password: []byte("short")}); !errors.Is(err, ErrWeakPassword) {
			t.Fatalf("weak password: %v", err)
		}
	})
	f.as("admin2", func(s *Session) {
		err := f.o.AddUser(context.Background(), s, NewUser{Login: "soudan2", Name: "相談 三郎", Roles: []Role{RoleConsultant}, Password: []byte(testPassword)})
		if !errors.Is(err, ErrCannotGrant) {
			t.Fatalf("admin without case key granted it: %v", err)
		}
		if err := f.o.AddUser(context.Background(), s, NewUser{Login: "uketsuke2", Name: "受付 花子", Roles: []Role{RoleReception}, Password: []byte(testPassword)}); err != nil {
			t.Fatalf("reception by admin2: %v", err)
		}
		if _, err := f.o.Search(context.Background(), s, "x", 1); !errors.Is(err, ErrForbidden) {
			t.Fatalf("admin searched records: %v", err)
		}
	})
	f.as("admin", func(s *Session) {
		if err := f.o.SetDisabled(context.Background(), s, "uketsuke2", true); err != nil {
			t.Fatal(err)
		}
	})
	if _, err := f.o.Login(context.Background(), "uketsuke2", []byte(testPassword)); !errors.Is(err, ErrDisabled) {
		t.Fatalf("disabled login: %v", err)
	}
}

func TestMergeBusinessKeepsBothHistories(t *testing.T) {
	f := newFixture(t)
	f.as("uketsuke", func(s *Session) {
		a := f.business(s, "統合先商店", "トウゴウサキショウテン", "03-5555-1001")
		b := dummyBusiness("統合元商店", "トウゴウモトショウテン", "03-5555-1002")
		if err := f.o.SaveBusiness(context.Background(), s, b, SaveBusinessOptions{}); err != nil {
			t.Fatal(err)
		}
		if _, err := f.reservation(s, b.ID, f.venue, f.staff, "2026-10-02", "10:00", "11:00"); err != nil {
			t.Fatal(err)
		}
		if err := f.o.MergeBusiness(context.Background(), s, b.ID, a.ID); err != nil {
			t.Fatalf("merge: %v", err)
		}
		rs, err := f.o.ReservationsOfBusiness(context.Background(), s, a.ID)
		if err != nil || len(rs) != 1 || rs[0].BusinessID != b.ID {
			t.Fatalf("reservations of the merged business: %v %v", rs, err)
		}
		if hits, _ := f.o.Search(context.Background(), s, "統合元", 0); len(hits) != 0 {
			t.Fatalf("merged business still found: %v", hits)
		}
		h, err := f.o.BusinessHistory(context.Background(), s, b.ID)
		if err != nil || len(h) != 2 || h[1].MergedInto != a.ID {
			t.Fatalf("history of the merged business: %d %v", len(h), err)
		}
		if cur, err := f.o.Business(context.Background(), s, b.ID); err != nil || h[1].Rev != cur.Rev || h[0].Rev == h[1].Rev || h[0].Rev == "" {
			t.Fatalf("history revisions %q %q, head %v", h[0].Rev, h[1].Rev, err)
		}
		if err := f.o.MergeBusiness(context.Background(), s, a.ID, b.ID); err == nil {
			t.Fatal("merged into a business that was itself merged")
		}
	})
}

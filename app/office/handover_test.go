package office

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/handover"
	"github.com/madoguchi-jp/madoguchi/app/record"
)

// testPassphrase opens the hand-over files of the tests.
const testPassphrase = "7KQ2M-ZX4RD-9PTWA-HN3EC-UYB5F"

// handoverOf seals a hand-over file of one business (its contact part
// only) as another office would have sent it.
func handoverOf(t testing.TB, b *record.Business) []byte {
	t.Helper()
	b.ID, b.Case = record.NewID(record.KindBusiness), nil
	raw, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	w, err := handover.NewWriter(&buf, []byte(testPassphrase), handover.DefaultParams)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := handover.NewPayloadWriter(w, handover.Header{Office: "O-OTHER", DocID: "L-0000000001", By: "other",
		ByName: "他所 太郎", Recipient: "テスト窓口", Counts: map[string]int{"business": 1}})
	if err != nil {
		t.Fatal(err)
	}
	if err := pw.Add(handover.Item{Kind: "business", Record: raw}); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestHandoverBetweenOffices: a supervisor hands a business with its
// consultation (case content included) to another office as an encrypted
// file; the other office's consultant takes it in, the case content
// readable there; both ledgers have their row; receiving the same file
// again takes nothing twice.
func TestHandoverBetweenOffices(t *testing.T) {
	src := newFixture(t)
	cid := src.confirmedConsultation("資金繰りの相談（引継ぎ確認用）")
	var file bytes.Buffer
	var bizID string
	src.as("kantoku", func(s *Session) {
		c, err := src.o.Consultation(context.Background(), s, cid)
		if err != nil {
			t.Fatal(err)
		}
		bizID = c.BusinessID
		res, err := src.o.Export(context.Background(), s, ExportRequest{BusinessID: bizID, Recipient: "さくら区 産業振興課",
			Method: "USBメモリで手渡し"}, []byte(testPassphrase), &file)
		if err != nil {
			t.Fatal(err)
		}
		if res.Records != 2 || res.Counts[record.KindBusiness] != 1 || res.Counts[record.KindConsultation] != 1 {
			t.Fatalf("exported %+v", res)
		}
		pdf, err := src.o.PrintPasswordNotice(context.Background(), s, res, testPassphrase)
		if err != nil || !bytes.HasPrefix(pdf, []byte("%PDF")) {
			t.Fatalf("password notice: %v", err)
		}
		rows, err := src.o.Ledger(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		var export, notice *record.LedgerEntry
		for i, r := range rows {
			switch {
			case r.DocID == res.DocID:
				export = &rows[i]
			case strings.HasPrefix(r.Content, "パスワード通知書 "+res.DocID):
				notice = &rows[i]
			}
		}
		if export == nil || export.Recipient != "さくら区 産業振興課" || export.Method != "USBメモリで手渡し" ||
			!export.PasswordSeparately || export.Quantity != 2 {
			t.Fatalf("export's ledger row %+v", export)
		}
		if notice == nil || notice.Recipient != "さくら区 産業振興課" {
			t.Fatalf("notice's ledger row %+v", notice)
		}
	})
	for _, word := range []string{"資金繰り", "内部確認商店", "03-5555"} {
		if bytes.Contains(file.Bytes(), []byte(word)) {
			t.Fatalf("%q readable in the hand-over file", word)
		}
	}

	dst := newFixture(t)
	dst.as("soudan", func(s *Session) {
		res, err := dst.o.ReceiveHandover(context.Background(), s, bytes.NewReader(file.Bytes()), []byte(testPassphrase))
		if err != nil {
			t.Fatal(err)
		}
		if res.Imported != 2 || len(res.Skipped) != 0 || res.Header.Recipient != "さくら区 産業振興課" {
			t.Fatalf("received %+v", res)
		}
		c, err := dst.o.Consultation(context.Background(), s, cid)
		if err != nil {
			t.Fatal(err)
		}
		if c.Case == nil || c.Case.Summary != "資金繰りの相談（引継ぎ確認用）" || c.BusinessID != bizID {
			t.Fatalf("received consultation %+v", c)
		}
		again, err := dst.o.ReceiveHandover(context.Background(), s, bytes.NewReader(file.Bytes()), []byte(testPassphrase))
		if err != nil {
			t.Fatal(err)
		}
		if again.Imported != 0 || len(again.Skipped) != 2 {
			t.Fatalf("second receipt %+v", again)
		}
	})
	dst.as("kantoku", func(s *Session) {
		rows, err := dst.o.Ledger(context.Background(), s)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 2 || rows[0].Method != "暗号化ファイル受領" || rows[0].Quantity+rows[1].Quantity != 2 ||
			!strings.HasPrefix(rows[0].Recipient, "テスト kantoku（窓口 ") {
			t.Fatalf("ledger of the two receipts %+v", rows)
		}
	})
}

// TestHandoverRefusals: a wrong passphrase, a cut file and a changed byte
// take nothing (the store is unchanged); an export without a recipient
// or with a short passphrase writes nothing.
func TestHandoverRefusals(t *testing.T) {
	f := newFixture(t)
	file := handoverOf(t, dummyBusiness("拒否確認商店", "キョヒカクニンショウテン", "03-5558-0002"))
	flipped := bytes.Clone(file)
	flipped[len(flipped)-40] ^= 1
	cases := []struct {
		name string
		file []byte
		pass string
		want error
	}{
		{"wrong passphrase", file, "WRONG-WRONG-WRONG", ErrWrongPassphrase},
		{"cut", file[:len(file)-3], testPassphrase, ErrDamagedHandover},
		{"changed byte", flipped, testPassphrase, ErrDamagedHandover},
		{"not a hand-over file", []byte("事業所名,電話番号\n"), testPassphrase, ErrDamagedHandover},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f.as("uketsuke", func(s *Session) {
				before := storeStateOf(t, f.o)
				_, err := f.o.ReceiveHandover(context.Background(), s, bytes.NewReader(c.file), []byte(c.pass))
				if !errors.Is(err, c.want) {
					t.Fatalf("got %v, want %v", err, c.want)
				}
				if d := before.diff(storeStateOf(t, f.o)); d != "" {
					t.Fatalf("refused file changed %s", d)
				}
			})
		})
	}
	f.as("kantoku", func(s *Session) {
		b := f.business(s, "出力確認商店", "シュツリョクカクニンショウテン", "03-5558-0003")
		for _, c := range []struct {
			name string
			req  ExportRequest
			pass string
			want error
		}{
			{"no recipient", ExportRequest{BusinessID: b.ID, Recipient: "  "}, testPassphrase, ErrNoRecipient},
			{"short passphrase", ExportRequest{BusinessID: b.ID, Recipient: "区"}, "short", ErrWeakPassphrase},
			{"master record", ExportRequest{IDs: []string{f.venue}, Recipient: "区"}, testPassphrase, ErrInvalid},
			{"unknown business", ExportRequest{BusinessID: "B-0000000000", Recipient: "区"}, testPassphrase, ErrNotFound},
		} {
			before := storeStateOf(t, f.o)
			var out bytes.Buffer
			if _, err := f.o.Export(context.Background(), s, c.req, []byte(c.pass), &out); !errors.Is(err, c.want) {
				t.Errorf("%s: got %v, want %v", c.name, err, c.want)
			}
			if out.Len() != 0 || before.diff(storeStateOf(t, f.o)) != "" {
				t.Errorf("%s: refused export wrote something", c.name)
			}
		}
	})
}

// TestHandoverReceptionCannotTakeCaseContent: a receptionist who receives
// a file with consultation content is refused (the case key is not hers),
// and nothing is written.
func TestHandoverReceptionCannotTakeCaseContent(t *testing.T) {
	src := newFixture(t)
	cid := src.confirmedConsultation("受付には見えない相談")
	var file bytes.Buffer
	src.as("coord", func(s *Session) {
		if _, err := src.o.Export(context.Background(), s, ExportRequest{IDs: []string{cid}, Recipient: "専門家 派遣先"},
			[]byte(testPassphrase), &file); err != nil {
			t.Fatal(err)
		}
	})
	dst := newFixture(t)
	dst.as("uketsuke", func(s *Session) {
		before := storeStateOf(t, dst.o)
		_, err := dst.o.ReceiveHandover(context.Background(), s, bytes.NewReader(file.Bytes()), []byte(testPassphrase))
		if !errors.Is(err, ErrForbidden) {
			t.Fatalf("got %v, want ErrForbidden", err)
		}
		if d := before.diff(storeStateOf(t, dst.o)); d != "" {
			t.Fatalf("refused receipt changed %s", d)
		}
	})
}

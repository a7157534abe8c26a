package office

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/purge"
)

// TestPurgeReceipt plays the server: a receipt signed by a key other than
// the pinned one, or for another order, is refused and not kept; the
// pinned server's receipt is kept once, is no longer due, and the 消去報告書
// shows it instead of 未受領.
func TestPurgeReceipt(t *testing.T) {
	f := newFixture(t)
	biz, _, _ := f.erasable()
	ctx := context.Background()
	_, serverKey, _ := ed25519.GenerateKey(rand.Reader)
	_, otherKey, _ := ed25519.GenerateKey(rand.Reader)
	pin := purge.SPKIPin(serverKey.Public().(ed25519.PublicKey))
	var hash, office string
	f.as("kantoku", func(s *Session) {
		plan, err := f.o.PlanErase(ctx, s, []string{biz}, ReasonRequest)
		if err != nil {
			t.Fatal(err)
		}
		res, err := f.o.Erase(ctx, s, plan)
		if err != nil {
			t.Fatal(err)
		}
		hash, office = res.Order.Hash(), res.Order.Office
		due, err := f.o.PurgesDue(ctx, s)
		if err != nil {
			t.Fatal(err)
		}
		// This vault has never synced: the order's version waits in the
		// outbox, so it is not due.
		if len(due) != 0 {
			t.Fatalf("%d orders due before the order's version was pushed", len(due))
		}
		at := time.Date(2026, 12, 3, 7, 0, 0, 0, time.UTC)
		for _, tc := range []struct {
			name    string
			receipt []byte
		}{
			{"signed by another key", purge.SignReceipt(otherKey, office, hash, at, 5).Marshal()},
			{"of another order", purge.SignReceipt(serverKey, office, strings.Repeat("1", 64), at, 5).Marshal()},
			{"of another office", purge.SignReceipt(serverKey, "other-office", hash, at, 5).Marshal()},
			{"not a receipt", []byte(`{"office":"x"}`)},
		} {
			if err := f.o.SetPurgeReceipt(ctx, s, hash, tc.receipt, pin); !errors.Is(err, ErrForged) && !errors.Is(err, ErrInvalid) {
				t.Errorf("%s: %v, want refused", tc.name, err)
			}
		}
		list, err := f.o.Erasures(ctx, s)
		if err != nil || len(list) != 1 || list[0].Receipt != "" {
			t.Fatalf("after refused receipts: %+v, %v", list, err)
		}
		if err := f.o.SetPurgeReceipt(ctx, s, hash, purge.SignReceipt(serverKey, office, hash, at, 5).Marshal(), pin); err != nil {
			t.Fatal(err)
		}
		list, err = f.o.Erasures(ctx, s)
		if err != nil || len(list) != 1 || !strings.Contains(list[0].Receipt, "2026-12-03 16:00 にサーバーで消去（5 版") {
			t.Fatalf("after the receipt: %+v, %v", list, err)
		}
		pdf, err := f.o.PrintErasureReport(ctx, s, hash)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := exec.LookPath("pdftotext"); err == nil {
			cmd := exec.Command("pdftotext", "-enc", "UTF-8", "-layout", "-", "-")
			cmd.Stdin = bytes.NewReader(pdf)
			out, err := cmd.Output()
			if err != nil {
				t.Fatal(err)
			}
			text := string(out)
			if !strings.Contains(text, "サーバーで消去") || strings.Contains(text, "未受領") {
				t.Fatalf("the report does not show the receipt:\n%s", text)
			}
		}
	})
}

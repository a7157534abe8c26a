package pg

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
	"github.com/madoguchi-jp/madoguchi/storage/central/pg/pgtest"
)

// TestRedactLeavesNoBytesInTheFiles: after a redaction the erased sealed
// bytes are in no file of the database (the table and its TOAST table
// rewritten by VACUUM FULL, then a checkpoint), while the kept record's
// are, so the scan sees what is stored. The conformance suite checks the
// same on pg_dump.
func TestRedactLeavesNoBytesInTheFiles(t *testing.T) {
	dsn := pgtest.DB(t)
	s := open(t, dsn)
	ctx := t.Context()
	office := "office-redact"
	tokenHash := bytes.Repeat([]byte{3}, 32)
	if err := s.AddToken(ctx, central.Token{Hash: tokenHash, Office: "", Created: time.Now(), Expires: time.Now().Add(time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Enroll(ctx, tokenHash, central.Device{Office: office, ID: "dev-1", Name: "PC", CertSHA256: make([]byte, 32)}, time.Now()); err != nil {
		t.Fatal(err)
	}
	canary := func(tag string, n int) []byte {
		b := make([]byte, n)
		_, _ = rand.Read(b)
		return append([]byte(fmt.Sprintf("canary-%s-%x-", tag, b[:6])), b...)
	}
	gone := [][]byte{canary("small", 300), canary("toast", 30<<10)}
	kept := canary("kept", 300)
	var envs []central.Envelope
	var prev []byte
	for i, data := range append(append([][]byte{}, gone...), kept) {
		id := "C-1"
		if i == len(gone) {
			id = "B-2"
		}
		hash := []byte(fmt.Sprintf("hash-%d", i))
		envs = append(envs, central.Envelope{ID: id, Rev: fmt.Sprintf("rev-%d", i), Link: central.Link{Seq: uint64(i + 1), Prev: prev, Hash: hash}, Data: data})
		prev = hash
	}
	if _, err := s.Push(ctx, central.Batch{Office: office, Device: "dev-1", Envelopes: envs, At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	before := pgtest.Files(t, dsn)
	for _, g := range gone {
		if !bytes.Contains(before, g[:20]) {
			t.Fatalf("the scan does not find %q before the redaction (%d bytes scanned)", g[:20], len(before))
		}
	}
	order := hex.EncodeToString(bytes.Repeat([]byte{7}, 32))
	if n, err := s.Redact(ctx, office, order, []string{"C-1", "C-1#case", "C-1#approval"}); err != nil || n != 2 {
		t.Fatalf("Redact = %d, %v", n, err)
	}
	after := pgtest.Files(t, dsn)
	if !bytes.Contains(after, kept[:20]) {
		t.Fatalf("the scan does not find the kept record's bytes (%d bytes scanned)", len(after))
	}
	for _, g := range gone {
		if bytes.Contains(after, g[:20]) {
			t.Errorf("%q is still in the database's files", g[:20])
		}
	}
}

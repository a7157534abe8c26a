package cli

import (
	"strings"
	"testing"
)

func TestConflictsDuplicatesAndMerge(t *testing.T) {
	dir, pw := newVault(t)
	as := []string{"--vault", dir, "--as", "kanri", "--password-file", pw}
	code, out, errs := run(t, "", append([]string{"conflicts", "duplicates"}, as...)...)
	if code != ExitOK || !strings.Contains(out, "重複の可能性がある事業者はありません") {
		t.Fatalf("duplicates: %d %s %s", code, out, errs)
	}
	code, out, _ = run(t, "", append([]string{"conflicts", "duplicates", "--json"}, as...)...)
	if code != ExitOK || strings.TrimSpace(out) != "[]" {
		t.Fatalf("duplicates --json: %d %s", code, out)
	}
	if code, _, errs := run(t, "", append([]string{"conflicts", "merge", "B-0000000001"}, as...)...); code != ExitUsage || !strings.Contains(errs, "統合先") {
		t.Fatalf("merge with one id: %d %s", code, errs)
	}
	if code, _, _ := run(t, "", append([]string{"conflicts", "merge", "B-0000000001", "B-0000000002"}, as...)...); code != ExitNotFound {
		t.Fatalf("merge of unknown businesses: %d", code)
	}
}

package office

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
	"github.com/madoguchi-jp/madoguchi/storage/local"
)

// TestErrorTable walks the table: every sentinel has a class, an exit
// status and a message in both languages, each sentinel has one row, and
// the messages hold no command-line advice (the window shows them too).
func TestErrorTable(t *testing.T) {
	seen := map[error]bool{}
	for _, r := range errorTable {
		name := r.err.Error()
		if seen[r.err] {
			t.Errorf("%s: two rows", name)
		}
		seen[r.err] = true
		if r.ja == "" || r.en == "" {
			t.Errorf("%s: a message is missing (ja %q, en %q)", name, r.ja, r.en)
		}
		if !hasJapanese(r.ja) || !strings.ContainsAny(r.en, "abcdefghijklmnopqrstuvwxyz") {
			t.Errorf("%s: ja %q / en %q in the wrong language", name, r.ja, r.en)
		}
		if r.exit <= ExitUsage || r.exit > ExitCanceled {
			t.Errorf("%s: exit status %d", name, r.exit)
		}
		if r.class < ClassInput || r.class > ClassDamage {
			t.Errorf("%s: class %d", name, r.class)
		}
		for _, m := range []string{r.ja, r.en} {
			if strings.Contains(m, "madoguchi ") || strings.Contains(m, "--") {
				t.Errorf("%s: command-line advice in %q", name, m)
			}
		}
		if got := ExitStatus(fmt.Errorf("wrapped: %w", r.err)); got != r.exit {
			t.Errorf("%s: ExitStatus of the wrapped sentinel %d, want %d", name, got, r.exit)
		}
		if MessageIn(English, r.err) != r.en || Message(r.err) != r.ja {
			t.Errorf("%s: MessageIn does not use the row", name)
		}
	}
}

func hasJapanese(s string) bool {
	for _, r := range s {
		if unicode.In(r, unicode.Hiragana, unicode.Katakana, unicode.Han) {
			return true
		}
	}
	return false
}

// TestSentinelsInErrorsGo: the package's sentinels are declared in errors.go
// only, and each of them has its row in errorTable.
func TestSentinelsInErrorsGo(t *testing.T) {
	fset := token.NewFileSet()
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	declared := map[string]bool{}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			gd, ok := d.(*ast.GenDecl)
			if !ok || gd.Tok != token.VAR {
				continue
			}
			for _, spec := range gd.Specs {
				for _, id := range spec.(*ast.ValueSpec).Names {
					if !strings.HasPrefix(id.Name, "Err") {
						continue
					}
					if name != "errors.go" {
						t.Errorf("%s: sentinel %s belongs in errors.go", name, id.Name)
					}
					declared[id.Name] = true
				}
			}
		}
	}
	inTable := map[string]bool{}
	f, err := parser.ParseFile(fset, "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	ast.Inspect(f, func(n ast.Node) bool {
		vs, ok := n.(*ast.ValueSpec)
		if !ok || vs.Names[0].Name != "errorTable" {
			return true
		}
		for _, el := range vs.Values[0].(*ast.CompositeLit).Elts {
			if id, ok := el.(*ast.CompositeLit).Elts[0].(*ast.Ident); ok {
				inTable[id.Name] = true
			}
		}
		return false
	})
	if len(declared) < 20 {
		t.Fatalf("found only %d sentinels", len(declared))
	}
	for name := range declared {
		if !inTable[name] {
			t.Errorf("%s has no row in errorTable", name)
		}
	}
}

// TestExitStatusesInReadme: the README's exit-status table lists exactly
// the statuses the table gives, with 0 (done), 1 (unexpected) and 2 (the
// command line's own mistakes).
func TestExitStatusesInReadme(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "#### Exit status")
	if !ok {
		t.Fatal("README has no \"#### Exit status\" section")
	}
	row := regexp.MustCompile(`(?m)^\|\s*(\d+)\s*\|\s*(.+?)\s*\|\s*$`)
	documented := map[int]string{}
	for _, m := range row.FindAllStringSubmatch(section, -1) {
		n, _ := strconv.Atoi(m[1])
		if _, dup := documented[n]; dup {
			t.Errorf("README lists status %d twice", n)
		}
		documented[n] = m[2]
	}
	given := map[int]bool{ExitOK: true, ExitUnexpected: true, ExitUsage: true}
	for _, r := range errorTable {
		given[r.exit] = true
	}
	for n := range given {
		if documented[n] == "" {
			t.Errorf("exit status %d is not in the README's table", n)
		}
	}
	for n := range documented {
		if !given[n] {
			t.Errorf("the README lists exit status %d, which nothing gives", n)
		}
	}
}

// TestErrorClasses: errors that carry details, and the errors of vault and
// storage/local, land on the office's rows; anything else is unexpected.
func TestErrorClasses(t *testing.T) {
	tests := []struct {
		name  string
		err   error
		exit  int
		class Class
		ja    string // part of the Japanese message
		en    string // part of the English message
	}{
		{"broken link", fmt.Errorf("read: %w", &audit.BrokenLink{Seq: 7, Reason: audit.ReasonHash}), ExitAuditBroken, ClassDamage,
			"7 番目", "event 7 (the hash does not match)"},
		{"validation", record.Problems{&record.FieldError{Field: "事業所名", Msg: "事業所名を入力してください"}}, ExitInvalid, ClassInput,
			"事業所名を入力してください", "事業所名を入力してください"},
		{"field", &record.FieldError{Field: "日付", Msg: "日付が正しくありません"}, ExitInvalid, ClassInput, "日付が正しくありません", "日付"},
		{"wrong store key", fmt.Errorf("open store in x: %w", local.ErrWrongKey), ExitDamaged, ClassDamage, "鍵が合いません", "key does not fit"},
		{"store in use", fmt.Errorf("x: %w", local.ErrLocked), ExitInUse, ClassState, "別の窓口プログラム", "another Madoguchi"},
		{"newer store", fmt.Errorf("x: %w", local.ErrNewerSchema), ExitNewer, ClassState, "新しい版", "newer version"},
		{"newer keyring", vault.ErrNewerFormat, ExitNewer, ClassState, "新しい版", "newer version"},
		{"damaged store", &StoreDamagedError{Dir: "/v/store", Err: local.ErrCorrupt}, ExitDamaged, ClassDamage, "（/v/store）", "(/v/store)"},
		{"locked until", fmt.Errorf("login: %w", &vault.LockedError{Until: time.Date(2026, 10, 1, 1, 15, 0, 0, time.UTC)}), ExitLocked, ClassAccess,
			"10:15:00 まで", "until 10:15:00"},
		{"double booking", &BookingError{Err: ErrDoubleBooking, What: "会場", Other: "R-1", Start: "10:00", End: "11:00"}, ExitInvalid, ClassInput,
			"会場は 10:00〜11:00", "The venue already has another booking from 10:00"},
		{"double booking with names", &BookingError{Err: ErrDoubleBooking, What: "相談員", Other: "R-1", Start: "10:00", End: "11:00",
			Date: "2026-12-10", Name: "山口 一郎", Business: "稲穂若葉商店"}, ExitInvalid, ClassInput,
			"山口 一郎さんは 12/10 10:00〜11:00 に 稲穂若葉商店 の予約があります", "山口 一郎 already has a booking for 稲穂若葉商店 at 12/10 10:00–11:00"},
		{"duplicate", &DuplicateError{Matches: make([]BusinessSummary, 2)}, ExitInvalid, ClassInput, "すでに 2 件", "2 businesses"},
		{"unexpected", errors.New("disk on fire"), ExitUnexpected, ClassUnexpected, "処理できませんでした", "could not be done"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ExitStatus(tc.err); got != tc.exit {
				t.Errorf("exit %d, want %d", got, tc.exit)
			}
			if got := ClassOf(tc.err); got != tc.class {
				t.Errorf("class %d, want %d", got, tc.class)
			}
			if got := Message(tc.err); !strings.Contains(got, tc.ja) {
				t.Errorf("Japanese %q lacks %q", got, tc.ja)
			}
			if got := MessageIn(English, tc.err); !strings.Contains(got, tc.en) {
				t.Errorf("English %q lacks %q", got, tc.en)
			}
		})
	}
	if ExitStatus(nil) != ExitOK || Message(nil) != "" {
		t.Error("nil is not an error")
	}
	if !ClassUnexpected.Logged() || !ClassDamage.Logged() || ClassInput.Logged() || ClassAccess.Logged() || ClassState.Logged() {
		t.Error("Logged: only unexpected errors and damage go to the support log")
	}
}

// TestStoreOpenErrorsSayItOnce: an error of opening the store names the
// operation once ("open store in DIR: …"), not "open store: open store: …",
// and is the office's sentinel where there is one.
func TestStoreOpenErrorsSayItOnce(t *testing.T) {
	f := newFixture(t)
	// The store folder is a file: the store cannot be made.
	store := filepath.Join(f.dir, StoreDir)
	if err := os.Rename(store, store+".away"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(store, []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := f.o.Login(context.Background(), "admin", []byte(testPassword))
	if err == nil || strings.Count(err.Error(), "open store") != 1 {
		t.Fatalf("error %v", err)
	}
	if ClassOf(err) != ClassUnexpected {
		t.Errorf("class %d", ClassOf(err))
	}
	if err := os.Remove(store); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(store+".away", store); err != nil {
		t.Fatal(err)
	}
	// A second program on the vault.
	f.login("admin")
	o2, err := Open(f.dir, testOptions(f.clock))
	if err != nil {
		t.Fatal(err)
	}
	_, err = o2.Login(context.Background(), "admin", []byte(testPassword))
	if !errors.Is(err, ErrVaultInUse) || strings.Count(err.Error(), "open store") != 1 {
		t.Fatalf("in use: %v", err)
	}
	if slices.Contains([]int{ExitUnexpected, ExitDamaged}, ExitStatus(err)) {
		t.Errorf("in use: exit %d", ExitStatus(err))
	}
}

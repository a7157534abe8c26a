package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
)

// TestNetTable: every row is found for its own error, also wrapped the way
// syncclient and syncer wrap it (a refusal wraps ErrRefused too, so its
// row must come first); no row hides an office error; each line is
// Japanese and says what to do.
func TestNetTable(t *testing.T) {
	refused := -1
	for i, r := range netTable {
		if r.err == syncclient.ErrRefused {
			refused = i
		}
	}
	for i, r := range netTable {
		if r.ja == "" || !strings.HasSuffix(r.ja, "。") {
			t.Errorf("row %d (%v): %q", i, r.err, r.ja)
		}
		if office.ClassOf(r.err) != office.ClassUnexpected {
			t.Errorf("row %d (%v) is an office error: its office message wins", i, r.err)
		}
		forms := []error{r.err, fmt.Errorf("pull after 3: %w", r.err)}
		if i < refused {
			forms = append(forms, fmt.Errorf("%w: %w", syncclient.ErrRefused, r.err))
		}
		for _, err := range forms {
			got, ok := netRowOf(err)
			if !ok || got.err != r.err {
				t.Errorf("row %d: %v finds the row of %v", i, err, got.err)
			}
		}
		if r.exit == ExitDamaged && !r.logged {
			t.Errorf("row %d (%v): damage not logged", i, r.err)
		}
	}
	// The sync errors that must have a row of their own.
	for _, err := range []error{
		syncproto.ErrDropped, syncproto.ErrReordered, syncproto.ErrReplayed, syncproto.ErrRolledBack,
		syncproto.ErrForked, syncproto.ErrWithheld, syncproto.ErrTampered, syncproto.ErrMalformed,
		syncclient.ErrChainBroken, syncclient.ErrEnvelopeConflict, syncclient.ErrTableStale, syncclient.ErrNoTable,
		syncclient.ErrTableForged, syncclient.ErrRegisterRefused, syncclient.ErrSession, syncer.ErrNotAdmin,
		syncclient.ErrNotEnrolled, syncclient.ErrLoginFailed, syncclient.ErrRevoked, syncclient.ErrUnreachable,
	} {
		r, ok := netRowOf(fmt.Errorf("sync: %w", err))
		if !ok || r.err != err {
			t.Errorf("%v: no row of its own (%v)", err, r.err)
		}
	}
	// A lie of the server: its sentence, what to do, exit 6, logged.
	for _, err := range []error{syncproto.ErrDropped, syncproto.ErrReordered, syncproto.ErrReplayed, syncproto.ErrRolledBack,
		syncproto.ErrForked, syncproto.ErrWithheld, syncproto.ErrTampered, syncproto.ErrMalformed} {
		r, _ := netRowOf(err)
		if r.exit != ExitDamaged || !r.logged || r.ja != syncproto.Japanese(err)+"同期を止めました。管理者に連絡してください。" {
			t.Errorf("%v: %+v", err, r)
		}
	}
	for _, tc := range []struct {
		err  error
		exit int
		msg  string
	}{
		{syncclient.ErrChainBroken, ExitDamaged, "管理者に連絡"},
		{syncclient.ErrEnvelopeConflict, ExitDamaged, "管理者に連絡"},
		{syncclient.ErrNoTable, ExitNotFound, "サーバーに利用者一覧がまだありません。管理者が先に madoguchi sync を実行してください。"},
		{syncclient.ErrRegisterRefused, ExitForbidden, "サーバーがこのIDの登録を受け付けませんでした。管理者が先に同期して利用者一覧をサーバーに送ってから、もう一度やり直してください。"},
		{syncclient.ErrTableForged, ExitDamaged, "署名"},
	} {
		if r, _ := netRowOf(tc.err); r.exit != tc.exit || !strings.Contains(r.ja, tc.msg) {
			t.Errorf("%v: %+v", tc.err, r)
		}
	}
}

// TestSyncErrorReport: a lie caught during sync is one Japanese line, the
// support log holds the details, and the exit status is 6.
func TestSyncErrorReport(t *testing.T) {
	logPath := filepath.Join(t.TempDir(), "madoguchi.log")
	var errb bytes.Buffer
	e := &Env{Stderr: &errb, LogPath: logPath}
	err := fmt.Errorf("pull after 7: device d-x link 3: %w", syncproto.ErrWithheld)
	if code := e.report("sync", nil, err); code != ExitDamaged {
		t.Fatalf("exit %d", code)
	}
	s := errb.String()
	if !strings.HasPrefix(s, "エラー: "+syncproto.Japanese(syncproto.ErrWithheld)+"同期を止めました。") || !strings.Contains(s, "ヒント: 詳しい内容を "+logPath) {
		t.Fatalf("%q", s)
	}
	b, rerr := os.ReadFile(logPath)
	if rerr != nil || !strings.Contains(string(b), "op=sync") || !strings.Contains(string(b), "withheld") {
		t.Fatalf("log %q %v", b, rerr)
	}
	// A refusal that is no lie: not logged.
	errb.Reset()
	if code := e.report("join", nil, fmt.Errorf("register: %w: %w", syncclient.ErrRefused, syncclient.ErrRegisterRefused)); code != ExitForbidden || strings.Contains(errb.String(), "ヒント") {
		t.Fatalf("%d %q", code, errb.String())
	}
}

package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestServerCheck runs `server check` on a fresh data folder (no problem),
// on one whose key file others may read (status 1, the chmod to run), and
// without --data.
func TestServerCheck(t *testing.T) {
	data := filepath.Join(t.TempDir(), "server")
	if code, _, errOut := run(t, "", "server", "init", "--data", data, "--name", "さくら区 経営相談窓口", "--addr", "127.0.0.1:8443"); code != 0 {
		t.Fatalf("server init: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "", "server", "check", "--data", data)
	if code != 0 || !strings.Contains(out, "問題は見つかりませんでした") || !strings.Contains(out, "[OK  ]") {
		t.Fatalf("fresh: %d\n%s%s", code, out, errOut)
	}
	key := filepath.Join(data, "identity", "server-key.pem")
	if err := os.Chmod(key, 0o644); err != nil {
		t.Fatal(err)
	}
	code, out, errOut = run(t, "", "server", "check", "--data", data)
	if code != 1 || !strings.Contains(out, "[問題]") || !strings.Contains(out, "chmod 0600 "+key) || !strings.Contains(errOut, "エラー: サーバーの設定に問題があります") {
		t.Errorf("open key: %d\n%s%s", code, out, errOut)
	}
	if code, _, errOut := run(t, "", "server", "check"); code != 2 || !strings.Contains(errOut, "--data") {
		t.Errorf("without --data: %d %s", code, errOut)
	}
}

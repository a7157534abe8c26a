package server_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
)

// TestIssueCode: an admin's session gets enrollment codes of a bounded
// life that enroll a PC; a user's session is refused; the server bounds
// the life itself and limits the codes a device issues; the log names no
// token.
func TestIssueCode(t *testing.T) {
	ls := startLoginServer(t)
	ctx := context.Background()
	ca, a := ls.client(t)
	cb, _ := ls.client(t)
	ls.register(t, "kanri", pwTanaka, true)
	ls.register(t, "suzuki", pwTanaka, false)
	admin, err := ca.Login(ctx, "kanri", pwTanaka)
	if err != nil {
		t.Fatal(err)
	}
	user, err := cb.Login(ctx, "suzuki", pwTanaka)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cb.IssueCode(ctx, user, 0); !errors.Is(err, syncclient.ErrForbidden) {
		t.Fatalf("a user's code: %v", err)
	}

	// The server's own bounds, past the client's check.
	raw := func(life int64) int {
		body, _ := json.Marshal(server.IssueCodeRequest{Life: life})
		req, _ := http.NewRequest(http.MethodPost, "https://"+a.Addr+server.PathCodes, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+base64.RawURLEncoding.EncodeToString(admin.Token))
		hc := &http.Client{Transport: &http.Transport{TLSClientConfig: syncclient.TLSConfig(a.Pin, &a.Cert)}}
		defer hc.CloseIdleConnections()
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	for _, life := range []int64{-1, 60, 9 * 60, 8 * 24 * 3600} {
		if st := raw(life); st != http.StatusBadRequest {
			t.Errorf("life %d s: HTTP %d", life, st)
		}
	}

	var codes []string
	for _, tc := range []struct {
		life time.Duration
		want time.Duration
		ok   bool
	}{
		{0, server.DefaultCodeLife, true},
		{server.MinCodeLife, server.MinCodeLife, true},
		{server.MaxCodeLife, server.MaxCodeLife, true},
		{time.Minute, 0, false},
		{8 * 24 * time.Hour, 0, false},
	} {
		ans, err := ca.IssueCode(ctx, admin, tc.life)
		if !tc.ok {
			if !errors.Is(err, syncclient.ErrBadCodeLife) {
				t.Errorf("life %v: %v", tc.life, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("life %v: %v", tc.life, err)
		}
		if d := time.Until(ans.Expires); d > tc.want || d < tc.want-time.Minute {
			t.Errorf("life %v: expires in %v", tc.life, d)
		}
		codes = append(codes, ans.Code)
	}
	creds, err := syncclient.Enroll(ctx, filepath.Join(t.TempDir(), "new"), codes[0], "新しいPC")
	if err != nil || creds.Device == "" {
		t.Fatalf("enroll with an issued code: %+v %v", creds, err)
	}
	// Three codes issued: two more pass, the sixth in the minute waits.
	for i := 0; i < 2; i++ {
		if _, err := ca.IssueCode(ctx, admin, 0); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := ca.IssueCode(ctx, admin, 0); !errors.Is(err, syncclient.ErrRateLimited) {
		t.Fatalf("the sixth code in a minute: %v", err)
	}
	logged := ls.log.String()
	if !strings.Contains(logged, "enrollment code issued") {
		t.Fatalf("log: %s", logged)
	}
	for _, c := range codes {
		code, _ := server.ParseCode(c)
		if strings.Contains(logged, base64.RawURLEncoding.EncodeToString(code.Token[:])) || strings.Contains(logged, c) {
			t.Fatal("the log names a token")
		}
	}
}

package server_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
)

// TestMalformedPushChangesNothing plays a broken or hostile client: push
// bodies that are truncated, padded, oversized in their counts or not
// sync messages at all get 400 bad_request, and the office's envelopes
// are exactly those of the one good push.
func TestMalformedPushChangesNothing(t *testing.T) {
	ctx := context.Background()
	ls := startLoginServer(t, func(s *server.Server) { s.LoginPerMinute = -1; s.DevicePerMinute = -1 })
	cl, creds := ls.client(t)
	defer cl.Close()
	ls.register(t, "suzuki", "suzuki-password-1", false)
	se, err := cl.Login(ctx, "suzuki", "suzuki-password-1")
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(nil)
	sign := func(m []byte) []byte { return ed25519.Sign(key, m) }
	items := []syncproto.Item{{ID: "B-0000000001", Rev: "000001a2365c695c-00000000-aaaaaaaa", Data: bytes.Repeat([]byte{7}, 300)}}
	envs, _, err := syncproto.Links(creds.Office, creds.Device, syncproto.Head{}, "suzuki", sign, items)
	if err != nil {
		t.Fatal(err)
	}
	good := (&syncproto.PushRequest{Envelopes: envs}).Marshal()

	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: syncclient.TLSConfig(creds.Pin, &creds.Cert)}}
	post := func(body []byte) (int, string) {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, "https://"+creds.Addr+server.PathPush, bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+base64.RawURLEncoding.EncodeToString(se.Token))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var er server.ErrorResponse
		_ = json.NewDecoder(resp.Body).Decode(&er)
		return resp.StatusCode, er.Error
	}
	huge := append([]byte(nil), good[:6]...)
	huge = append(huge, 0xff, 0xff, 0xff, 0xff) // 4 billion envelopes announced
	for name, body := range map[string][]byte{
		"empty":      {},
		"not sync":   []byte(`{"envelopes":[]}`),
		"truncated":  good[:len(good)-10],
		"trailing":   append(append([]byte(nil), good...), 0),
		"huge count": huge,
		"bit flip in a length": func() []byte {
			b := append([]byte(nil), good...)
			b[11] ^= 0x40
			return b
		}(),
	} {
		if code, reason := post(body); code != http.StatusBadRequest || reason != server.ReasonBadRequest {
			t.Errorf("%s: %d %q, want 400 bad_request", name, code, reason)
		}
	}
	if code, _ := post(good); code != http.StatusOK {
		t.Fatalf("the good push: %d", code)
	}
	if code, _ := post(good); code != http.StatusOK {
		t.Fatalf("the good push again: %d", code)
	}
	p, err := cl.Pull(ctx, se, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Envelopes) != 1 || p.Envelopes[0].ID != "B-0000000001" || p.Last != 1 {
		t.Fatalf("the office holds %d envelopes (last %d), want the one good one", len(p.Envelopes), p.Last)
	}
}

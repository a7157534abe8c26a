package server_test

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// syncSession is a server without rate limits (opts after), an enrolled
// client with suzuki logged in, and a signer for suzuki's chain links.
type syncSession struct {
	ls    *loginServer
	cl    *syncclient.Client
	creds syncclient.Creds
	se    syncclient.Session
	sign  func([]byte) []byte
}

func newSyncSession(t *testing.T, opts ...func(*server.Server)) *syncSession {
	t.Helper()
	ls := startLoginServer(t, append([]func(*server.Server){func(s *server.Server) { s.LoginPerMinute, s.DevicePerMinute = -1, -1 }}, opts...)...)
	cl, creds := ls.client(t)
	t.Cleanup(cl.Close)
	ls.register(t, "suzuki", "suzuki-password-1", false)
	se, err := cl.Login(context.Background(), "suzuki", "suzuki-password-1")
	if err != nil {
		t.Fatal(err)
	}
	_, key, _ := ed25519.GenerateKey(nil)
	return &syncSession{ls: ls, cl: cl, creds: creds, se: se, sign: func(m []byte) []byte { return ed25519.Sign(key, m) }}
}

// TestMalformedPushChangesNothing plays a broken or hostile client: push
// bodies that are truncated, padded, oversized in their counts or not
// sync messages at all get 400 bad_request, and the office's envelopes
// are exactly those of the one good push.
func TestMalformedPushChangesNothing(t *testing.T) {
	ctx := context.Background()
	ss := newSyncSession(t)
	cl, creds, se, sign := ss.cl, ss.creds, ss.se, ss.sign
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

// pagesOnly is a store without central.EnvelopeReader: the server builds
// each page of a stream with Pull.
type pagesOnly struct{ central.Store }

// TestPullStream: a stream is the pages that single pulls would give, one
// after the other, and it stops at the pages asked for or once the device
// has caught up; a bad number of pages is refused. Both ways a server makes
// a stream's pages are tried: envelope by envelope from the store, and
// whole pages.
func TestPullStream(t *testing.T) {
	t.Run("envelope by envelope", func(t *testing.T) { testPullStream(t) }) // the embedded store
	t.Run("whole pages", func(t *testing.T) {
		testPullStream(t, func(s *server.Server) { s.Store = pagesOnly{s.Store} })
	})
}

func testPullStream(t *testing.T, opts ...func(*server.Server)) {
	ctx := context.Background()
	ss := newSyncSession(t, opts...)
	cl, creds, se, sign := ss.cl, ss.creds, ss.se, ss.sign
	var items []syncproto.Item
	for i := range 25 {
		items = append(items, syncproto.Item{ID: fmt.Sprintf("B-%010d", i+1), Rev: "000001a2365c695c-00000000-aaaaaaaa", Data: bytes.Repeat([]byte{byte(i)}, 300)})
	}
	envs, _, err := syncproto.Links(creds.Office, creds.Device, syncproto.Head{}, "suzuki", sign, items)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.Push(ctx, se, &syncproto.PushRequest{Envelopes: envs}); err != nil {
		t.Fatal(err)
	}
	// What single pulls of limit envelopes give from after on.
	singles := func(after uint64, limit int) []*syncproto.PullResponse {
		var out []*syncproto.PullResponse
		for {
			p, err := cl.Pull(ctx, se, after, limit)
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, p)
			if len(p.Envelopes) == 0 || p.Next >= p.Last {
				return out
			}
			after = p.Next
		}
	}
	for _, tc := range []struct {
		after       uint64
		limit       int
		pages, want int
	}{
		{0, 4, 3, 3},     // stops at the pages asked for
		{0, 10, 100, 3},  // 10, 10, 5: caught up
		{5, 0, 5, 1},     // the server's page: all 20 left
		{25, 0, 5, 1},    // nothing left: one empty page
		{3, 1, 1024, 22}, // one by one
	} {
		var got []*syncproto.PullResponse
		err := cl.PullPages(ctx, se, tc.after, tc.limit, tc.pages, func(p *syncproto.PullResponse) error {
			got = append(got, p)
			return nil
		})
		if err != nil {
			t.Fatalf("after %d, limit %d, %d pages: %v", tc.after, tc.limit, tc.pages, err)
		}
		want := singles(tc.after, tc.limit)[:tc.want]
		if len(got) != len(want) {
			t.Fatalf("after %d, limit %d, %d pages: %d pages, want %d", tc.after, tc.limit, tc.pages, len(got), len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i].Marshal(), want[i].Marshal()) {
				t.Fatalf("after %d, limit %d: page %d differs from a single pull's", tc.after, tc.limit, i)
			}
		}
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: syncclient.TLSConfig(creds.Pin, &creds.Cert)}}
	for _, q := range []string{"pages=0", "pages=-1", "pages=1025", "pages=x", "pages=", "pages=2&limit=1001"} {
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+creds.Addr+server.PathPull+"?after=0&"+q, nil)
		req.Header.Set("Authorization", "Bearer "+base64.RawURLEncoding.EncodeToString(se.Token))
		resp, err := hc.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var er server.ErrorResponse
		_ = json.NewDecoder(resp.Body).Decode(&er)
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest || er.Error != server.ReasonBadRequest {
			t.Errorf("%s: %d %q, want 400 bad_request", q, resp.StatusCode, er.Error)
		}
	}
}

// TestPullStreamStalledClient plays a device that asks for a stream and
// stops reading: the server ends the stream once a page has waited
// StreamPageTimeout, logs it, and the connection is cut.
func TestPullStreamStalledClient(t *testing.T) {
	ctx := context.Background()
	ss := newSyncSession(t, func(s *server.Server) { s.StreamPageTimeout = 200 * time.Millisecond })
	ls, cl, creds, se, sign := ss.ls, ss.cl, ss.creds, ss.se, ss.sign
	// 32 MB in pages of 1,000: more than loopback's socket buffers hold.
	head := syncproto.Head{}
	for b := range 16 {
		var items []syncproto.Item
		for i := range 1000 {
			items = append(items, syncproto.Item{ID: fmt.Sprintf("B-%05d%05d", b, i), Rev: "000001a2365c695c-00000000-aaaaaaaa", Data: bytes.Repeat([]byte{byte(i)}, 2000)})
		}
		envs, h, err := syncproto.Links(creds.Office, creds.Device, head, "suzuki", sign, items)
		if err != nil {
			t.Fatal(err)
		}
		for len(envs) > 0 {
			n := min(len(envs), 250)
			if _, err := cl.Push(ctx, se, &syncproto.PushRequest{Envelopes: envs[:n]}); err != nil {
				t.Fatal(err)
			}
			envs = envs[n:]
		}
		head = h
	}
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: syncclient.TLSConfig(creds.Pin, &creds.Cert)}}
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+creds.Addr+server.PathPull+"?after=0&pages=100", nil)
	req.Header.Set("Authorization", "Bearer "+base64.RawURLEncoding.EncodeToString(se.Token))
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(ls.log.String(), "took no page") {
		if time.Now().After(deadline) {
			t.Fatalf("the server still waits on a device that reads nothing; log:\n%s", ls.log.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// What the socket held still comes; then the cut, not an end.
	n, err := io.Copy(io.Discard, resp.Body)
	if err == nil {
		t.Fatalf("the stream ended cleanly after %d bytes", n)
	}
	if n >= 32<<20 {
		t.Fatalf("%d bytes came: the whole stream", n)
	}
}

package syncclient

import (
	"context"
	"crypto/tls"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// stubServer serves h over TLS 1.3 on 127.0.0.1 with a certificate the
// returned client pins.
func stubServer(t *testing.T, h http.HandlerFunc) *Client {
	t.Helper()
	cert, key := selfSigned(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(h)
	srv.Listener.Close()
	srv.Listener = ln
	srv.TLS = &tls.Config{MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{{Certificate: [][]byte{cert.Raw}, PrivateKey: key}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	c := New(Creds{Addr: ln.Addr().String(), Pin: server.SPKIPin(cert)})
	t.Cleanup(c.Close)
	return c
}

// TestPullPagesBrokenStreams plays a server whose stream breaks, lies about
// its type, sends bytes that are no page, or stalls: every page before the
// fault reaches the caller whole, and the fault is named.
func TestPullPagesBrokenStreams(t *testing.T) {
	defer func(d time.Duration) { streamIdle = d }(streamIdle)
	streamIdle = 300 * time.Millisecond
	page := func(next uint64) *syncproto.PullResponse {
		return &syncproto.PullResponse{Next: next, Last: 100, Envelopes: []central.Envelope{{ID: "B-0000000001", Rev: "r", Device: "d", Cursor: next,
			Link: central.Link{Seq: next, Hash: make([]byte, 32), Sig: make([]byte, 64)}, Data: make([]byte, 3000)}}}
	}
	two := syncproto.AppendPullFrame(syncproto.AppendPullFrame(nil, page(1)), page(2))
	stream := func(w http.ResponseWriter) {
		w.Header().Set("Content-Type", syncproto.PullStreamType)
	}
	for _, tc := range []struct {
		name  string
		h     http.HandlerFunc
		pages int
		want  error
	}{
		{"whole", func(w http.ResponseWriter, r *http.Request) { stream(w); w.Write(two) }, 2, nil},
		{"cut inside the second page", func(w http.ResponseWriter, r *http.Request) {
			stream(w)
			w.Write(two[:len(two)-100])
			panic(http.ErrAbortHandler)
		}, 1, ErrUnreachable},
		{"cut in the second page's length", func(w http.ResponseWriter, r *http.Request) {
			stream(w)
			w.Write(two[:len(two)/2+2])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}, 1, ErrUnreachable},
		// Between two pages: the answer's chunked encoding has no end, so a
		// broken connection is not taken for a short stream.
		{"cut between pages", func(w http.ResponseWriter, r *http.Request) {
			stream(w)
			w.Write(two[:len(two)/2])
			w.(http.Flusher).Flush()
			panic(http.ErrAbortHandler)
		}, 1, ErrUnreachable},
		{"not a stream", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/octet-stream")
			w.Write(page(1).Marshal())
		}, 0, ErrRefused},
		{"not a page", func(w http.ResponseWriter, r *http.Request) {
			stream(w)
			w.Write(two[:4])
			w.Write(make([]byte, len(two)/2-4))
		}, 0, syncproto.ErrMalformed},
		{"stalls after a page", func(w http.ResponseWriter, r *http.Request) {
			stream(w)
			w.Write(two[:len(two)/2])
			w.(http.Flusher).Flush()
			<-r.Context().Done()
		}, 1, ErrUnreachable},
		{"refused", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusUnauthorized)
			w.Write([]byte(`{"error":"session_invalid"}`))
		}, 0, ErrSession},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := stubServer(t, tc.h)
			var got []uint64
			err := c.PullPages(context.Background(), Session{Token: []byte("t")}, 0, 0, 8, func(p *syncproto.PullResponse) error {
				if len(p.Envelopes) != 1 || len(p.Envelopes[0].Data) != 3000 {
					t.Errorf("page %d: not whole", p.Next)
				}
				got = append(got, p.Next)
				return nil
			})
			if tc.want == nil && err != nil || tc.want != nil && !errors.Is(err, tc.want) {
				t.Fatalf("error %v, want %v", err, tc.want)
			}
			if len(got) != tc.pages {
				t.Fatalf("pages %v, want %d", got, tc.pages)
			}
		})
	}
}

// TestPullPagesCallerStops: an error of each stops the stream at once and
// comes back as it is.
func TestPullPagesCallerStops(t *testing.T) {
	stop := errors.New("enough")
	c := stubServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", syncproto.PullStreamType)
		for i := range 1000 {
			if _, err := w.Write(syncproto.AppendPullFrame(nil, &syncproto.PullResponse{Next: uint64(i), Last: 1000})); err != nil {
				return
			}
		}
	})
	n := 0
	err := c.PullPages(context.Background(), Session{Token: []byte("t")}, 0, 0, 1000, func(*syncproto.PullResponse) error {
		n++
		if n == 3 {
			return stop
		}
		return nil
	})
	if err != stop || n != 3 {
		t.Fatalf("%d pages, error %v", n, err)
	}
}

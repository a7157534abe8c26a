package cli

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/server/public"
	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// servePublic starts the public booking page on addr (HTTP behind the
// office's reverse proxy, or HTTPS with cert and key) and returns what
// stops it. behindProxy counts sends by the address the proxy forwards.
func servePublic(e *Env, st central.Store, office, addr, cert, key string, behindProxy bool) (func(), error) {
	bk, ok := st.(central.Bookings)
	if !ok {
		return nil, errors.New("the central store keeps no web booking")
	}
	if (cert == "") != (key == "") {
		return nil, usagef("--public-cert と --public-key は両方を指定してください。")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("listen %s: %v: %w", addr, err, errListen)
	}
	site := &public.Site{Store: bk, Office: office, TrustProxy: behindProxy, Log: log.New(e.Stderr, "madoguchi public: ", log.LstdFlags)}
	hs := &http.Server{Handler: site.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 30 * time.Second, IdleTimeout: 2 * time.Minute, MaxHeaderBytes: 16 << 10,
		ErrorLog: log.New(e.Stderr, "madoguchi public: ", log.LstdFlags)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if cert != "" {
			err = hs.ServeTLS(ln, cert, key)
		} else {
			err = hs.Serve(ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			fmt.Fprintf(e.Stderr, "madoguchi public: %v\n", err)
		}
	}()
	fmt.Fprintf(e.Stdout, "公開予約ページ: http://%s/\n", ln.Addr())
	return func() {
		sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		hs.Shutdown(sctx)
		<-done
	}, nil
}

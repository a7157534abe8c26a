package server

import (
	"context"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// Level says how bad a finding of Check is.
type Level int

// The levels of a finding.
const (
	// LevelOK: the check passed (shown so the operator sees what was
	// checked).
	LevelOK Level = iota
	// LevelWarning: works today, needs attention soon.
	LevelWarning
	// LevelError: broken or unsafe now; `server check` exits non-zero.
	LevelError
)

// Finding is one result of Check, in Japanese and English.
type Finding struct {
	Level Level
	What  string // what was checked: "certificate", "permissions", "database", "clock", "listener"
	Ja    string
	En    string
}

// CheckOptions say what Check looks at.
type CheckOptions struct {
	// Data is the server's data folder (required).
	Data string
	// Listen, when set, is the address the running server listens on; a
	// host left out (":8443") is this machine's loopback.
	Listen string
	// Database, when set, probes the central database: its clock and
	// schema version (pg.ProbeDatabase). Known is the schema version
	// this program writes.
	Database func(ctx context.Context) (now time.Time, schema, known int, err error)
	// Now is the clock (nil: time.Now).
	Now func() time.Time
	// Expiring is how long before expiry a certificate is reported
	// (0: 30 days).
	Expiring time.Duration
	// MaxSkew is the clock difference reported (0: one minute).
	MaxSkew time.Duration
}

// Check reports the configuration problems an operator can make with a
// server: its certificates expired or about to, its data folder or key
// files readable by others or owned by another user, the database
// unreachable or of another schema, a clock that differs from the
// database's or the running server's, a listener that does not answer with
// the pinned key. It changes nothing.
func Check(ctx context.Context, opt CheckOptions) []Finding {
	now := time.Now
	if opt.Now != nil {
		now = opt.Now
	}
	if opt.Expiring == 0 {
		opt.Expiring = 30 * 24 * time.Hour
	}
	if opt.MaxSkew == 0 {
		opt.MaxSkew = time.Minute
	}
	var out []Finding
	add := func(l Level, what, ja, en string) { out = append(out, Finding{l, what, ja, en}) }
	id, err := Load(opt.Data)
	if err != nil {
		add(LevelError, "identity", fmt.Sprintf("サーバーの識別情報（%s）を読めません: %v。server init で作ったデータフォルダか確かめてください。", opt.Data, err),
			fmt.Sprintf("Cannot read the server identity in %s: %v. Check that it is a data folder made by server init.", opt.Data, err))
		return append(out, checkPermissions(opt.Data)...)
	}
	for _, c := range []struct {
		name, en string
		cert     *x509.Certificate
	}{{"窓口の認証局（CA）の証明書", "the office CA certificate", id.CA}, {"サーバーの証明書", "the server certificate", id.leaf}} {
		left := c.cert.NotAfter.Sub(now())
		switch {
		case left <= 0:
			add(LevelError, "certificate", fmt.Sprintf("%sの有効期限が %s に切れています。", c.name, c.cert.NotAfter.Format(time.DateOnly)),
				fmt.Sprintf("%s expired on %s.", c.en, c.cert.NotAfter.Format(time.DateOnly)))
		case left < opt.Expiring:
			add(LevelWarning, "certificate", fmt.Sprintf("%sの有効期限は %s です（あと %d 日）。", c.name, c.cert.NotAfter.Format(time.DateOnly), int(left.Hours()/24)),
				fmt.Sprintf("%s expires on %s (%d days left).", c.en, c.cert.NotAfter.Format(time.DateOnly), int(left.Hours()/24)))
		case now().Before(c.cert.NotBefore):
			add(LevelError, "certificate", fmt.Sprintf("%sはまだ有効になっていません（%s から）。時計を確かめてください。", c.name, c.cert.NotBefore.Format(time.RFC3339)),
				fmt.Sprintf("%s is not valid yet (from %s). Check the clock.", c.en, c.cert.NotBefore.Format(time.RFC3339)))
		default:
			add(LevelOK, "certificate", fmt.Sprintf("%s: %s まで有効", c.name, c.cert.NotAfter.Format(time.DateOnly)),
				fmt.Sprintf("%s: valid until %s", c.en, c.cert.NotAfter.Format(time.DateOnly)))
		}
	}
	out = append(out, checkPermissions(opt.Data)...)
	if opt.Database != nil {
		dctx, cancel := context.WithTimeout(ctx, 10*time.Second)
		dbNow, schema, known, err := opt.Database(dctx)
		cancel()
		switch {
		case err != nil:
			add(LevelError, "database", fmt.Sprintf("PostgreSQL に接続できません: %v。接続先（--database）、パスワード、pg_hba.conf を確かめてください。", err),
				fmt.Sprintf("Cannot reach PostgreSQL: %v. Check the connection string (--database), the password and pg_hba.conf.", err))
		default:
			switch {
			case schema == 0:
				add(LevelWarning, "database", "PostgreSQL に接続できましたが、窓口の表がまだありません（サーバーの初回起動で作られます）。",
					"PostgreSQL answers but holds no Madoguchi tables yet (the server makes them at its first start).")
			case schema > known:
				add(LevelError, "database", fmt.Sprintf("データベースの形式（%d）がこのプログラム（%d）より新しいです。プログラムを更新してください。", schema, known),
					fmt.Sprintf("The database's schema (%d) is newer than this program's (%d). Update the program.", schema, known))
			default:
				add(LevelOK, "database", fmt.Sprintf("PostgreSQL: 接続できます（形式 %d）", schema), fmt.Sprintf("PostgreSQL: reachable (schema %d)", schema))
			}
			out = append(out, skew("PostgreSQL", "PostgreSQL", dbNow, now(), opt.MaxSkew))
		}
	}
	if opt.Listen != "" {
		out = append(out, checkListener(ctx, id, opt.Listen, now, opt.MaxSkew)...)
	}
	return out
}

// skew compares this machine's clock with another's.
func skew(other, otherEn string, theirs, ours time.Time, limit time.Duration) Finding {
	d := ours.Sub(theirs)
	if d < 0 {
		d = -d
	}
	if d > limit {
		return Finding{LevelError, "clock", fmt.Sprintf("この機械の時計と %s の時計が %s ずれています。NTP（systemd-timesyncd など）で合わせてください。証明書とログインの有効期限が狂います。", other, d.Round(time.Second)),
			fmt.Sprintf("This machine's clock and %s's differ by %s. Synchronise them with NTP (systemd-timesyncd or the like): certificate and session lifetimes depend on it.", otherEn, d.Round(time.Second))}
	}
	return Finding{LevelOK, "clock", fmt.Sprintf("時計: %s とのずれ %s", other, d.Round(time.Second)), fmt.Sprintf("clock: %s off from %s", d.Round(time.Second), otherEn)}
}

// checkPermissions reports a data folder, identity folder or key file that
// others may read, or that another user owns.
func checkPermissions(data string) []Finding {
	var out []Finding
	bad := 0
	paths := []string{data, filepath.Join(data, identityDir), filepath.Join(data, identityDir, caKeyFile), filepath.Join(data, identityDir, keyFile)}
	for _, p := range paths {
		st, err := os.Stat(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		} else if err != nil {
			out = append(out, Finding{LevelError, "permissions", fmt.Sprintf("%s を調べられません: %v", p, err), fmt.Sprintf("Cannot inspect %s: %v", p, err)})
			bad++
			continue
		}
		if m := st.Mode().Perm(); unixModes && m&0o077 != 0 {
			want := "0600"
			if st.IsDir() {
				want = "0700"
			}
			out = append(out, Finding{LevelError, "permissions",
				fmt.Sprintf("%s は他の利用者も読み書きできます（%04o）。chmod %s %s を実行してください。", p, m, want, p),
				fmt.Sprintf("%s is open to other users (%04o). Run chmod %s %s.", p, m, want, p)})
			bad++
		}
		if uid, ok := owner(st); ok && uid != os.Getuid() {
			out = append(out, Finding{LevelWarning, "permissions",
				fmt.Sprintf("%s の所有者（uid %d）がサーバーを動かす利用者（uid %d）と違います。", p, uid, os.Getuid()),
				fmt.Sprintf("%s is owned by uid %d, not by the user running this check (uid %d).", p, uid, os.Getuid())})
			bad++
		}
	}
	if bad == 0 {
		out = append(out, Finding{LevelOK, "permissions", "データフォルダと鍵の権限: 所有者のみ", "data folder and keys: owner only"})
	}
	return out
}

// checkListener connects to the running server with its pinned key (no
// client certificate: the server accepts one without, for enrollment) and
// compares clocks through the answer's Date header.
func checkListener(ctx context.Context, id *Identity, listen string, now func() time.Time, maxSkew time.Duration) []Finding {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return []Finding{{LevelError, "listener", fmt.Sprintf("待ち受けアドレス %q が正しくありません（例: :8443）。", listen), fmt.Sprintf("Listen address %q is malformed (e.g. :8443).", listen)}}
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	addr := net.JoinHostPort(host, port)
	pin := id.Pin()
	cfg := &tls.Config{MinVersion: tls.VersionTLS13, InsecureSkipVerify: true, // the pin below is the check
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 || sha256.Sum256(cs.PeerCertificates[0].RawSubjectPublicKeyInfo) != pin {
				return errors.New("the server's key is not this data folder's")
			}
			return nil
		}}
	hc := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{TLSClientConfig: cfg}}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+addr+"/", nil)
	if err != nil {
		return []Finding{{LevelError, "listener", err.Error(), err.Error()}}
	}
	resp, err := hc.Do(req)
	if err != nil {
		return []Finding{{LevelError, "listener", fmt.Sprintf("%s のサーバーに接続できません: %v。サーバーが動いているか、待ち受けアドレスとファイアウォールを確かめてください。", addr, err),
			fmt.Sprintf("Cannot reach the server at %s: %v. Check that it runs, its listen address and the firewall.", addr, err)}}
	}
	resp.Body.Close()
	out := []Finding{{LevelOK, "listener", fmt.Sprintf("サーバー %s: 応答あり（TLS 1.3、鍵はこのデータフォルダのもの）", addr),
		fmt.Sprintf("server at %s: answers (TLS 1.3, the key of this data folder)", addr)}}
	if date, err := http.ParseTime(resp.Header.Get("Date")); err == nil {
		out = append(out, skew("サーバー "+addr, "the server at "+addr, date, now(), maxSkew+time.Second))
	}
	return out
}

// Failed reports whether any finding is an error.
func Failed(fs []Finding) bool {
	for _, f := range fs {
		if f.Level == LevelError {
			return true
		}
	}
	return false
}

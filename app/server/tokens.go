package server

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// ErrTokenNotImported: a running server did not take a token request in
// time, or refused it.
var ErrTokenNotImported = errors.New("token request not imported by the running server")

// A server on the embedded store locks its folder, so `server enroll`
// cannot add a token to the store while it runs. It writes a token request
// into DATA/tokens instead (a file with the token's hash, never the token,
// mode 0600); the running server polls the folder every second, adds each
// request to the store and removes the file, or renames it to *.failed.
const (
	tokensDir     = "tokens"
	tokenExt      = ".tok"
	failedExt     = ".failed"
	maxTokenFile  = 1024
	PollInterval  = time.Second
	importTimeout = 15 * time.Second
)

// tokenRequest is a token request file.
type tokenRequest struct {
	Hash    []byte    `json:"hash"`
	Expires time.Time `json:"expires"`
	// FirstAdmin asks for a first-admin token (refused once the office
	// has an admin).
	FirstAdmin bool `json:"first_admin,omitempty"`
}

// NewTokenFor makes a new token for this server's office, valid until
// expires, and returns it with the central.Token to store.
func (id *Identity) NewTokenFor(now, expires time.Time) ([32]byte, central.Token) {
	tok := NewToken()
	return tok, central.Token{Hash: TokenHash(tok), Office: id.Office, Created: now, Expires: expires}
}

// AddToken stores a token in st for the identity's office, creating the
// office first when the store has none (EnsureOffice).
func AddToken(ctx context.Context, st central.Store, id *Identity, t central.Token) error {
	if err := EnsureOffice(ctx, st, id, t.Created); err != nil {
		return err
	}
	if t.FirstAdmin {
		has, err := HasAdmin(ctx, st, id.Office)
		if err != nil {
			return err
		}
		if has {
			return ErrAdminExists
		}
	}
	t.Office = id.Office
	return st.AddToken(ctx, t)
}

// OfficeDevice is the id of the placeholder device that creates the
// office in the central store: the store creates an office only when a
// device enrolls with a founding token, and every code the server issues
// must name the office, so that two codes issued before the first PC
// enrolled both work. It carries the server certificate's fingerprint, is
// revoked at once and can never connect (its id is no certificate's
// subject, and the server certificate is not one for client auth).
const OfficeDevice = "server"

// EnsureOffice creates the identity's office in st if it does not exist.
func EnsureOffice(ctx context.Context, st central.Store, id *Identity, now time.Time) error {
	if now.IsZero() {
		now = time.Now()
	}
	if _, err := st.Devices(ctx, id.Office); !errors.Is(err, central.ErrNotFound) {
		return err
	}
	tok := NewToken()
	if err := st.AddToken(ctx, central.Token{Hash: TokenHash(tok), Created: now, Expires: now.Add(time.Minute)}); err != nil {
		return err
	}
	sum := sha256.Sum256(id.Cert.Certificate[0])
	_, err := st.Enroll(ctx, TokenHash(tok), central.Device{
		Office: id.Office, ID: OfficeDevice, Name: "サーバー（窓口の作成）", CertSHA256: sum[:], Created: now,
	}, now)
	if errors.Is(err, central.ErrConflict) {
		return nil // another process created it first
	}
	if err != nil {
		return err
	}
	return st.Revoke(ctx, id.Office, OfficeDevice, now)
}

// RequestToken writes a token request for the running server of dataDir
// and waits until it has been imported (or ctx ends, or 15 s pass).
func RequestToken(ctx context.Context, dataDir string, t central.Token) error {
	dir := filepath.Join(dataDir, tokensDir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	raw, err := json.Marshal(tokenRequest{Hash: t.Hash, Expires: t.Expires.UTC(), FirstAdmin: t.FirstAdmin})
	if err != nil {
		return err
	}
	name, err := randomID("")
	if err != nil {
		return err
	}
	path := filepath.Join(dir, name+tokenExt)
	tmp := filepath.Join(dir, name+".tmp")
	if err := writeFile(tmp, raw); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	deadline := time.NewTimer(importTimeout)
	defer deadline.Stop()
	tick := time.NewTicker(PollInterval / 10)
	defer tick.Stop()
	for {
		if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
			if _, err := os.Stat(path + failedExt); err == nil {
				os.Remove(path + failedExt)
				return fmt.Errorf("refused by the server: %w", ErrTokenNotImported)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			os.Remove(path)
			return ctx.Err()
		case <-deadline.C:
			os.Remove(path)
			return fmt.Errorf("no answer in %v: %w", importTimeout, ErrTokenNotImported)
		case <-tick.C:
		}
	}
}

// WatchTokens imports the token requests of dataDir into the store every
// interval until ctx ends.
func (s *Server) WatchTokens(ctx context.Context, dataDir string, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		s.ImportTokens(ctx, dataDir)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// ImportTokens imports the token requests waiting in dataDir once.
func (s *Server) ImportTokens(ctx context.Context, dataDir string) {
	dir := filepath.Join(dataDir, tokensDir)
	fi, err := os.Stat(dir)
	if err != nil {
		if !errors.Is(err, fs.ErrNotExist) {
			s.logf("token requests: %v", err)
		}
		return
	}
	if othersMayWrite(fi) {
		s.logf("token requests: %s may be written by other users (mode %v); ignored until it is 0700", dir, fi.Mode().Perm())
		return
	}
	ents, err := os.ReadDir(dir)
	if err != nil {
		s.logf("token requests: %v", err)
		return
	}
	for _, e := range ents {
		if !e.Type().IsRegular() || !strings.HasSuffix(e.Name(), tokenExt) {
			continue
		}
		path := filepath.Join(dir, e.Name())
		if err := s.importToken(ctx, path); err != nil {
			s.logf("token request %s refused: %v", e.Name(), err)
			if rerr := os.Rename(path, path+failedExt); rerr != nil {
				os.Remove(path)
			}
			continue
		}
		os.Remove(path)
	}
}

func (s *Server) importToken(ctx context.Context, path string) error {
	fi, err := os.Lstat(path)
	if err != nil {
		return err
	}
	if !fi.Mode().IsRegular() || othersMayWrite(fi) {
		return fmt.Errorf("not a regular file of mode 0600 (%v)", fi.Mode())
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	req, err := DecodeTokenRequest(raw)
	if err != nil {
		return err
	}
	return AddToken(ctx, s.Store, s.ID, central.Token{Hash: req.Hash, Created: s.now(), Expires: req.Expires, FirstAdmin: req.FirstAdmin})
}

// DecodeTokenRequest decodes a token request file strictly.
func DecodeTokenRequest(raw []byte) (tokenRequest, error) {
	var req tokenRequest
	if len(raw) > maxTokenFile {
		return req, fmt.Errorf("token request of %d bytes", len(raw))
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		return req, fmt.Errorf("token request: %v", err)
	}
	if dec.More() {
		return req, errors.New("data after the token request")
	}
	if len(req.Hash) != 32 || req.Expires.IsZero() {
		return req, errors.New("token request without a 32-byte hash and an expiry")
	}
	return req, nil
}

// othersMayWrite reports whether users other than the owner may write the
// file or folder (on Windows, whose mode bits say nothing of that, never).
func othersMayWrite(fi fs.FileInfo) bool {
	return runtime.GOOS != "windows" && fi.Mode().Perm()&0o022 != 0
}

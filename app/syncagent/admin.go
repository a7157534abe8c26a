package syncagent

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/server"
	"github.com/madoguchi-jp/madoguchi/app/syncclient"
)

// asAdmin runs fn with the loop's server session, for an
// administrator's operation: the person must be an administrator on this
// PC (office's role, else office.ErrForbidden) and on the server (else
// syncclient.ErrForbidden). A session the server no longer knows (it
// restarted) is replaced once.
func (a *Agent) asAdmin(ctx context.Context, fn func(l *loop, se syncclient.Session) error) error {
	if !a.enrolled {
		return fmt.Errorf("%s: %w", a.dir, syncclient.ErrNotEnrolled)
	}
	a.mu.Lock()
	l := a.loop
	a.mu.Unlock()
	if l == nil {
		return office.ErrNotLoggedIn
	}
	if !l.s.HasRole(office.RoleAdmin) {
		return office.ErrForbidden
	}
	a.clientMu.RLock()
	defer a.clientMu.RUnlock()
	r := &run{o: a.o, s: l.s, creds: a.creds, cl: a.cl, login: l.login, au: l.au, now: a.opt.now,
		session: &l.session, sessionMu: &l.smu}
	for attempt := 0; ; attempt++ {
		se, err := r.serverSession(ctx, a.o.Replica(l.s))
		if err != nil {
			return err
		}
		if !se.Admin {
			return fmt.Errorf("server session of a non-administrator: %w: %w", syncclient.ErrRefused, syncclient.ErrForbidden)
		}
		err = fn(l, se)
		if errors.Is(err, syncclient.ErrSession) && attempt == 0 {
			r.dropSession(se)
			continue
		}
		return err
	}
}

// Devices lists the office's PCs as the server knows them (enrollment,
// last contact, revocation), this PC marked This. An administrator's
// session only.
func (a *Agent) Devices(ctx context.Context) ([]Device, error) {
	var out []Device
	err := a.asAdmin(ctx, func(_ *loop, se syncclient.Session) error {
		ds, err := a.cl.Devices(ctx, se)
		if err != nil {
			return err
		}
		out = make([]Device, 0, len(ds))
		for _, d := range ds {
			out = append(out, Device{ID: d.ID, Name: d.Name, Created: d.Enrolled, LastContact: d.LastContact,
				Revoked: d.Revoked, This: d.ID == a.creds.Device})
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	return out, nil
}

// IssueCode asks the server for an enrollment code for a new PC, valid
// for expires (0: 24 hours; from 10 minutes to 7 days, else
// syncclient.ErrBadCodeLife). An administrator's session only.
func (a *Agent) IssueCode(ctx context.Context, expires time.Duration) (IssuedCode, error) {
	var ic IssuedCode
	err := a.asAdmin(ctx, func(_ *loop, se syncclient.Session) error {
		ans, err := a.cl.IssueCode(ctx, se, expires)
		if err != nil {
			return err
		}
		ic = IssuedCode{Code: ans.Code, Expires: ans.Expires, Server: ans.Name, Pin: pinText(a.creds.Pin)}
		return nil
	})
	if err != nil {
		return IssuedCode{}, fmt.Errorf("issue an enrollment code: %w", err)
	}
	return ic, nil
}

// Revoke revokes the PC deviceID: the server refuses it from its next
// request, and the revocation, signed into the office's user table by
// the administrator on this PC, goes to the server, where the revoked PC
// receives it, checks the signature and wipes its vault. As `madoguchi
// devices revoke` does; then a sync runs. This PC cannot revoke itself
// (syncclient.ErrOwnDevice).
func (a *Agent) Revoke(ctx context.Context, deviceID string) error {
	if a.enrolled && deviceID == a.creds.Device {
		return fmt.Errorf("revoke %s: %w", deviceID, syncclient.ErrOwnDevice)
	}
	err := a.asAdmin(ctx, func(l *loop, se syncclient.Session) error {
		if err := a.cl.RevokeDevice(ctx, se, deviceID); err != nil {
			return fmt.Errorf("on the server: %w", err)
		}
		if err := a.o.RevokeDevice(ctx, l.s, deviceID); err != nil {
			return fmt.Errorf("in the user table: %w", err)
		}
		table, serial, err := a.o.SignedTable(ctx, l.s)
		if err != nil {
			return err
		}
		if err := a.cl.PutTable(ctx, se, server.TableMessage{Serial: serial, Data: table}); err != nil {
			return fmt.Errorf("send the user table: %w", err)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("revoke %s: %w", deviceID, err)
	}
	a.logf("device %s revoked", deviceID)
	a.SyncNow()
	return nil
}

// Preview reads an enrollment code without using it (no network), for
// the person joining a PC to check the server's address and pin. A
// mistyped code gives an error that wraps server.ErrBadCode (Message
// says so).
func Preview(code string) (CodeInfo, error) {
	c, err := server.ParseCode(code)
	if err != nil {
		return CodeInfo{}, fmt.Errorf("read the enrollment code: %w", err)
	}
	return CodeInfo{Addr: c.Addr, Pin: pinText(c.Pin)}, nil
}

// pinText is a pin as `madoguchi server init` prints it.
func pinText(pin [32]byte) string {
	return base64.RawURLEncoding.EncodeToString(pin[:])
}

// Join makes a new PC's vault in dir from the central server of code: the
// PC enrolls as name (its key made here), takes the office's signed user
// table and makes the vault from it (office.Join). It returns the office
// name on the server. A join cut after the enrollment (no user table on
// the server yet, no connection) goes on from there when called again
// with the same dir, and the code, used up, is not used again. The
// enrollment is written into the vault's access log at the first sync of
// a person logged in on it (Start), which also brings the records.
func Join(ctx context.Context, dir, code, name string) (string, error) {
	if office.Exists(dir) {
		return "", office.ErrVaultExists
	}
	if name == "" {
		if h, err := os.Hostname(); err == nil && h != "" {
			name = h
		} else {
			name = "PC"
		}
	}
	creds, err := syncclient.Load(dir)
	switch {
	case err == nil:
		// The code was used by the join that stopped: this folder holds
		// the PC's keys.
	case errors.Is(err, syncclient.ErrNotEnrolled):
		if creds, err = syncclient.Enroll(ctx, dir, code, name); err != nil {
			return "", fmt.Errorf("join: %w", err)
		}
	default:
		return "", fmt.Errorf("join: %w", err)
	}
	cl := syncclient.New(creds)
	defer cl.Close()
	m, err := cl.Table(ctx)
	if err != nil {
		return "", fmt.Errorf("join: %w", err)
	}
	if err := syncclient.MarkJoined(dir); err != nil {
		return "", err
	}
	if err := office.Join(dir, m.Data); err != nil {
		return "", fmt.Errorf("join: %w", err)
	}
	return creds.Name, nil
}

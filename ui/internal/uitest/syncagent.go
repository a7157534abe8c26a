package uitest

import (
	"context"
	"sync"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
)

// Agent stands for the sync agent in the window's tests: it records the
// calls, and Set moves it to a new status, calling the subscribers on the
// caller's goroutine (the test's, which stands for the agent's).
type Agent struct {
	mu     sync.Mutex
	status syncagent.Status
	subs   map[int]func(syncagent.Status)
	nextID int

	// Starts are the Start calls, with a copy of the password as it was
	// during the call; Passwords the slices passed (the caller clears
	// them afterwards).
	Starts    []AgentStart
	Passwords [][]byte
	SyncNows  int
	Stops     int
	// StopErr is what Stop returns; StopWait, when set, is waited for in
	// Stop (a slow last sync).
	StopErr  error
	StopWait chan struct{}

	// Devices is the office's PCs; Code the code IssueCode returns;
	// Issued the validities asked for; RevokedIDs the revoked devices;
	// Err, when set, fails the administrator's calls.
	DeviceList []syncagent.Device
	Code       syncagent.IssuedCode
	Issued     []time.Duration
	RevokedIDs []string
	Err        error
}

// AgentStart is one Start call.
type AgentStart struct {
	Session  *office.Session
	Login    string
	Password string
}

// NewAgent returns a fake agent with status st.
func NewAgent(st syncagent.Status) *Agent {
	return &Agent{status: st, subs: map[int]func(syncagent.Status){}}
}

// Set moves the agent to st and tells the subscribers.
func (a *Agent) Set(st syncagent.Status) {
	a.mu.Lock()
	a.status = st
	subs := make([]func(syncagent.Status), 0, len(a.subs))
	for _, fn := range a.subs {
		subs = append(subs, fn)
	}
	a.mu.Unlock()
	for _, fn := range subs {
		fn(st)
	}
}

// Subscribers counts the subscriptions not cancelled.
func (a *Agent) Subscribers() int {
	a.mu.Lock()
	defer a.mu.Unlock()
	return len(a.subs)
}

// Status implements the agent.
func (a *Agent) Status() syncagent.Status {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.status
}

// Subscribe implements the agent.
func (a *Agent) Subscribe(fn func(syncagent.Status)) func() {
	a.mu.Lock()
	defer a.mu.Unlock()
	id := a.nextID
	a.nextID++
	a.subs[id] = fn
	return func() {
		a.mu.Lock()
		defer a.mu.Unlock()
		delete(a.subs, id)
	}
}

// SyncNow implements the agent.
func (a *Agent) SyncNow() {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.SyncNows++
}

// Start implements the agent.
func (a *Agent) Start(s *office.Session, login string, password []byte) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.Starts = append(a.Starts, AgentStart{Session: s, Login: login, Password: string(password)})
	a.Passwords = append(a.Passwords, password)
}

// Stop implements the agent.
func (a *Agent) Stop(ctx context.Context) error {
	if a.StopWait != nil {
		select {
		case <-a.StopWait:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.Stops++
	return a.StopErr
}

// Devices implements the agent.
func (a *Agent) Devices(context.Context) ([]syncagent.Device, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]syncagent.Device(nil), a.DeviceList...), a.Err
}

// IssueCode implements the agent.
func (a *Agent) IssueCode(_ context.Context, expires time.Duration) (syncagent.IssuedCode, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.Issued = append(a.Issued, expires)
	return a.Code, a.Err
}

// Revoke implements the agent.
func (a *Agent) Revoke(_ context.Context, device string) error {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.Err != nil {
		return a.Err
	}
	a.RevokedIDs = append(a.RevokedIDs, device)
	for i := range a.DeviceList {
		if a.DeviceList[i].ID == device {
			a.DeviceList[i].Revoked = true
		}
	}
	return nil
}

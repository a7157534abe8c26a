// Package syncview is what the window shows of sync with the central
// server: the indicator of the top bar (同期済み, 未送信, オフライン, 同期中,
// 競合, エラー) with its menu, the 競合 screen where a person settles the
// fields two PCs changed apart, and the administrator's 端末 screen (the
// enrolled PCs, enrollment codes, revoking a PC). It talks to the sync
// agent through Agent and to app/office for the records; it never blocks
// the UI goroutine on either.
package syncview

import (
	"context"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/ui/widgets"
)

// Agent is the background sync of one PC's vault as the window uses it
// (syncagent's agent implements it). The window calls Status, Subscribe,
// the cancel it returns and SyncNow on the UI goroutine, so they must not
// wait; Start right after the office login on the login's worker
// goroutine (it may derive a key from the password); Stop, Devices,
// IssueCode and Revoke, which wait for the server, through its runner.
type Agent interface {
	// Status is the current state of sync.
	Status() syncagent.Status
	// Subscribe calls fn with every new status, from another goroutine,
	// until cancel is called.
	Subscribe(fn func(syncagent.Status)) (cancel func())
	// SyncNow asks for a sync at once; it does not wait for it.
	SyncNow()
	// Start begins syncing for the session that just logged in; the
	// caller clears password afterwards.
	Start(s *office.Session, login string, password []byte)
	// Stop ends the background sync at logout after one last sync
	// bounded by ctx.
	Stop(ctx context.Context) error
	// Devices lists the office's enrolled PCs (administrators).
	Devices(ctx context.Context) ([]syncagent.Device, error)
	// IssueCode issues an enrollment code valid for expires
	// (administrators).
	IssueCode(ctx context.Context, expires time.Duration) (syncagent.IssuedCode, error)
	// Revoke revokes an enrolled PC (administrators): its vault is wiped
	// when it next connects.
	Revoke(ctx context.Context, device string) error
}

// Host is what the sync screens need from the window (the shell): the
// screens' usual host plus the agent and the sentence for its errors.
type Host interface {
	widgets.Env
	// Agent is the PC's sync agent.
	Agent() Agent
	// SyncMessage is the sentence the window shows for a sync error.
	SyncMessage(err error) string
}

// Screens are the sync screens: 競合 for everyone who syncs (the office
// decides which records each person sees and may settle) and 端末 for
// administrators. The shell lists them only when the PC syncs.
func Screens() []widgets.Screen[Host] {
	return []widgets.Screen[Host]{
		{Key: "conflicts", Title: "競合", Allowed: widgets.May(office.PermSync), Build: buildConflicts},
		{Key: "devices", Title: "端末", Allowed: widgets.May(office.PermUsers), Build: buildDevices},
	}
}

// tr translates (widgets.T).
func tr(key string, args ...any) string { return widgets.T(key, args...) }

package syncview

import (
	"errors"
	"testing"
	"time"

	"fyne.io/fyne/v2"

	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncagent"
	"github.com/madoguchi-jp/madoguchi/ui/internal/uitest"
)

func TestMain(m *testing.M) { uitest.Main(m) }

// errOffline stands for an agent's error; sentence is the agent's
// sentence for it (Message).
var errOffline = errors.New("dial tcp 192.0.2.1:7443: i/o timeout")

func sentence(err error) string {
	if errors.Is(err, errOffline) {
		return "サーバーに接続できません。ネットワークを確かめてください。"
	}
	return "サーバーが変更の一部を渡しませんでした。管理者に連絡してください。"
}

// testHost is the shell's host for the sync screens: uitest's host with
// the fake agent.
type testHost struct {
	*uitest.Host
	agent *uitest.Agent
}

func (h testHost) Agent() Agent                 { return h.agent }
func (h testHost) SyncMessage(err error) string { return sentence(err) }

var _ Host = testHost{}

// newHost is a host for s on a test window of size with the fake agent.
func newHost(f *uitest.Office, s *office.Session, size fyne.Size, a *uitest.Agent) testHost {
	return testHost{Host: f.Host(s, size), agent: a}
}

// officeDevices are the PCs the fake agent lists.
func officeDevices() []syncagent.Device {
	at := func(d, h int) time.Time { return time.Date(2026, 9, d, h, 0, 0, 0, time.UTC) }
	return []syncagent.Device{
		{ID: "dev-a1", Name: "本庁舎 受付PC", Created: at(1, 0), LastContact: at(30, 23), This: true},
		{ID: "dev-b2", Name: "相談室A ノートPC", Created: at(3, 1), LastContact: at(30, 8)},
		{ID: "dev-c3", Name: "出張相談用 ノートPC", Created: at(10, 2)},
		{ID: "dev-d4", Name: "旧 受付PC", Created: at(1, 1), LastContact: at(5, 7), Revoked: true},
	}
}

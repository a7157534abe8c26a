package syncer_test

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/madoguchi-jp/madoguchi/app/audit"
	"github.com/madoguchi-jp/madoguchi/app/office"
	"github.com/madoguchi-jp/madoguchi/app/syncer"
	"github.com/madoguchi-jp/madoguchi/app/syncproto"
)

// answerLost is a server whose answer to the first push is lost after it
// stored the push.
type answerLost struct {
	syncer.Remote
	lost bool
}

var errAnswerLost = errors.New("push answer lost (test)")

func (a *answerLost) Push(ctx context.Context, req *syncproto.PushRequest) (*syncproto.PushResponse, error) {
	resp, err := a.Remote.Push(ctx, req)
	if err == nil && !a.lost {
		a.lost = true
		return nil, errAnswerLost
	}
	return resp, err
}

// deviceLog checks that p's person login sees device's access log,
// verified, and returns it.
func deviceLog(t *testing.T, p *pc, login, device string) []audit.Event {
	t.Helper()
	ctx := context.Background()
	s := p.login(login)
	logs, err := p.o.DeviceLogs(ctx, s)
	if err != nil {
		t.Fatalf("%s: DeviceLogs: %v", p.name, err)
	}
	i := slices.IndexFunc(logs, func(l office.DeviceLog) bool { return l.Device == device })
	if i < 0 || !logs[i].Verified || logs[i].Broken != nil || logs[i].Events == 0 {
		t.Fatalf("%s: DeviceLogs %+v, want %s verified", p.name, logs, device)
	}
	evs, err := p.o.DeviceLog(ctx, s, device)
	if err != nil || len(evs) != logs[i].Events {
		t.Fatalf("%s: DeviceLog %s: %d events of %d, %v", p.name, device, len(evs), logs[i].Events, err)
	}
	for j, e := range evs {
		if e.Seq != uint64(j+1) || e.Device != device {
			t.Fatalf("%s: event %d of %s is %+v", p.name, j, device, e)
		}
	}
	if !logs[i].First.Equal(evs[0].At) || !logs[i].Last.Equal(evs[len(evs)-1].At) {
		t.Fatalf("%s: %s from %v to %v, the events from %v to %v", p.name, device, logs[i].First, logs[i].Last, evs[0].At, evs[len(evs)-1].At)
	}
	return evs
}

func TestAccessLogsSyncToTheSupervisor(t *testing.T) {
	ctx := context.Background()
	c := startCentral(t)
	a := founder(t, c)
	if err := a.o.AddUser(ctx, a.login("kanri"), office.NewUser{Login: "kantoku", Name: "監督 三郎",
		Roles: []office.Role{office.RoleSupervisor}, Password: []byte(staffPW)}); err != nil {
		t.Fatal(err)
	}
	biz := a.newBusiness("kanri", "監査同期商店", "カンサドウキショウテン", "03-5555-0501")
	mustSync(t, a, "kanri")

	b := join(t, c, "B")
	mustSync(t, b, "kantoku")
	devA := a.o.Device()
	evs := deviceLog(t, b, "kantoku", devA)
	// The events as A's log holds them, from the first one on.
	own, err := a.o.AuditEvents(ctx, a.login("kanri"), audit.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if evs[0].Action != audit.ActInit || len(own) < len(evs) || !reflect.DeepEqual(own[:len(evs)], evs) ||
		!slices.ContainsFunc(evs, func(e audit.Event) bool { return e.Object == biz.ID }) {
		t.Fatalf("A's log on B: %+v\nA's own: %+v", evs, own)
	}
	// The supervisor's log on B does not list B itself.
	if logs, err := b.o.DeviceLogs(ctx, b.login("kantoku")); err != nil || len(logs) != 1 {
		t.Fatalf("DeviceLogs on B: %+v %v", logs, err)
	}

	// A push whose answer is lost, and a version made before it is sent
	// again: the same versions and events go again, byte for byte.
	a.newBusiness("kanri", "監査同期二号店", "カンサドウキニゴウテン", "03-5555-0502")
	if _, err := a.syncWith("kanri", func(r syncer.Remote) syncer.Remote { return &answerLost{Remote: r} }); !errors.Is(err, errAnswerLost) {
		t.Fatalf("sync with the answer lost: %v", err)
	}
	a.newBusiness("kanri", "監査同期三号店", "カンサドウキサンゴウテン", "03-5555-0503")
	if r := mustSync(t, a, "kanri"); r.Duplicates == 0 {
		t.Fatalf("the push sent again was not found stored: %+v", r)
	}
	mustSync(t, b, "kantoku")
	if more := deviceLog(t, b, "kantoku", devA); len(more) <= len(evs) {
		t.Fatalf("A's log on B: %d events, before %d", len(more), len(evs))
	}
	sameSnapshots(t, a, b)

	// And the other way: A's admin sees B's log.
	mustSync(t, b, "kantoku")
	mustSync(t, a, "kanri")
	bevs := deviceLog(t, a, "kanri", b.o.Device())
	if !slices.ContainsFunc(bevs, func(e audit.Event) bool { return e.Action == audit.ActDeviceLog && e.User == "kantoku" }) {
		t.Fatalf("B's log on A lacks the supervisor's reading: %+v", bevs)
	}
	// Reception may not read them.
	if _, err := a.o.DeviceLogs(ctx, a.login("uketsuke")); !errors.Is(err, office.ErrForbidden) {
		t.Fatalf("reception: %v", err)
	}
}

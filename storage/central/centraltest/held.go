package centraltest

import (
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// HeldPush shows, step by step, the order that makes polling safe. setHook
// installs a function that the backend calls inside a push after the push
// has taken its cursors and before it commits (nil removes it). The first
// push, through a, is held there. Meanwhile a second push of another
// device, through b, must not return (it would have taken higher cursors
// and could commit first), and reader must see no envelope. Once released,
// both commit, the first's envelopes at cursors 1–3 and the second's at 4–5.
func HeldPush(t *testing.T, a, b, reader central.Store, setHook func(func())) {
	t.Helper()
	ctx := t.Context()
	d := found(t, a)
	d2 := join(t, a, d.office, "dev-2")
	entered, release := make(chan struct{}), make(chan struct{})
	var once sync.Once
	setHook(func() {
		first := false
		once.Do(func() { first = true })
		if first {
			close(entered)
			<-release
		}
	})
	defer setHook(nil)
	released := false
	defer func() {
		if !released {
			close(release)
		}
	}()

	ba, bb := d.batch("A", 3, 0), d2.batch("B", 2, 0)
	aDone, bDone := make(chan error, 1), make(chan error, 1)
	go func() { _, err := a.Push(ctx, ba); aDone <- err }()
	select {
	case <-entered:
	case err := <-aDone:
		t.Fatalf("the first push returned (%v) without reaching the hook", err)
	case <-time.After(10 * time.Second):
		t.Fatal("the first push did not reach the hook")
	}
	go func() { _, err := b.Push(ctx, bb); bDone <- err }()
	select {
	case err := <-bDone:
		t.Fatalf("the second push returned (%v) while the first held its cursors", err)
	case <-time.After(300 * time.Millisecond):
	}
	p, err := reader.Pull(ctx, d.office, 0, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Envelopes) != 0 {
		t.Fatalf("the reader saw %d envelopes (first cursor %d) while the first push was held", len(p.Envelopes), p.Envelopes[0].Cursor)
	}
	close(release)
	released = true
	for _, ch := range []chan error{aDone, bDone} {
		if err := <-ch; err != nil {
			t.Fatal(err)
		}
	}
	wantEnvelopes(t, pullAll(t, reader, d.office, 0, 0), append(ba.Envelopes, bb.Envelopes...), 1)
}

package centraltest

import (
	"bytes"
	"errors"
	"fmt"
	"math"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// tableOf builds the test's table of a serial: the same bytes for the same
// serial and note.
func tableOf(serial uint64, note, device string, at time.Time) central.Table {
	return central.Table{Serial: serial, Data: []byte(fmt.Sprintf("signed user table %d %s", serial, note)), Device: device, At: at}
}

func sameTable(a, b central.Table) bool {
	return a.Serial == b.Serial && bytes.Equal(a.Data, b.Data) && a.Device == b.Device && a.At.Equal(b.At)
}

func wantTable(tb testing.TB, s central.Store, office string, want central.Table) {
	tb.Helper()
	got, err := s.Table(tb.Context(), office)
	if err != nil {
		tb.Fatalf("Table: %v", err)
	}
	want.At = central.Time(want.At)
	if !sameTable(got, want) {
		tb.Fatalf("table: serial %d, device %s, at %v, %q; want serial %d, device %s, at %v, %q",
			got.Serial, got.Device, got.At, got.Data, want.Serial, want.Device, want.At, want.Data)
	}
}

// testTable: the office's user table only moves to a higher serial; the
// same table again changes nothing; a lower serial or another table at
// the stored serial is refused naming the stored serial.
func testTable(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := t.Context()
	d := found(t, s)
	o := d.office
	now := time.Now()

	_, err := s.Table(ctx, o)
	wantErr(t, err, central.ErrNotFound, "the table of an office without one")

	t1 := tableOf(1, "first", "dev-1", now)
	if err := s.PutTable(ctx, o, t1); err != nil {
		t.Fatalf("first table: %v", err)
	}
	wantTable(t, s, o, t1)

	// The same table again, from another device later: no change.
	again := t1
	again.Device, again.At = "dev-2", now.Add(time.Minute)
	if err := s.PutTable(ctx, o, again); err != nil {
		t.Fatalf("the same table again: %v", err)
	}
	wantTable(t, s, o, t1)

	// A higher serial replaces it, also past a gap.
	t1000 := tableOf(1000, "later", "dev-2", now.Add(time.Hour))
	if err := s.PutTable(ctx, o, t1000); err != nil {
		t.Fatalf("higher serial: %v", err)
	}
	wantTable(t, s, o, t1000)
	if err := s.PutTable(ctx, o, t1000); err != nil {
		t.Fatalf("the stored table again: %v", err)
	}
	wantTable(t, s, o, t1000)

	// A lower serial, and another table at the stored serial: refused.
	err = s.PutTable(ctx, o, t1)
	wantErrNaming(t, err, central.ErrConflict, "a lower serial", "1000")
	err = s.PutTable(ctx, o, tableOf(999, "older", "dev-1", now))
	wantErrNaming(t, err, central.ErrConflict, "a serial one below", "1000")
	err = s.PutTable(ctx, o, tableOf(1000, "fork", "dev-1", now))
	wantErrNaming(t, err, central.ErrConflict, "the stored serial with other bytes", "1000")
	longer := t1000
	longer.Data = append(bytes.Clone(t1000.Data), 0)
	wantErr(t, s.PutTable(ctx, o, longer), central.ErrConflict, "the stored serial with a byte more")
	wantTable(t, s, o, t1000)

	// Another office has its own table.
	d2 := found(t, s)
	_, err = s.Table(ctx, d2.office)
	wantErr(t, err, central.ErrNotFound, "the table of the other office")
	t5 := tableOf(5, "other office", "dev-1", time.Time{})
	if err := s.PutTable(ctx, d2.office, t5); err != nil {
		t.Fatal(err)
	}
	wantTable(t, s, d2.office, t5)
	wantTable(t, s, o, t1000)

	// Unknown offices.
	wantErr(t, s.PutTable(ctx, "no-such-office", t1), central.ErrNotFound, "the table of an unknown office")
	_, err = s.Table(ctx, "no-such-office")
	wantErr(t, err, central.ErrNotFound, "reading the table of an unknown office")

	// Invalid input, refused before anything is compared.
	for name, c := range map[string]struct {
		office string
		t      central.Table
	}{
		"serial 0":            {o, central.Table{Data: []byte("t"), Device: "dev-1"}},
		"serial beyond int64": {o, central.Table{Serial: math.MaxInt64 + 1, Data: []byte("t"), Device: "dev-1"}},
		"no data":             {o, central.Table{Serial: 2000, Device: "dev-1"}},
		"too much data":       {o, central.Table{Serial: 2000, Data: make([]byte, central.MaxTable+1), Device: "dev-1"}},
		"no device":           {o, central.Table{Serial: 2000, Data: []byte("t")}},
		"invalid device":      {o, central.Table{Serial: 2000, Data: []byte("t"), Device: "dev 1"}},
		"no office":           {"", central.Table{Serial: 2000, Data: []byte("t"), Device: "dev-1"}},
		"invalid office":      {"office\x00", central.Table{Serial: 2000, Data: []byte("t"), Device: "dev-1"}},
	} {
		wantErr(t, s.PutTable(ctx, c.office, c.t), central.ErrInvalid, name)
	}
	_, err = s.Table(ctx, "a b")
	wantErr(t, err, central.ErrInvalid, "the table of an invalid office id")
	wantTable(t, s, o, t1000)

	// The largest table and the largest serial.
	big := central.Table{Serial: math.MaxInt64, Data: randBytes(central.MaxTable), Device: "dev-1", At: now}
	if err := s.PutTable(ctx, o, big); err != nil {
		t.Fatalf("a table of MaxTable bytes: %v", err)
	}
	wantTable(t, s, o, big)
	if err := s.PutTable(ctx, o, big); err != nil {
		t.Fatalf("the largest table again: %v", err)
	}
	other := big
	other.Data = bytes.Clone(big.Data)
	other.Data[len(other.Data)-1] ^= 1
	wantErr(t, s.PutTable(ctx, o, other), central.ErrConflict, "the largest table with its last byte changed")
}

// testTableConcurrent puts serials 1–20 from eight goroutines at once,
// each in its own order, through every server the backend can open, while
// a reader checks that the serial never goes down: the table ends at 20.
// A put of 20 never fails; the others succeed or give ErrConflict.
func testTableConcurrent(t *testing.T, b Backend) {
	s := b.Open(t)
	ss := servers(t, b, s, 2)
	d := found(t, s)
	const (
		writers = 8
		serials = 20
	)
	at := time.Now()
	var done sync.WaitGroup
	stop := make(chan struct{})
	readErr := make(chan error, 1)
	go func() {
		var last uint64
		for {
			select {
			case <-stop:
				readErr <- nil
				return
			default:
			}
			got, err := ss[len(ss)-1].Table(t.Context(), d.office)
			if errors.Is(err, central.ErrNotFound) && last == 0 {
				continue
			}
			if err != nil {
				readErr <- err
				return
			}
			if got.Serial < last {
				readErr <- fmt.Errorf("the reader saw serial %d after %d", got.Serial, last)
				return
			}
			if want := tableOf(got.Serial, "", "", at); !bytes.Equal(got.Data, want.Data) {
				readErr <- fmt.Errorf("serial %d with the bytes %q", got.Serial, got.Data)
				return
			}
			last = got.Serial
			time.Sleep(50 * time.Microsecond)
		}
	}()
	errs := make(chan error, writers*serials)
	for w := 0; w < writers; w++ {
		done.Add(1)
		go func() {
			defer done.Done()
			for i := 0; i < serials; i++ {
				// Writer w starts at its own serial and goes round.
				serial := uint64((i+w*5)%serials) + 1
				err := ss[(w+i)%len(ss)].PutTable(t.Context(), d.office, tableOf(serial, "", fmt.Sprintf("dev-%d", w), at))
				switch {
				case err == nil:
				case serial == serials:
					errs <- fmt.Errorf("writer %d: the put of serial %d: %w", w, serial, err)
				case !errors.Is(err, central.ErrConflict):
					errs <- fmt.Errorf("writer %d: serial %d: %w", w, serial, err)
				}
			}
		}()
	}
	done.Wait()
	close(stop)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if err := <-readErr; err != nil {
		t.Fatal(err)
	}
	got, err := s.Table(t.Context(), d.office)
	if err != nil || got.Serial != serials || !bytes.Equal(got.Data, tableOf(serials, "", "", at).Data) {
		t.Fatalf("after the race: serial %d, %q, %v; want serial %d", got.Serial, got.Data, err, serials)
	}
}

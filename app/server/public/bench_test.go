package public

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/bookingproto"
)

// BenchmarkBooking sends booking requests from 16 browsers at once through
// the whole page (CSRF, checks, HPKE seal, the slot hold, the embedded
// store) and reports requests per second and the 99th percentile latency.
func BenchmarkBooking(b *testing.B) {
	f := newFixture(b)
	f.site.PerMinute = 1 << 30 // one address sends everything here
	pub := *f.pub
	pub.Serial = 2
	pub.Slots = nil
	for i := range bookingproto.MaxSlots {
		pub.Slots = append(pub.Slots, bookingproto.Slot{ID: fmt.Sprintf("b-%d", i), Venue: "大会議室", VenueID: "V-2", Kind: "経営相談",
			Start: testNow.Add(48 * time.Hour), End: testNow.Add(49 * time.Hour), Capacity: bookingproto.MaxCapacity})
	}
	raw, _ := json.Marshal(pub)
	if err := f.store.PutPublication(context.Background(), testOffice, 2, raw); err != nil {
		b.Fatal(err)
	}
	const browsers = 16
	var next atomic.Int64
	lat := make([][]time.Duration, browsers)
	b.ResetTimer()
	start := time.Now()
	var wg sync.WaitGroup
	for w := range browsers {
		v := f.visitor()
		m := []string{"", v.form("b-0")}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := next.Add(1) - 1
				if i >= int64(b.N) {
					return
				}
				vals := goodValues(m[1], fmt.Sprintf("b-%d", i%int64(bookingproto.MaxSlots)))
				t0 := time.Now()
				resp, err := v.hc.PostForm(f.srv.URL+"/book", vals)
				if err != nil {
					b.Error(err)
					return
				}
				resp.Body.Close()
				lat[w] = append(lat[w], time.Since(t0))
				if resp.StatusCode != http.StatusOK {
					b.Errorf("status %d", resp.StatusCode)
					return
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	b.StopTimer()
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	slices.Sort(all)
	if len(all) > 0 {
		b.ReportMetric(float64(len(all))/elapsed.Seconds(), "req/s")
		b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99-ms")
	}
}

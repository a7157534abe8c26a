package office

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/madoguchi-jp/madoguchi/app/record"
	"github.com/madoguchi-jp/madoguchi/app/vault"
)

// These tests hold a long use case inside its slow phase through its
// progress callback, then check that other use cases answer meanwhile.
// Nothing waits for time to pass: a held use case stays held until the
// test lets it go, so a use case that needs the office's lock while it is
// held never answers, and answerWithin fails the test.

// hold is a progress callback that stops a use case at the first report
// of one step until let is called.
type hold struct {
	o       *Office
	step    Step
	inside  chan Progress // receives the report the use case is held at
	release chan struct{}
	once    sync.Once

	mu       sync.Mutex
	last     map[Step]Progress // the last report of each step
	lockHeld bool              // o.mu was held when the use case was stopped
}

// holdAt returns a context whose use case stops at its first report of step.
func holdAt(t *testing.T, o *Office, step Step) (context.Context, *hold) {
	t.Helper()
	h := &hold{o: o, step: step, inside: make(chan Progress, 1), release: make(chan struct{}), last: map[Step]Progress{}}
	t.Cleanup(h.let) // a failing test lets the use case go, so the office closes
	var first sync.Once
	ctx := WithProgress(context.Background(), func(p Progress) {
		h.mu.Lock()
		h.last[p.Step] = p
		h.mu.Unlock()
		if p.Step != step {
			return
		}
		first.Do(func() {
			if o.mu.TryLock() { // nothing else runs now: a failure means the use case holds it
				o.mu.Unlock()
			} else {
				h.mu.Lock()
				h.lockHeld = true
				h.mu.Unlock()
			}
			h.inside <- p
			<-h.release
		})
	})
	return ctx, h
}

func (h *hold) let() { h.once.Do(func() { close(h.release) }) }

// reached waits until the use case is held, or fails if it ended first.
func (h *hold) reached(t *testing.T, ended <-chan error) Progress {
	t.Helper()
	select {
	case p := <-h.inside:
		h.mu.Lock()
		defer h.mu.Unlock()
		if h.lockHeld {
			t.Fatalf("the office is locked while the use case is at %s", h.step)
		}
		return p
	case err := <-ended:
		t.Fatalf("ended before reaching %s: %v", h.step, err)
	}
	return Progress{}
}

// lastReport returns the last report of step.
func (h *hold) lastReport(step Step) Progress {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.last[step]
}

// answerWithin runs fn while a use case is held and fails the test when fn
// does not return: it is then waiting for the office's lock, which the held
// use case would be holding. The time limit only ends a broken test; a
// working office answers at once.
func answerWithin(t *testing.T, what string, fn func() error) {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- fn() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	case <-time.After(time.Minute):
		t.Fatalf("%s did not answer while a long use case ran: it waits for the office's lock", what)
	}
}

// stillRunning fails the test if the held use case has ended.
func stillRunning(t *testing.T, what string, ended <-chan error) {
	t.Helper()
	select {
	case err := <-ended:
		t.Fatalf("%s ended while held: %v", what, err)
	default:
	}
}

// importConsultations imports n confirmed consultation records of one
// business named 並行確認商店 on dates in October 2026.
func (f *fixture) importConsultations(s *Session, n int) (businessID string, ids []string) {
	f.t.Helper()
	b := f.business(s, "並行確認商店", "ヘイコウカクニンショウテン", "03-5555-0777")
	recs := make([]any, n)
	for i := range recs {
		c := &record.Consultation{BusinessID: b.ID, ConsultantID: f.staff, VenueID: f.venue,
			Date: fmt.Sprintf("2026-10-%02d", 1+i%28), Start: "10:00", End: "10:30", Mode: "窓口", Status: record.StConfirmed,
			Case: &record.ConsultationCase{Summary: fmt.Sprintf("並行して読む相談 %d", i)}}
		c.ID = record.NewID(record.KindConsultation)
		recs[i], ids = c, append(ids, c.ID)
	}
	if err := f.o.Import(context.Background(), s, recs, nil); err != nil {
		f.t.Fatalf("Import: %v", err)
	}
	return b.ID, ids
}

// searches checks that a business search and a case search answer, and a
// record is saved, while a long use case is held.
func (f *fixture) searches(t *testing.T, s *Session) {
	t.Helper()
	answerWithin(t, "Search", func() error {
		hits, err := f.o.Search(context.Background(), s, "並行確認", 10)
		if err == nil && len(hits) != 1 {
			err = fmt.Errorf("%d hits, want 1", len(hits))
		}
		return err
	})
	answerWithin(t, "SearchCases", func() error {
		_, err := f.o.SearchCases(context.Background(), s, "並行して", 5)
		return err
	})
	answerWithin(t, "SaveBusiness", func() error {
		return f.o.SaveBusiness(context.Background(), s, dummyBusiness("同時登録商店", "ドウジトウロクショウテン", "03-5555-0778"), SaveBusinessOptions{})
	})
}

func TestSearchAnswersWhileStatisticsCount(t *testing.T) {
	f := newFixture(t)
	s := f.login("coord")
	f.importConsultations(s, 30)

	ctx, h := holdAt(t, f.o, StepCount)
	ended := make(chan error, 1)
	var st *Stats
	go func() {
		var err error
		st, err = f.o.Statistics(ctx, s, "FY2026")
		ended <- err
	}()
	if p := h.reached(t, ended); p.Total != 30 {
		t.Fatalf("held at %+v, want a total of 30", p)
	}
	f.searches(t, s)
	stillRunning(t, "Statistics", ended)
	h.let()
	if err := <-ended; err != nil {
		t.Fatalf("Statistics: %v", err)
	}
	if st.Consultations != 30 {
		t.Fatalf("counted %d consultations, want 30", st.Consultations)
	}
	if p := h.lastReport(StepCount); p.Done != 30 || p.Total != 30 {
		t.Fatalf("last progress %+v, want 30 of 30", p)
	}
	f.logout()
}

func TestSearchAnswersWhileBatchPrintRenders(t *testing.T) {
	const sheets = 200
	f := newFixture(t)
	s := f.login("coord")
	_, ids := f.importConsultations(s, sheets)

	ctx, h := holdAt(t, f.o, StepRender)
	ended := make(chan error, 1)
	var pdf []byte
	go func() {
		var err error
		pdf, err = f.o.PrintSheets(ctx, s, ids)
		ended <- err
	}()
	if p := h.reached(t, ended); p.Done != 1 || p.Total != sheets {
		t.Fatalf("held at %+v, want sheet 1 of %d", p, sheets)
	}
	f.searches(t, s)
	stillRunning(t, "PrintSheets", ended)
	h.let()
	if err := <-ended; err != nil {
		t.Fatalf("PrintSheets: %v", err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF")) {
		t.Fatal("PrintSheets returned no PDF")
	}
	for _, step := range []Step{StepRead, StepRender} {
		if p := h.lastReport(step); p.Done != sheets || p.Total != sheets {
			t.Fatalf("last %s progress %+v, want %d of %d", step, p, sheets, sheets)
		}
	}
	rows, err := f.o.Ledger(context.Background(), s)
	if err != nil || len(rows) != 1 || rows[0].Quantity != sheets {
		t.Fatalf("ledger after the print: %v %+v", err, rows)
	}
	f.logout()
}

// TestLogoutStopsWork: Logout cancels a running use case and waits for it
// to stop before it closes the store and zeroes the keys; new work is
// refused meanwhile.
func TestLogoutStopsWork(t *testing.T) {
	f := newFixture(t)
	s := f.login("coord")
	f.importConsultations(s, 5)

	ctx, h := holdAt(t, f.o, StepCount)
	ended := make(chan error, 1)
	go func() {
		_, err := f.o.Statistics(ctx, s, "FY2026")
		ended <- err
	}()
	h.reached(t, ended)
	running := workDone(f.o, s)
	if len(running) != 1 {
		t.Fatalf("%d works running, want 1", len(running))
	}
	out := make(chan error, 1)
	go func() { out <- f.o.Logout() }()
	<-running[0] // Logout has begun: it cancelled the work and now waits for it

	select {
	case err := <-out:
		t.Fatalf("Logout returned while work ran: %v", err)
	default:
	}
	if !s.keys.Has(vault.ClassCase) {
		t.Fatal("keys zeroed under running work")
	}
	answerWithin(t, "Search during logout", func() error {
		if _, err := f.o.Search(context.Background(), s, "並行", 5); !errors.Is(err, ErrNotLoggedIn) {
			return fmt.Errorf("search while logging out: %v", err)
		}
		return nil
	})
	h.let()
	if err := <-ended; !errors.Is(err, ErrSessionEnded) || !errors.Is(err, ErrNotLoggedIn) || !errors.Is(err, context.Canceled) {
		t.Fatalf("Statistics under Logout: %v", err)
	}
	if err := <-out; err != nil {
		t.Fatalf("Logout: %v", err)
	}
	if s.keys.Has(vault.ClassCase) {
		t.Fatal("keys not zeroed after Logout")
	}
	if err := f.o.Logout(); err != nil {
		t.Fatalf("second Logout: %v", err)
	}
}

// workDone returns the Done channels of the session's running work: they
// close when Logout cancels it, under the lock, after marking the session
// as ending.
func workDone(o *Office, s *Session) []<-chan struct{} {
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []<-chan struct{}
	for w := range s.works {
		out = append(out, w.ctx.Done())
	}
	return out
}

func TestCancelStopsLongWork(t *testing.T) {
	f := newFixture(t)
	s := f.login("coord")
	_, ids := f.importConsultations(s, 5)
	for name, run := range map[string]func(context.Context) error{
		"statistics": func(ctx context.Context) error { _, err := f.o.Statistics(ctx, s, "FY2026"); return err },
		"print":      func(ctx context.Context) error { _, err := f.o.PrintSheets(ctx, s, ids); return err },
		"case search": func(ctx context.Context) error {
			_, err := f.o.SearchCases(ctx, s, "並行して", 50)
			return err
		},
	} {
		ctx, cancel := context.WithCancel(context.Background())
		ctx = WithProgress(ctx, func(Progress) { cancel() })
		if err := run(ctx); !errors.Is(err, context.Canceled) {
			t.Errorf("%s after cancel: %v", name, err)
		}
	}
	rows, err := f.o.Ledger(context.Background(), s)
	if err != nil || len(rows) != 0 {
		t.Fatalf("a cancelled print left ledger rows: %v %d", err, len(rows))
	}
	if msg := Message(fmt.Errorf("x: %w", context.Canceled)); msg != "処理を中止しました。" {
		t.Fatalf("Message(canceled) = %q", msg)
	}
	f.logout()
}

// TestUseCasesRunTogether runs long and short use cases of one session at
// once, and a Logout under them, for the race detector: every one either
// succeeds or, after the Logout, says the session ended.
func TestUseCasesRunTogether(t *testing.T) {
	f := newFixture(t)
	s := f.login("coord")
	bizID, ids := f.importConsultations(s, 20)
	ctx := context.Background()
	jobs := map[string]func(i int) error{
		"statistics": func(int) error { _, err := f.o.Statistics(ctx, s, "FY2026"); return err },
		"print":      func(int) error { _, err := f.o.PrintSheets(ctx, s, ids[:5]); return err },
		"search":     func(int) error { _, err := f.o.Search(ctx, s, "並行", 10); return err },
		"case search": func(int) error {
			_, err := f.o.SearchCases(ctx, s, "並行して", 10)
			return err
		},
		"list": func(int) error { _, err := f.o.Consultations(ctx, s, ConsultationFilter{}); return err },
		"save": func(i int) error {
			c := &record.Consultation{BusinessID: bizID, ConsultantID: f.staff, Date: "2026-11-02", Start: "10:00", End: "10:30",
				Mode: "窓口", Status: record.StDraft, Case: &record.ConsultationCase{Summary: fmt.Sprintf("並行して保存 %d", i)}}
			return f.o.SaveConsultation(ctx, s, c)
		},
		"import": func(i int) error {
			c := &record.Consultation{BusinessID: bizID, ConsultantID: f.staff, Date: "2026-11-03", Start: "10:00", End: "10:30",
				Mode: "窓口", Status: record.StDraft, Case: &record.ConsultationCase{Summary: fmt.Sprintf("並行して取込 %d", i)}}
			return f.o.Import(ctx, s, []any{c}, nil)
		},
	}
	const rounds = 3
	var wg sync.WaitGroup
	errs := make(chan error, len(jobs)*rounds*2)
	started := make(chan struct{}, len(jobs))
	for name, job := range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range rounds * 2 {
				if err := job(i); err != nil && !errors.Is(err, ErrNotLoggedIn) {
					errs <- fmt.Errorf("%s: %w", name, err)
				}
				if i == rounds-1 {
					started <- struct{}{}
				}
			}
		}()
	}
	for range jobs {
		<-started // every job ran some rounds: now log out under the rest
	}
	if err := f.o.Logout(); err != nil {
		t.Fatalf("Logout: %v", err)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

package centraltest

import (
	"bytes"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/madoguchi-jp/madoguchi/storage/central"
)

// testFirstLogin: AddFirstLogin stores a login only into an office without
// one.
func testFirstLogin(t *testing.T, b Backend) {
	s := b.Open(t)
	ctx := t.Context()
	o := found(t, s).office
	v := []byte("slow hash of the auth key of kanri")

	wantErr(t, s.AddFirstLogin(ctx, "no-such-office", "kanri", v), central.ErrNotFound, "first login of an unknown office")
	wantErr(t, s.AddFirstLogin(ctx, o, "kan ri", v), central.ErrInvalid, "first login with a space")
	wantErr(t, s.AddFirstLogin(ctx, "a b", "kanri", v), central.ErrInvalid, "first login of an invalid office")
	wantErr(t, s.AddFirstLogin(ctx, o, "kanri", nil), central.ErrInvalid, "first login without a verifier")
	wantErr(t, s.AddFirstLogin(ctx, o, "kanri", make([]byte, central.MaxVerifier+1)), central.ErrInvalid, "first login with a long verifier")
	if ls, err := s.Logins(ctx, o); err != nil || len(ls) != 0 {
		t.Fatalf("logins after refused first logins: %+v, %v", ls, err)
	}

	if err := s.AddFirstLogin(ctx, o, "kanri", v); err != nil {
		t.Fatalf("first login: %v", err)
	}
	l, err := s.Login(ctx, o, "kanri")
	if err != nil || !bytes.Equal(l.Verifier, v) || l.Failures != 0 || !l.LockedUntil.IsZero() || l.Office != o || l.Login != "kanri" {
		t.Fatalf("first login stored as %+v, %v", l, err)
	}
	// A second one is refused, under another login or the same, and
	// changes nothing.
	wantErr(t, s.AddFirstLogin(ctx, o, "kanri2", []byte("other")), central.ErrConflict, "a second first login")
	wantErr(t, s.AddFirstLogin(ctx, o, "kanri", []byte("other")), central.ErrConflict, "the first login again")
	ls, err := s.Logins(ctx, o)
	if err != nil || len(ls) != 1 || ls[0].Login != "kanri" || !bytes.Equal(ls[0].Verifier, v) {
		t.Fatalf("logins after refused second first logins: %+v, %v", ls, err)
	}

	// Any login counts, also one that SetLogin stored; once the office
	// has none again, a first login is possible again.
	o2 := found(t, s).office
	if err := s.SetLogin(ctx, o2, "suzuki", v); err != nil {
		t.Fatal(err)
	}
	wantErr(t, s.AddFirstLogin(ctx, o2, "kanri", v), central.ErrConflict, "a first login after SetLogin")
	if err := s.DeleteLogin(ctx, o2, "suzuki"); err != nil {
		t.Fatal(err)
	}
	if err := s.AddFirstLogin(ctx, o2, "kanri", v); err != nil {
		t.Fatalf("first login into an office whose logins were deleted: %v", err)
	}
	// Offices are apart: the first office's login does not count for
	// a third one.
	if err := s.AddFirstLogin(ctx, found(t, s).office, "kanri", v); err != nil {
		t.Fatalf("first login of another office: %v", err)
	}
}

// testFirstLoginConcurrent races sixteen first logins of one office, each
// under its own login, through every server the backend can open: exactly
// one is stored, the others get ErrConflict. Several rounds, on new
// offices, to meet the race more than once.
func testFirstLoginConcurrent(t *testing.T, b Backend) {
	s := b.Open(t)
	ss := servers(t, b, s, 2)
	const n, rounds = 16, 5
	for round := 0; round < rounds; round++ {
		o := found(t, s).office
		start := make(chan struct{})
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := 0; i < n; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				errs[i] = ss[i%len(ss)].AddFirstLogin(t.Context(), o, fmt.Sprintf("kanri-%02d", i), []byte(fmt.Sprintf("verifier %d", i)))
			}()
		}
		close(start)
		wg.Wait()
		won := -1
		for i, err := range errs {
			switch {
			case err == nil && won >= 0:
				t.Fatalf("round %d: first logins %d and %d both stored", round, won, i)
			case err == nil:
				won = i
			case !errors.Is(err, central.ErrConflict):
				t.Fatalf("round %d: first login %d: %v, want ErrConflict", round, i, err)
			}
		}
		if won < 0 {
			t.Fatalf("round %d: no first login stored", round)
		}
		for _, st := range ss {
			ls, err := st.Logins(t.Context(), o)
			if err != nil || len(ls) != 1 || ls[0].Login != fmt.Sprintf("kanri-%02d", won) || string(ls[0].Verifier) != fmt.Sprintf("verifier %d", won) {
				t.Fatalf("round %d: logins %+v, %v; want only kanri-%02d", round, ls, err, won)
			}
		}
	}
}

package record

import "testing"

func TestOverlaps(t *testing.T) {
	for _, tc := range []struct {
		s1, e1, s2, e2 string
		want           bool
	}{
		{"10:00", "11:00", "10:30", "11:30", true},
		{"10:00", "11:00", "11:00", "12:00", false}, // touching ends
		{"9:30", "10:30", "10:00", "10:15", true},   // without the leading zero
		{"9:30", "10:00", "10:00", "11:00", false},
		{"13:00", "14:00", "10:00", "11:00", false},
	} {
		if got := Overlaps(tc.s1, tc.e1, tc.s2, tc.e2); got != tc.want {
			t.Errorf("Overlaps(%s–%s, %s–%s) = %v", tc.s1, tc.e1, tc.s2, tc.e2, got)
		}
	}
	for st, want := range map[string]bool{ResBooked: true, ResVisited: true, ResCanceled: false, ResNoShow: false} {
		if got := (&Reservation{Status: st}).Active(); got != want {
			t.Errorf("Active(%s) = %v", st, got)
		}
	}
}

package record

// Active reports whether the reservation holds its time: 予約 or 来所
// (a cancelled one does not).
func (r *Reservation) Active() bool {
	return r.Status == ResBooked || r.Status == ResVisited
}

// Overlaps reports whether the times s1–e1 and s2–e2 ("15:04", or "9:30"
// without its leading zero) overlap; touching ends do not.
func Overlaps(s1, e1, s2, e2 string) bool {
	return PadClock(s1) < PadClock(e2) && PadClock(s2) < PadClock(e1)
}

// PadClock gives "9:30" its leading zero, so that times order as strings.
func PadClock(hm string) string {
	if len(hm) == 4 {
		return "0" + hm
	}
	return hm
}

package local

import "sync"

// maxWarnings is the number of Badger warnings and errors a Store keeps.
const maxWarnings = 16

// maxWarningLen caps one kept line.
const maxWarningLen = 200

// badgerLog receives Badger's log lines and writes none of them anywhere:
// it drops info and debug lines and keeps the format strings of the last
// maxWarnings warnings and errors, never their arguments, which may hold
// keys (and keys hold index terms).
type badgerLog struct {
	mu    sync.Mutex
	lines [maxWarnings]string
	n     int // lines received so far
}

// Errorf keeps the format string of a Badger error.
func (l *badgerLog) Errorf(format string, _ ...any) { l.add("error: " + format) }

// Warningf keeps the format string of a Badger warning.
func (l *badgerLog) Warningf(format string, _ ...any) { l.add("warning: " + format) }

// Infof drops a Badger info line.
func (*badgerLog) Infof(string, ...any) {}

// Debugf drops a Badger debug line.
func (*badgerLog) Debugf(string, ...any) {}

func (l *badgerLog) add(line string) {
	if len(line) > maxWarningLen {
		line = line[:maxWarningLen]
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	l.lines[l.n%maxWarnings] = line
	l.n++
}

// kept returns the kept lines, oldest first.
func (l *badgerLog) kept() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for i := max(0, l.n-maxWarnings); i < l.n; i++ {
		out = append(out, l.lines[i%maxWarnings])
	}
	return out
}

// Warnings returns the format strings of the last warnings and errors
// Badger logged since Open (at most 16, oldest first, each cut to 200
// bytes), for diagnostics. They never hold the values Badger formats into
// them. Badger's log lines are written nowhere else.
func (s *Store) Warnings() []string { return s.log.kept() }

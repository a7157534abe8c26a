package local

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
)

// Release gives back the resident memory of the files Badger maps (the
// tables, the value log and the memtable's log): Badger reads them
// through memory maps, and every page a read touches (with the kernel's
// read-around, 16 pages for one) stays in the program's resident memory
// until the kernel needs it. Reading a month of records of a big vault
// leaves tens of MB there. Release asks the kernel to reclaim those pages
// now; the next read of them comes from the disk again. The data is not
// changed: this is advice, safe at any time, also while the store is being
// read or written or is closing. On systems other than Linux (or kernels
// before 5.4) it does nothing and returns nil; the error is only that of
// reading the process's mappings.
func (s *Store) Release() error {
	dir, err := filepath.Abs(s.dir)
	if err == nil {
		dir, err = filepath.EvalSymlinks(dir)
	}
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	return releaseMapped(dir + string(filepath.Separator))
}

// mapping is one line of /proc/self/maps: an address range and its file.
type mapping struct {
	start, end uintptr
	path       string
}

// parseMaps reads /proc/<pid>/maps lines and returns the mappings of files
// whose path starts with prefix. A line it cannot read is skipped.
func parseMaps(r io.Reader, prefix string) ([]mapping, error) {
	var out []mapping
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for sc.Scan() {
		// start-end perms offset dev inode [path], the path may hold spaces.
		line := sc.Bytes()
		fields := 0
		i := 0
		for fields < 5 && i < len(line) {
			for i < len(line) && line[i] != ' ' {
				i++
			}
			for i < len(line) && line[i] == ' ' {
				i++
			}
			fields++
		}
		path := string(bytes.TrimSuffix(line[i:], []byte(" (deleted)")))
		if fields < 5 || len(path) <= len(prefix) || path[:len(prefix)] != prefix {
			continue
		}
		rng, _, _ := bytes.Cut(line, []byte(" "))
		a, b, ok := bytes.Cut(rng, []byte("-"))
		if !ok {
			continue
		}
		start, err1 := strconv.ParseUint(string(a), 16, 64)
		end, err2 := strconv.ParseUint(string(b), 16, 64)
		if err1 != nil || err2 != nil || end <= start {
			continue
		}
		out = append(out, mapping{start: uintptr(start), end: uintptr(end), path: path})
	}
	return out, sc.Err()
}

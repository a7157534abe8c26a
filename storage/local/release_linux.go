//go:build linux

package local

import (
	"fmt"
	"os"
	"syscall"
)

// madvPageout is MADV_PAGEOUT (Linux 5.4): reclaim the pages of a range.
// Unlike MADV_DONTNEED it never changes what a range holds, whatever is
// mapped there by the time it runs: a page of a file is read again from
// the file, an anonymous page is only ever swapped out. So a mapping that
// Badger replaces between the read of /proc/self/maps and the call cannot
// be harmed.
const madvPageout = 21

// releaseMapped asks the kernel to reclaim the resident pages of every
// mapping of a file under dir (which ends in a separator).
func releaseMapped(dir string) error {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return fmt.Errorf("release: %w", err)
	}
	ms, err := parseMaps(f, dir)
	f.Close()
	if err != nil {
		return fmt.Errorf("release: read mappings: %w", err)
	}
	for _, m := range ms {
		_, _, errno := syscall.Syscall(syscall.SYS_MADVISE, m.start, m.end-m.start, madvPageout)
		if errno == syscall.EINVAL {
			return nil // a kernel without MADV_PAGEOUT
		}
		// Other errors (ENOMEM: the range was unmapped meanwhile) concern
		// one mapping only.
	}
	return nil
}

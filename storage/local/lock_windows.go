//go:build windows

package local

import (
	"errors"
	"fmt"
	"path/filepath"
	"syscall"
)

// Flags Badger uses for its lock file, and the error of a file opened by
// another process, which syscall does not name.
const (
	fileAttributeTemporary               = 0x00000100
	fileFlagDeleteOnClose                = 0x04000000
	errorSharingViolation  syscall.Errno = 32
)

// lockDir takes the lock Badger takes on dir (its LOCK file, opened for no
// sharing and deleted on close), so that checkStore does not read files
// that another program is writing. The returned unlock must run before
// badger.Open, which takes the lock itself.
func lockDir(dir string, _ bool) (unlock func(), err error) {
	path, err := filepath.Abs(filepath.Join(dir, "LOCK"))
	if err != nil {
		return nil, fmt.Errorf("lock store: %w", err)
	}
	p, err := syscall.UTF16PtrFromString(path)
	if err != nil {
		return nil, fmt.Errorf("lock store: %w", err)
	}
	h, err := syscall.CreateFile(p, 0, 0, nil, syscall.OPEN_ALWAYS, fileAttributeTemporary|fileFlagDeleteOnClose, 0)
	if errors.Is(err, errorSharingViolation) {
		return nil, ErrLocked
	}
	if err != nil {
		return nil, fmt.Errorf("lock store: %w", err)
	}
	return func() { _ = syscall.CloseHandle(h) }, nil
}

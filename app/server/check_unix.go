//go:build unix

package server

import (
	"io/fs"
	"syscall"
)

// owner returns the uid that owns the file of st.
func owner(st fs.FileInfo) (int, bool) {
	if s, ok := st.Sys().(*syscall.Stat_t); ok {
		return int(s.Uid), true
	}
	return 0, false
}

// unixModes: the mode bits say who may read a file.
const unixModes = true

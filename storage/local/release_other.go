//go:build !linux

package local

// releaseMapped does nothing on systems without MADV_PAGEOUT.
func releaseMapped(string) error { return nil }

//go:build !windows

package widgets

// knownDocuments is the Windows known folder; other systems have none.
func knownDocuments() string { return "" }

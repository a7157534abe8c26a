package widgets

import "golang.org/x/sys/windows"

// knownDocuments is the Documents known folder of the person ("" when
// Windows cannot say), wherever it was moved to (OneDrive, another drive).
func knownDocuments() string {
	dir, err := windows.KnownFolderPath(windows.FOLDERID_Documents, windows.KF_FLAG_DEFAULT)
	if err != nil {
		return ""
	}
	return dir
}

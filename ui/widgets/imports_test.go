package widgets

import (
	"os/exec"
	"strings"
	"testing"
)

// TestImportRules keeps the window's packages layered: widgets imports no
// screen package and not the shell; a screen package imports widgets but
// neither the shell nor another screen package; only tests import the
// harness.
func TestImportRules(t *testing.T) {
	const mod = "github.com/madoguchi-jp/madoguchi/ui"
	out, err := exec.Command("go", "list", "-deps", "-f", "{{.ImportPath}} {{join .Imports \" \"}}", mod+"/...").Output()
	if err != nil {
		t.Skipf("go list: %v", err)
	}
	forbidden := map[string][]string{
		mod + "/widgets":  {mod, mod + "/counter", mod + "/casework", mod + "/admin", mod + "/internal/uitest"},
		mod + "/counter":  {mod, mod + "/casework", mod + "/admin", mod + "/internal/uitest"},
		mod + "/casework": {mod, mod + "/counter", mod + "/admin", mod + "/internal/uitest"},
		mod + "/admin":    {mod, mod + "/counter", mod + "/casework", mod + "/internal/uitest"},
		mod:               {mod + "/internal/uitest"},
	}
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		fields := strings.Fields(line)
		bad, ok := forbidden[fields[0]]
		if !ok {
			continue
		}
		seen++
		for _, imp := range fields[1:] {
			for _, b := range bad {
				if imp == b {
					t.Errorf("%s imports %s", fields[0], imp)
				}
			}
		}
	}
	if seen != len(forbidden) {
		t.Fatalf("found %d of the %d ui packages", seen, len(forbidden))
	}
}

package main

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func TestAppVersion(t *testing.T) {
	for _, c := range []struct {
		name, toml, version string
		build               int
		ok                  bool
	}{
		{"project", fyneApp, "", 0, true},
		{"plain", "[Details]\nVersion = \"1.2.3\"\nBuild = 7\n", "1.2.3", 7, true},
		{"other tables ignored", "Website = \"x\"\n[Release]\nVersion = \"9\"\n[Details]\nVersion = \"2.0.0\"\n", "2.0.0", 0, true},
		{"comments", "# c\n[Details]\n# Version = \"0\"\nVersion = \"3.1\"\nBuild = 2\n", "3.1", 2, true},
		{"no version", "[Details]\nBuild = 1\n", "", 0, false},
		{"unquoted", "[Details]\nVersion = 1.0\n", "", 0, false},
		{"bad build", "[Details]\nVersion = \"1\"\nBuild = one\n", "", 0, false},
		{"not key value", "[Details]\nVersion\n", "", 0, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, b, err := appVersion(c.toml)
			if (err == nil) != c.ok {
				t.Fatalf("err %v", err)
			}
			if c.ok && c.version != "" && (v != c.version || b != c.build) {
				t.Errorf("got %s build %d", v, b)
			}
		})
	}
	if !strings.HasPrefix(versionLine(), "madoguchi 0.") {
		t.Errorf("version line %q", versionLine())
	}
}

// TestVersionFlag builds the program without a window (as servers run it)
// and asks it for its version both ways.
func TestVersionFlag(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the program")
	}
	bin := filepath.Join(t.TempDir(), "madoguchi")
	build := exec.Command("go", "build", "-tags", "nogui", "-o", bin, ".")
	build.Env = append(build.Environ(), "CGO_ENABLED=0")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	for _, arg := range []string{"--version", "-version", "version"} {
		out, err := exec.Command(bin, arg).CombinedOutput()
		if err != nil || strings.TrimSpace(string(out)) != versionLine() {
			t.Errorf("madoguchi %s: %q, %v; want %q", arg, out, err, versionLine())
		}
	}
}

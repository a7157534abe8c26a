package main

import (
	_ "embed"
	"fmt"
	"strconv"
	"strings"
)

// fyneApp is the packaging metadata: the one place the version lives. The
// Windows resource, the Linux tarball's name and --version all read it.
//
//go:embed FyneApp.toml
var fyneApp string

// appVersion reads Version and Build of the [Details] table of metadata
// (the subset of TOML FyneApp.toml uses: tables, and keys with a quoted
// string or an integer).
func appVersion(metadata string) (version string, build int, err error) {
	table := ""
	for n, line := range strings.Split(metadata, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]") {
			table = strings.TrimSpace(line[1 : len(line)-1])
			continue
		}
		key, value, ok := strings.Cut(line, "=")
		if !ok {
			return "", 0, fmt.Errorf("FyneApp.toml line %d: %q is not key = value", n+1, line)
		}
		if table != "Details" {
			continue
		}
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch key {
		case "Version":
			if version, err = strconv.Unquote(value); err != nil {
				return "", 0, fmt.Errorf("FyneApp.toml line %d: Version %s: %w", n+1, value, err)
			}
		case "Build":
			if build, err = strconv.Atoi(value); err != nil {
				return "", 0, fmt.Errorf("FyneApp.toml line %d: Build %s: %w", n+1, value, err)
			}
		}
	}
	if version == "" {
		return "", 0, fmt.Errorf("FyneApp.toml has no [Details] Version")
	}
	return version, build, nil
}

// versionLine is what --version prints.
func versionLine() string {
	v, b, err := appVersion(fyneApp)
	if err != nil {
		return "madoguchi (version unknown: " + err.Error() + ")"
	}
	return fmt.Sprintf("madoguchi %s (build %d)", v, b)
}

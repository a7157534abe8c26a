// Command madoguchi is the consultation office program. With no subcommand
// it opens the desktop window; with one (init, user, search, …) it runs
// headless on the same office core. See README.md.
package main

import (
	"fmt"
	"os"
	"strings"

	"github.com/madoguchi-jp/madoguchi/app/cli"
	"github.com/madoguchi-jp/madoguchi/app/office"
)

func main() {
	if v, b, err := appVersion(fyneApp); err == nil {
		office.ReleaseVersion = fmt.Sprintf("%s+%d", v, b)
	}
	args := os.Args[1:]
	if len(args) > 0 {
		attachConsole() // a command typed in a Windows terminal prints there
	}
	if len(args) == 1 && (args[0] == "--version" || args[0] == "-version" || args[0] == "version") {
		fmt.Println(versionLine())
		return
	}
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		os.Exit(cli.Run(args, &cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr}))
	}
	os.Exit(runGUI(args))
}

//go:build nogui

package main

import (
	"fmt"
	"os"
)

// runGUI explains that this build (for servers, without cgo or OpenGL) has no
// window; every subcommand still works.
func runGUI(args []string) int {
	fmt.Fprintln(os.Stderr, "エラー: この版（nogui）には画面がありません。madoguchi help でコマンドの使い方を確かめてください。")
	return 2
}

//go:build windows

package main

import (
	"os"
	"syscall"
)

// attachConsole gives the command line a console on Windows. madoguchi.exe
// is built as a window program (no console opens when it is started from
// Explorer), so a command typed in a terminal would print nothing: here
// each standard handle that is not redirected to a file or pipe is joined
// to the terminal it was started from (AttachConsole of the parent). Run
// from Explorer there is no parent console, and nothing changes.
func attachConsole() {
	kernel32 := syscall.NewLazyDLL("kernel32.dll")
	attach := kernel32.NewProc("AttachConsole")
	const attachParent = ^uintptr(0) // ATTACH_PARENT_PROCESS, (DWORD)-1
	missing := func(std int) bool {
		h, err := syscall.GetStdHandle(std)
		return err != nil || h == 0 || h == syscall.InvalidHandle
	}
	out, errOut, in := missing(syscall.STD_OUTPUT_HANDLE), missing(syscall.STD_ERROR_HANDLE), missing(syscall.STD_INPUT_HANDLE)
	if !out && !errOut && !in {
		return
	}
	if r, _, _ := attach.Call(attachParent); r == 0 {
		return
	}
	if out || errOut {
		if f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0); err == nil {
			if out {
				os.Stdout = f
			}
			if errOut {
				os.Stderr = f
			}
		}
	}
	if in {
		if f, err := os.OpenFile("CONIN$", os.O_RDWR, 0); err == nil {
			os.Stdin = f
		}
	}
}

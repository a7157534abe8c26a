#!/usr/bin/env bash
# Real-window test of the first start: on a virtual X display, the window
# of a PC without a vault that may join an office opens the join dialog,
# checks an enrollment code (a fake sync agent answers) and saves a
# screenshot, which must not be blank. Needs: go, gcc and the Fyne -dev
# packages, xvfb, x11-utils, imagemagick, libgl1-mesa-dri.
#
# Usage: .ci/smoke-first-start.sh [screenshot.png]   (default: a temp file)
set -u

fail() { echo "smoke-first-start: FAIL: $*" >&2; exit 1; }
say() { echo "smoke-first-start: $*"; }

cd "$(dirname "$0")/.." || fail "cannot enter the repository"
shot=${1:-$(mktemp --suffix=.png)}
work=$(mktemp -d)
xvfb_pid=

cleanup() {
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

for tool in Xvfb xwininfo import convert; do
	command -v "$tool" >/dev/null || fail "$tool is not installed"
done

# Xvfb picks a free display itself (-displayfd) and writes its number
# once it listens: a display chosen by looking for lock files can be one
# whose earlier server is still going away.
Xvfb -displayfd 3 -screen 0 1366x768x24 -nolisten tcp 3>"$work/display" >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$work/display" ] && break; sleep 0.1; done
display=$(tr -dc 0-9 <"$work/display")
[ -n "$display" ] || { cat "$work/xvfb.log" >&2; fail "Xvfb did not start"; }
for _ in $(seq 50); do xwininfo -display ":$display" -root >/dev/null 2>&1 && break; sleep 0.1; done
xwininfo -display ":$display" -root >/dev/null 2>&1 || fail "Xvfb did not start (see $work/xvfb.log)"

say "running the first start in a real window on :$display"
DISPLAY=":$display" LANG=C.UTF-8 LIBGL_ALWAYS_SOFTWARE=1 MADOGUCHI_REAL_SHOT="$shot" \
	go test -count=1 -tags realwindow -run '^$' ./ui || fail "the real-window test failed"
[ -s "$shot" ] || fail "no screenshot written"
sd=$(convert "$shot" -format '%[fx:standard_deviation]' info:) || fail "cannot read the screenshot"
say "screenshot $shot (standard deviation $sd)"
awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }' || fail "the screenshot is blank (standard deviation $sd)"
say "OK: first start and join dialog drawn in a real window"

#!/usr/bin/env bash
# Real-window smoke test: build the desktop binary, start it with --demo on
# a virtual X display of 1366×768 (the smallest screen the window must
# fit), wait for the window, take a screenshot, check that it is not
# blank, then stop the program with SIGTERM and expect a clean exit. Then
# the real-window test opens a consultation form (the widest form) in the
# window on the same display, takes a second screenshot (kept beside the
# first, NAME-consult.png) and checks with xwininfo that the window is at
# most 1366 px wide. Needs: go, gcc and the Fyne -dev packages, xvfb,
# x11-utils, imagemagick, libgl1-mesa-dri.
#
# Usage: .ci/smoke-window.sh [screenshot.png]   (default: a temp file)
set -u

fail() { echo "smoke-window: FAIL: $*" >&2; exit 1; }
say() { echo "smoke-window: $*"; }

cd "$(dirname "$0")/.." || fail "cannot enter the repository"
shot=${1:-$(mktemp --suffix=.png)}
consult_shot="${shot%.png}-consult.png"
work=$(mktemp -d)
bin="$work/madoguchi"
xvfb_pid= app_pid=

cleanup() {
	[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	rm -rf "$work"
}
trap cleanup EXIT

for tool in Xvfb xwininfo import convert; do
	command -v "$tool" >/dev/null || fail "$tool is not installed"
done

say "building the desktop binary"
go build -o "$bin" . || fail "go build failed"

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
export DISPLAY=":$display"

say "starting madoguchi --demo on $DISPLAY"
LANG=C.UTF-8 LIBGL_ALWAYS_SOFTWARE=1 "$bin" --demo >"$work/app.log" 2>&1 &
app_pid=$!

found= retried=
for _ in $(seq 120); do
	if xwininfo -root -tree 2>/dev/null | grep -q 'Madoguchi'; then found=1; break; fi
	if ! kill -0 "$app_pid" 2>/dev/null && [ -z "$retried" ] && grep -q 'Failed to open display' "$work/app.log"; then
		# Seen about once in a dozen runs: GLFW could not connect to an
		# Xvfb that xwininfo had just reached. One more start.
		retried=1
		say "madoguchi could not open the display; starting it once more"
		LANG=C.UTF-8 LIBGL_ALWAYS_SOFTWARE=1 "$bin" --demo >"$work/app.log" 2>&1 &
		app_pid=$!
		continue
	fi
	kill -0 "$app_pid" 2>/dev/null || {
		cat "$work/app.log" >&2
		kill -0 "$xvfb_pid" 2>/dev/null || { echo "Xvfb on :$display has stopped:" >&2; cat "$work/xvfb.log" >&2; }
		fail "madoguchi exited before its window appeared"
	}
	sleep 0.5
done
[ -n "$found" ] || { cat "$work/app.log" >&2; fail "no window titled Madoguchi within 60 s"; }
say "window is up"

# Let the demo data fill and the login screen draw (SMOKE_SETTLE seconds).
sleep "${SMOKE_SETTLE:-10}"
import -window root "$shot" || fail "screenshot failed"
sd=$(convert "$shot" -format '%[fx:standard_deviation]' info:) || fail "cannot read the screenshot"
say "screenshot $shot (standard deviation $sd)"
awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }' || fail "the screenshot is blank (standard deviation $sd)"

say "sending SIGTERM"
kill -TERM "$app_pid"
status=
for _ in $(seq 100); do
	if ! kill -0 "$app_pid" 2>/dev/null; then wait "$app_pid"; status=$?; break; fi
	sleep 0.1
done
[ -n "$status" ] || { cat "$work/app.log" >&2; fail "madoguchi did not exit within 10 s of SIGTERM"; }
app_pid=
[ "$status" -eq 0 ] || { cat "$work/app.log" >&2; fail "madoguchi exited with status $status after SIGTERM"; }
say "OK: window appeared, screenshot not blank, clean exit on SIGTERM"

say "opening a consultation form in a real window at 1366x768"
LANG=C.UTF-8 LIBGL_ALWAYS_SOFTWARE=1 MADOGUCHI_REAL_SCENE=consult MADOGUCHI_REAL_SHOT="$consult_shot" \
	go test -count=1 -tags realwindow -run '^$' ./ui || fail "the consultation form does not fit a 1366 px screen (see above)"
[ -s "$consult_shot" ] || fail "no screenshot of the consultation form written"
sd=$(convert "$consult_shot" -format '%[fx:standard_deviation]' info:) || fail "cannot read the screenshot"
awk -v sd="$sd" 'BEGIN { exit !(sd > 0.02) }' || fail "the consultation form screenshot is blank (standard deviation $sd)"
say "OK: consultation form fits 1366 px, screenshot $consult_shot"

#!/usr/bin/env bash
# Resident memory of the real desktop window on a big vault: build the
# desktop binary, make the demo vault (or reuse one), start the window on a
# virtual X display at 1366×768, log in as the demo consultant (soudan),
# open four screens from the navigation list (今日の予定, 予約, 事業者,
# 相談記録), let it settle and read VmRSS and VmHWM from /proc. It also
# splits the resident memory by mapping (Go heap, the vault's files that
# Badger maps, the program, shared libraries, other anonymous memory: C
# allocations of Mesa, GLFW and X11) and prints the Go runtime's last GC
# line (GODEBUG=gctrace=1).
#
# The window is driven like a person would: xdotool types the login and
# clicks the entry below the highlighted one in the navigation list; each
# step waits until the highlight has moved, and screenshots are kept.
#
# Usage: scripts/window-memory.sh [VAULT_DIR]
#   VAULT_DIR  the demo vault to use; made when it does not exist
#              (default: a new one in a temp folder, removed afterwards)
# Environment:
#   BUSINESSES, CONSULTATIONS  size of a new vault (20000, 100000: ~2–4 min)
#   SETTLE     seconds to wait after the fourth screen (default 60; the
#              window gives memory back after 30 s without a use case)
#   SHOTS      folder for the screenshots (default: a temp folder, kept)
#   GEOMETRY   screen and window size (default 1366x768)
#   MADOGUCHI_ENV  extra environment for the program, e.g. "GOGC=50"
#   BIN        a madoguchi binary to run instead of building one
# Needs: go, gcc and the Fyne -dev packages, xvfb, x11-utils, imagemagick,
# libgl1-mesa-dri, xdotool (the packages are installed when missing).
set -u

fail() { echo "window-memory: FAIL: $*" >&2; exit 1; }
say() { echo "window-memory: $*"; }

cd "$(dirname "$0")/.." || fail "cannot enter the repository"
. scripts/lib.sh
need_packages "${FYNE_PACKAGES[@]}" "${TEST_PACKAGES[@]}" xdotool
need_go

vault=${1:-}
[ -n "$vault" ] && vault=$(realpath -m "$vault")
settle=${SETTLE:-60}
geometry=${GEOMETRY:-1366x768}
width=${geometry%x*} height=${geometry#*x}
work=$(mktemp -d)
shots=${SHOTS:-$(mktemp -d -t madoguchi-window-shots.XXXXXX)}
mkdir -p "$shots" || fail "cannot make $shots"
bin="$work/madoguchi"
xvfb_pid= app_pid= own_vault=

cleanup() {
	[ -n "$app_pid" ] && kill -KILL "$app_pid" 2>/dev/null
	[ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null
	[ -n "$own_vault" ] && rm -rf "$own_vault"
	rm -rf "$work"
}
trap cleanup EXIT

if [ -n "${BIN:-}" ]; then
	cp "$BIN" "$bin" || fail "cannot copy $BIN"
else
	say "building the desktop binary"
	go build -o "$bin" . || fail "go build failed"
fi

if [ -z "$vault" ]; then
	own_vault=$(mktemp -d)
	vault="$own_vault/office"
fi
if [ ! -e "$vault" ]; then
	nb=${BUSINESSES:-20000} nc=${CONSULTATIONS:-100000}
	say "making the demo vault $vault ($nb businesses, $nc consultations)"
	LANG=C.UTF-8 "$bin" demo --vault "$vault" --businesses "$nb" --consultations "$nc" --quiet 2>"$work/demo.log" >/dev/null ||
		{ cat "$work/demo.log" >&2; fail "madoguchi demo failed"; }
else
	say "reusing the vault $vault"
fi

# A free display number: the first without a lock file.
display=99
while [ -e "/tmp/.X${display}-lock" ]; do display=$((display + 1)); done
Xvfb ":$display" -screen 0 "${geometry}x24" -nolisten tcp >"$work/xvfb.log" 2>&1 &
xvfb_pid=$!
for _ in $(seq 50); do xwininfo -display ":$display" -root >/dev/null 2>&1 && break; sleep 0.1; done
xwininfo -display ":$display" -root >/dev/null 2>&1 || fail "Xvfb did not start (see $work/xvfb.log)"
export DISPLAY=":$display"

say "starting madoguchi --vault $vault on $DISPLAY (${geometry})"
# shellcheck disable=SC2086 # MADOGUCHI_ENV is a list of NAME=value words
env LANG=C.UTF-8 LIBGL_ALWAYS_SOFTWARE=1 GODEBUG=gctrace=1 ${MADOGUCHI_ENV:-} \
	"$bin" --vault "$vault" >"$work/app.log" 2>&1 &
app_pid=$!

win=
for _ in $(seq 120); do
	win=$(xdotool search --name 'Madoguchi' 2>/dev/null | head -1)
	[ -n "$win" ] && break
	kill -0 "$app_pid" 2>/dev/null || { tail -20 "$work/app.log" >&2; fail "madoguchi exited before its window appeared"; }
	sleep 0.5
done
[ -n "$win" ] || fail "no window titled Madoguchi within 60 s"
xdotool windowsize "$win" "$width" "$height"
sleep 3

shot() { import -window root "$shots/$1.png" || fail "screenshot $1 failed"; }

# selected prints "top bottom" of the highlighted entry of the navigation
# list in the screenshot $1: the run of bluish pixels (the selection color)
# in the column x=8 at the window's left edge.
selected() {
	convert "$1" -crop "1x${height}+8+0" txt:- | awk -F'[:,()]+' '
		NR > 1 { y = $2; r = $4; g = $5; b = $6
			if (b > r + 30) { if (top == "") top = y; bottom = y } else if (top != "") exit }
		END { if (top != "") print top, bottom }'
}

# wait_selected waits until the highlight starts below y=$1; it sets top
# and bottom and leaves the screenshot in $shots/$2.png.
wait_selected() {
	local after=$1 name=$2 sel
	for _ in $(seq 300); do
		kill -0 "$app_pid" 2>/dev/null || { tail -20 "$work/app.log" >&2; fail "madoguchi exited"; }
		shot "$name"
		sel=$(selected "$shots/$name.png")
		if [ -n "$sel" ]; then
			read -r top bottom <<<"$sel"
			[ "$top" -gt "$after" ] && return 0
		fi
		sleep 1
	done
	fail "the navigation did not move below y=$after within 300 s (see $shots/$name.png)"
}

rss() { awk '/^(VmRSS|VmHWM|RssAnon|RssFile)/ { printf "%s %d MB  ", $1, $2 / 1024 }' "/proc/$app_pid/status"; }

shot 1-login
say "logging in as the demo consultant"
xdotool mousemove --window "$win" $((width / 2)) $((height / 2))
xdotool windowfocus "$win" 2>/dev/null
xdotool type --delay 40 soudan
xdotool key Return
xdotool type --delay 40 madoguchi-demo
xdotool key Return
top=0 bottom=0
t0=$(date +%s.%N)
secs() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }'; }
wait_selected 0 2-today
took=$(secs "$t0")
# The shell sets its own size when it replaces the login screen: make the
# window fill the screen again, as a consultant would.
xdotool windowsize "$win" "$width" "$height"
sleep 2
size=$(xdotool getwindowgeometry "$win" | awk '/Geometry/ { print $2 }')
[ "$size" = "$geometry" ] || say "note: the window is $size, not $geometry"
shot 2-today
say "screen 1 今日の予定 (login and screen: $took): $(rss)"

n=2
for name in booking business consultations; do
	# Click the entry below the highlighted one, then move the pointer away.
	xdotool mousemove --window "$win" 100 $((bottom + (bottom - top) / 2 + 4)) click 1
	xdotool mousemove --window "$win" $((width - 20)) $((height - 20))
	prev=$bottom t0=$(date +%s.%N)
	wait_selected "$prev" "$((n + 1))-$name"
	say "screen $n $name ($(secs "$t0")): $(rss)"
	n=$((n + 1))
done

say "settling ${settle} s"
sleep "$settle"
shot 6-settled
kill -0 "$app_pid" 2>/dev/null || fail "madoguchi exited"

status=/proc/$app_pid/status
rss_kb=$(awk '/^VmRSS/ { print $2 }' "$status")
hwm_kb=$(awk '/^VmHWM/ { print $2 }' "$status")
# The resident memory by kind of mapping: Go's heap (anonymous mappings
# below the 0x7f… region where mmap puts C allocations; Go places its
# arenas lower), the vault's table files (Badger
# maps them), the program file, shared libraries, and everything else
# anonymous (C malloc of Mesa/llvmpipe, GLFW, X11; Go runtime metadata).
breakdown=$(awk -v exe="$bin" -v vault="$vault/" '
	function low(addr) { return length(addr) < 12 || substr(addr, 1, 1) < "7" }
	/^[0-9a-f]+-[0-9a-f]+ / { split($1, a, "-"); path = $6
		if (path == "" && low(a[1])) kind = "go"
		else if (path == exe) kind = "program"
		else if (index(path, vault) == 1) kind = "vault"
		else if (path ~ /^\//) kind = "libraries"
		else kind = "anon"
		next }
	/^Rss:/ { kb[kind] += $2 }
	END { printf "Go heap %d MB, C and other anonymous (Mesa, GLFW, X11, Go runtime) %d MB, vault files mapped by Badger %d MB, program %d MB, shared libraries %d MB",
		kb["go"] / 1024, kb["anon"] / 1024, kb["vault"] / 1024, kb["program"] / 1024, kb["libraries"] / 1024 }' "/proc/$app_pid/smaps")
libs=$(awk -v vault="$vault/" '
	/^[0-9a-f]+-[0-9a-f]+ / { path = $6; next }
	/^Rss:/ && path ~ /^\// && index(path, vault) != 1 { kb[path] += $2 }
	END { for (p in kb) if (kb[p] >= 4096) printf "%d MB %s\n", kb[p] / 1024, p }' "/proc/$app_pid/smaps" | sort -nr | head -5)
gcline=$(grep '^gc ' "$work/app.log" | tail -1)

say "sending SIGTERM"
kill -TERM "$app_pid"
for _ in $(seq 100); do kill -0 "$app_pid" 2>/dev/null || break; sleep 0.1; done
kill -0 "$app_pid" 2>/dev/null && fail "madoguchi did not exit within 10 s of SIGTERM"
app_pid=

echo
echo "vault:        $vault ($(du -sh "$vault" | cut -f1))"
echo "screenshots:  $shots"
echo "VmRSS:        $((rss_kb / 1024)) MB (after the four screens and ${settle} s)"
echo "VmHWM:        $((hwm_kb / 1024)) MB (peak)"
echo "resident by mapping: $breakdown"
echo "largest libraries:"
echo "$libs" | sed 's/^/  /'
echo "last GC:      ${gcline:-none}"

#!/usr/bin/env bash
# Tries the Windows build for real under wine: builds the release files
# (scripts/release.sh), then, in a throwaway wine prefix, runs
# madoguchi.exe help, init, demo, search and print sheet on vaults whose
# paths hold Japanese characters and spaces, and checks the PDF (its
# Japanese text with pdftotext, its structure with qpdf). With WINDOW=1 (the
# default) it also opens the demo window under Xvfb and saves a screenshot
# to $1 (default: a temporary file) for a person to look at.
#
# Debian's wine 8.0 lacks ProcessPrng (bcryptprimitives.dll), which every Go
# program calls at start; a test-only shim built from .ci/winshim goes into
# the prefix's system32. It never ships.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_packages "${WIN_BUILD_PACKAGES[@]}" "${WIN_TEST_PACKAGES[@]}"
shot=${1:-}
work=$(mktemp -d)
xvfb=""
cleanup() {
	[ -n "$xvfb" ] && kill "$xvfb" 2>/dev/null || true
	WINEPREFIX="$work/prefix" wineserver -k 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

step "release files (Windows and Linux)"
OUT="$work/dist" bash scripts/release.sh
exe="$work/dist/madoguchi.exe"
for f in "$work"/dist/madoguchi-*-windows-amd64.zip "$work"/dist/madoguchi-*-linux-amd64.tar.gz "$work/dist/SHA256SUMS"; do
	[ -s "$f" ] || { echo "missing release file $f"; exit 1; }
done
( cd "$work/dist" && sha256sum -c --quiet SHA256SUMS )
tar -tzf "$work"/dist/madoguchi-*-linux-amd64.tar.gz >"$work/tar.txt"
grep -q 'madoguchi.desktop$' "$work/tar.txt"
# The subsystem is GUI (2), not console (3): no console window opens.
subsystem=$(python3 -c '
import struct,sys
b=open(sys.argv[1],"rb").read()
pe=struct.unpack_from("<I",b,0x3c)[0]
print(struct.unpack_from("<H",b,pe+24+68)[0])' "$exe")
[ "$subsystem" = 2 ] || { echo "madoguchi.exe subsystem $subsystem, want 2 (windows GUI)"; exit 1; }

step "wine prefix with the ProcessPrng shim"
export WINEPREFIX="$work/prefix" WINEDEBUG=-all WINEARCH=win64 WINEDLLOVERRIDES="mscoree,mshtml="
start=$(date +%s)
env -u DISPLAY wineboot -i >/dev/null 2>&1 || true
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
	.ci/winshim/processprng.c -ladvapi32
echo "prefix ready in $(( $(date +%s) - start )) s"

# win runs madoguchi.exe with its output in a file: a GUI program has no
# console, and wine hands a redirected stdout over as a file.
win() {
	local out="$work/out.txt" rc=0
	# wine turns the arguments into UTF-16 by the locale: C.UTF-8 exists
	# everywhere, and without a UTF-8 locale the Japanese paths are mangled.
	env -u DISPLAY LC_ALL=C.UTF-8 wine "$exe" "$@" >"$out" 2>&1 </dev/null || rc=$?
	tr -d '\r' <"$out"
	if [ $rc -ne 0 ]; then
		echo "madoguchi.exe $1 ended with status $rc; the support log:"
		cat "$WINEPREFIX"/drive_c/users/*/AppData/Roaming/madoguchi/madoguchi.log 2>/dev/null || true
	fi
	return $rc
}

step "madoguchi.exe --version and help"
want=$(sed -n '/^\[Details\]/,/^\[/s/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
win --version | tee "$work/v.txt"
grep -q "madoguchi $want " "$work/v.txt"
win help >"$work/help.txt"
head -3 "$work/help.txt"
grep -q "print" "$work/help.txt"

# Paths as a Windows office has them: Japanese names and spaces.
vault='C:\users\Public\窓口 データ\さくら 区'
demo='C:\users\Public\窓口 データ\デモ 用'
mkdir -p "$WINEPREFIX/drive_c/users/Public/窓口 データ"
printf 'windows-check-pass-1\n' >"$WINEPREFIX/drive_c/users/Public/admin.pw"
printf 'madoguchi-demo\n' >"$WINEPREFIX/drive_c/users/Public/demo.pw"

step "madoguchi.exe init on a vault path with Japanese characters and spaces"
win init --vault "$vault" --admin kanri --name "管理 花子" --password-file 'C:\users\Public\admin.pw'
[ -s "$WINEPREFIX/drive_c/users/Public/窓口 データ/さくら 区/keyring.json" ]
win user list --vault "$vault" --as kanri --password-file 'C:\users\Public\admin.pw' | grep -q kanri

step "madoguchi.exe demo, search, print sheet"
win demo --vault "$demo" --businesses 30 --consultations 60 --quiet
win search --vault "$demo" --as soudan --password-file 'C:\users\Public\demo.pw' --case 補助金 --json >"$work/hits.json"
id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))[0]["id"])' "$work/hits.json")
echo "consultation $id"
win print sheet --vault "$demo" --as soudan --password-file 'C:\users\Public\demo.pw' --id "$id" \
	--out 'C:\users\Public\窓口 データ\相談票 1.pdf'
pdf="$WINEPREFIX/drive_c/users/Public/窓口 データ/相談票 1.pdf"
qpdf --check "$pdf" >/dev/null
pdftotext -layout "$pdf" "$work/sheet.txt"
head -8 "$work/sheet.txt"
grep -q "相談票" "$work/sheet.txt"
grep -q "$id" "$work/sheet.txt"

if [ "${WINDOW:-1}" = 1 ]; then
	step "the window under wine and Xvfb"
	need_packages "${TEST_PACKAGES[@]}"
	display=:$(( 90 + RANDOM % 9 ))
	Xvfb "$display" -screen 0 1366x768x24 -nolisten tcp >/dev/null 2>&1 &
	xvfb=$!
	sleep 1
	DISPLAY=$display LC_ALL=C.UTF-8 wine "$exe" --demo >"$work/window.log" 2>&1 &
	app=$!
	for _ in $(seq 60); do
		sleep 1
		tree=$(DISPLAY=$display LC_ALL=C.UTF-8 xwininfo -root -tree 2>/dev/null || true)
		case "$tree" in *窓口*|*Madoguchi*) break ;; esac
	done
	sleep 5
	out=${shot:-$work/window.png}
	DISPLAY=$display import -window root "$out"
	kill "$app" 2>/dev/null || true
	tree=$(DISPLAY=$display LC_ALL=C.UTF-8 xwininfo -root -tree 2>/dev/null || true)
	case "$tree" in *窓口*|*Madoguchi*) ;; *) echo "no Madoguchi window under wine"; tail -20 "$work/window.log"; exit 1 ;; esac
	echo "screenshot: $out"
fi
echo "Windows build checked under wine."

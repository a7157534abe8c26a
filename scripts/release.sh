#!/usr/bin/env bash
# Builds the release files into OUT (default dist/):
#   madoguchi-VERSION-windows-amd64.zip   madoguchi.exe (no console window,
#                                         icon and version from FyneApp.toml)
#   madoguchi-VERSION-linux-amd64.tar.gz  the desktop binary, a .desktop
#                                         file, the icon and README.md
#   madoguchi-VERSION-server-linux-amd64  the server build (no window, no cgo)
#   SHA256SUMS
# The version comes from FyneApp.toml ([Details] Version and Build), the one
# place it lives; `madoguchi --version` prints the same. The Windows build
# is cross-compiled with cgo through Debian's mingw-w64 and packaged by
# Fyne's own tool (fyne package), which embeds the icon, the version
# resource and the manifest.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_go
need_packages "${FYNE_PACKAGES[@]}" "${WIN_BUILD_PACKAGES[@]}"
OUT=${OUT:-dist}
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
version=$(sed -n '/^\[Details\]/,/^\[/s/^Version *= *"\(.*\)"/\1/p' FyneApp.toml)
build=$(sed -n '/^\[Details\]/,/^\[/s/^Build *= *\([0-9]*\)/\1/p' FyneApp.toml)
[ -n "$version" ] && [ -n "$build" ] || { echo "FyneApp.toml has no [Details] Version and Build" >&2; exit 1; }
name="madoguchi-$version"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

step "Fyne's packaging tool"
fyne=$(go env GOPATH)/bin/fyne
[ -x "$fyne" ] || go install fyne.io/tools/cmd/fyne@v1.7.4

step "Windows amd64 ($name, cgo with mingw-w64)"
# fyne package builds in the source folder and leaves madoguchi.exe there;
# it also counts Build up in FyneApp.toml, which is put back: the version
# changes only by a commit.
rm -f madoguchi.exe
cp FyneApp.toml "$work/FyneApp.toml"
trap 'cp "$work/FyneApp.toml" FyneApp.toml; rm -rf "$work"' EXIT
CGO_ENABLED=1 GOOS=windows GOARCH=amd64 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
	"$fyne" package --os windows --release --src . --icon assets/icon.png --name madoguchi \
	--app-version "$version" --app-build "$build"
cp "$work/FyneApp.toml" FyneApp.toml
mkdir -p "$work/win/$name"
mv madoguchi.exe "$work/win/$name/madoguchi.exe"
cp README.md "$work/win/$name/"
( cd "$work/win" && rm -f "$OUT/$name-windows-amd64.zip" && python3 -m zipfile -c "$OUT/$name-windows-amd64.zip" "$name" )
cp "$work/win/$name/madoguchi.exe" "$OUT/madoguchi.exe"

step "Linux amd64 desktop"
mkdir -p "$work/linux/$name"
CGO_ENABLED=1 GOOS=linux GOARCH=amd64 go build -trimpath -ldflags "-s -w" -o "$work/linux/$name/madoguchi" .
cp assets/icon.png "$work/linux/$name/madoguchi.png"
cp README.md "$work/linux/$name/"
cat > "$work/linux/$name/madoguchi.desktop" <<DESKTOP
[Desktop Entry]
Type=Application
Name=窓口 Madoguchi
Name[ja]=窓口
Comment=Consultation office records
Comment[ja]=経営相談窓口の予約・相談記録
Exec=madoguchi
Icon=madoguchi
Terminal=false
Categories=Office;
Version=1.5
DESKTOP
tar -C "$work/linux" --owner=0 --group=0 -czf "$OUT/$name-linux-amd64.tar.gz" "$name"

step "Linux amd64 server (no window, no cgo)"
CGO_ENABLED=0 GOOS=linux GOARCH=amd64 go build -trimpath -tags nogui -ldflags "-s -w" -o "$OUT/$name-server-linux-amd64" .

step "SHA256SUMS"
( cd "$OUT" && sha256sum "$name-windows-amd64.zip" madoguchi.exe "$name-linux-amd64.tar.gz" "$name-server-linux-amd64" > SHA256SUMS && cat SHA256SUMS )

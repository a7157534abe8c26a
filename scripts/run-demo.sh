#!/usr/bin/env bash
# Starts Madoguchi on a fresh temporary vault filled with dummy data. The
# login screen lists the demo accounts (one per role). The vault is removed
# when the window closes.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_go
need_packages "${FYNE_PACKAGES[@]}"
step "building (the first build compiles Fyne and takes a few minutes)"
go build -o ./madoguchi .
exec ./madoguchi --demo "$@"

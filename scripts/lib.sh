# Shared by the scripts in this folder: installs missing Debian/Ubuntu
# packages (as root, or through sudo) and prints steps.

# need_packages installs the named packages that are not installed yet.
need_packages() {
	local missing=() p
	for p in "$@"; do
		dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
	done
	[ ${#missing[@]} -eq 0 ] && return 0
	local sudo=""
	[ "$(id -u)" -ne 0 ] && sudo="sudo"
	echo "==> installing: ${missing[*]}"
	$sudo apt-get update -qq
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The packages the desktop build needs (cgo, OpenGL, X11).
FYNE_PACKAGES=(gcc libc6-dev pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev libxinerama-dev libxi-dev libxxf86vm-dev)
# The real-window test and the PDF tests.
TEST_PACKAGES=(xvfb xauth x11-utils libgl1-mesa-dri imagemagick poppler-utils git)
# The central store's PostgreSQL tests: Debian's PostgreSQL (initdb, postgres,
# pg_dump). The tests start a throwaway cluster of their own in a temporary
# directory, as the user madoguchi-pg when run as root (storage/central/pg/pgtest).
PG_PACKAGES=(postgresql postgresql-client)

# The Windows build (cross-compiled with cgo) and its checks under wine:
# release.sh needs the first, .ci/windows-check.sh all of them.
WIN_BUILD_PACKAGES=(gcc-mingw-w64-x86-64 python3)
WIN_TEST_PACKAGES=(wine wine64 qpdf poppler-utils xvfb xauth imagemagick)

# The server's deployment check (.ci/deploy-check.sh): systemd-analyze
# verify, and setpriv/useradd (util-linux, passwd) to start it as the unit's
# user.
DEPLOY_PACKAGES=(systemd util-linux passwd)

# The public booking page's browser test: Debian's Chromium, driven from Go.
WEB_PACKAGES=(chromium)

step() { echo; echo "==> $*"; }

need_go() {
	command -v go >/dev/null || { echo "Go 1.26 以降をインストールしてください (https://go.dev/dl/)。" >&2; exit 1; }
}

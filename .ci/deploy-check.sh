#!/usr/bin/env bash
# Checks the server's deployment files of docs/deploy:
#  1. systemd-analyze verify accepts every unit (any warning fails), with
#     ExecStart pointing at a fresh server build;
#  2. the server starts the way madoguchi-server.service starts it, without
#     systemd as PID 1 (a CI container has none): the unit's User (a
#     throwaway system user made here), its UMask, NoNewPrivileges and
#     ExecStart with its Environment, on a loopback port and a temporary data
#     folder made by `server init`; `madoguchi server check` run as that
#     user must find no problem (certificates, permissions, the listener
#     with the pinned key, the clock); SIGTERM must stop it cleanly.
# Run as root (CI does); as another user it only does step 1.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_go
need_packages "${DEPLOY_PACKAGES[@]}"
work=$(mktemp -d)
user=madoguchi-ci-$$
pid=""
cleanup() {
	[ -n "$pid" ] && kill "$pid" 2>/dev/null || true
	id "$user" >/dev/null 2>&1 && userdel "$user" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT
chmod 0755 "$work"

step "server build (no window, no cgo)"
bin="$work/madoguchi"
CGO_ENABLED=0 go build -tags nogui -o "$bin" .

step "systemd-analyze verify"
mkdir "$work/units"
for u in docs/deploy/*.service docs/deploy/*.timer; do
	sed "s#/usr/local/bin/madoguchi#$bin#" "$u" >"$work/units/$(basename "$u")"
done
out=$(cd "$work/units" && systemd-analyze verify ./*.service ./*.timer 2>&1) || { echo "$out"; exit 1; }
if [ -n "$out" ]; then echo "systemd-analyze verify warns:"; echo "$out"; exit 1; fi
echo "every unit verifies"

if [ "$(id -u)" -ne 0 ]; then
	echo "not root: the start as the unit's user is skipped"
	[ "${MADOGUCHI_TEST_DEPLOY_REQUIRED:-}" = 1 ] && exit 1
	exit 0
fi

step "the server as madoguchi-server.service starts it"
unit=docs/deploy/madoguchi-server.service
key() { sed -n "s/^$1=//p" "$unit" | tail -1; }
[ "$(key User)" = madoguchi ] && [ "$(key NoNewPrivileges)" = yes ] && [ "$(key UMask)" = 0077 ] && [ "$(key ProtectSystem)" = strict ]
useradd --system --no-create-home --shell /usr/sbin/nologin "$user"
data="$work/data"
# What StateDirectory=madoguchi and StateDirectoryMode=0700 make.
install -d -m 0700 -o "$user" -g "$user" "$data"
port=$(( 20000 + RANDOM % 20000 ))
listen="127.0.0.1:$port"
as_user() { setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs -- "$@"; }
as_user sh -c "umask 077; '$bin' server init --data '$data' --name 'さくら区 経営相談窓口' --addr '$listen'" >/dev/null
# ExecStart with the unit's paths replaced, its Environment and an empty
# database flag (the embedded store).
exec_start=$(key ExecStart)
exec_start=${exec_start//\/usr\/local\/bin\/madoguchi/$bin}
exec_start=${exec_start//\/var\/lib\/madoguchi/$data}
exec_start=${exec_start//\$\{MADOGUCHI_LISTEN\}/$listen}
exec_start=${exec_start//\$MADOGUCHI_DATABASE_FLAG/}
echo "ExecStart: $exec_start"
setpriv --reuid="$user" --regid="$user" --init-groups --no-new-privs -- \
	sh -c "umask 077; exec $exec_start" >"$work/server.log" 2>&1 &
pid=$!
ok=""
for _ in $(seq 50); do
	sleep 0.2
	if as_user "$bin" server check --data "$data" --listen "$listen" >"$work/check.txt" 2>&1; then ok=1; break; fi
done
cat "$work/check.txt"
[ -n "$ok" ] || { echo "server check failed"; cat "$work/server.log"; exit 1; }
grep -q "応答あり" "$work/check.txt"
kill -TERM "$pid"
rc=0
wait "$pid" || rc=$?
pid=""
[ "$rc" = 0 ] || { echo "the server ended with status $rc after SIGTERM"; cat "$work/server.log"; exit 1; }
echo "started as $user, answered with the pinned key, stopped cleanly on SIGTERM"

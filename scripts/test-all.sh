#!/usr/bin/env bash
# Runs every check and test of the project: formatting, vet, staticcheck,
# both builds (desktop and -tags nogui without cgo), the unit and
# integration tests, the race detector, short fuzzing of every decoder, the
# benchmarks on a small vault, the release build for Windows tried under
# wine, the server's deployment files, and the real-window smoke test under
# Xvfb.
# Installs what it needs on Debian/Ubuntu, PostgreSQL included (the central
# store's tests start their own throwaway cluster). CI runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh
need_go
need_packages "${FYNE_PACKAGES[@]}" "${TEST_PACKAGES[@]}" "${PG_PACKAGES[@]}" "${WEB_PACKAGES[@]}"
export LANG=ja_JP.UTF-8 # Fyne logs an error for the C locale
# The PostgreSQL tests skip where PostgreSQL is missing; here its absence fails.
export MADOGUCHI_TEST_PG_REQUIRED=1
# Likewise the browser test of the public booking page without Chromium.
export MADOGUCHI_TEST_BROWSER_REQUIRED=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go'))
[ -z "$unformatted" ] || { echo "gofmt would change:"; echo "$unformatted"; exit 1; }

step "go vet (desktop and nogui)"
go vet ./...
go vet -tags nogui ./...

step "staticcheck"
go run honnef.co/go/tools/cmd/staticcheck@v0.8.2 ./...

step "builds: desktop, and the server build without cgo and without Fyne"
go build -o "$out/madoguchi" .
CGO_ENABLED=0 go build -tags nogui -o "$out/madoguchi-nogui" .
if go list -deps -tags nogui . | grep -q '^fyne.io/'; then
	echo "the nogui build depends on Fyne:"; go list -deps -tags nogui . | grep '^fyne.io/'; exit 1
fi
"$out/madoguchi-nogui" help >/dev/null

step "tests"
if ! go test -count=1 -v ./... >"$out/test.log" 2>&1; then
	grep -E '^(--- FAIL|FAIL|panic:|\s+\S+_test\.go:[0-9]+:)' "$out/test.log" | head -100
	tail -50 "$out/test.log"
	exit 1
fi
grep -E '^(ok|\?|FAIL)\s' "$out/test.log"
passed=$(grep -c -- '--- PASS' "$out/test.log" || true)

step "UI tests headless without cgo"
CGO_ENABLED=0 go test -count=1 ./ui/...

step "race detector on the packages with concurrency"
go test -count=1 -race -short ./app/... ./storage/... ./reports/... ./ui/...

step "integration tests (memory with 100k versions)"
go test -count=1 -tags integration -run TestMemoryAfter100kVersions -v ./storage/local/ | grep -E "^(---|ok|FAIL)|MB"

step "fuzzing every decoder briefly"
# Each run starts from the seed corpus: inputs that earlier runs cached as
# interesting are dropped, so that minimising a large one cannot outlast the
# fuzz budget. The budget is a count of executions, not a duration: with a
# duration, Go 1.26's fuzzing coordinator can report its own deadline as a
# failure ("context deadline exceeded", no failing input) when the machine is
# busy. FUZZTIME overrides every budget (e.g. FUZZTIME=2000000x, or 5m).
go clean -fuzzcache
fuzz() { go test -run '^$' -fuzz "^$2\$" -fuzztime "${FUZZTIME:-${3:-50000x}}" -fuzzminimizetime 200x "$1"; }
fuzz ./app/vault FuzzUnmarshalEnvelope
fuzz ./app/vault FuzzUnmarshalKeyring 20000x
fuzz ./app/audit FuzzUnmarshal
fuzz ./app/office FuzzUnmarshalPurgeOrder
fuzz ./app/office FuzzDecodeRetentionSetting
fuzz ./app/purge FuzzVerifyReceipt
fuzz ./app/handover FuzzReader 300x   # each input derives an Argon2id key
fuzz ./app/handover FuzzReadPayload
fuzz ./app/record FuzzNormalizeName
fuzz ./app/record FuzzParseDate
fuzz ./app/record FuzzNormalizePhone
fuzz ./reports FuzzWrapLines
fuzz ./storage/local FuzzDecodeVersion
fuzz ./storage/local FuzzDecodeTerms
fuzz ./storage/local FuzzSplitTermKey
fuzz ./storage/local FuzzAuditSeq
fuzz ./storage/local FuzzCraftedPair 2000x   # each input opens a Badger store
fuzz ./storage/central/embedded FuzzDecodeEnvelope
fuzz ./storage/central/embedded FuzzDecodeRecord
fuzz ./storage/central/embedded FuzzSplitCursorKey
fuzz ./app/server FuzzParseCode
fuzz ./app/server FuzzDecodeEnrollRequest 20000x
fuzz ./app/server FuzzDecodeTokenRequest
fuzz ./app/syncagent FuzzCodeFromImage 3000x   # images from outside: a QR code read at the first start
fuzz ./app/server FuzzDecodeLoginSaltRequest
fuzz ./app/server FuzzDecodeLoginRequest
fuzz ./app/server FuzzDecodeSetLoginRequest
fuzz ./app/server FuzzDecodeRegisterRequest
fuzz ./app/migrate FuzzReadCSV 20000x
fuzz ./app/migrate FuzzReadXLSX 3000x     # each input is unzipped as a workbook
fuzz ./app/migrate FuzzParseMapping
fuzz ./app/server FuzzDecodeRenewRequest
fuzz ./storage/central/embedded FuzzDecodeTable
fuzz ./app/syncproto FuzzPushRequest
fuzz ./app/syncproto FuzzPushResponse
fuzz ./app/syncproto FuzzPullResponse
fuzz ./app/syncproto FuzzPullStream
fuzz ./app/syncproto FuzzHeads
fuzz ./app/syncproto FuzzSig
fuzz ./app/syncproto FuzzChecker 20000x
fuzz ./app/backup FuzzReadBackup
fuzz ./app/server/public FuzzParseForm
fuzz ./app/bookingproto FuzzDecodePublication
fuzz ./app/bookingproto FuzzDecodeStatusUpdate
fuzz ./app/syncclient FuzzDecodeRequestsPage

step "benchmarks on a small vault (the full-size figures are in README.md)"
go test -run '^$' -bench . -skip 'Backup|Restore' -benchtime 20x ./app/office -args -bench.businesses 300 -bench.consultations 1500 -bench.fresh
go test -run '^$' -bench 'Backup|Restore' -benchtime 2x ./app/office -args -bench.businesses 300 -bench.consultations 1500
go test -run '^$' -bench 'FontLoad|ConsultationSheet$|OneDocument' -benchtime 3x ./reports
go test -run '^$' -bench 'Booking' -benchtime 500x ./app/server/public
go test -run '^$' -bench 'Protocol|Concurrent|E2E' -benchtime 1x ./app/syncer

step "the server's deployment files (systemd units, start as the unit's user)"
MADOGUCHI_TEST_DEPLOY_REQUIRED=1 bash .ci/deploy-check.sh

step "the Windows build, tried under wine (help, init, demo, search, print sheet, the window)"
bash .ci/windows-check.sh "$out/windows.png"

step "real window under Xvfb"
bash .ci/smoke-window.sh "$out/smoke.png"
bash .ci/smoke-first-start.sh "$out/first-start.png"

echo
echo "すべてのテストに合格しました。"
echo "tests: ${passed} passed, 0 failed"

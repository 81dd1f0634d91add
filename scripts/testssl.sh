#!/usr/bin/env bash
# Runs testssl.sh (Debian package testssl.sh) against a fresh Coffer server on loopback: the main
# endpoint (https://localhost:PORT) and the FIPS endpoint (https://s3-fips.localhost:PORT), then
# prints a summary of each: protocols offered, ciphers, and every finding rated LOW or worse.
# Not part of the test suite (a full run takes 10-40 minutes); .ci/run does not need it.
#
#   scripts/testssl.sh [OUTDIR]     # full JSON/log output kept in OUTDIR (default: a temp dir)
#
# Needs: node (with this repository's node_modules), openssl, testssl (apt-get install testssl.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
command -v testssl >/dev/null || { echo "testssl not found: apt-get install -y testssl.sh" >&2; exit 2; }

WORK="$(mktemp -d "${TMPDIR:-/tmp}/coffer-testssl-XXXXXX")"
OUT="${1:-$WORK/out}"
mkdir -p "$OUT"
SERVER_PID=""
cleanup() {
  if [ -n "$SERVER_PID" ] && kill -0 "$SERVER_PID" 2>/dev/null; then
    kill -TERM "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK/data"
  [ "$OUT" = "$WORK/out" ] || rm -rf "$WORK"
}
trap cleanup EXIT

# A server with the FIPS endpoint on; its stdout names both ports.
env -u COFFER_CONFIG COFFER_LOG_LEVEL=warn COFFER_FIPS_MODE=endpoint COFFER_FIPS_LISTEN=127.0.0.1:0 COFFER_FIPS_SERVER_NAMES=s3-fips.localhost \
  node --import tsx "$ROOT/src/cli/main.ts" server --data-dir "$WORK/data" --listen 127.0.0.1:0 >"$WORK/server.out" 2>"$WORK/server.err" &
SERVER_PID=$!
for _ in $(seq 1 180); do
  grep -q 'FIPS endpoint' "$WORK/server.out" 2>/dev/null && break
  kill -0 "$SERVER_PID" 2>/dev/null || { cat "$WORK/server.err" >&2; exit 1; }
  sleep 0.5
done
MAIN_PORT="$(sed -n 's/.*serving S3 on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.out")"
FIPS_PORT="$(sed -n 's/.*FIPS endpoint (fips [a-z]*) on https:\/\/127\.0\.0\.1:\([0-9]*\).*/\1/p' "$WORK/server.out")"
[ -n "$MAIN_PORT" ] && [ -n "$FIPS_PORT" ] || { echo "server did not report its ports" >&2; cat "$WORK/server.out" "$WORK/server.err" >&2; exit 1; }
CA="$WORK/data/tls/ca.pem"

scan() { # NAME HOST PORT
  testssl --quiet --color 0 --warnings off --ip 127.0.0.1 --add-ca "$CA" \
    --jsonfile "$OUT/$1.json" --logfile "$OUT/$1.log" "$2:$3" >/dev/null 2>&1 || true
}
summary() { # NAME HOST PORT
  echo "== testssl: $1 endpoint ($2:$3 on 127.0.0.1) =="
  node - "$OUT/$1.json" <<'EOF'
const findings = JSON.parse(require('node:fs').readFileSync(process.argv[2], 'utf8'));
const by = (re) => findings.filter((f) => re.test(f.id));
const show = (f) => `${f.id}: ${f.finding}`;
console.log('protocols:      ' + by(/^(SSLv2|SSLv3|TLS1|TLS1_1|TLS1_2|TLS1_3)$/).map((f) => `${f.id}=${f.finding}`).join(', '));
console.log('cipher classes: ' + by(/^cipherlist_/).map((f) => `${f.id.replace('cipherlist_', '')}=${f.finding}`).join(', '));
for (const f of by(/^cipherorder_TLSv1_[23]$/)) console.log(`${f.id.replace('cipherorder_', '')} suites:   ${f.finding}`);
console.log('groups:         ' + (by(/^(PFS|FS)_ECDHE_curves$/).map((f) => f.finding).join('; ') || '(not reported)'));
const bad = findings.filter((f) => ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'].includes(f.severity));
const warn = findings.filter((f) => f.severity === 'WARN');
const vulns = by(/^(heartbleed|CCS|ticketbleed|ROBOT|secure_renego|secure_client_renego|CRIME_TLS|BREACH|POODLE_SSL|fallback_SCSV|SWEET32|FREAK|DROWN|LOGJAM|BEAST|LUCKY13|RC4)$/);
console.log('vulnerabilities: ' + vulns.map((f) => `${f.id}=${f.severity}`).join(', '));
console.log(`findings LOW or worse: ${bad.length}`);
for (const f of bad) console.log(`  [${f.severity}] ${show(f)}`);
if (warn.length) console.log(`testssl warnings: ${warn.length}`), warn.forEach((f) => console.log(`  [WARN] ${show(f)}`));
EOF
  echo
}
# Both endpoints at once: a full scan takes tens of minutes each on a busy machine.
echo "scanning both endpoints (this takes a while); logs in $OUT"
scan main localhost "$MAIN_PORT" &
MAIN_SCAN=$!
scan fips s3-fips.localhost "$FIPS_PORT" &
FIPS_SCAN=$!
wait "$MAIN_SCAN" "$FIPS_SCAN"
summary main localhost "$MAIN_PORT"
summary fips s3-fips.localhost "$FIPS_PORT"
echo "full output: $OUT"

#!/usr/bin/env bash
# Fuzz the API with Schemathesis against a live server, as a buyer, a merchant
# and an agent. Bounded: a few minutes in all. Exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

PY=${PY:-.venv/bin/python}
ST=${ST:-.venv/bin/schemathesis}
PORT=${FUZZ_PORT:-8765}
BASE="http://127.0.0.1:$PORT"
DB=${FUZZ_DB:-/tmp/fuzz-api-$$.sqlite3}
MAX_EXAMPLES=${FUZZ_MAX_EXAMPLES:-25}
PASSWORD=fuzz-pass-2026
LOG=${FUZZ_LOG:-/tmp/fuzz-api-server-$$.log}

export DATABASE_URL="sqlite:///$DB"
# Development settings (production ones redirect to HTTPS).
export DJANGO_DEBUG=1 DJANGO_ALLOWED_HOSTS=127.0.0.1
export MEDIA_ROOT=${MEDIA_ROOT:-/tmp/fuzz-api-media-$$}
# The fuzzer sends many writes; keep throttling out of its way.
export API_RATE_DISPUTE_OPEN=100000/hour API_RATE_MESSAGE=100000/hour
export API_RATE_EVIDENCE=100000/hour API_RATE_ACTION=100000/hour API_RATE_WEBHOOK=100000/hour
# It also sends wrong passwords to /api/v1/auth/token/ from one address: keep
# the sign-in lockout (django-axes) from locking the next role's sign-in out.
export AXES_FAILURE_LIMIT=1000000

rm -f "$DB"
"$PY" manage.py migrate --noinput -v0
"$PY" manage.py api_fuzz_fixture --force --password "$PASSWORD" >/dev/null

"$PY" manage.py runserver "127.0.0.1:$PORT" --noreload --skip-checks >"$LOG" 2>&1 &
SERVER=$!
cleanup() {
  kill "$SERVER" 2>/dev/null || true
  wait "$SERVER" 2>/dev/null || true
  rm -rf "$DB" "$MEDIA_ROOT"
}
trap cleanup EXIT

for _ in $(seq 1 50); do
  curl -sf "$BASE/api/schema/" -o /dev/null && break
  sleep 0.2
done

token() {
  curl -sf -X POST "$BASE/api/v1/auth/token/" -H 'Content-Type: application/json' \
    -d "{\"username\": \"$1\", \"password\": \"$PASSWORD\"}" |
    "$PY" -c 'import json, sys; print(json.load(sys.stdin)["token"])'
}

# Excluded checks: positive_data_acceptance expects 2xx for any schema-valid
# body, but the domain answers 404/409 for random case numbers and states;
# use_after_free and ensure_resource_availability need DELETE or links the
# API does not have.
# Multipart bodies carry every value as text, so "a boolean where a string is
# expected" cannot be refused there: the upload runs without that one check.
EXCLUDED=${FUZZ_EXCLUDE_CHECKS:-positive_data_acceptance,use_after_free,ensure_resource_availability}
UPLOAD=v1_disputes_evidence_create

fuzz() {
  "$ST" run "$BASE/api/schema/" \
    -H "Authorization: Token $1" \
    --max-examples "$MAX_EXAMPLES" \
    --checks all \
    --phases examples,coverage,fuzzing \
    --generation-database none \
    --seed "${FUZZ_SEED:-2026}" \
    --request-timeout 20 \
    --no-color "${@:2}"
}

status=0
for user in fuzz_buyer fuzz_merchant fuzz_agent; do
  echo "== schemathesis as $user"
  T=$(token "$user")
  fuzz "$T" --exclude-checks "$EXCLUDED" --exclude-operation-id "$UPLOAD" \
    --max-time "${FUZZ_MAX_TIME:-60}" || status=1
  fuzz "$T" --exclude-checks "$EXCLUDED,negative_data_rejection" \
    --include-operation-id "$UPLOAD" || status=1
done

if grep -q "Traceback" "$LOG"; then
  echo "The server logged a traceback:" >&2
  grep -A 30 "Traceback" "$LOG" | head -60 >&2
  status=1
fi
exit "$status"

#!/usr/bin/env bash
# What deploy/README.md reports as "run here": the multi-replica shape on one machine, without
# containers or systemd. From the repository root, with a PostgreSQL server reachable as $PGADMIN_URL:
#   bash deploy/verify-local.sh
# It installs the working tree NON-editably into a scratch venv (as the Containerfile does), creates a
# scratch database, runs `pecr db upgrade`, starts uvicorn with 2 workers (as pecr-web.service does
# with 4) plus two `pecr scheduler` processes (one must lead, one stand by), checks /healthz, signs in
# through the form, then stops everything it started and drops the database.
set -euo pipefail
cd "$(dirname "$0")/.."

PGADMIN_URL="${PGADMIN_URL:-postgresql://postgres@127.0.0.1:5432/postgres}"
PORT="${PORT:-18080}"
WORK="$(mktemp -d /tmp/pecr-verify.XXXXXX)"
DB="pecr_verify_$$"
PIDS=()

cleanup() {
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    psql "$PGADMIN_URL" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)" || true
    rm -rf "$WORK"
}
trap cleanup EXIT

step() { printf '\n== %s\n' "$*"; }
fail() {
    echo "FAILED: $*" >&2
    for log in "$WORK"/*.log; do [ -f "$log" ] && { echo "--- $log" >&2; tail -n 20 "$log" >&2; }; done
    exit 1
}

step "non-editable install of the working tree into $WORK/venv"
mkdir -p "$WORK/src"
cp -r pyproject.toml README.md provider breach traffic directories "$WORK/src/"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install --quiet --disable-pip-version-check "$WORK/src" 2>&1 | grep -v "is ignored" || true
BIN="$WORK/venv/bin"
cd "$WORK"   # run from outside the source tree, so only the installed package is importable

step "scratch database $DB"
psql "$PGADMIN_URL" -qc "CREATE DATABASE $DB"
export PECR_ENV=production
export PECR_DATABASE_URL="${PGADMIN_URL%/*}/$DB"
PECR_SECRET_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
PECR_MASTER_KEY="$(python3 -c 'import secrets; print(secrets.token_urlsafe(32))')"
export PECR_SECRET_KEY PECR_MASTER_KEY PECR_SCHEDULER_LEASE_SECONDS=10 PECR_SCHEDULER_HEARTBEAT_SECONDS=2
export PECR_KEY_STORE="$WORK/keys"   # production refuses a missing or non-private key store
install -d -m 0700 "$PECR_KEY_STORE"

step "pecr db upgrade"
"$BIN/pecr" db upgrade
printf '%s\n' "verify-local password 123" | "$BIN/pecr" users create opscheck --role auditor

step "uvicorn --workers 2 and two pecr scheduler processes"
"$BIN/uvicorn" --factory provider.web.asgi:web_app --host 127.0.0.1 --port "$PORT" --workers 2 \
    --proxy-headers --no-server-header >"$WORK/web.log" 2>&1 &
PIDS+=($!)
"$BIN/pecr" scheduler >"$WORK/scheduler-1.log" 2>&1 &
PIDS+=($!)
"$BIN/pecr" scheduler >"$WORK/scheduler-2.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 120); do curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break; sleep 0.25; done
echo "uvicorn worker processes: $(pgrep -c -P "${PIDS[0]}" -f multiprocessing.spawn || true)"

step "sign in through the form, then reuse the session"
JAR="$WORK/cookies"
TOKEN="$(curl -fsS -c "$JAR" -b "$JAR" "http://127.0.0.1:$PORT/login" \
    | grep -o 'name="csrf_token" value="[^"]*"' | head -1 | sed 's/.*value="//; s/"$//')"
code="$(curl -sS -c "$JAR" -b "$JAR" -o /dev/null -w "%{http_code}" \
    --data-urlencode "username=opscheck" --data-urlencode "password=verify-local password 123" \
    --data-urlencode "csrf_token=$TOKEN" "http://127.0.0.1:$PORT/login")"
echo "POST /login -> HTTP $code"
[ "$code" = 303 ] || fail "sign-in answered $code"
for _ in 1 2 3 4 5 6; do
    code="$(curl -sS -b "$JAR" -o /dev/null -w "%{http_code}" "http://127.0.0.1:$PORT/")"
    echo "GET / -> HTTP $code"
    [ "$code" = 200 ] || fail "the dashboard answered $code"
done

step "GET /healthz until a scheduler holds the lease (signed in: anonymous callers see only up/down)"
leader=""
for _ in $(seq 1 30); do
    body="$(curl -fsS -b "$JAR" "http://127.0.0.1:$PORT/healthz")" || fail "/healthz did not answer 200"
    leader="$(printf '%s' "$body" | python3 -c 'import json,sys; s=json.load(sys.stdin)["scheduler"]; print(s["leader"] if s and s["healthy"] else "")')"
    [ -n "$leader" ] && break
    sleep 1
done
printf '%s\n' "$body"
[ -n "$leader" ] || fail "no scheduler took the lease within 30 s"

step "schedulers: one leads, the other stands by"
sleep 3
for log in "$WORK"/scheduler-*.log; do echo "--- $(basename "$log")"; tail -n 3 "$log"; done

step "pecr audit verify"
"$BIN/pecr" audit verify
echo
echo "verify-local: all checks passed"

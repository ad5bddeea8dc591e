#!/usr/bin/env bash
# Schemathesis against a throw-away server with the demo data, once per token: a supervisor
# (sees everything) and an engineer (`onsite`, sees his own jobs). All checks, phases
# examples, coverage, fuzzing and stateful, deterministic generation, bounded example count.
# Exit status 1 when schemathesis reports any failure (CI fails).
#
# Database: with DATABASE_URL=postgres://…/<name> the run uses a database `<name>_schemathesis`
# on the same server (created here, dropped afterwards), so hostile input meets PostgreSQL;
# without DATABASE_URL a SQLite file in a temporary directory.
# The server is gunicorn with DEBUG=0 (what production answers, e.g. JSON 404s under /api/).
#
# Accepted exceptions (rejections the schema cannot express) are per operation in
# .ci/schemathesis.toml, each with its reason.
#
# Knobs: SCHEMATHESIS_PORT, SCHEMATHESIS_EXAMPLES (-n), SCHEMATHESIS_USERS,
# SCHEMATHESIS_REPORT_DIR (keeps the NDJSON reports), SCHEMATHESIS_ARGS (extra arguments).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${SCHEMATHESIS_PORT:-8199}"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-3}"
USERS="${SCHEMATHESIS_USERS:-supervisor onsite}"
WORK="$(mktemp -d)"
REPORT_DIR="${SCHEMATHESIS_REPORT_DIR:-$WORK}"
mkdir -p "$REPORT_DIR"
export VAR_DIR="$WORK" CELERY_BROKER_URL="filesystem://" REDIS_URL="" \
       EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"
unset DJANGO_SETTINGS_MODULE  # the real settings, not the test ones

DROP_DB=""
if [[ "${DATABASE_URL:-}" == postgres* ]]; then
  url="${DATABASE_URL%%\?*}"
  db="${url##*/}_schemathesis"
  export DATABASE_URL="${url%/*}/$db"
  dropdb --if-exists --maintenance-db="${url%/*}/postgres" "$db" 2>/dev/null
  createdb --maintenance-db="${url%/*}/postgres" "$db"
  DROP_DB="dropdb --if-exists --force --maintenance-db=${url%/*}/postgres $db"
else
  export DATABASE_URL="sqlite:///$WORK/st.sqlite3"
fi
SERVER=""
cleanup() {
  if [ -n "$SERVER" ]; then kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; fi
  if [ -n "$DROP_DB" ]; then $DROP_DB || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

DEBUG=1 $PY manage.py migrate -v0
DEBUG=1 $PY manage.py load_holidays >/dev/null
DEBUG=1 $PY manage.py seed_demo >/dev/null

DEBUG=0 SECRET_KEY="$(head -c 48 /dev/urandom | base64)" SECURE_SSL_REDIRECT=0 ALLOWED_HOSTS=127.0.0.1 \
  .venv/bin/gunicorn aftersales.wsgi --bind "127.0.0.1:$PORT" --workers 2 --timeout 60 \
  >"$WORK/server.log" 2>&1 &
SERVER=$!
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/health/live/" >/dev/null && break; sleep 1; done

status=0
for user in $USERS; do
  token=$(curl -sf -X POST -d "username=$user&password=demo-pass-2026" "http://127.0.0.1:$PORT/api/auth/token/" \
          | $PY -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  echo "== schemathesis as $user"
  # shellcheck disable=SC2086
  .venv/bin/schemathesis --config-file .ci/schemathesis.toml run "http://127.0.0.1:$PORT/api/schema/" \
    -H "Authorization: Token $token" --checks all \
    --phases examples,coverage,fuzzing,stateful -n "$EXAMPLES" --generation-deterministic \
    --report ndjson --report-ndjson-path "$REPORT_DIR/$user.ndjson" \
    --no-color ${SCHEMATHESIS_ARGS:-} || status=1
done
if [ "$status" != 0 ] && grep -q " 500 \|Traceback" "$WORK/server.log"; then
  echo "== server log (errors)"; grep -B2 -A30 "Traceback" "$WORK/server.log" | head -200
fi
exit $status

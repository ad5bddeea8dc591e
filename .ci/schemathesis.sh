#!/usr/bin/env bash
# Schemathesis against a throw-away server (SQLite, demo data), as a supervisor and as an
# engineer: examples, coverage, fuzzing and stateful phases with a bounded example count.
# Checks: no server error, documented status codes and content types, responses that
# match the schema. (Positive/negative data acceptance, ST201/ST202, is not yet clean.)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT="${SCHEMATHESIS_PORT:-8199}"
EXAMPLES="${SCHEMATHESIS_EXAMPLES:-3}"
WORK="$(mktemp -d)"
export VAR_DIR="$WORK" DEBUG=1 DATABASE_URL="sqlite:///$WORK/st.sqlite3" CELERY_BROKER_URL="filesystem://" REDIS_URL=""
$PY manage.py migrate -v0
$PY manage.py seed_demo >/dev/null
$PY manage.py runserver "127.0.0.1:$PORT" --noreload >"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 60); do curl -sf "http://127.0.0.1:$PORT/health/live/" >/dev/null && break; sleep 1; done
status=0
for user in supervisor onsite; do
  token=$(curl -sf -X POST -d "username=$user&password=demo-pass-2026" "http://127.0.0.1:$PORT/api/auth/token/" \
          | $PY -c 'import json,sys; print(json.load(sys.stdin)["token"])')
  echo "== schemathesis as $user"
  .venv/bin/schemathesis run "http://127.0.0.1:$PORT/api/schema/" -H "Authorization: Token $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --phases examples,coverage,fuzzing,stateful -n "$EXAMPLES" --generation-deterministic \
    --max-failures 50 --no-color || status=1
done
exit $status

#!/usr/bin/env bash
# The production stack on this machine (docs/deploy.md): migrate, collect the
# hashed static files, then the web processes (gunicorn) and the workers
# (scripts/worker.sh: tasks, deadlines, stale-task requeue); Ctrl-C stops all.
#
#   scripts/serve.sh                       # or: make serve
#   DATABASE_URL=postgres://… CACHE_URL=redis://127.0.0.1:6379/1 scripts/serve.sh
#   SEED=0 scripts/serve.sh                # no demo data
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(dirname "$PY")

export DATABASE_URL=${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/disputes}
export DJANGO_SETTINGS_MODULE=config.settings.production
export DJANGO_DEBUG=0
# A throwaway key unless one is given (sessions do not survive a restart).
export DJANGO_SECRET_KEY=${DJANGO_SECRET_KEY:-$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')}
# Plain http on this machine; behind a TLS load balancer leave it on.
export DJANGO_SECURE_SSL_REDIRECT=${DJANGO_SECURE_SSL_REDIRECT:-0}
export GUNICORN_BIND=${GUNICORN_BIND:-127.0.0.1:${PORT:-8000}}

case "$DATABASE_URL" in
postgres://*|postgresql://*)
  "$PY" - <<'EOF'
import os, psycopg
url = os.environ["DATABASE_URL"].replace("postgres://", "postgresql://", 1)
base, name = url.rsplit("/", 1)
with psycopg.connect(base + "/postgres", autocommit=True) as conn:
    if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
        conn.execute(f'CREATE DATABASE "{name}"')
EOF
  ;;
esac

"$PY" manage.py migrate --noinput -v0
"$PY" manage.py compilemessages -v0 >/dev/null 2>&1 || true
"$PY" manage.py collectstatic --noinput -v0
if [ "${SEED:-1}" = 1 ]; then
  "$PY" manage.py seed_demo --force
fi

pids=()
stop() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap stop EXIT INT TERM

PY="$PY" scripts/worker.sh & pids+=($!)
echo "Serving on http://${GUNICORN_BIND/127.0.0.1/localhost} (production settings)"
"$BIN/gunicorn" -c gunicorn.conf.py config.wsgi:application & pids+=($!)
wait -n

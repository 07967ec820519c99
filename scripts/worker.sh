#!/usr/bin/env bash
# `make worker`: the task worker, the deadline sweep, the stale-task requeue
# and the scheduler (the Procfile's lines other than `web`) in the
# foreground, for development and small sites, and next to gunicorn in
# `make serve`. honcho runs them: Ctrl+C (or SIGTERM) stops all; if one
# exits, the others are stopped too.
# Production runs them as separate services instead (docs/deploy.md).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
BIN=$(cd "$(dirname "$PY")" && pwd)
export PATH="$BIN:$PATH" PYTHONUNBUFFERED=1

exec "$BIN/honcho" -f Procfile start tasks deadlines requeue schedules

#!/usr/bin/env bash
# `make worker`: the task worker and the deadline sweep together, in the
# foreground, for development and small sites. Ctrl+C (or SIGTERM) stops both
# cleanly; if either exits, the other is stopped too and this script fails.
# Production runs them as separate services instead (docs/deploy.md).
set -uo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
SWEEP_EVERY=${SWEEP_EVERY:-60}

# Tasks a killed worker left RUNNING go back in the queue first.
"$PY" manage.py requeue_stale_tasks

"$PY" manage.py db_worker --no-reload --interval 1 --queue-name "*" &
WORKER=$!
"$PY" manage.py apply_deadlines --loop "$SWEEP_EVERY" &
SWEEP=$!
"$PY" manage.py requeue_stale_tasks --loop 300 &
REQUEUE=$!
PIDS="$WORKER $SWEEP $REQUEUE"

stop() {
  trap - INT TERM
  kill -TERM $PIDS 2>/dev/null
  wait $PIDS 2>/dev/null
}
trap 'stop; exit 0' INT TERM

echo "task worker (pid $WORKER), deadline sweep every ${SWEEP_EVERY}s (pid $SWEEP), stale-task requeue (pid $REQUEUE); Ctrl+C stops them"
wait -n $PIDS
status=$?
echo "a worker process exited (status $status); stopping the others" >&2
stop
exit "${status:-1}"

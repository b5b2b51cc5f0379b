#!/usr/bin/env bash
# Starts namecard under Hypercorn (the deployment guide's start script).
#   ENVIRONMENT=production  → `namecard serve` with WORKERS processes, logs in logs/access.log and
#                             logs/error.log (rotated by size), Prometheus multiprocess mode when
#                             WORKERS > 1; refused (exit 2, one sentence naming the variables)
#                             without real LINE credentials, or with WORKERS or MAX_INSTANCES
#                             above 1 and no REDIS_URL
#   otherwise               → the same command, logs on the terminal as well
# The Dockerfile's ENTRYPOINT; tests/deployment/test_start_script.py runs it as the image would.
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT="${PORT:-8080}"
# Without LINE credentials the built-in LINE simulator is mounted: it stays on this machine
# unless HOST is set (a non-loopback HOST also needs SIM_ALLOW_REMOTE=true; the app checks).
if [ -z "${HOST:-}" ]; then
  if [ -z "${LINE_CHANNEL_SECRET:-}" ]; then
    HOST=127.0.0.1
    echo "start: no LINE credentials: built-in LINE simulator, on 127.0.0.1 only" >&2
  else
    HOST=0.0.0.0
  fi
fi
export HOST
case "$HOST" in *:*) BIND="[$HOST]:$PORT" ;; *) BIND="$HOST:$PORT" ;; esac
WORKERS="${WORKERS:-1}"
mkdir -p logs

# prometheus_client keeps one file per worker process here; a previous run's files would be summed.
if [ -n "${PROMETHEUS_MULTIPROC_DIR:-}" ]; then
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  find "$PROMETHEUS_MULTIPROC_DIR" -maxdepth 1 -name '*.db' -type f -delete
fi

# Several workers share /metrics through prometheus_client's multiprocess mode: a folder of
# value files, emptied at every start (a previous run's values would be counted again).
if [ "$WORKERS" -gt 1 ]; then
  PROMETHEUS_MULTIPROC_DIR="${PROMETHEUS_MULTIPROC_DIR:-$PWD/data/prometheus}"
  mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
  rm -f "$PROMETHEUS_MULTIPROC_DIR"/*.db
  export PROMETHEUS_MULTIPROC_DIR
fi
export WORKERS

# Both modes run Hypercorn through `namecard serve` (the settings of deployment/hypercorn.toml,
# WORKERS processes, logs/access.log and logs/error.log rotated by size: LOG_MAX_MB,
# LOG_BACKUPS; LOG_FORMAT=json for log collectors). Production keeps the files only.
if [ "${ENVIRONMENT:-}" = "production" ]; then
  export LOG_FILES="${LOG_FILES:-true}"
fi
# In production `namecard serve` refuses this with its own sentence; elsewhere it starts 1 worker.
if [ -z "${REDIS_URL:-}" ] && [ "$WORKERS" -gt 1 ] && [ "${ENVIRONMENT:-}" != "production" ]; then
  echo "start: WORKERS=$WORKERS needs REDIS_URL (shared state); starting 1 worker" >&2
fi
exec python3 -m namecard serve --port "$PORT"

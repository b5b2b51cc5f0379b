#!/usr/bin/env bash
# Starts namecard under Hypercorn (the deployment guide's start script).
#   ENVIRONMENT=production  → Hypercorn with WORKERS processes, logs in logs/access.log and logs/error.log
#   otherwise               → one process on PORT, logs on the terminal
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT="${PORT:-8080}"
# Without LINE credentials the built-in LINE simulator is mounted: it stays on this machine
# unless HOST is set (a non-loopback HOST also needs SIM_ALLOW_REMOTE=true; the app checks).
if [ -z "${HOST:-}" ]; then
  if [ -z "${LINE_CHANNEL_SECRET:-}" ]; then
    HOST=127.0.0.1
    echo "start: no LINE credentials: built-in LINE simulator, listening on 127.0.0.1 only" >&2
  else
    HOST=0.0.0.0
  fi
fi
export HOST
case "$HOST" in *:*) BIND="[$HOST]:$PORT" ;; *) BIND="$HOST:$PORT" ;; esac
WORKERS="${WORKERS:-1}"
mkdir -p logs

if [ -z "${REDIS_URL:-}" ] && [ "$WORKERS" -gt 1 ]; then
  echo "start: WORKERS=$WORKERS needs REDIS_URL (shared state); starting 1 worker" >&2
  WORKERS=1
fi

if [ "${ENVIRONMENT:-}" = "production" ]; then
  exec hypercorn namecard.asgi:app \
    --config deployment/hypercorn.toml \
    --bind "$BIND" --backlog "${LISTEN_BACKLOG:-1024}" --workers "$WORKERS" --worker-class asyncio \
    --access-logfile logs/access.log --error-logfile logs/error.log --log-level info
fi
exec python3 -m namecard serve --port "$PORT"

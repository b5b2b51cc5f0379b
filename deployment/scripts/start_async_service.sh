#!/usr/bin/env bash
# Starts namecard under Hypercorn (the deployment guide's start script).
#   ENVIRONMENT=production  → Hypercorn with WORKERS processes, logs in logs/access.log and logs/error.log
#   otherwise               → one process on PORT, logs on the terminal
set -euo pipefail
cd "$(dirname "$0")/../.."

PORT="${PORT:-8080}"
WORKERS="${WORKERS:-1}"
mkdir -p logs

if [ -z "${REDIS_URL:-}" ] && [ "$WORKERS" -gt 1 ]; then
  echo "start: WORKERS=$WORKERS needs REDIS_URL (shared state); starting 1 worker" >&2
  WORKERS=1
fi

if [ "${ENVIRONMENT:-}" = "production" ]; then
  exec hypercorn namecard.asgi:app \
    --config deployment/hypercorn.toml \
    --bind "0.0.0.0:${PORT}" --workers "$WORKERS" --worker-class asyncio \
    --access-logfile logs/access.log --error-logfile logs/error.log --log-level info
fi
exec python3 -m namecard serve --port "$PORT"

# The image Zeabur builds when this file is present (zbpack.json configures its own build
# otherwise). NOT BUILT HERE: no base image is reachable from the machine this was written on;
# tests/deployment/test_deploy_files.py parses this file and runs its ENTRYPOINT and HEALTHCHECK
# with its ENV, outside a container.
FROM python:3.12-slim

# ENVIRONMENT=production: the start script runs Hypercorn with WORKERS processes, and refuses to
# start without LINE credentials, or with WORKERS/MAX_INSTANCES above 1 and no REDIS_URL.
# MALLOC_ARENA_MAX=2 caps glibc's per-thread malloc arenas (Hypercorn workers, decode and OCR
# threads); PROMETHEUS_MULTIPROC_DIR is where prometheus_client keeps one file per worker.
ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    ENVIRONMENT=production \
    PORT=8080 \
    WORKERS=1 \
    DATA_DIR=/app/data \
    MALLOC_ARENA_MAX=2 \
    PROMETHEUS_MULTIPROC_DIR=/tmp/prometheus-multiproc

# OpenCV (used by the offline reader) needs these shared libraries on a slim Debian; the rich
# menu (namecard line-setup) draws its Chinese labels with WenQuanYi Micro Hei.
RUN apt-get update \
    && apt-get install -y --no-install-recommends libgl1 libglib2.0-0 fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*

RUN useradd --create-home --uid 10001 --user-group namecard
WORKDIR /app

COPY pyproject.toml README.md ./
COPY src ./src
COPY deployment ./deployment
RUN pip install -r deployment/async_requirements.txt \
    && mkdir -p /app/data /app/logs \
    && chown -R namecard:namecard /app/data /app/logs

USER namecard
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python3", "deployment/scripts/healthcheck.py"]
ENTRYPOINT ["./deployment/scripts/start_async_service.sh"]

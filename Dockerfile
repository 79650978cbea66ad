# syntax=docker/dockerfile:1
# The register as a container: migrations run, then the service starts.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/register.sqlite3

WORKDIR /app

RUN groupadd --system register \
    && useradd --system --gid register --home-dir /app --shell /usr/sbin/nologin register \
    && mkdir -p /data \
    && chown register:register /data

COPY pyproject.toml README.md alembic.ini ./
COPY app ./app
COPY migrations ./migrations
COPY seed_data ./seed_data
RUN pip install --no-cache-dir .

USER register
EXPOSE 8000
VOLUME ["/data"]

HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/readyz', timeout=4).status == 200 else 1)"]

# `serve` migrates (under an advisory lock on PostgreSQL), seeds an empty database, then serves.
CMD ["sharing-register", "serve", "--host", "0.0.0.0", "--port", "8000"]

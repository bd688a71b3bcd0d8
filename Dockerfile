# syntax=docker/dockerfile:1
#
# One image for every Aurelius process; the command chooses the process:
#
#   docker build -t aurelius .
#   docker run --rm -v aurelius-data:/data aurelius                  # `aurelius run` (default)
#   docker run --rm aurelius worker | scheduler | bot telegram | db upgrade
#   docker run --rm -p 8000:8000 aurelius serve --host 0.0.0.0 --port 8000
#   docker run --rm -it -v aurelius-data:/data aurelius task list     # any CLI command
#
# Settings come from AURELIUS_* variables (see aurelius/settings.py) or from
# /data/config.toml; /data ($AURELIUS_HOME) also holds the SQLite file when no
# AURELIUS_DATABASE_URL is given. docker-compose.yml runs the full stack.

ARG PYTHON_IMAGE=python:3.11-slim

# --- builder: a self-contained virtualenv in /opt/aurelius ------------------------------------
FROM ${PYTHON_IMAGE} AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_ROOT_USER_ACTION=ignore \
    PATH=/opt/aurelius/bin:$PATH

RUN python -m venv /opt/aurelius

WORKDIR /src

# Third-party dependencies first, read from pyproject.toml alone, so that a change to the
# code does not reinstall them (this layer is rebuilt only when pyproject.toml changes).
COPY pyproject.toml ./
# hadolint ignore=DL3013
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; extras = p.get('optional-dependencies', {}); reqs = p['dependencies'] + [r for e in ('postgres', 'redis', 'ai', 'bots', 'connect', 'ops', 'sentry') for r in extras.get(e, [])]; print('\n'.join(r for r in reqs if not r.startswith(p['name'])))" \
        > /tmp/requirements.txt \
 && pip install -r /tmp/requirements.txt

# Then the project itself (not editable: the final image has no source tree).
COPY . .
# hadolint ignore=DL3013
RUN pip install ".[postgres,redis,ai,bots,ops,sentry]" \
 && aurelius --version

# --- final: the venv on a clean base, run as an unprivileged user -----------------------------
FROM ${PYTHON_IMAGE}

ENV PATH=/opt/aurelius/bin:$PATH \
    AURELIUS_HOME=/data \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1

# pg_dump and pg_restore for `aurelius backup` / `restore` on PostgreSQL.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 aurelius \
 && useradd --system --uid 10001 --gid aurelius --home-dir /data --no-create-home \
        --shell /usr/sbin/nologin aurelius \
 && install -d -o aurelius -g aurelius -m 0750 /data /backups

# Same base image and same path as in the builder, so the venv's interpreter links still hold.
COPY --from=builder /opt/aurelius /opt/aurelius

# Numeric, so that orchestrators can verify the user is not root (runAsNonRoot).
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8000

ENTRYPOINT ["aurelius"]
CMD ["run"]

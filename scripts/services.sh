#!/usr/bin/env bash
# Throwaway PostgreSQL 15 (+ pgvector) and Redis for the test suite.
#
#   bash scripts/services.sh start    install what is missing, start both, wait until they answer
#   bash scripts/services.sh stop     stop both and wait until their ports are closed
#   bash scripts/services.sh env      print `export AURELIUS_TEST_*=...` lines, for eval
#   bash scripts/services.sh status   exit 0 when both are running (started by this script)
#   bash scripts/services.sh reset    stop, then delete the cluster and Redis state
#
# Environment:
#   AURELIUS_CI_PG_PORT      PostgreSQL port on 127.0.0.1 (default 55432)
#   AURELIUS_CI_REDIS_PORT   Redis port on 127.0.0.1 (default 56379)
#   AURELIUS_CI_STATE_DIR    where the cluster, logs and pid files live (default .ci/state)
#
# Made for Debian 12 (bookworm). Debian 12 has no pgvector package, so when it is missing the
# `pgvector` source package is fetched from Debian trixie through a private apt sources/lists dir
# (the system's apt configuration and lists are not touched) and built against PostgreSQL 15.
# Everything runs on 127.0.0.1 only; the cluster trusts every local connection and runs with
# fsync off: it is for tests and must never hold real data.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
STATE=${AURELIUS_CI_STATE_DIR:-$REPO/.ci/state}
PG_PORT=${AURELIUS_CI_PG_PORT:-55432}
REDIS_PORT=${AURELIUS_CI_REDIS_PORT:-56379}
PG_MAJOR=15
PG_BIN=/usr/lib/postgresql/$PG_MAJOR/bin
PG_EXT_DIR=/usr/share/postgresql/$PG_MAJOR/extension
PG_LIB_DIR=/usr/lib/postgresql/$PG_MAJOR/lib
PG_DB=aurelius_test
PG_SUPERUSER=postgres
PGVECTOR_SUITE=trixie
REDIS_DIR=$STATE/redis

T0=${EPOCHREALTIME/./}

# A closed stdout/stderr (e.g. `| head`) must not kill a half-done start or stop: no SIGPIPE,
# and logging that fails is ignored.
trap '' PIPE
log() { printf 'services: %s\n' "$*" >&2 2>/dev/null || true; }
die() { log "error: $*"; exit 1; }

elapsed() {  # seconds since the script started, e.g. "1.3s"
  local us=$(( ${EPOCHREALTIME/./} - T0 ))
  printf '%d.%ds' $(( us / 1000000 )) $(( us / 100000 % 10 ))
}

check_port() {
  if ! [[ $1 =~ ^[0-9]+$ ]] || (( $1 < 1 || $1 > 65535 )); then die "bad port number: '$1'"; fi
}

port_open() {  # a TCP connect to 127.0.0.1:$1 succeeds
  (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

wait_for() {  # wait_for SECONDS DESCRIPTION COMMAND...: poll COMMAND every 0.1 s until it succeeds
  local secs=$1 what=$2
  local deadline=$(( SECONDS + secs ))
  shift 2
  until "$@"; do
    (( SECONDS < deadline )) || { log "timed out after $secs s waiting for $what"; return 1; }
    sleep 0.1
  done
}

port_closed() { ! port_open "$1"; }

# --- privileges ------------------------------------------------------------------------------

if (( EUID == 0 )); then
  SUDO=()
else
  SUDO=(sudo -n)
fi

as_root() {
  if (( EUID != 0 )) && ! command -v sudo >/dev/null; then
    die "need root (or passwordless sudo) for: $*"
  fi
  "${SUDO[@]}" "$@"
}

as_pg() {  # run a PostgreSQL server tool as the cluster owner (initdb refuses to run as root)
  if (( EUID == 0 )); then
    # from /, since the postgres user may not be allowed into the current directory
    (cd / && runuser -u postgres -- "$@")
  else
    "$@"
  fi
}

# --- packages --------------------------------------------------------------------------------

APT_UPDATED=0

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

apt_install() {  # apt_install PKG...: install the ones that are missing
  local missing=() p
  for p in "$@"; do installed "$p" || missing+=("$p"); done
  (( ${#missing[@]} )) || return 0
  command -v apt-get >/dev/null || die "missing ${missing[*]} and apt-get is not available"
  mkdir -p "$STATE"
  local aptlog=$STATE/apt.log
  if (( ! APT_UPDATED )); then
    log "apt-get update"
    as_root apt-get -o DPkg::Lock::Timeout=300 update -q </dev/null >"$aptlog" 2>&1 9>&- \
      || { tail -n 20 "$aptlog" >&2; die "apt-get update failed (log: $aptlog)"; }
    APT_UPDATED=1
  fi
  log "apt-get install ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q \
      --no-install-recommends "${missing[@]}" </dev/null >>"$aptlog" 2>&1 9>&- \
    || { tail -n 30 "$aptlog" >&2; die "apt-get install failed (log: $aptlog)"; }
}

debian_mirror() {  # prints "URI KEYRING" of the machine's main Debian archive entry
  local codename="" uri="" key=""
  # shellcheck disable=SC1091
  [[ -r /etc/os-release ]] && codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
  codename=${codename:-bookworm}
  local f
  # deb822 files: find a stanza whose Suites list has the release codename itself.
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -r $f ]] || continue
    read -r uri key < <(awk -v want="$codename" '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ (" " want " ") && uri != "" && !done) {
          print uri, (key == "" ? "-" : key); done = 1
        }
        types = suites = uri = key = ""
      }
      /^[ \t]*#/ { next }
      /^[ \t]*$/ { flush(); next }
      tolower($1) == "types:"     { $1 = ""; types = $0 }
      tolower($1) == "suites:"    { $1 = ""; suites = $0 }
      tolower($1) == "uris:"      { uri = $2 }
      tolower($1) == "signed-by:" { if ($2 ~ /^\//) key = $2 }
      END { flush() }' "$f") || true
    [[ -n $uri ]] && break
  done
  # One-line format: "deb [options] URI SUITE COMPONENTS..."
  if [[ -z $uri ]]; then
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
      [[ -r $f ]] || continue
      read -r uri key < <(awk -v want="$codename" '
        $1 == "deb" {
          key = "-"; i = 2
          if ($2 ~ /^\[/) {
            for (; i <= NF; i++) {
              if ($i ~ /^\[?signed-by=/) { k = $i; sub(/^\[?signed-by=/, "", k); sub(/\]$/, "", k); key = k }
              if ($i ~ /\]$/) { i++; break }
            }
          }
          if ($(i + 1) == want) { print $i, key; exit }
        }' "$f") || true
      [[ -n $uri ]] && break
    done
  fi
  uri=${uri:-http://deb.debian.org/debian}
  [[ -n $key && $key != - ]] || key=/usr/share/keyrings/debian-archive-keyring.gpg
  echo "${uri%/} $key"
}

pgvector_installed() { [[ -f $PG_EXT_DIR/vector.control && -f $PG_LIB_DIR/vector.so ]]; }

build_pgvector() {
  apt_install "postgresql-server-dev-$PG_MAJOR" build-essential
  local mirror keyring
  read -r mirror keyring < <(debian_mirror)
  mkdir -p "$STATE"
  local work
  work=$(mktemp -d "$STATE/pgvector-build.XXXXXX")
  mkdir -p "$work/lists/partial" "$work/src"
  printf 'deb-src [signed-by=%s] %s %s main\n' "$keyring" "$mirror" "$PGVECTOR_SUITE" \
    >"$work/sources.list"
  # A private apt configuration: only our deb-src line, our own lists dir, no binary caches.
  local apt=(apt-get -q
    -o Dir::Etc::sourcelist="$work/sources.list" -o Dir::Etc::sourceparts=-
    -o Dir::State::Lists="$work/lists" -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache=
    -o APT::Sandbox::User=root -o Debug::NoLocking=true)
  local blog=$work/build.log
  log "pgvector: fetching the source package from Debian $PGVECTOR_SUITE ($mirror)"
  { "${apt[@]}" update && (cd "$work/src" && "${apt[@]}" source pgvector); } \
    </dev/null >"$blog" 2>&1 \
    || { tail -n 20 "$blog" >&2; die "could not fetch the pgvector source (log: $blog)"; }
  local src
  src=$(find "$work/src" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
  [[ -n $src ]] || die "pgvector source not unpacked (log: $blog)"
  log "pgvector: building ${src##*/}"
  local mk=(make -C "$src" PG_CONFIG="$PG_BIN/pg_config" OPTFLAGS="")
  { "${mk[@]}" -j"$(nproc)" && as_root "${mk[@]}" install; } >>"$blog" 2>&1 \
    || { tail -n 30 "$blog" >&2; die "pgvector build failed (log: $blog)"; }
  pgvector_installed || die "pgvector installed but vector.control/vector.so not found"
  rm -rf "$work"
}

install_missing() {  # one apt-get install for everything that is missing, then pgvector
  local pkgs=()
  [[ -x $PG_BIN/postgres && -x $PG_BIN/initdb && -x $PG_BIN/psql ]] \
    || pkgs+=("postgresql-$PG_MAJOR" "postgresql-client-$PG_MAJOR")
  command -v redis-server >/dev/null && command -v redis-cli >/dev/null \
    || pkgs+=(redis-server redis-tools)
  command -v tmux >/dev/null || pkgs+=(tmux)  # the TUI's end-to-end check drives a real terminal
  pgvector_installed || pkgs+=("postgresql-server-dev-$PG_MAJOR" build-essential)
  (( ${#pkgs[@]} == 0 )) || apt_install "${pkgs[@]}"
  pgvector_installed || build_pgvector
}

# --- PostgreSQL ------------------------------------------------------------------------------

PG_ROOT=""

pg_root() {  # the cluster's parent dir: under $STATE when the postgres user can reach it
  [[ -n $PG_ROOT ]] && return 0
  PG_ROOT=$STATE/postgres
  if (( EUID == 0 )); then
    mkdir -p "$PG_ROOT"
    if ! id postgres >/dev/null 2>&1; then
      die "no 'postgres' user (is postgresql-$PG_MAJOR installed?)"
    fi
    chown postgres:postgres "$PG_ROOT"
    if ! runuser -u postgres -- test -w "$PG_ROOT" 2>/dev/null; then
      # e.g. a checkout under /root: the postgres user cannot traverse the path.
      PG_ROOT=/tmp/aurelius-ci-postgres.$(printf '%s' "$STATE" | md5sum | cut -c1-12)
      mkdir -p "$PG_ROOT"
      chown postgres:postgres "$PG_ROOT"
      chmod 700 "$PG_ROOT"
    fi
  else
    mkdir -p "$PG_ROOT"
  fi
}

pg_running() {  # our cluster's postmaster is alive
  [[ -f $PG_ROOT/data/postmaster.pid ]] && as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" status >/dev/null 2>&1
}

pg_running_port() { sed -n 4p "$PG_ROOT/data/postmaster.pid" 2>/dev/null; }

pg_ready() { "$PG_BIN/pg_isready" -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" -d postgres; }

psql_() {
  "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U "$PG_SUPERUSER" "$@"
}

pg_init() {
  local data=$PG_ROOT/data
  [[ -f $data/PG_VERSION && $(<"$data/PG_VERSION") == "$PG_MAJOR" ]] && return 0
  log "postgres: creating a throwaway cluster in $data"
  rm -rf "$data"
  as_pg "$PG_BIN/initdb" -D "$data" -U "$PG_SUPERUSER" -A trust -E UTF8 --no-locale --no-sync \
      >"$PG_ROOT/initdb.log" 2>&1 \
    || { cat "$PG_ROOT/initdb.log" >&2; die "initdb failed"; }
  # Tests only: no durability, TCP on loopback only, no unix socket (paths may be too long).
  as_pg tee -a "$data/postgresql.conf" >/dev/null <<'EOF'

# --- added by scripts/services.sh (throwaway test cluster) ---
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
fsync = off
synchronous_commit = off
full_page_writes = off
max_connections = 200
log_min_messages = warning
EOF
}

pg_start() {
  pg_root
  if pg_running; then
    local port
    port=$(pg_running_port)
    if [[ $port == "$PG_PORT" ]]; then
      log "postgres: already running on 127.0.0.1:$PG_PORT"
    else
      port_closed "$PG_PORT" || die "port $PG_PORT is taken by another process (set AURELIUS_CI_PG_PORT)"
      log "postgres: running on port $port, restarting on $PG_PORT"
      pg_stop
    fi
  fi
  if ! pg_running; then
    port_closed "$PG_PORT" || die "port $PG_PORT is taken by another process (set AURELIUS_CI_PG_PORT)"
    pg_init
    as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/postgres.log" -o "-p $PG_PORT" \
        -w -t 60 start >/dev/null 9>&- \
      || { tail -n 20 "$PG_ROOT/postgres.log" >&2; die "postgres did not start (log: $PG_ROOT/postgres.log)"; }
  fi
  wait_for 30 "postgres on port $PG_PORT" pg_ready
  if [[ $(psql_ -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DB'") != 1 ]]; then
    psql_ -d postgres -c "CREATE DATABASE $PG_DB"
  fi
  local vec
  vec=$(psql_ -d "$PG_DB" -tAc "SELECT default_version FROM pg_available_extensions WHERE name = 'vector'")
  [[ -n $vec ]] || die "the vector extension is not available to the server"
  log "postgres: ready on 127.0.0.1:$PG_PORT (database $PG_DB, pgvector $vec)"
}

pg_stop() {
  pg_root
  if pg_running; then
    local port
    port=$(pg_running_port)
    as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m immediate -w -t 30 stop >/dev/null
    [[ -z $port ]] || wait_for 30 "postgres to close port $port" port_closed "$port"
    log "postgres: stopped"
  else
    log "postgres: not running"
  fi
}

# --- Redis -----------------------------------------------------------------------------------

redis_cli() { redis-cli -h 127.0.0.1 -p "$1" "${@:2}"; }

redis_ours() {  # PORT: the Redis answering on PORT is the one started here
  [[ $(redis_cli "$1" ping 2>/dev/null) == PONG ]] || return 1
  [[ $(redis_cli "$1" config get pidfile 2>/dev/null | sed -n 2p) == "$REDIS_DIR/redis.pid" ]]
}

redis_ping() { [[ $(redis_cli "$REDIS_PORT" ping 2>/dev/null) == PONG ]]; }

redis_start() {
  mkdir -p "$REDIS_DIR"
  local old=""
  [[ -f $REDIS_DIR/port ]] && old=$(<"$REDIS_DIR/port")
  if [[ -n $old && $old != "$REDIS_PORT" ]] && redis_ours "$old"; then
    port_closed "$REDIS_PORT" || die "port $REDIS_PORT is taken by another process (set AURELIUS_CI_REDIS_PORT)"
    log "redis: running on port $old, restarting on $REDIS_PORT"
    redis_stop
  fi
  if redis_ours "$REDIS_PORT"; then
    log "redis: already running on 127.0.0.1:$REDIS_PORT"
    return 0
  fi
  port_closed "$REDIS_PORT" || die "port $REDIS_PORT is taken by another process (set AURELIUS_CI_REDIS_PORT)"
  rm -f "$REDIS_DIR/redis.pid"
  redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --daemonize yes --save '' --appendonly no \
      --dir "$REDIS_DIR" --pidfile "$REDIS_DIR/redis.pid" --logfile "$REDIS_DIR/redis.log" 9>&- \
    || die "redis-server failed (log: $REDIS_DIR/redis.log)"
  echo "$REDIS_PORT" >"$REDIS_DIR/port"
  wait_for 30 "redis on port $REDIS_PORT" redis_ping \
    || { tail -n 20 "$REDIS_DIR/redis.log" >&2; die "redis did not start"; }
  log "redis: ready on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
  local port=$REDIS_PORT
  [[ -f $REDIS_DIR/port ]] && port=$(<"$REDIS_DIR/port")
  if redis_ours "$port"; then
    redis_cli "$port" shutdown nosave >/dev/null 2>&1 || true
    # A stopped daemon can linger as a zombie when nothing reaps it: wait on the port, not the pid.
    if ! wait_for 10 "redis to close port $port" port_closed "$port"; then
      local pid
      pid=$(cat "$REDIS_DIR/redis.pid" 2>/dev/null || true)
      [[ -z $pid ]] || kill -9 "$pid" 2>/dev/null || true
      wait_for 5 "redis to close port $port" port_closed "$port" || die "redis would not stop"
    fi
    rm -f "$REDIS_DIR/redis.pid" "$REDIS_DIR/port"
    log "redis: stopped"
  else
    log "redis: not running"
  fi
}

# --- commands --------------------------------------------------------------------------------

lock() {  # one start/stop at a time per state dir
  # fd 9 holds the lock: anything that may leave a daemon behind runs with `9>&-`, or the
  # daemon would inherit the descriptor and keep the lock forever.
  mkdir -p "$STATE"
  exec 9>"$STATE/.services.lock"
  if ! flock -n 9; then
    log "waiting for another services.sh to finish"
    flock -w 300 9 || die "could not lock $STATE/.services.lock"
  fi
}

cmd_start() {
  lock
  install_missing
  pg_start
  redis_start
  log "up in $(elapsed)"
}

cmd_stop() {
  lock
  if [[ -x $PG_BIN/pg_ctl ]]; then pg_stop; else log "postgres: not installed"; fi
  if command -v redis-cli >/dev/null; then redis_stop; else log "redis: not installed"; fi
  log "down in $(elapsed)"
}

cmd_status() {
  local rc=0
  if [[ -x $PG_BIN/pg_ctl ]] && { pg_root; pg_running; } && pg_ready; then
    log "postgres: running on 127.0.0.1:$(pg_running_port)"
  else
    log "postgres: not running"; rc=1
  fi
  if command -v redis-cli >/dev/null && redis_ours "$REDIS_PORT"; then
    log "redis: running on 127.0.0.1:$REDIS_PORT"
  else
    log "redis: not running"; rc=1
  fi
  return "$rc"
}

cmd_env() {
  echo "export AURELIUS_TEST_DATABASE_URL=postgresql+psycopg://$PG_SUPERUSER@127.0.0.1:$PG_PORT/$PG_DB"
  echo "export AURELIUS_TEST_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/0"
}

cmd_reset() {
  cmd_stop
  pg_root
  rm -rf "$PG_ROOT/data" "$REDIS_DIR"
  log "state removed"
}

check_port "$PG_PORT"
check_port "$REDIS_PORT"
[[ $PG_PORT != "$REDIS_PORT" ]] || die "PostgreSQL and Redis ports must differ"

case ${1:-} in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  status) cmd_status ;;
  reset) cmd_reset ;;
  *) echo "usage: $0 start|stop|env|status|reset" >&2; exit 2 ;;
esac

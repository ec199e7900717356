# Shared set-up steps for scripts/serve and scripts/test. Sourced, not run.
# Everything the project needs is installed here, so a fresh Debian/Ubuntu machine works.
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$PROJECT_DIR/.venv"
LOCAL_DIR="$PROJECT_DIR/.local"

log() { printf '\033[1m[servicemap]\033[0m %s\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing system packages: ${missing[*]}"
  as_root apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# The PostgreSQL major version already on the machine, or Debian's default after installing it.
pg_major() {
  if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
    apt_install postgresql
  fi
  ls /usr/lib/postgresql | sort -n | tail -1
}

ensure_postgis() {
  local major; major="$(pg_major)"
  apt_install "postgresql-$major-postgis-3"
  PG_BIN="/usr/lib/postgresql/$major/bin"
}

find_python() {
  for candidate in python3.13 python3.12 "$HOME/.pyenv/versions/3.12"*/bin/python3.12 /usr/bin/python3; do
    if command -v "$candidate" >/dev/null 2>&1 &&
       "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then
      command -v "$candidate"; return 0
    fi
  done
  apt_install python3 python3-venv
  /usr/bin/python3 -c 'import sys; sys.exit(sys.version_info < (3, 12))' ||
    { log "Python 3.12+ is required (pyvalhalla ships wheels for 3.12+ only)"; exit 1; }
  echo /usr/bin/python3
}

ensure_venv() {
  local extras="${1:-}"
  local spec="$PROJECT_DIR${extras:+[$extras]}"
  if [ ! -x "$VENV/bin/python" ]; then
    log "creating virtualenv in .venv"
    "$(find_python)" -m venv "$VENV"
  fi
  local stamp="$VENV/.installed-${extras:-base}"
  if [ ! -f "$stamp" ] || [ "$PROJECT_DIR/pyproject.toml" -nt "$stamp" ]; then
    log "installing Python dependencies ${extras:+($extras)}"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    "$VENV/bin/pip" install -q -e "$spec"
    touch "$stamp"
  fi
}

# Postgres refuses to run as root, and its user must be able to reach the data directory.
pg_run() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

cluster_dir() {
  local dir="$LOCAL_DIR/pg"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$PROJECT_DIR" 2>/dev/null; then
    # e.g. a clone under /root: keep the cluster where the postgres user can reach it.
    dir="/var/tmp/servicemap-pg-$(printf '%s' "$PROJECT_DIR" | md5sum | cut -c1-12)"
  fi
  echo "$dir"
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# The cluster keeps the port it was first given; a new cluster takes the first free one from
# SERVICEMAP_PG_PORT (default 55432), so two checkouts on one machine do not collide.
cluster_port() {
  local data="$1" port="${SERVICEMAP_PG_PORT:-55432}"
  if [ -f "$data/servicemap.port" ]; then cat "$data/servicemap.port"; return 0; fi
  while ! port_is_free "$port"; do port=$((port + 1)); done
  echo "$port" | pg_run tee "$data/servicemap.port" >/dev/null
  echo "$port"
}

# Starts (creating if needed) a PostgreSQL+PostGIS cluster owned by this project and exports
# DATABASE_URL for database "$1". Leaves DATABASE_URL alone when the caller set it.
ensure_database() {
  local dbname="$1"
  ensure_postgis
  if [ -n "${DATABASE_URL:-}" ]; then
    log "using DATABASE_URL from the environment"
    return 0
  fi
  local data; data="$(cluster_dir)"
  local sock="$data/socket"
  local port
  if [ ! -f "$data/PG_VERSION" ]; then
    log "creating local PostgreSQL cluster in $data"
    mkdir -p "$data"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
    pg_run "$PG_BIN/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    pg_run mkdir -p "$sock"
  fi
  if pg_run "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    port="$(sed -n 4p "$data/postmaster.pid")"  # the port the running server listens on
  else
    port="$(cluster_port "$data")"
    log "starting local PostgreSQL on 127.0.0.1:$port"
    pg_run "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w \
      -o "-p $port -k $sock -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
  fi
  if ! pg_run "$PG_BIN/psql" -h "$sock" -p "$port" -U postgres -tAc \
      "select 1 from pg_database where datname='$dbname'" | grep -q 1; then
    pg_run "$PG_BIN/createdb" -h "$sock" -p "$port" -U postgres "$dbname"
  fi
  export DATABASE_URL="postgresql://postgres@127.0.0.1:$port/$dbname"
}

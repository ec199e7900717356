# Shared set-up steps for scripts/serve and scripts/test. Sourced, not run.
# Everything the project needs is installed here, so a fresh Debian/Ubuntu machine works.
set -euo pipefail

PROJECT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$PROJECT_DIR/.venv"
LOCAL_DIR="${SERVICEMAP_LOCAL_DIR:-$PROJECT_DIR/.local}"

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

# Where a local cluster lives: in $LOCAL_DIR, which the postgres account must be able to reach as
# root. Otherwise (e.g. a clone under /root or in a private mktemp directory) under /var/tmp, named
# after $LOCAL_DIR, so a different SERVICEMAP_LOCAL_DIR never lands on this checkout's own cluster
# (the default .local keeps the name earlier versions gave it: the checkout's path).
cluster_dir() {
  local name="$1" dir="$LOCAL_DIR/$1" reach="$LOCAL_DIR" key="$LOCAL_DIR"
  [ -d "$reach" ] || reach="$(dirname "$LOCAL_DIR")"
  if [ "$(id -u)" = 0 ] && ! runuser -u postgres -- test -x "$reach" 2>/dev/null; then
    [ "$LOCAL_DIR" = "$PROJECT_DIR/.local" ] && key="$PROJECT_DIR"
    dir="/var/tmp/servicemap-$name-$(printf '%s' "$key" | md5sum | cut -c1-12)"
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

# A secret generated once and kept in .local/secrets, readable only by the project's user.
project_secret() {
  local file="$LOCAL_DIR/secrets/$1"
  if [ ! -s "$file" ]; then
    mkdir -p "$LOCAL_DIR"
    (umask 077; mkdir -p "$LOCAL_DIR/secrets"; chmod 700 "$LOCAL_DIR/secrets"
     od -An -N24 -tx1 /dev/urandom | tr -d ' \n' > "$file.tmp" && mv "$file.tmp" "$file")
  fi
  cat "$file"
}

# Runs a client tool as the cluster owner with the superuser's password in its environment (which
# only that account and root can read), never in a command line that every account can see.
pg_admin() {
  local password="$1"; shift
  PGPASSWORD="$password" pg_run "$@"
}

# Only this project may connect: scram-sha-256 passwords on loopback, and the Unix socket in the
# data directory, which only the cluster owner can enter. A cluster made by an earlier version with
# trust authentication is given the password and closed the same way, its data kept.
write_hba() {
  local data="$1"
  printf '%s\n' "# servicemap: password authentication only (scripts/lib.sh)" \
    "local all all scram-sha-256" "host all all 127.0.0.1/32 scram-sha-256" "host all all ::1/128 scram-sha-256" |
    pg_run tee "$data/pg_hba.conf" >/dev/null
}

create_cluster() {
  local data="$1" password="$2"
  log "creating local PostgreSQL cluster in $data"
  mkdir -p "$data"
  [ "$(id -u)" = 0 ] && chown postgres:postgres "$data"
  chmod 700 "$data"
  local pwfile; pwfile="$(pg_run mktemp)"  # private to the cluster owner, gone after initdb
  printf '%s\n' "$password" | pg_run tee "$pwfile" >/dev/null
  pg_run "$PG_BIN/initdb" -D "$data" -U postgres --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 \
    --locale=C.UTF-8 >/dev/null
  pg_run rm -f "$pwfile"
  pg_run mkdir -p "$data/socket"
  write_hba "$data"
}

close_trust_cluster() {
  local data="$1" password="$2" port="$3"
  grep -qE '^[^#]*\btrust\b' "$data/pg_hba.conf" 2>/dev/null || return 0
  log "closing $data to other users: password authentication instead of trust"
  printf "ALTER USER postgres PASSWORD '%s'\n" "$password" |  # on stdin: not in any command line
    pg_run "$PG_BIN/psql" -h "$data/socket" -p "$port" -U postgres -qtA >/dev/null
  write_hba "$data"
  pg_run "$PG_BIN/pg_ctl" -D "$data" reload >/dev/null
}

# Starts (creating if needed) a PostgreSQL+PostGIS cluster owned by this project and exports
# DATABASE_URL for database "$1". "$2" is "serve" (durable: fsync on, PostgreSQL's defaults) or
# "test" (a throw-away cluster of its own that runs with fsync=off: a crash may lose it, and the
# suite recreates its schema anyway). Leaves DATABASE_URL alone when the caller set it.
ensure_database() {
  local dbname="$1" purpose="${2:-serve}"
  ensure_postgis
  if [ -n "${DATABASE_URL:-}" ]; then
    log "using DATABASE_URL from the environment"
    export SERVICEMAP_EXTERNAL_DATABASE=1
    return 0
  fi
  local name="pg" options="-c listen_addresses=127.0.0.1 -c unix_socket_permissions=0700"
  if [ "$purpose" = test ]; then name="pg-test"; options="$options -c fsync=off"; fi
  local data; data="$(cluster_dir "$name")"
  local password; password="$(project_secret "$name.password")"
  local port
  [ -f "$data/PG_VERSION" ] || create_cluster "$data" "$password"
  if pg_run "$PG_BIN/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    port="$(sed -n 4p "$data/postmaster.pid")"  # the port the running server listens on
  else
    port="$(cluster_port "$data")"
    log "starting local PostgreSQL ($purpose) on 127.0.0.1:$port"
    pg_run "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -o "-p $port -k $data/socket $options" start >/dev/null
  fi
  close_trust_cluster "$data" "$password" "$port"
  if [ "$purpose" = serve ] && [ "$(pg_admin "$password" "$PG_BIN/psql" -h "$data/socket" -p "$port" -U postgres \
      -tAc 'show fsync')" != on ]; then
    log "restarting local PostgreSQL with fsync on (an earlier version ran it without)"
    pg_run "$PG_BIN/pg_ctl" -D "$data" -l "$data/server.log" -w -o "-p $port -k $data/socket $options" restart >/dev/null
  fi
  if ! pg_admin "$password" "$PG_BIN/psql" -h "$data/socket" -p "$port" -U postgres -tAc \
      "select 1 from pg_database where datname='$dbname'" | grep -q 1; then
    pg_admin "$password" "$PG_BIN/createdb" -h "$data/socket" -p "$port" -U postgres "$dbname"
  fi
  export DATABASE_URL="postgresql://postgres:$password@127.0.0.1:$port/$dbname"
  # For the fault tests, which restart this cluster's postmaster for real.
  export SERVICEMAP_LOCAL_PGDATA="$data" SERVICEMAP_PG_BIN="$PG_BIN"
}

# The local serve database's URL (with its password) in .env, readable only by this user, so that
# `servicemap …` commands and benchmarks run from the project find it (pydantic-settings reads .env).
remember_database_url() {
  [ -n "${SERVICEMAP_EXTERNAL_DATABASE:-}" ] && return 0
  (umask 077; printf 'DATABASE_URL=%s\n' "$DATABASE_URL" > "$PROJECT_DIR/.env")
}

#!/usr/bin/env bash
# Starts private PostgreSQL and MariaDB servers for the repository tests, bound to 127.0.0.1 only,
# with their own data directories (nothing touches the system clusters or /etc). Idempotent: a
# server that already answers is left alone; missing packages are installed with apt-get.
#
#   scripts/ci-services.sh          start (or keep) both servers, create the test users/databases
#   scripts/ci-services.sh stop     stop both servers (data is kept)
#   scripts/ci-services.sh reset    stop and delete the data directories
#
# The URLs below are what test/db/ uses when STAKEPOOL_TEST_POSTGRES_URL / STAKEPOOL_TEST_MYSQL_URL
# are unset; they are also written to $STAKEPOOL_CI_DIR/env for `source`.
set -euo pipefail

CI_DIR="${STAKEPOOL_CI_DIR:-/var/tmp/stakepool-ci}"
PG_PORT="${STAKEPOOL_CI_PG_PORT:-55432}"
MY_PORT="${STAKEPOOL_CI_MYSQL_PORT:-53306}"
DB_USER=stakepool
DB_PASS=stakepool
DB_NAME=stakepool_test

PG_DIR="$CI_DIR/postgres"
PG_DATA="$PG_DIR/data"
PG_SOCK="$PG_DIR/run"
MY_DIR="$CI_DIR/mariadb"
MY_DATA="$MY_DIR/data"
MY_SOCK="$MY_DIR/run/mysqld.sock"

PG_URL="postgres://$DB_USER:$DB_PASS@127.0.0.1:$PG_PORT/$DB_NAME"
MY_URL="mysql://$DB_USER:$DB_PASS@127.0.0.1:$MY_PORT/$DB_NAME"

log() { printf 'ci-services: %s\n' "$*" >&2; }
die() {
  log "error: $*"
  exit 1
}

[ "$(id -u)" -eq 0 ] || die "must run as root (it installs packages and runs the servers as postgres/mysql)"

apt_updated=0
apt_install() {
  if [ "$apt_updated" -eq 0 ]; then
    log "apt-get update"
    apt-get update -qq
    apt_updated=1
  fi
  log "apt-get install $*"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

pg_bin() {
  local v
  v="$(ls /usr/lib/postgresql 2>/dev/null | sort -V | tail -n 1)"
  [ -n "$v" ] && [ -x "/usr/lib/postgresql/$v/bin/initdb" ] && echo "/usr/lib/postgresql/$v/bin"
}

ensure_packages() {
  local want=()
  pg_bin >/dev/null || want+=(postgresql)
  command -v psql >/dev/null || want+=(postgresql-client)
  command -v mariadbd >/dev/null || want+=(mariadb-server)
  command -v mariadb >/dev/null || want+=(mariadb-client)
  # The mail tests make a throw-away CA and server certificate with the openssl CLI.
  command -v openssl >/dev/null || want+=(openssl)
  if [ "${#want[@]}" -gt 0 ]; then apt_install "${want[@]}"; fi
  PG_BIN="$(pg_bin)" || die "PostgreSQL binaries not found after install"
}

# Runs a command as the given system user (the servers refuse to run as root).
as_user() {
  local user="$1"
  shift
  runuser -u "$user" -- "$@"
}

wait_for() {
  local what="$1" tries="$2"
  shift 2
  local i
  for ((i = 0; i < tries; i++)); do
    if "$@" >/dev/null 2>&1; then return 0; fi
    sleep 0.5
  done
  die "$what did not come up; see its log under $CI_DIR"
}

start_postgres() {
  mkdir -p "$PG_DIR"
  chown postgres:postgres "$PG_DIR"
  if [ ! -s "$PG_DATA/PG_VERSION" ]; then
    log "initdb $PG_DATA"
    as_user postgres "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth-local=trust \
      --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  install -d -o postgres -g postgres "$PG_SOCK"
  if as_user postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
    log "postgres already running on 127.0.0.1:$PG_PORT"
  else
    log "starting postgres on 127.0.0.1:$PG_PORT"
    # Loopback only; the socket lives in our run dir so the system cluster's is untouched.
    as_user postgres "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_DIR/postgres.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $PG_SOCK -c max_connections=200 -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start >/dev/null
  fi
  wait_for postgres 60 as_user postgres psql -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -Atc 'select 1'

  local psql=(as_user postgres psql -h "$PG_SOCK" -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -Atq)
  if [ "$("${psql[@]}" -c "select 1 from pg_roles where rolname = '$DB_USER'")" != 1 ]; then
    "${psql[@]}" -c "create role $DB_USER login createdb password '$DB_PASS'"
  else
    "${psql[@]}" -c "alter role $DB_USER login createdb password '$DB_PASS'"
  fi
  if [ "$("${psql[@]}" -c "select 1 from pg_database where datname = '$DB_NAME'")" != 1 ]; then
    "${psql[@]}" -c "create database $DB_NAME owner $DB_USER"
  fi
}

my_ping() {
  mariadb-admin --no-defaults --socket="$MY_SOCK" -uroot ping
}

start_mariadb() {
  mkdir -p "$MY_DIR/run"
  chown mysql:mysql "$MY_DIR" "$MY_DIR/run"
  if [ ! -d "$MY_DATA/mysql" ]; then
    log "mariadb-install-db $MY_DATA"
    mariadb-install-db --no-defaults --datadir="$MY_DATA" --user=mysql --auth-root-authentication-method=socket \
      --skip-test-db >"$MY_DIR/install.log" 2>&1 || die "mariadb-install-db failed; see $MY_DIR/install.log"
  fi
  if my_ping >/dev/null 2>&1; then
    log "mariadb already running on 127.0.0.1:$MY_PORT"
  else
    log "starting mariadb on 127.0.0.1:$MY_PORT"
    # --no-defaults keeps /etc/mysql out of it; setsid detaches it from this shell's job.
    setsid mariadbd --no-defaults --datadir="$MY_DATA" --user=mysql --bind-address=127.0.0.1 \
      --port="$MY_PORT" --socket="$MY_SOCK" --pid-file="$MY_DIR/run/mariadbd.pid" \
      --skip-name-resolve --character-set-server=utf8mb4 --collation-server=utf8mb4_bin \
      --max-connections=300 --innodb-flush-log-at-trx-commit=2 --innodb-doublewrite=0 \
      --log-error="$MY_DIR/mariadb.log" </dev/null >/dev/null 2>&1 &
    wait_for mariadb 120 my_ping
  fi

  local q=(mariadb --no-defaults --socket="$MY_SOCK" -uroot -N -B -e)
  # Two hosts: TCP clients arrive as 127.0.0.1 (name resolution is off), socket clients as localhost.
  for host in 127.0.0.1 localhost; do
    "${q[@]}" "CREATE USER IF NOT EXISTS '$DB_USER'@'$host' IDENTIFIED BY '$DB_PASS';
      ALTER USER '$DB_USER'@'$host' IDENTIFIED BY '$DB_PASS';
      GRANT ALL PRIVILEGES ON \`stakepool\\_test%\`.* TO '$DB_USER'@'$host';"
  done
  "${q[@]}" "CREATE DATABASE IF NOT EXISTS \`$DB_NAME\` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin; FLUSH PRIVILEGES;"
}

stop_all() {
  local bin
  if bin="$(pg_bin)" && [ -s "$PG_DATA/PG_VERSION" ]; then
    if as_user postgres "$bin/pg_ctl" -D "$PG_DATA" status >/dev/null 2>&1; then
      log "stopping postgres"
      as_user postgres "$bin/pg_ctl" -D "$PG_DATA" -m fast -w stop >/dev/null
    fi
  fi
  if [ -S "$MY_SOCK" ] && my_ping >/dev/null 2>&1; then
    log "stopping mariadb"
    mariadb-admin --no-defaults --socket="$MY_SOCK" -uroot shutdown
  fi
}

write_env() {
  mkdir -p "$CI_DIR"
  cat >"$CI_DIR/env" <<EOF
export STAKEPOOL_TEST_POSTGRES_URL=$PG_URL
export STAKEPOOL_TEST_MYSQL_URL=$MY_URL
EOF
  cat "$CI_DIR/env"
}

case "${1:-start}" in
  start)
    ensure_packages
    start_postgres
    start_mariadb
    write_env
    ;;
  stop)
    stop_all
    ;;
  reset)
    stop_all
    log "removing $CI_DIR"
    rm -rf "$CI_DIR"
    ;;
  *)
    die "usage: $0 [start|stop|reset]"
    ;;
esac

#!/usr/bin/env bash
# Runs "$@" beside a throw-away MariaDB and a throw-away PostgreSQL, each on a Unix socket in
# a temporary folder, and stops both whatever happens (trap). The command finds them in
#   SD_TEST_MYSQL_SOCKET   MariaDB's socket (user root, no password)
#   SD_TEST_PG_HOST        PostgreSQL's socket folder (user postgres, SD_TEST_PG_PASSWORD)
# or, where the server binaries are missing, SD_TEST_DB_SKIP saying why. Both servers refuse
# to run as root, so as root they run as `nobody`; the folder is theirs.
set -u

dir=$(mktemp -d "${TMPDIR:-/tmp}/shopdesk-db.XXXXXX")
my_pid= pg_pid=
cleanup() {
  # The servers' own pids, never a broad kill.
  [ -n "$my_pid" ] && kill "$my_pid" 2>/dev/null
  [ -n "$pg_pid" ] && kill -INT "$pg_pid" 2>/dev/null
  for _ in $(seq 100); do
    { [ -z "$my_pid" ] || ! kill -0 "$my_pid" 2>/dev/null; } &&
      { [ -z "$pg_pid" ] || ! kill -0 "$pg_pid" 2>/dev/null; } && break
    sleep 0.1
  done
  [ -n "$my_pid" ] && kill -9 "$my_pid" 2>/dev/null
  [ -n "$pg_pid" ] && kill -9 "$pg_pid" 2>/dev/null
  rm -rf "$dir"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# Always called in the background (&): it execs, so $! is the program's own pid.
as_server() {
  if [ "$(id -u)" -eq 0 ]; then
    exec setpriv --reuid=nobody --regid=nogroup --clear-groups --reset-env -- "$@"
  else
    exec "$@"
  fi
}
[ "$(id -u)" -eq 0 ] && chown nobody "$dir"
chmod 755 "$dir"

mariadbd=$(PATH="$PATH:/usr/sbin:/usr/libexec" command -v mariadbd || true)
install_db=$(command -v mariadb-install-db || true)
pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
skip=
[ -z "$mariadbd" ] || [ -z "$install_db" ] && skip="MariaDB server binaries (mariadbd, mariadb-install-db) not installed; "
[ -x "${pg_bin}/postgres" ] || skip="${skip}PostgreSQL server binaries (/usr/lib/postgresql/*/bin/postgres) not installed"

if [ -n "$skip" ]; then
  export SD_TEST_DB_SKIP="$skip (apt-get install mariadb-server postgresql)"
  "$@"
  exit $?
fi

# Both data folders are made at once: the two cores are shared.
as_server "$install_db" --no-defaults --datadir="$dir/my" --auth-root-authentication-method=normal \
  --skip-test-db --skip-name-resolve >"$dir/my-init.log" 2>&1 &
init_my=$!
echo "shopdesk-test" >"$dir/pwfile"
chmod 644 "$dir/pwfile"
as_server "$pg_bin/initdb" -D "$dir/pg" -U postgres -A scram-sha-256 --pwfile="$dir/pwfile" --no-sync \
  -E UTF8 --locale=C.UTF-8 >"$dir/pg-init.log" 2>&1 &
init_pg=$!
wait $init_my || { echo "mariadb-install-db failed:" >&2; cat "$dir/my-init.log" >&2; exit 1; }
wait $init_pg || { echo "initdb failed:" >&2; cat "$dir/pg-init.log" >&2; exit 1; }

as_server "$mariadbd" --no-defaults --datadir="$dir/my" --socket="$dir/my.sock" --skip-networking \
  --pid-file="$dir/my.pid" --log-error="$dir/my.err" --innodb-buffer-pool-size=32M --skip-log-bin \
  --innodb-fast-shutdown=2 >"$dir/my.out" 2>&1 &
my_pid=$!
as_server "$pg_bin/postgres" -D "$dir/pg" -k "$dir" -c listen_addresses= -c fsync=off \
  -c synchronous_commit=off -c full_page_writes=off >"$dir/pg.log" 2>&1 &
pg_pid=$!

for _ in $(seq 300); do
  [ -S "$dir/my.sock" ] && [ -S "$dir/.s.PGSQL.5432" ] && break
  sleep 0.1
done
[ -S "$dir/my.sock" ] || { echo "MariaDB did not start:" >&2; cat "$dir/my.err" >&2; exit 1; }
[ -S "$dir/.s.PGSQL.5432" ] || { echo "PostgreSQL did not start:" >&2; cat "$dir/pg.log" >&2; exit 1; }

export SD_TEST_MYSQL_SOCKET="$dir/my.sock"
export SD_TEST_PG_HOST="$dir"
export SD_TEST_PG_PASSWORD="shopdesk-test"
"$@"

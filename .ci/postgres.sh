# Sourced by .ci/run: a throwaway PostgreSQL server (Debian package) for the database connector tests.
# Exports CCHC_TEST_POSTGRES_URL; stops and removes the server when the calling shell exits.

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

if [ -z "$(pg_bin)" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ci: installing PostgreSQL (Debian package)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null) \
    || echo "ci: could not install PostgreSQL"
fi

PG_BIN="$(pg_bin)"
if [ -n "$PG_BIN" ]; then
  PG_DIR="$(mktemp -d /tmp/cchc-ci-pg.XXXXXX)"
  PG_PORT="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR"
  PG_PASSWORD="ci-$(date +%s%N)"
  echo "$PG_PASSWORD" > "$PG_DIR/pw"
  [ "$(id -u)" = 0 ] && chown postgres "$PG_DIR/pw"
  # sockets trusted (setup only), TCP by password: the tests also check that a wrong password is refused
  as_pg "$PG_BIN/initdb" -D "$PG_DIR/data" --auth-local=trust --auth-host=scram-sha-256 -U postgres \
    --pwfile="$PG_DIR/pw" >/dev/null
  rm -f "$PG_DIR/pw"
  as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1" start >/dev/null
  stop_pg() { as_pg "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null 2>&1 || true; rm -rf "$PG_DIR"; }
  trap stop_pg EXIT
  export CCHC_TEST_POSTGRES_URL="postgresql+psycopg://postgres:$PG_PASSWORD@127.0.0.1:$PG_PORT/postgres"
  echo "ci: PostgreSQL $("$PG_BIN/postgres" --version | awk '{print $3}') on port $PG_PORT for the database tests"
else
  echo "ci: no PostgreSQL server available: the PostgreSQL tests will be skipped"
fi

# A throwaway PostgreSQL server (sourced, not run), shared by .ci/run and
# benches/national.sh: a fresh cluster in a temp dir, on a free port, trust
# authentication, listening on 127.0.0.1 only. Needs the postgresql package and
# python3 (to find a free port).
#
#   pg_start ["-c name=value ..."]  initdb and start; the argument adds server settings
#                                   (sets PG_BIN, PG_TMP, PG_DATA, PG_PORT, PG_VERSION)
#   pg_createdb NAME                creates a database and prints its postgres:// URL
#   pg_stop                         stops the server at once and removes the temp dir
#
# pg_start prints the failing step's log and returns 1 when the server does not start.
# As root the cluster belongs to the postgres user (initdb refuses root), otherwise
# to the caller.

pg_start() {
  # Prefer 15; otherwise the highest installed major version.
  if [[ -x /usr/lib/postgresql/15/bin/initdb ]]; then
    PG_BIN=/usr/lib/postgresql/15/bin
  else
    PG_BIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)
  fi
  PG_VERSION=$("$PG_BIN/postgres" --version | awk '{print $3}')
  PG_TMP=$(mktemp -d)
  PG_DATA=$PG_TMP/data
  [[ $(id -u) -ne 0 ]] || chown postgres: "$PG_TMP"
  pg_as_owner "$PG_BIN/initdb" -D "$PG_DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 \
    >"$PG_TMP/initdb.log" || { cat "$PG_TMP/initdb.log"; return 1; }
  PG_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
  pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" -l "$PG_TMP/server.log" -w -o \
    "-p $PG_PORT -k $PG_DATA -c listen_addresses=127.0.0.1 ${1:-}" start >/dev/null \
    || { cat "$PG_TMP/server.log"; return 1; }
}

pg_createdb() {
  pg_as_owner "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" -U postgres "$1" \
    && echo "postgres://postgres@127.0.0.1:$PG_PORT/$1"
}

pg_stop() {
  [[ -n ${PG_TMP:-} ]] || return 0
  [[ -f $PG_DATA/postmaster.pid ]] \
    && pg_as_owner "$PG_BIN/pg_ctl" -D "$PG_DATA" stop -m immediate >/dev/null
  rm -rf "$PG_TMP"
  PG_TMP=
}

# cd into the temp dir: the postgres user may not be able to read the caller's directory.
pg_as_owner() {
  if [[ $(id -u) -eq 0 ]]; then
    (cd "$PG_TMP" && runuser -u postgres -- "$@")
  else
    (cd "$PG_TMP" && "$@")
  fi
}

#!/usr/bin/env bash
# A throw-away PostgreSQL cluster for the tests, listening only on a Unix socket in DIR:
#   pg_cluster.sh start DIR    # initdb into DIR/data and start it; role "roost", trust
#   pg_cluster.sh stop DIR     # stop it and remove DIR
#   pg_cluster.sh restart DIR [fast|immediate]
#   pg_cluster.sh halt DIR     # stop the server, keeping its data
#   pg_cluster.sh resume DIR   # start a halted server again
# initdb refuses to run as root (CI runs as root): then the cluster runs as the
# "postgres" user that Debian's postgresql package creates. No system service is used.
set -euo pipefail
cmd="$1"
dir="$2"
bin="$(find /usr/lib/postgresql -maxdepth 2 -name bin -type d | sort -V | tail -1)"
[ -x "$bin/initdb" ] || { echo "pg_cluster.sh: no PostgreSQL server found in /usr/lib/postgresql" >&2; exit 1; }
as_owner=()
[ "$(id -u)" -eq 0 ] && as_owner=(runuser -u postgres --)

pg_ctl() {
  "${as_owner[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" "$@"
}

case "$cmd" in
  start)
    "$0" stop "$dir" 2>/dev/null || true
    mkdir -p "$dir"
    [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
    "${as_owner[@]}" "$bin/initdb" -D "$dir/data" -U roost -A trust -E UTF8 --locale=C \
      --no-sync >"$dir/initdb.log"
    # fsync off: the tests kill PostgreSQL's processes, never the machine, and the OS cache
    # keeps what they wrote. Sockets only, in DIR: nothing listens on the network.
    pg_ctl -w -o "-k $dir -c listen_addresses= -c fsync=off -c max_connections=200" start >/dev/null
    ;;
  restart)
    pg_ctl -w -m "${3:-fast}" -o "-k $dir -c listen_addresses= -c fsync=off -c max_connections=200" \
      restart >/dev/null
    ;;
  halt)
    pg_ctl -w -m fast stop >/dev/null
    ;;
  resume)
    pg_ctl -w -o "-k $dir -c listen_addresses= -c fsync=off -c max_connections=200" start >/dev/null
    ;;
  stop)
    if [ -d "$dir/data" ]; then pg_ctl -w -m immediate stop >/dev/null 2>&1 || true; fi
    rm -rf "$dir"
    ;;
  *)
    echo "usage: pg_cluster.sh start|stop|restart|halt|resume DIR" >&2
    exit 2
    ;;
esac

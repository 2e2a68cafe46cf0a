#!/usr/bin/env bash
# A local, throwaway Neo4j Community 5.26 server built from Maven Central jars (no Docker, no tarball).
#
#   scripts/neo4j-local.sh fetch    resolve the jars into .neo4j/lib with Maven (no-op when present)
#   scripts/neo4j-local.sh start    start on 127.0.0.1 with a fresh temp data dir; prints NEO4J_URI=bolt://...
#   scripts/neo4j-local.sh stop     SIGTERM, wait, remove the temp dir
#   scripts/neo4j-local.sh status   "running <uri> pid <pid>" (exit 0) or "stopped" (exit 3)
#
# Environment:
#   NEO4J_BOLT_PORT   preferred Bolt port (default 7687; a free port is picked when it is busy)
#   NEO4J_PASSWORD    password set for user neo4j on first start (default facekg-test-pw; >= 8 chars)
#   NEO4J_INSTANCE    instance name (default "server"); lets a second server run next to the first,
#                     e.g. for fault tests: NEO4J_INSTANCE=faults scripts/neo4j-local.sh start
#   NEO4J_HEAP        JVM heap (default 512m); NEO4J_PAGECACHE page cache (default 256m)
#   NEO4J_START_TIMEOUT  seconds to wait for the first "RETURN 1" (default 180)
#   NEO4J_PYTHON      python with the neo4j driver (default .venv/bin/python, else python3)
#
# The server is org.neo4j.server.CommunityEntryPoint run directly (what the tarball's bootloader
# launches as its child JVM), so heap and JVM flags are on the java command line, not in neo4j.conf.
# Auth is enabled: the waiter (scripts/neo4j_wait.py) changes the initial neo4j/neo4j password.
# Only stdout line of `start`: NEO4J_URI=bolt://127.0.0.1:PORT; everything else goes to stderr.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
STATE="$ROOT/.neo4j"
LIB="$STATE/lib"
POM="$ROOT/scripts/neo4j/pom.xml"
INSTANCE="${NEO4J_INSTANCE:-server}"
[[ "$INSTANCE" =~ ^[A-Za-z0-9_-]+$ ]] || { echo "neo4j-local: bad NEO4J_INSTANCE '$INSTANCE'" >&2; exit 2; }
PID_FILE="$STATE/$INSTANCE.pid"
HOME_FILE="$STATE/$INSTANCE.home"
URI_FILE="$STATE/$INSTANCE.uri"
PASSWORD="${NEO4J_PASSWORD:-facekg-test-pw}"
HEAP="${NEO4J_HEAP:-512m}"
PAGECACHE="${NEO4J_PAGECACHE:-256m}"
TIMEOUT="${NEO4J_START_TIMEOUT:-180}"
VERSION="$(sed -n 's:.*<neo4j.version>\(.*\)</neo4j.version>.*:\1:p' "$POM")"

log() { echo "neo4j-local: $*" >&2; }

python_bin() {
  if [[ -n "${NEO4J_PYTHON:-}" ]]; then echo "$NEO4J_PYTHON"
  elif [[ -x "$ROOT/.venv/bin/python" ]]; then echo "$ROOT/.venv/bin/python"
  else echo python3; fi
}

running_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid; pid="$(cat "$PID_FILE")"
  [[ -n "$pid" ]] && kill -0 "$pid" 2>/dev/null || return 1
  # A recycled pid is not our server.
  grep -q CommunityEntryPoint "/proc/$pid/cmdline" 2>/dev/null || return 1
  echo "$pid"
}

port_free() {
  "$(python_bin)" - "$1" <<'PY'
import socket, sys
with socket.socket() as s:
    # As the server will: a port held only by TIME_WAIT connections of a stopped server is free.
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        s.bind(("127.0.0.1", int(sys.argv[1])))
    except OSError:
        sys.exit(1)
PY
}

free_port() {
  "$(python_bin)" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

cmd_fetch() {
  if [[ -f "$LIB/org.neo4j.app.neo4j-server-$VERSION.jar" ]]; then
    log "jars for Neo4j $VERSION already in $LIB"
    return 0
  fi
  command -v mvn >/dev/null || { log "Maven (mvn) is needed to fetch the jars"; exit 1; }
  mkdir -p "$STATE"
  local tmp="$STATE/lib.partial" t0=$SECONDS
  rm -rf "$tmp"
  log "resolving Neo4j Community $VERSION from Maven Central into $LIB ..."
  mvn -B -q -Dstyle.color=never -f "$POM" dependency:copy-dependencies -Dneo4j.lib="$tmp" >&2
  # Swap in only a complete set, so an interrupted fetch is never mistaken for a finished one.
  rm -rf "$LIB"
  mv "$tmp" "$LIB"
  log "fetched $(find "$LIB" -name '*.jar' | wc -l) jars ($(du -sh "$LIB" | cut -f1)) in $((SECONDS - t0)) s"
}

cmd_start() {
  local pid
  if pid="$(running_pid)"; then
    log "already running (pid $pid)"
    echo "NEO4J_URI=$(cat "$URI_FILE")"
    return 0
  fi
  [[ -f "$LIB/org.neo4j.app.neo4j-server-$VERSION.jar" ]] || { log "no jars: run '$0 fetch' first"; exit 1; }
  command -v java >/dev/null || { log "java 17 is needed"; exit 1; }

  local port="${NEO4J_BOLT_PORT:-7687}"
  if ! port_free "$port"; then
    local wanted="$port"
    port="$(free_port)"
    log "port $wanted is busy; using $port"
  fi

  local home; home="$(mktemp -d "${TMPDIR:-/tmp}/facekg-neo4j-$INSTANCE.XXXXXX")"
  mkdir -p "$home/conf" "$home/data" "$home/logs" "$home/run" "$home/plugins" "$home/import"
  cat > "$home/conf/neo4j.conf" <<EOF
server.default_listen_address=127.0.0.1
server.bolt.enabled=true
server.bolt.listen_address=127.0.0.1:$port
server.bolt.advertised_address=127.0.0.1:$port
server.http.enabled=false
server.https.enabled=false
dbms.security.auth_enabled=true
server.memory.pagecache.size=$PAGECACHE
server.directories.data=$home/data
server.directories.logs=$home/logs
server.directories.run=$home/run
server.directories.plugins=$home/plugins
server.directories.import=$home/import
db.tx_log.preallocate=false
dbms.usage_report.enabled=false
EOF

  local t0; t0="$(date +%s%N)"
  nohup java "-Xms$HEAP" "-Xmx$HEAP" \
    -XX:+UseG1GC -XX:-OmitStackTraceInFastThrow -XX:+UnlockExperimentalVMOptions \
    -XX:+TrustFinalNonStaticFields -XX:+DisableExplicitGC -Djdk.nio.maxCachedBufferSize=1024 \
    -Dio.netty.tryReflectionSetAccessible=true \
    --add-opens=java.base/java.nio=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED \
    --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED \
    --enable-native-access=ALL-UNNAMED -Dlog4j2.disable.jmx=true -Dfile.encoding=UTF-8 \
    -cp "$LIB/*" org.neo4j.server.CommunityEntryPoint \
    --home-dir="$home" --config-dir="$home/conf" --console-mode \
    > "$home/console.log" 2>&1 < /dev/null &
  pid=$!
  mkdir -p "$STATE"
  echo "$pid" > "$PID_FILE"
  echo "$home" > "$HOME_FILE"
  echo "bolt://127.0.0.1:$port" > "$URI_FILE"

  if ! NEO4J_PASSWORD="$PASSWORD" "$(python_bin)" "$ROOT/scripts/neo4j_wait.py" "bolt://127.0.0.1:$port" \
      --timeout "$TIMEOUT" --pid "$pid"; then
    log "server did not become ready; last lines of $home/console.log:"
    tail -n 40 "$home/console.log" >&2 || true
    cmd_stop >&2 || true
    exit 1
  fi
  log "ready on bolt://127.0.0.1:$port (pid $pid, home $home) after $(( ($(date +%s%N) - t0) / 1000000 )) ms"
  echo "NEO4J_URI=bolt://127.0.0.1:$port"
}

cmd_stop() {
  local pid home=""
  [[ -f "$HOME_FILE" ]] && home="$(cat "$HOME_FILE")"
  if pid="$(running_pid)"; then
    kill -TERM "$pid"
    local waited=0
    while kill -0 "$pid" 2>/dev/null && (( waited < 600 )); do sleep 0.1; waited=$((waited + 1)); done
    if kill -0 "$pid" 2>/dev/null; then
      log "pid $pid ignored SIGTERM for 60 s; killing it"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    log "stopped (pid $pid)"
  else
    log "not running"
  fi
  # Only ever remove a directory this script created.
  if [[ -n "$home" && "$home" == */facekg-neo4j-"$INSTANCE".* && -d "$home" ]]; then
    rm -rf "$home"
  fi
  rm -f "$PID_FILE" "$HOME_FILE" "$URI_FILE"
}

cmd_status() {
  local pid
  if pid="$(running_pid)"; then
    echo "running $(cat "$URI_FILE") pid $pid"
  else
    echo "stopped"
    return 3
  fi
}

case "${1:-}" in
  fetch) cmd_fetch ;;
  start) cmd_start ;;
  stop) cmd_stop ;;
  status) cmd_status ;;
  *) echo "usage: $0 fetch|start|stop|status" >&2; exit 2 ;;
esac

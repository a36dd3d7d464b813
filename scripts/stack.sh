#!/usr/bin/env bash
# `npm run stack`: the production topology without Docker. From the build (rebuilt when a source
# is newer), on PostgreSQL and Kafka, as separate processes:
#   marketplace-api x2, audit-api, matching-engine, projector (the leader; STACK_STANDBY=1 adds a
#   standby). Ctrl-C (SIGINT) or SIGTERM stops them all, and the Kafka broker if it started one.
#
# Environment overrides:
#   DATABASE_URL        PostgreSQL server (postgres://postgres@127.0.0.1:5432/postgres); the stack
#                       keeps everything in the schema STACK_SCHEMA (policloud_stack)
#   KAFKA_BROKERS       an existing broker; unset starts the loopback one (scripts/kafka.sh)
#   STACK_API_PORTS     marketplace-api ports, comma-separated (3001,3002): one replica per port
#   STACK_AUDIT_PORT (3003), STACK_MATCHING_PORT (3004), STACK_PROJECTOR_PORT (3005),
#   STACK_STANDBY=1 with STACK_STANDBY_PORT (3006)
#   STACK_DATA_DIR      shared DATA_DIR: the generated audit key lives there (./data/stack)
#   STACK_LOG_DIR       where each process logs (a fresh temporary directory)
#   STACK_START_TIMEOUT seconds to wait for each /health/live (60)
#   Any variable of README "Configuration" (OPERATOR_API_KEY, LOG_LEVEL, ...) is passed through.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
cd "$REPO_ROOT"

DATABASE_SERVER_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres}"
STACK_SCHEMA="${STACK_SCHEMA:-policloud_stack}"
IFS=',' read -r -a API_PORTS <<<"${STACK_API_PORTS:-3001,3002}"
AUDIT_PORT="${STACK_AUDIT_PORT:-3003}"
MATCHING_PORT="${STACK_MATCHING_PORT:-3004}"
PROJECTOR_PORT="${STACK_PROJECTOR_PORT:-3005}"
STANDBY_PORT="${STACK_STANDBY_PORT:-3006}"
DATA_DIR_SHARED="${STACK_DATA_DIR:-$REPO_ROOT/data/stack}"
START_TIMEOUT="${STACK_START_TIMEOUT:-60}"
# SIGTERM drains within 10 s (SHUTDOWN_DEADLINE_MS); past this the stack sends SIGKILL.
STOP_TIMEOUT=15

log() { echo "stack: $*" >&2; }
die() {
  log "$*"
  exit 1
}

[[ "$STACK_SCHEMA" =~ ^[a-z_][a-z0-9_]*$ ]] || die "STACK_SCHEMA must be a lower-case SQL identifier"

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# --- build ----------------------------------------------------------------------------------

# tsc rewrites every output, so one compiled main dates the whole build.
build_is_current() {
  local marker="dist/apps/all-in-one/src/main.js"
  [[ -f "$marker" ]] || return 1
  [[ -z "$(find apps libs -name '*.ts' ! -name '*.spec.ts' -newer "$marker" -print -quit)" ]] || return 1
  [[ ! tsconfig.json -nt "$marker" && ! tsconfig.build.json -nt "$marker" ]]
}

if build_is_current; then
  log "build is current (dist/)"
else
  log "building (npm run build)"
  npm run --silent build
fi

# --- the processes --------------------------------------------------------------------------

NAMES=()
PIDS=()
PORTS=()
KAFKA_STARTED=0
STOPPING=0

LOG_DIR="${STACK_LOG_DIR:-$(mktemp -d "${TMPDIR:-/tmp}/policloud-stack.XXXXXX")}"
mkdir -p "$LOG_DIR" "$DATA_DIR_SHARED"

stop_all() {
  ((STOPPING)) && return
  STOPPING=1
  trap '' INT TERM
  log "stopping: SIGTERM to ${#PIDS[@]} processes"
  local pid deadline=$((SECONDS + STOP_TIMEOUT))
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for i in "${!PIDS[@]}"; do
    pid="${PIDS[$i]}"
    while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do sleep 0.2; done
    if kill -0 "$pid" 2>/dev/null; then
      log "${NAMES[$i]} (pid $pid) still running after ${STOP_TIMEOUT}s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
    fi
    local status=0
    wait "$pid" 2>/dev/null || status=$?
    # 143/130: Nest re-raises the signal once it has shut down, which is a clean stop.
    if ((status != 0 && status != 143 && status != 130)); then
      log "${NAMES[$i]} (pid $pid) exited with status $status"
    fi
  done
  if ((KAFKA_STARTED)); then bash scripts/kafka.sh stop >&2 || true; fi
  log "stopped; logs stay in $LOG_DIR"
}

on_signal() {
  stop_all
  exit 0
}
trap on_signal INT TERM
trap stop_all EXIT

# Each process runs node directly (no npm in between), the way start:prod:<service> does, with
# its own port and log file; everything else is shared.
start() {
  local name="$1" app="$2" port="$3"
  port_open "$port" && die "port $port is already in use (set STACK_*_PORT)"
  PORT="$port" TS_NODE_BASEURL=./dist \
    node -r tsconfig-paths/register "dist/apps/$app/src/main.js" \
    >"$LOG_DIR/$name.log" 2>&1 </dev/null &
  NAMES+=("$name")
  PIDS+=("$!")
  PORTS+=("$port")
}

live() {
  node -e "fetch('http://127.0.0.1:$1/health/live').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
}

# Waits for /health/live of the processes from index $1 on; a process that exits fails the start.
wait_live() {
  local from="$1" deadline=$((SECONDS + START_TIMEOUT)) i
  for ((i = from; i < ${#PIDS[@]}; i++)); do
    until live "${PORTS[$i]}"; do
      if ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
        log "${NAMES[$i]} exited during start; the end of $LOG_DIR/${NAMES[$i]}.log:"
        tail -n 20 "$LOG_DIR/${NAMES[$i]}.log" >&2
        exit 1
      fi
      ((SECONDS < deadline)) || die "${NAMES[$i]} not live after ${START_TIMEOUT}s (see $LOG_DIR/${NAMES[$i]}.log)"
      sleep 0.5
    done
  done
}

# --- PostgreSQL and Kafka -------------------------------------------------------------------

# A dedicated schema keeps the stack's tables out of public; every connection of every process
# uses it through the URL's search_path.
DATABASE_URL="$(
  DATABASE_SERVER_URL="$DATABASE_SERVER_URL" STACK_SCHEMA="$STACK_SCHEMA" node -e '
    const { Client } = require("pg");
    const server = process.env.DATABASE_SERVER_URL, schema = process.env.STACK_SCHEMA;
    const client = new Client({ connectionString: server, connectionTimeoutMillis: 5000 });
    client
      .connect()
      .then(() => client.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`))
      .then(() => client.end())
      .then(() => {
        const url = new URL(server);
        url.searchParams.set("options", `-c search_path=${schema}`);
        console.log(url.toString());
      })
      .catch((error) => {
        console.error(`PostgreSQL is not reachable at ${server.replace(/:[^:@/]*@/, ":***@")}: ${error.message}`);
        process.exit(1);
      });
  '
)" || die "set DATABASE_URL to a reachable PostgreSQL server"

if [[ -z "${KAFKA_BROKERS:-}" ]]; then
  if port_open "${KAFKA_PORT:-9092}"; then
    log "a Kafka broker already listens on 127.0.0.1:${KAFKA_PORT:-9092}: using it (and leaving it running)"
  else
    bash scripts/kafka.sh start >&2
    KAFKA_STARTED=1
  fi
  KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT:-9092}"
fi

export EVENT_STORE=postgres DATABASE_URL KAFKA_BROKERS DATA_DIR="$DATA_DIR_SHARED"

# --- start ----------------------------------------------------------------------------------

log "logs: $LOG_DIR/<process>.log"
# The projector first: it is the leader of the singleton workers and brings the read models up
# to date; the others follow in parallel.
start projector projector "$PROJECTOR_PORT"
wait_live 0
started=${#PIDS[@]}
if [[ "${STACK_STANDBY:-0}" == 1 ]]; then start projector-standby projector "$STANDBY_PORT"; fi
start matching-engine matching-engine "$MATCHING_PORT"
start audit-api audit-api "$AUDIT_PORT"
for i in "${!API_PORTS[@]}"; do
  start "marketplace-api-$((i + 1))" marketplace-api "${API_PORTS[$i]}"
done
wait_live "$started"

echo
echo "Policloud stack on PostgreSQL (schema $STACK_SCHEMA) and Kafka $KAFKA_BROKERS:"
for i in "${!NAMES[@]}"; do
  printf '  %-20s http://localhost:%s   (pid %s)\n' "${NAMES[$i]}" "${PORTS[$i]}" "${PIDS[$i]}"
done
echo "Ports ${API_PORTS[*]} serve the API (/v1/*), $AUDIT_PORT /v1/audit, $MATCHING_PORT /v1/matching;" \
  "every process serves /health, /health/live, /health/ready and /metrics."
# On the first start on an empty schema, marketplace-api issues the first operator's key.
first_key="$(grep -ho 'First operator API key.*' "$LOG_DIR"/marketplace-api-*.log 2>/dev/null | head -n 1 || true)"
if [[ -n "$first_key" ]]; then echo "$first_key"; fi
echo "Logs: $LOG_DIR   Ctrl-C stops everything."

# Stay up until a signal; a process that dies is reported (the others keep running).
reported=()
while :; do
  for i in "${!PIDS[@]}"; do
    if [[ -z "${reported[$i]:-}" ]] && ! kill -0 "${PIDS[$i]}" 2>/dev/null; then
      log "${NAMES[$i]} (pid ${PIDS[$i]}) exited; see $LOG_DIR/${NAMES[$i]}.log"
      reported[$i]=1
    fi
  done
  sleep 1 &
  wait $! || true
done

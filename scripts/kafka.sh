#!/usr/bin/env bash
# Runs a throwaway single-node Apache Kafka broker (KRaft, no ZooKeeper) on
# loopback with plain `java`, for local development and integration tests.
#
#   scripts/kafka.sh fetch    download broker jars from Maven Central (cached)
#   scripts/kafka.sh start    fetch, format fresh storage, start, wait until ready
#   scripts/kafka.sh stop     stop the broker (idempotent)
#   scripts/kafka.sh status   print "running" and exit 0 if the broker is up
#
# Everything lives under <repo>/.kafka (git-ignored): lib/ (jars), config/,
# data/ (log dirs), logs/ (broker log) and kafka.pid.
#
# Environment overrides:
#   KAFKA_PORT (9092), KAFKA_CONTROLLER_PORT (9093), KAFKA_HEAP_OPTS,
#   KAFKA_START_TIMEOUT seconds (90), KAFKA_STOP_TIMEOUT seconds (30),
#   KAFKA_STATE_DIR (<repo>/.kafka), KAFKA_KEEP_DATA=1 (restart on the same storage, not fresh)
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
POM="$SCRIPT_DIR/kafka/pom.xml"

# KAFKA_STATE_DIR gives a second broker (e.g. one a test stops and starts) its own config, data
# and pid file; the downloaded jars stay shared under <repo>/.kafka/lib.
STATE_DIR="${KAFKA_STATE_DIR:-$REPO_ROOT/.kafka}"
LIB_DIR="$REPO_ROOT/.kafka/lib"
CONF_DIR="$STATE_DIR/config"
DATA_DIR="$STATE_DIR/data"
LOG_DIR="$STATE_DIR/logs"
PID_FILE="$STATE_DIR/kafka.pid"
# Records which pom.xml the cached jars came from, so a version bump refetches.
LIB_STAMP="$LIB_DIR/.fetched"

KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
KAFKA_HEAP_OPTS="${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}"
KAFKA_START_TIMEOUT="${KAFKA_START_TIMEOUT:-90}"
KAFKA_STOP_TIMEOUT="${KAFKA_STOP_TIMEOUT:-30}"
BOOTSTRAP="127.0.0.1:$KAFKA_PORT"

if [[ -n "${JAVA_HOME:-}" && -x "$JAVA_HOME/bin/java" ]]; then
  JAVA="$JAVA_HOME/bin/java"
else
  JAVA="java"
fi

log() { echo "kafka.sh: $*" >&2; }
die() { log "$*"; exit 1; }

pom_hash() { sha256sum "$POM" | cut -d' ' -f1; }

cmd_fetch() {
  if [[ -f "$LIB_STAMP" && "$(cat "$LIB_STAMP")" == "$(pom_hash)" ]]; then
    return 0
  fi
  command -v mvn >/dev/null || die "mvn not found (needed once to download Kafka jars)"
  log "fetching Kafka jars from Maven Central into $LIB_DIR"
  # Copy into a temp dir and swap it in, so an interrupted fetch never leaves
  # a half-filled lib/ that a later run would mistake for complete.
  local tmp="$STATE_DIR/lib.tmp.$$"
  rm -rf "$STATE_DIR"/lib.tmp.*
  mkdir -p "$STATE_DIR"
  # Maven's output (even with -q it emits stray colour codes) is only shown on failure.
  if ! mvn -q -B -f "$POM" \
      org.apache.maven.plugins:maven-dependency-plugin:3.6.1:copy-dependencies \
      -DincludeScope=runtime -DoutputDirectory="$tmp" >"$tmp.log" 2>&1; then
    cat "$tmp.log" >&2
    rm -rf "$tmp" "$tmp.log"
    die "mvn failed to fetch Kafka jars"
  fi
  rm -f "$tmp.log"
  pom_hash >"$tmp/.fetched"
  mkdir -p "$(dirname "$LIB_DIR")"
  rm -rf "$LIB_DIR"
  mv "$tmp" "$LIB_DIR"
}

# Prints the broker pid if the pid file names a live broker of ours. Checking
# the command line guards against a recycled pid after a crash or reboot.
broker_pid() {
  [[ -f "$PID_FILE" ]] || return 1
  local pid
  pid="$(cat "$PID_FILE")"
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  alive "$pid" || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q "kafka.Kafka $CONF_DIR/server.properties" || return 1
  echo "$pid"
}

# kill -0 also succeeds for a zombie (a broker we spawned and killed in this
# same shell, e.g. after a start timeout), so look at the process state too.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  local state
  state="$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null || true)"
  [[ "$state" != "Z" ]]
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Tools (StorageTool, TopicCommand) log warnings to stderr only.
run_tool() {
  "$JAVA" -Xmx256m -Dlog4j.configuration="file:$CONF_DIR/tools-log4j.properties" \
    -cp "$LIB_DIR/*" "$@"
}

# Ready = the listener accepts connections AND the group coordinator answers:
# describing a non-existent group needs metadata (broker unfenced in the KRaft
# quorum) plus FindCoordinator, which also creates __consumer_offsets now
# rather than during the first test's consumer join (kafkajs would log
# "group coordinator is not available" and retry). The tool exits 0 even on
# errors, so success is recognised by its "does not exist" answer. The cheap
# TCP check runs first so we don't spawn a JVM per second.
broker_ready() {
  port_open "$KAFKA_PORT" || return 1
  local out
  out="$(timeout 30 "$JAVA" -Xmx128m \
    -Dlog4j.configuration="file:$CONF_DIR/tools-log4j.properties" \
    -cp "$LIB_DIR/*" org.apache.kafka.tools.consumer.group.ConsumerGroupCommand \
    --bootstrap-server "$BOOTSTRAP" --describe --group kafka-sh-readiness-probe \
    --timeout 5000 2>&1)" || return 1
  grep -q "does not exist" <<<"$out"
}

write_config() {
  mkdir -p "$CONF_DIR" "$LOG_DIR"
  cat >"$CONF_DIR/server.properties" <<EOF
# Generated by scripts/kafka.sh on each start; edit the script, not this file.
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
log.dirs=$DATA_DIR
# Single node: internal topics cannot have more than one replica.
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
min.insync.replicas=1
default.replication.factor=1
# Fewer internal partitions = faster first consumer-group join in tests.
offsets.topic.num.partitions=1
transaction.state.log.num.partitions=1
# No 3 s wait before the first rebalance: consumer groups start immediately.
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
delete.topic.enable=true
num.partitions=1
num.network.threads=2
num.io.threads=4
EOF
  # Broker log goes to a file so it can be tailed when startup fails.
  cat >"$CONF_DIR/log4j.properties" <<EOF
log4j.rootLogger=INFO, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$LOG_DIR/server.log
log4j.appender.file.Append=true
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.request.logger=WARN
log4j.logger.state.change.logger=WARN
EOF
  cat >"$CONF_DIR/tools-log4j.properties" <<'EOF'
log4j.rootLogger=WARN, stderr
log4j.appender.stderr=org.apache.log4j.ConsoleAppender
log4j.appender.stderr.Target=System.err
log4j.appender.stderr.layout=org.apache.log4j.PatternLayout
log4j.appender.stderr.layout.ConversionPattern=[%d] %p %m (%c)%n
EOF
}

# KRaft cluster ids are 16 random bytes in URL-safe base64 without padding
# (what `StorageTool random-uuid` prints); generating it here saves a JVM start.
# Kafka never hands out ids starting with '-', as the CLI would read them as options.
random_cluster_id() {
  local id
  while :; do
    id="$(head -c 16 /dev/urandom | base64 | tr '+/' '-_' | tr -d '=\n')"
    [[ "$id" != -* ]] && break
  done
  echo "$id"
}

show_log_tail() {
  log "---- tail of $LOG_DIR/server.log ----"
  tail -n 40 "$LOG_DIR/server.log" >&2 2>/dev/null || true
  log "---- tail of $LOG_DIR/kafka.out ----"
  tail -n 20 "$LOG_DIR/kafka.out" >&2 2>/dev/null || true
}

wait_ready() {
  local pid="$1" deadline=$((SECONDS + KAFKA_START_TIMEOUT))
  while ((SECONDS < deadline)); do
    if ! alive "$pid"; then
      log "broker process $pid exited during startup"
      show_log_tail
      rm -f "$PID_FILE"
      return 1
    fi
    if broker_ready; then
      return 0
    fi
    sleep 1
  done
  log "broker not ready after ${KAFKA_START_TIMEOUT}s"
  show_log_tail
  cmd_stop >/dev/null || true
  return 1
}

cmd_start() {
  local pid
  if pid="$(broker_pid)"; then
    if broker_ready; then
      echo "kafka already running (pid $pid) on $BOOTSTRAP"
      return 0
    fi
    log "broker (pid $pid) is starting; waiting for it"
    wait_ready "$pid" || exit 1
    echo "kafka ready (pid $pid) on $BOOTSTRAP"
    return 0
  fi
  rm -f "$PID_FILE"

  command -v "$JAVA" >/dev/null || die "java not found (Java 17 required)"
  for port in "$KAFKA_PORT" "$KAFKA_CONTROLLER_PORT"; do
    if port_open "$port"; then
      die "port $port on 127.0.0.1 is already in use by another process"
    fi
  done

  cmd_fetch
  write_config

  # Always start from empty storage: leftover topics, offsets and consumer
  # groups from an earlier run would make test runs non-reproducible.
  # KAFKA_KEEP_DATA=1 restarts the same cluster instead (an outage, not a new broker).
  : >"$LOG_DIR/server.log"
  if [[ "${KAFKA_KEEP_DATA:-0}" != 1 || ! -f "$DATA_DIR/meta.properties" ]]; then
    rm -rf "$DATA_DIR"
    run_tool kafka.tools.StorageTool format \
      -t "$(random_cluster_id)" -c "$CONF_DIR/server.properties" >/dev/null \
      || die "formatting KRaft storage in $DATA_DIR failed"
  fi

  # setsid + nohup detach the broker from this shell's session and signals;
  # all fds are redirected so callers capturing our output don't hang on it.
  # shellcheck disable=SC2086 # KAFKA_HEAP_OPTS is intentionally word-split
  nohup setsid "$JAVA" $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:+ExitOnOutOfMemoryError \
    -Djava.awt.headless=true \
    -Dkafka.logs.dir="$LOG_DIR" \
    -Dlog4j.configuration="file:$CONF_DIR/log4j.properties" \
    -cp "$LIB_DIR/*" kafka.Kafka "$CONF_DIR/server.properties" \
    </dev/null >"$LOG_DIR/kafka.out" 2>&1 9>&- &
  pid=$!
  echo "$pid" >"$PID_FILE"
  log "started broker pid $pid, waiting up to ${KAFKA_START_TIMEOUT}s for $BOOTSTRAP"

  wait_ready "$pid" || exit 1
  echo "kafka ready (pid $pid) on $BOOTSTRAP"
}

cmd_stop() {
  local pid
  if ! pid="$(broker_pid)"; then
    rm -f "$PID_FILE"
    echo "kafka not running"
    return 0
  fi
  # SIGTERM triggers Kafka's orderly shutdown hook; SIGKILL only if it hangs.
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + KAFKA_STOP_TIMEOUT))
  while alive "$pid" && ((SECONDS < deadline)); do
    sleep 0.5
  done
  if alive "$pid"; then
    log "broker did not stop within ${KAFKA_STOP_TIMEOUT}s, sending SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
    while alive "$pid"; do sleep 0.2; done
  fi
  rm -f "$PID_FILE"
  echo "kafka stopped"
}

cmd_status() {
  local pid
  if pid="$(broker_pid)" && port_open "$KAFKA_PORT"; then
    echo "running"
    return 0
  fi
  echo "not running"
  return 1
}

# Serialise fetch/start/stop (e.g. parallel test jobs) on a lock file. fd 9 is
# closed for the broker itself so it does not keep holding the lock.
lock() {
  mkdir -p "$STATE_DIR"
  exec 9>"$STATE_DIR/.lock"
  if command -v flock >/dev/null; then flock 9; fi
}

case "${1:-}" in
  fetch) lock; cmd_fetch ;;
  start) lock; cmd_start ;;
  stop) lock; cmd_stop ;;
  status) cmd_status ;;
  *)
    echo "usage: $0 {start|stop|status|fetch}" >&2
    exit 2
    ;;
esac

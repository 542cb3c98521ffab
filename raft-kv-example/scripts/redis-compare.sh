#!/usr/bin/env bash
# redis-benchmark against the three-node keel-kv demo (1 group, then 8 groups) and, as the physical
# reference on the same machine in the same sitting, a single redis-server with appendonly yes and
# appendfsync always (durable, unreplicated), then everysec. Prints one line per run; see
# docs/performance.md. Needs redis-server and redis-benchmark (Debian: redis-server, redis-tools)
# and the built jar (./mvnw -q package -DskipTests). Usage: raft-kv-example/scripts/redis-compare.sh [requests]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-200000}
jar=raft-kv-example/target/keel-kv.jar
work=$(mktemp -d /tmp/keel-redis-compare.XXXXXX)
trap 'pkill -f "keel-kv.jar demo --data $work" 2>/dev/null || true; redis-cli -p 6399 shutdown nosave >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

bench() { # label port pipeline
  local out
  out=$(redis-benchmark -p "$2" -t set,get -n "$n" -c 50 -P "$3" -q 2>&1 | tr '\r' '\n' | grep 'per second')
  echo "$out" | sed "s/^/$1 P$3 /"
}

redis_run() { # fsync policy
  mkdir -p "$work/redis-$1"
  redis-server --port 6399 --dir "$work/redis-$1" --appendonly yes --appendfsync "$1" --save '' --daemonize yes \
    --logfile "$work/redis-$1.log" >/dev/null
  until redis-cli -p 6399 ping >/dev/null 2>&1; do sleep 0.1; done
  for p in 1 16; do bench "redis-server appendfsync=$1" 6399 "$p"; done
  redis-cli -p 6399 shutdown nosave >/dev/null 2>&1 || true
  while redis-cli -p 6399 ping >/dev/null 2>&1; do sleep 0.1; done
}

keel_run() { # groups
  local data="$work/keel-$1"
  java -jar "$jar" demo --data "$data" --groups "$1" > "$work/keel-$1.out" 2> "$work/keel-$1.err" &
  until grep -q 'Ctrl-C stops' "$work/keel-$1.out" 2>/dev/null; do sleep 0.2; done
  # the nodes spread the groups' leaders by leadership transfers: let them settle (at most 30 s)
  local most=$(( ($1 + 2) / 3 )) tries=0
  while [ $tries -lt 150 ] && redis-cli -p 7379 keel.leaders | awk '{print $2}' | sort | uniq -c \
      | awk -v most="$most" '$1 > most {bad=1} END {exit !bad}'; do sleep 0.2; tries=$((tries + 1)); done
  redis-benchmark -p 7379 -t set,get -n "$n" -c 50 -P 16 -q > /dev/null 2>&1 # JIT warm-up, not reported
  redis-cli -p 7379 keel.leaders | tr '\n' ' ' | sed "s/^/keel-kv groups=$1 leaders: /"; echo
  local leader port
  leader=$(redis-cli -p 7379 keel.leaders | head -1 | awk '{print $2}')
  port=$((7378 + ${leader#n}))
  for p in 1 16; do bench "keel-kv groups=$1 via leader $leader" "$port" "$p"; done
  local other=$(( port == 7379 ? 7380 : 7379 ))
  for p in 1 16; do bench "keel-kv groups=$1 via follower" "$other" "$p"; done
  pkill -f "keel-kv.jar demo --data $data"
  while pgrep -f "keel-kv.jar demo --data $data" >/dev/null; do sleep 0.2; done
}

redis_run always
redis_run everysec
keel_run 1
keel_run 8

#!/usr/bin/env bash
# redis-benchmark against the three-node keel-kv demo with each state machine, memory and rocksdb,
# alternating, three times each, in one sitting (1 group, through the leader). Prints one line per
# run; see docs/performance.md ("The key-value service on RocksDB"). Needs redis-benchmark
# (Debian: redis-tools) and the built jar (./mvnw -q package -DskipTests).
# Usage: raft-kv-example/scripts/state-machine-compare.sh [requests]
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-200000}
jar=raft-kv-example/target/keel-kv.jar
work=$(mktemp -d /tmp/keel-sm-compare.XXXXXX)
trap 'pkill -f "keel-kv.jar demo --data $work" 2>/dev/null || true; rm -rf "$work"' EXIT

bench() { # label port pipeline value-bytes
  redis-benchmark -p "$2" -t set,get -n "$n" -c 50 -P "$3" -d "$4" -q 2>&1 | tr '\r' '\n' | grep 'per second' \
    | sed "s/^/$1 P$3 d$4 /"
}

run() { # state machine, round
  local data="$work/$1-$2"
  java -jar "$jar" demo --data "$data" --groups 1 --state-machine "$1" > "$data.out" 2> "$data.err" &
  until grep -q 'Ctrl-C stops' "$data.out" 2>/dev/null; do sleep 0.2; done
  redis-benchmark -p 7379 -t set,get -n "$n" -c 50 -P 16 -q > /dev/null 2>&1 # JIT warm-up, not reported
  local leader port
  leader=$(redis-cli -p 7379 keel.leaders | head -1 | awk '{print $2}')
  port=$((7378 + ${leader#n}))
  for p in 1 16; do bench "keel-kv $1 round $2" "$port" "$p" 3; done
  bench "keel-kv $1 round $2" "$port" 16 1024
  pkill -f "keel-kv.jar demo --data $data"
  while pgrep -f "keel-kv.jar demo --data $data" >/dev/null; do sleep 0.2; done
}

for round in 1 2 3; do
  run memory "$round"
  run rocksdb "$round"
done

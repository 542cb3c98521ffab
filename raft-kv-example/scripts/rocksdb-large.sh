#!/usr/bin/env bash
# A large state on RocksDB: three keel-kv server processes (1 group, -Xmx1g each) are loaded with
# GB gigabytes of random 4 KiB values through one node; then all three are stopped and started
# again (restart time: until every node serves the data); then n3 is removed and wiped, and a new
# node n4 added (catch-up time: the add-node command returns once n4 caught up by snapshot and log
# and became a voter). Prints each step's time, disk use and the nodes' memory; see
# docs/performance.md ("The key-value service on RocksDB"). Needs the built jar
# (./mvnw -q package -DskipTests) and about 5 x GB of free disk in the work directory.
# Usage: raft-kv-example/scripts/rocksdb-large.sh [GB] [work directory]
set -euo pipefail
cd "$(dirname "$0")/../.."
gb=${1:-10}
work=${2:-$(mktemp -d /tmp/keel-rocksdb-large.XXXXXX)}
jar=$PWD/raft-kv-example/target/keel-kv.jar
keys=$(( gb * 1000 * 1000 * 1000 / 4096 ))
mkdir -p "$work"
trap 'pkill -f "keel-kv.jar server --config $work" 2>/dev/null || true' EXIT

config() { # node, raft port, resp port, join
  cat > "$work/$1.conf" <<CONF
node-id = $1
members = n1=127.0.0.1:7101,n2=127.0.0.1:7102,n3=127.0.0.1:7103
raft-listen = 127.0.0.1:$2
data-dir = $work/$1
resp-listen = 127.0.0.1:$3
http-listen = off
state-machine = rocksdb
rocksdb-cache-mb = 256
join = $4
CONF
}
start() { java -Xmx1g -jar "$jar" server --config "$work/$1.conf" >> "$work/$1.log" 2>&1 & }
serving() { # resp port: waits until the node answers a read of the loaded keys
  until java -jar "$jar" load --port "$1" --keys 100 --value-bytes 4096 --check >/dev/null 2>&1; do sleep 0.2; done
}
now() { date +%s.%N; }
seconds() { echo "$2 - $1" | bc; }
report() { echo "disk: $(du -sh "$work" | cut -f1); node RSS (MiB): $(ps -o rss= -p "$(pgrep -d, -f "keel-kv.jar server --config $work")" | awk '{printf "%d ", $1/1024}')"; }

config n1 7101 7391 false; config n2 7102 7392 false; config n3 7103 7393 false; config n4 7104 7394 true
for n in n1 n2 n3; do start $n; done
until java -jar "$jar" status --port 7391 2>/dev/null | grep -q 'leader=n'; do sleep 0.5; done
leader_port=$(( 7390 + $(java -jar "$jar" admin --port 7391 leaders | head -1 | awk '{print $2}' | tr -d n) ))
echo "loading $keys keys of 4096 bytes ($gb GB) through port $leader_port"
java -jar "$jar" load --port "$leader_port" --keys "$keys" --value-bytes 4096 --pipeline 128
report

t0=$(now)
pkill -TERM -f "keel-kv.jar server --config $work"
while pgrep -f "keel-kv.jar server --config $work" >/dev/null; do sleep 0.2; done
t1=$(now)
for n in n1 n2 n3; do start $n; done
for port in 7391 7392 7393; do serving $port; done
t2=$(now)
echo "stop: $(seconds "$t0" "$t1") s; restart until all three serve the data: $(seconds "$t1" "$t2") s"
report

java -jar "$jar" admin --port 7391 remove-node n3
pkill -TERM -f "keel-kv.jar server --config $work/n3.conf"
while pgrep -f "keel-kv.jar server --config $work/n3.conf" >/dev/null; do sleep 0.2; done
rm -rf "$work/n3"
start n4
sleep 2
t3=$(now)
java -jar "$jar" admin --port 7391 add-node n4 127.0.0.1:7104
t4=$(now)
serving 7394
java -jar "$jar" load --port 7394 --keys "$keys" --value-bytes 4096 --check
echo "catch-up of a new node by snapshot and log ($gb GB): $(seconds "$t3" "$t4") s"
report

#!/usr/bin/env bash
# Runs workload W1 for C = 1, 32 and 256, RUNS times each, in one JVM and then in three,
# appending every result line to RESULTS (default w1-results.txt); then plots them.
# Usage: raft-bench/scripts/run-w1.sh [RUNS] [RESULTS]
set -euo pipefail
runs=${1:-3}
results=${2:-w1-results.txt}
jar="$(dirname "$0")/../target/raft-bench.jar"
java -jar "$jar" limits | tee -a "$results"
for processes in 1 3; do
  for c in 1 32 256; do
    for run in $(seq 1 "$runs"); do
      line=$(java -jar "$jar" w1 --clients "$c" --processes "$processes" --skip-limits 2>/dev/null | grep '^system=')
      echo "$line processes=$processes" | tee -a "$results"
    done
  done
done
python3 "$(dirname "$0")/plot_w1.py" "$results" w1.svg

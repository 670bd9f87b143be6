#!/usr/bin/env bash
# usage: bench/local-latency.sh [OUTDIR]     (default bench/results/local-latency)
# Issue 16's one-at-a-time case against the local stack as a new user runs it (./run-local.sh's devstack: C1-only
# services, embedded broker and Redis): a Dify simulator and a 20-bot file from LocalStackLatencyMain, the devstack
# jar started on that file, 30 warm-up and 150 measured messages, each sent after Dify received the previous one;
# prints callback sent -> Dify request p50/p99 and the per-hop breakdown. Needs a build
# (./mvnw -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt
# -Dmdep.includeScope=runtime, which bench/run.sh does; BENCH_SKIP_BUILD=1 skips it here too).
set -euo pipefail
usage() { sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p;}' "$0"; }
for arg in "$@"; do
    case "$arg" in
        -h|--help) usage; exit 0 ;;
        -*) echo "bench/local-latency.sh: unknown option $arg" >&2; usage >&2; exit 2 ;;
    esac
done
cd "$(dirname "$0")/.."
root=$(pwd)
out=${1:-$root/bench/results/local-latency}
if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
    ./mvnw -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
        -Dmdep.includeScope=runtime
fi
rm -rf "$out"; mkdir -p "$out"
cp="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"
env -u REDIS_URL java -Xmx1g -XX:+UseParallelGC -cp "$cp" io.wecomrelay.benchmarks.suites.LocalStackLatencyMain \
    --bots "$out/bots.yaml" --warmup 30 --samples 150 > "$out/result.txt" 2> "$out/harness.err" &
harness=$!
until [[ -f "$out/bots.yaml" ]]; do
    kill -0 "$harness" 2>/dev/null || { cat "$out/harness.err" >&2; exit 1; }
    sleep 0.5
done
env -u REDIS_URL -u KAFKA_BOOTSTRAP_SERVERS java -jar devstack/target/devstack-0.1.0-SNAPSHOT-exec.jar --root "$root" \
    --bots "$out/bots.yaml" --no-demo --work-dir "$out/work" > "$out/devstack.log" 2>&1 &
stack=$!
rc=0
wait "$harness" || rc=$?
kill -TERM "$stack" 2>/dev/null || true
wait "$stack" || true
cat "$out/result.txt"
[[ $rc -eq 0 ]] || tail -5 "$out/harness.err" >&2
exit $rc

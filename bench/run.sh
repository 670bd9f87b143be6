#!/usr/bin/env bash
# usage: bench/run.sh [NAME...]      (bench/run.sh --help: this text)
# The benchmark suite (issues 8, 14, 15). One command, on this machine, about 35 minutes for all of it:
#   bench/run.sh                      all benchmarks, in this order
#   bench/run.sh codec ingress ...    a subset by name
#   bench/run.sh sse                  JMH of the llm-worker's reading of a Dify stream, legacy against streaming (~3 min)
# names: codec sse ingress refresh pipeline worker replay connector cli-conversation cli-replay cpu
#
# It builds what it needs (the services' executable jars and the benchmarks classpath), starts the
# Kafka broker, Redis, the simulators and the services itself, warms up before it measures, and
# prints one table per benchmark: the figure, the baseline measured in the same run, the ratio.
# Tables and raw output go to bench/results/ (not committed); BENCHMARKS.md keeps the latest tables.
# Needs JDK 17 and Node 18+ (for the @wecom/crypto peer). Never installs to ~/.m2.
#
# Environment: BENCH_QUICK=1 shortens every phase (a smoke run; numbers are not comparable),
#              BENCH_SKIP_BUILD=1 reuses the last build, BENCH_JMH_OPTS extra JMH options for codec and sse,
#              BENCH_JFR=1 records a JFR profile of every service (bench/results/logs/<name>/<module>.jfr)
#              and of the relay tool's fresh JVM in cli-conversation and cli-replay,
#              BENCH_SERVICE_ENV="NAME=value,..." gives every service a setting (an experiment; tables say so),
#              or with a module: prefix one module's services ("llm-worker:NAME=value"),
#              BENCH_RELAY_JAR_REPLAY_BEFORE=JAR makes cli-replay's third run that earlier relay-cli exec jar on the same
#              data (a before/after pair) instead of ./relay with G1,
#              BENCH_PIPELINE_RATES=100 the pipeline benchmark's open-model rates (default 100,500),
#              BENCH_PIPELINE_SETTLE=60 its wait in seconds after the warm-up before one message at a time (default 0),
#              BENCH_CPU_RATES=100,300 the cpu benchmark's rate phases (default 20,100,300; none: skip them),
#              BENCH_CPU_WARMUP=60 its warm-up seconds at 100/s, BENCH_CPU_STEADY=90 the seconds at 100/s before its
#              steady phase's 30 s measured window (0: no steady phase),
#              BENCH_CPU_FLOOR=0 skips the cpu benchmark's floor phase (default on, ~2 min: minimal relay, eos and
#              http hops in their own JVMs at 100/s after the steady phase; each service as a multiple of its floor).
set -euo pipefail
usage() { sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p;}' "$0"; }
for arg in "$@"; do
    case "$arg" in
        -h|--help) usage; exit 0 ;;
        -*) echo "bench/run.sh: unknown option $arg" >&2; usage >&2; exit 2 ;;
    esac
done
cd "$(dirname "$0")/.."
root=$(pwd)

all=(codec sse ingress refresh pipeline worker replay connector cli-conversation cli-replay cpu)
if [[ $# -eq 0 ]]; then
    names=("${all[@]}")
else
    names=("$@")
    for name in "${names[@]}"; do
        [[ " ${all[*]} " == *" $name "* ]] || { echo "unknown benchmark '$name'; known: ${all[*]}" >&2; usage >&2; exit 2; }
    done
fi

results="$root/bench/results"
mkdir -p "$results"
started=$(date +%s)

if [[ "${BENCH_SKIP_BUILD:-}" != 1 ]]; then
    echo "== build: ./mvnw -B -q -DskipTests package (services' exec jars + benchmarks classpath)"
    # One reactor build: schemas, simulators and testkit resolve from the reactor, nothing is installed.
    ./mvnw -B -q -DskipTests package dependency:build-classpath -Dmdep.outputFile=target/classpath.txt \
        -Dmdep.includeScope=runtime
fi
classpath="$root/benchmarks/target/classes:$(cat "$root/benchmarks/target/classpath.txt")"

java_names=()
for name in "${names[@]}"; do
    case "$name" in
        codec) bench/codec.sh "$classpath" | tee "$results/codec.txt" ;;
        sse) bench/sse.sh "$classpath" | tee "$results/sse.txt" ;;
        *) java_names+=("$name") ;;
    esac
done

if [[ ${#java_names[@]} -gt 0 ]]; then
    # The harness JVM runs the load generators and the in-process Dify simulator; the broker, the
    # baseline server and the services run as their own processes (see io.wecomrelay.benchmarks.Bench).
    java -Xms1g -Xmx2g -XX:+UseParallelGC -Dfile.encoding=UTF-8 -cp "$classpath" io.wecomrelay.benchmarks.Bench \
        --root "$root" --results "$results" "${java_names[@]}"
fi

echo
echo "== done in $(( $(date +%s) - started )) s; tables in bench/results/*.txt"

#!/usr/bin/env bash
# Builds the benchmarks module and runs one JMH suite, then prints a summary.
#   bench/run.sh codec [extra JMH options, e.g. -f 1 -i 3]
# Raw JMH results go to bench/results/ (not committed). Needs JDK 17 and Maven; never installs to ~/.m2.
set -euo pipefail
cd "$(dirname "$0")/.."

suite="${1:-}"
case "$suite" in
    codec) pattern='io\.wecomrelay\.benchmarks\.codec\.CodecBenchmark\..*' ;;
    *) echo "usage: bench/run.sh codec [JMH options]" >&2; exit 2 ;;
esac
shift

# One reactor build: schemas resolves from the reactor, so nothing has to be installed.
./mvnw -B -q -pl benchmarks -am package dependency:build-classpath -DskipTests \
    -Dmdep.outputFile=target/classpath.txt

mkdir -p bench/results
csv="bench/results/${suite}.csv"
java -cp "benchmarks/target/classes:$(cat benchmarks/target/classpath.txt)" org.openjdk.jmh.Main \
    "$pattern" -rf csv -rff "$csv" "$@"

# Summary: one row per benchmark, both engines, and the BouncyCastle/JCA ratio (> 1 means JCA is faster).
awk -F',' '
    NR == 1 { next }
    {
        sub(/\r$/, "")
        for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
        name = $1; sub(/.*\./, "", name)
        score[name, $8] = $5; err[name, $8] = $6; unit = $7
        if (!(name in seen)) { seen[name] = 1; order[++n] = name }
    }
    END {
        printf "\n%-20s %23s %23s %10s\n", "benchmark", "jca (" unit ")", "bouncycastle (" unit ")", "bc/jca"
        for (k = 1; k <= n; k++) {
            b = order[k]
            printf "%-20s %14.3f ± %-6.3f %14.3f ± %-6.3f %9.2fx\n", b, score[b, "jca"], err[b, "jca"],
                score[b, "bouncycastle"], err[b, "bouncycastle"], score[b, "bouncycastle"] / score[b, "jca"]
        }
    }' "$csv"

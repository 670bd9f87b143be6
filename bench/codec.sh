#!/usr/bin/env bash
# usage: bench/codec.sh CLASSPATH   (bench/run.sh codec runs it with the benchmarks classpath)
# The codec benchmark, called by bench/run.sh with the benchmarks classpath as $1:
# JMH (ours with the JCA and BouncyCastle engines, WxJava's WxCryptUtil) and the @wecom/crypto Node
# script on the same fixture, then one table with µs/op and the ratios against ours (JCA).
set -euo pipefail
source "$(dirname "$0")/jmh-lib.sh"
jmh_script_args "$@"
cd "$(dirname "$0")/.."
classpath="$1"
results=bench/results
quick=${BENCH_QUICK:-}

echo "== codec: JMH (jca, bouncycastle, wxjava) + node @wecom/crypto, 1 thread each (= per core)"
run_jmh codec 'io\.wecomrelay\.benchmarks\.codec\.CodecBenchmark\..*'

java -cp "$classpath" io.wecomrelay.benchmarks.codec.CodecFixture "$results/codec-fixture.json"
(cd benchmarks/src/main/js && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
iterations=20000
[[ "$quick" == 1 ]] && iterations=5000
node benchmarks/src/main/js/codec-bench.js "$results/codec-fixture.json" "$iterations" 5 > "$results/codec-node.txt"

awk -v nodefile="$results/codec-node.txt" -F',' '
    BEGIN {
        while ((getline line < nodefile) > 0) {
            split(line, f, " ")
            if (f[1] == "node") nodeversion = f[2]; else node[f[1]] = f[2]
        }
    }
    NR == 1 { next }
    {
        sub(/\r$/, "")
        for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
        name = $1; sub(/.*\./, "", name)
        score[name, $8] = $5; err[name, $8] = $6
        if (!(name in seen)) { seen[name] = 1; order[++n] = name }
    }
    END {
        printf "\ncodec: µs/op (lower is better), one thread = one core; ratio = peer / ours (jca), > 1 means ours is faster\n"
        printf "%-18s %17s %17s %17s %15s | %9s %9s %9s\n", "operation", "ours (jca)", "ours (bc)", "wxjava", "@wecom/crypto",
            "bc/ours", "wxjava/ours", "node/ours"
        for (k = 1; k <= n; k++) {
            b = order[k]; o = score[b, "jca"]
            printf "%-18s %9.3f ± %-5.3f %9.3f ± %-5.3f %9.3f ± %-5.3f %15.3f | %8.2fx %10.2fx %8.2fx\n", b,
                o, err[b, "jca"], score[b, "bouncycastle"], err[b, "bouncycastle"], score[b, "wxjava"], err[b, "wxjava"],
                node[b], score[b, "bouncycastle"] / o, score[b, "wxjava"] / o, node[b] / o
        }
        printf "targets: wxjava/ours >= 1.5x, node/ours >= 3x. JMH ± is the 99.9%% error; node is the median of 5 timed rounds (%s)\n", nodeversion
    }' "$results/codec.csv"

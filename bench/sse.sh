#!/usr/bin/env bash
# usage: bench/sse.sh CLASSPATH   (bench/run.sh sse runs it with the benchmarks classpath)
# The sse benchmark (issue 22), called by bench/run.sh with the benchmarks classpath as $1: JMH with the GC
# profiler on the llm-worker's reading of a Dify chat stream, the worker's code (streaming) against a copy of
# the code before issue 22 (legacy, a tree per event), then one table with ns and bytes allocated per event
# and the ratios legacy / streaming.
set -euo pipefail
source "$(dirname "$0")/jmh-lib.sh"
jmh_script_args "$@"
cd "$(dirname "$0")/.."
classpath="$1"
results=bench/results

echo "== sse: JMH -prof gc (legacy, streaming), 1 thread (= per core), per Dify event"
run_jmh sse 'io\.wecomrelay\.benchmarks\.sse\.SseBenchmark\..*' -prof gc

awk -F',' '
    NR == 1 {
        for (i = 1; i <= NF; i++) {
            gsub(/"/, "", $i); sub(/\r$/, "", $i)
            if ($i == "Param: impl") implcol = i
            if ($i == "Param: reads") readscol = i
        }
        next
    }
    {
        sub(/\r$/, "")
        for (i = 1; i <= NF; i++) gsub(/"/, "", $i)
        name = $1; sub(/.*SseBenchmark\./, "", name)
        metric = "time"
        if (name ~ /:gc\.alloc\.rate\.norm$/) metric = "alloc"
        else if (name ~ /:/) next
        sub(/:.*/, "", name)
        row = name == "parse" ? "parse (JSON only)" : "stream, reads of " ($readscol == "event" ? "one event" : "1 KiB")
        score[row, $implcol, metric] = $5; err[row, $implcol, metric] = $6
        if (!(row in seen)) { seen[row] = 1; order[++n] = row }
    }
    END {
        printf "\nsse: per Dify event (lower is better), one thread = one core; ratio = legacy / streaming, > 1 means the worker'"'"'s code is cheaper\n"
        printf "%-28s %19s %19s %7s | %17s %17s %7s\n", "case", "legacy ns", "streaming ns", "ratio", "legacy B", "streaming B", "ratio"
        for (k = 1; k <= n; k++) {
            r = order[k]
            lt = score[r, "legacy", "time"]; st = score[r, "streaming", "time"]
            la = score[r, "legacy", "alloc"]; sa = score[r, "streaming", "alloc"]
            printf "%-28s %10.1f ± %-6.1f %10.1f ± %-6.1f %6.2fx | %17.0f %17.0f %6.2fx\n", r, lt, err[r, "legacy", "time"],
                st, err[r, "streaming", "time"], lt / st, la, sa, (sa > 0 ? la / sa : 0)
        }
        printf "JMH ± is the 99.9%% error; B = gc.alloc.rate.norm (bytes allocated per event). Stream: %s\n",
            "a chatflow answer of 80 message events (1-4 Chinese characters each), workflow and node events, 2 pings, message_end"
    }' "$results/sse.csv"

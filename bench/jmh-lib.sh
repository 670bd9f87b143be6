# Sourced by bench/codec.sh and bench/sse.sh, not run by itself: what their JMH runs share.
#   jmh_script_args "$@"            --help prints the calling script's header; anything but one argument (the
#                                   benchmarks classpath) is an error
#   run_jmh NAME PATTERN [OPTION...] JMH on $classpath for the benchmarks matching PATTERN, from the repository root:
#                                   bench/results/NAME.csv, its output in bench/results/NAME-jmh.log (the log's tail on
#                                   failure); BENCH_QUICK=1 one short fork, BENCH_JMH_OPTS more JMH options

usage() { sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p;}' "$0"; }

jmh_script_args() {
    local script
    script="bench/$(basename "$0")"
    case "${1:-}" in
        -h|--help) usage; exit 0 ;;
        -*) echo "$script: unknown option $1" >&2; usage >&2; exit 2 ;;
    esac
    [ $# -eq 1 ] || { echo "$script: one argument, the classpath" >&2; usage >&2; exit 2; }
}

run_jmh() {
    local name=$1 pattern=$2
    shift 2
    local opts=("$@")
    [[ "${BENCH_QUICK:-}" == 1 ]] && opts+=(-f 1 -wi 2 -i 2)
    # shellcheck disable=SC2086
    java -cp "$classpath" org.openjdk.jmh.Main "$pattern" -rf csv -rff "bench/results/$name.csv" "${opts[@]}" \
        ${BENCH_JMH_OPTS:-} > "bench/results/$name-jmh.log" 2>&1 \
        || { tail -40 "bench/results/$name-jmh.log" >&2; exit 1; }
}

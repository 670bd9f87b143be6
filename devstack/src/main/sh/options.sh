# Sourced by ./run-local.sh and ./chat.sh: a script's usage is the comment block at its top, and its options are
# checked before anything is built or started.

usage() { sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p;}' "$0"; }

# check_options "OPTIONS WITH A VALUE" "FLAGS" "$@": the usage and exit 0 for -h/--help, exit 2 for anything unknown.
check_options() {
  local valued=" $1 " flags=" $2 "
  shift 2
  while [ $# -gt 0 ]; do
    case "$1" in
      -h|--help) usage; exit 0 ;;
    esac
    if [[ "$valued" == *" $1 "* ]]; then
      [ $# -ge 2 ] || { echo "$(basename "$0"): option $1 needs a value" >&2; usage >&2; exit 2; }
      shift 2
    elif [[ "$flags" == *" $1 "* ]]; then
      shift
    else
      echo "$(basename "$0"): unknown option $1" >&2; usage >&2; exit 2
    fi
  done
}

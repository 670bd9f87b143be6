#!/usr/bin/env bash
# usage: ./chat.sh [--text TEXT] [--user USER] [--chat CHAT_ID] [--retry N] [--concurrent N] [--poll-ms MS]
#                  [--url URL --bot BOT_ID --token TOKEN --aes-key KEY]
# The WeCom simulator against the local stack's demo bot (or any bot with --url/--bot/--token/--aes-key).
# --retry N resends the same msgid N more times, like WeCom's retries; --concurrent N runs N conversations.
# Exit code 0 when every reply finished, 1 when one did not, 2 for an unknown option.
# Examples: ./chat.sh --text '你好'     ./chat.sh --text hi --retry 2     ./chat.sh --concurrent 5
set -euo pipefail
usage() { sed -n '2,/^set -euo pipefail/{/^set -euo pipefail/d;s/^# \{0,1\}//;p;}' "$0"; }
fail() { echo "chat.sh: $1" >&2; usage >&2; exit 2; }
args=("$@")
i=0
while [ "$i" -lt "${#args[@]}" ]; do
  case "${args[$i]}" in
    -h|--help) usage; exit 0 ;;
    --text|--user|--chat|--retry|--concurrent|--poll-ms|--url|--bot|--token|--aes-key)
      [ $((i + 1)) -lt "${#args[@]}" ] || fail "option ${args[$i]} needs a value"
      i=$((i + 2)) ;;
    *) fail "unknown option ${args[$i]}" ;;
  esac
done
cd "$(dirname "$0")"
jar=devstack/target/devstack-0.1.0-SNAPSHOT-exec.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests package
defaults=()
if [ -f .devstack/demo-credentials ] && [[ " $* " != *" --url "* ]]; then
  token=$(sed -n 1p .devstack/demo-credentials); aeskey=$(sed -n 2p .devstack/demo-credentials)
  defaults=(--url "http://127.0.0.1:${INGRESS_PORT:-8080}/wecom/callback/demo-bot" --bot demo-bot --token "$token" --aes-key "$aeskey")
fi
exec java -cp "$jar" -Dloader.main=io.wecomrelay.sim.wecom.ChatCommand org.springframework.boot.loader.launch.PropertiesLauncher "${defaults[@]}" "$@"

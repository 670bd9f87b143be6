#!/usr/bin/env bash
# usage: ./chat.sh [--text TEXT] [--user USER] [--chat CHAT_ID] [--retry N] [--concurrent N] [--poll-ms MS]
#                  [--url URL --bot BOT_ID --token TOKEN --aes-key KEY]
# The WeCom simulator against the local stack's demo bot (or any bot with --url/--bot/--token/--aes-key).
# --retry N resends the same msgid N more times, like WeCom's retries; --concurrent N runs N conversations.
# Each stream frame is printed whole: answer lines start with '| '; a reasoning model's <think>…</think> block,
# which WeCom's client folds away as its thinking, is shown above the answer with lines starting '~ ' (dimmed on a
# terminal unless NO_COLOR is set), headed '~ (thinking…)' while open and '~ (thought)' once the answer started.
# Exit code 0 when every reply finished, 1 when one did not, 2 for an unknown option.
# Examples: ./chat.sh --text '你好'     ./chat.sh --text hi --retry 2     ./chat.sh --concurrent 5
set -euo pipefail
. "$(dirname "$0")/devstack/src/main/sh/options.sh"
check_options "--text --user --chat --retry --concurrent --poll-ms --url --bot --token --aes-key" "" "$@"
cd "$(dirname "$0")"
jar=devstack/target/devstack-0.1.0-SNAPSHOT-exec.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests package
defaults=()
if [ -f .devstack/demo-credentials ] && [[ " $* " != *" --url "* ]]; then
  token=$(sed -n 1p .devstack/demo-credentials); aeskey=$(sed -n 2p .devstack/demo-credentials)
  defaults=(--url "http://127.0.0.1:${INGRESS_PORT:-8080}/wecom/callback/demo-bot" --bot demo-bot --token "$token" --aes-key "$aeskey")
fi
exec java -cp "$jar" -Dloader.main=io.wecomrelay.sim.wecom.ChatCommand org.springframework.boot.loader.launch.PropertiesLauncher "${defaults[@]}" "$@"

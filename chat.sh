#!/usr/bin/env bash
# The WeCom simulator against the local stack's demo bot (or any bot with --url/--bot/--token/--aes-key).
# Examples: ./chat.sh --text '你好'     ./chat.sh --text hi --retry 2     ./chat.sh --concurrent 5
set -euo pipefail
cd "$(dirname "$0")"
jar=devstack/target/devstack-0.1.0-SNAPSHOT-exec.jar
[ -f "$jar" ] || ./mvnw -B -q -DskipTests package
defaults=()
if [ -f .devstack/demo-credentials ] && [[ " $* " != *" --url "* ]]; then
  token=$(sed -n 1p .devstack/demo-credentials); aeskey=$(sed -n 2p .devstack/demo-credentials)
  defaults=(--url "http://127.0.0.1:${INGRESS_PORT:-8080}/wecom/callback/demo-bot" --bot demo-bot --token "$token" --aes-key "$aeskey")
fi
exec java -cp "$jar" -Dloader.main=io.wecomrelay.sim.wecom.ChatCommand org.springframework.boot.loader.launch.PropertiesLauncher "${defaults[@]}" "$@"

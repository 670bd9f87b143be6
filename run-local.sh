#!/usr/bin/env bash
# usage: ./run-local.sh [options]
# Runs the whole pipeline locally: an in-JVM KRaft broker, Redis (REDIS_URL or an embedded one),
# the Dify simulator (or DIFY_BASE_URL + DIFY_API_KEY), the WeCom long-connection simulator (or
# WECOM_LONG_CONNECTION_URL), the WeCom API simulator for self-built apps in the bots file (or
# WECOM_API_BASE_URL), and the five services as java -jar processes.
# Needs only a JDK 17. Ctrl-C (or SIGTERM) at any moment, also while it starts, stops everything it started.
#   --bots FILE        your bots file instead of the generated demo bot
#   --work-dir DIR     where the demo credentials and logs live (default .devstack)
#   --no-demo          do not send the demo message
#   --service-logs     the services' output on this console instead of in WORK_DIR/logs
#   --instances ingress=2,processor=2,llm-worker=3,responder=2,connector=2
#                      several instances of any service (1 to 10, connector 0 to 10; instance n listens
#                      100 * (n - 1) higher)
#   -h, --help         this text
# Environment: KAFKA_BOOTSTRAP_SERVERS uses an existing broker instead of the embedded one;
# WECOM_LONG_CONNECTION_URL=wss://openws.work.weixin.qq.com connects long-connection bots to WeCom itself;
# WECOM_API_BASE_URL=https://qyapi.weixin.qq.com sends self-built apps' API calls (worker and responder) to WeCom.
set -euo pipefail
. "$(dirname "$0")/devstack/src/main/sh/options.sh"
check_options "--bots --work-dir --instances" "--no-demo --service-logs" "$@"
cd "$(dirname "$0")"
echo "building (first run downloads dependencies; later runs take seconds)..."
./mvnw -B -q -DskipTests package
exec java -jar devstack/target/devstack-0.1.0-SNAPSHOT-exec.jar --root . "$@"

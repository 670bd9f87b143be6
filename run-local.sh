#!/usr/bin/env bash
# Runs the whole pipeline locally: an in-JVM KRaft broker, Redis (REDIS_URL or an embedded one),
# the Dify simulator (or DIFY_BASE_URL + DIFY_API_KEY), and the four services as java -jar processes.
# Needs only a JDK 17. Options are passed on: --bots FILE, --no-demo, --service-logs, --work-dir DIR,
# --instances ingress=2,processor=2,llm-worker=3,responder=2 (several instances of any service).
set -euo pipefail
cd "$(dirname "$0")"
echo "building (first run downloads dependencies; later runs take seconds)..."
./mvnw -B -q -DskipTests package
exec java -jar devstack/target/devstack-0.1.0-SNAPSHOT-exec.jar --root . "$@"

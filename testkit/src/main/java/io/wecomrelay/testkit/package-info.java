/**
 * Real infrastructure for tests, benchmarks and the local stack: a KRaft Kafka broker (in this JVM,
 * or Testcontainers' Kafka when asked for and Docker exists) and a Redis server (REDIS_URL when set
 * and reachable, otherwise an embedded real redis-server). One of each per JVM; tests isolate by
 * topic names and key prefixes, never by new brokers. Only outage tests own theirs, to take them down:
 * {@link io.wecomrelay.testkit.LocalRedis#startEmbeddedWithAof} and {@link io.wecomrelay.testkit.KafkaBrokerProcess}.
 */
@NullMarked
package io.wecomrelay.testkit;

import org.jspecify.annotations.NullMarked;

/**
 * Kafka as every service meets it. Producers that never log record contents. Topic provisioning: missing topics
 * are created in the background until Kafka answers, the service is not ready until then (health component
 * {@code topics}, with the reason), and its consumers start only after it. Health component {@code kafka}. Admin
 * clients that close within a bound.
 */
@NullMarked
package io.wecomrelay.support.kafka;

import org.jspecify.annotations.NullMarked;

/**
 * Topic provisioning, the same in every service: missing topics are created in the background until Kafka
 * answers, the service is not ready until then (health component {@code topics}, with the reason), its consumers
 * start only after it, and every Kafka admin client closes within a bound. The one part of
 * {@code service-support} that uses Spring types (a lifecycle and a health indicator).
 */
@NullMarked
package io.wecomrelay.support.topics;

import org.jspecify.annotations.NullMarked;

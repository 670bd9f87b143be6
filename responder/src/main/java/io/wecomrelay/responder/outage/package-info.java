/**
 * The listener containers during an outage of Redis or Kafka: consumption waits instead of dead-lettering
 * records that are fine, and resumes by itself. {@link io.wecomrelay.responder.outage.ConsumerOutages} says who
 * waits (the root package reports it as health component {@code consumption}).
 */
@NullMarked
package io.wecomrelay.responder.outage;

import org.jspecify.annotations.NullMarked;

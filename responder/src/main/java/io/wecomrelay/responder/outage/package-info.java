/**
 * The listener containers during an outage of Redis or Kafka: consumption waits (health DOWN) instead of
 * dead-lettering records that are fine, and resumes by itself.
 */
@NullMarked
package io.wecomrelay.responder.outage;

import org.jspecify.annotations.NullMarked;

/**
 * Telling an outage of the infrastructure (Redis or Kafka unreachable, slow, restarting, failing over) from a
 * failure of the work itself: the first is waited out and never dead-lettered, the second would repeat the same
 * way and is dead-lettered after a bounded number of tries.
 */
@NullMarked
package io.wecomrelay.support.outage;

import org.jspecify.annotations.NullMarked;

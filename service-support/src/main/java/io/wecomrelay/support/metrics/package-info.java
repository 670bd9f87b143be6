/**
 * Meters looked up on hot paths: {@link io.wecomrelay.support.metrics.MeterTable} keeps a service's meters by their
 * tag values so that a record or chunk costs a map look-up, not a registry look-up or an allocation.
 */
@NullMarked
package io.wecomrelay.support.metrics;

import org.jspecify.annotations.NullMarked;

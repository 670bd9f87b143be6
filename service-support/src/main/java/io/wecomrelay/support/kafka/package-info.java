/** Kafka producers as every service builds them. */
@NullMarked
package io.wecomrelay.support.kafka;

import org.jspecify.annotations.NullMarked;

/** Writing the responder's own events to Kafka. */
@NullMarked
package io.wecomrelay.responder.kafka;

import org.jspecify.annotations.NullMarked;

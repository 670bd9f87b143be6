/**
 * The responder's hops of a message's trace ({@link io.wecomrelay.responder.tracing.ResponderTraces}): a span per
 * folded chunk and per rejection under the record's traceparent, a span per delivery attempt under the reply's trace
 * id (the outbox keeps no headers), and the hop latencies {@code delta_to_redis} and {@code finish_to_delivered}.
 */
@NullMarked
package io.wecomrelay.responder.tracing;

import org.jspecify.annotations.NullMarked;

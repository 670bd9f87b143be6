/**
 * The processor's hop of a message's trace: a span per decision, continuing the inbound record's traceparent, whose
 * own traceparent the decision record carries; and {@code relay.hop.latency{hop=inbound_to_decision}}.
 */
@NullMarked
package io.wecomrelay.processor.tracing;

import org.jspecify.annotations.NullMarked;

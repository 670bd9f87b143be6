/**
 * The first span of every message's trace ({@link io.wecomrelay.ingress.tracing.IngressTracing}): its trace id is
 * the event's {@code traceId}, its traceparent goes into the inbound record's headers.
 */
@NullMarked
package io.wecomrelay.ingress.tracing;

import org.jspecify.annotations.NullMarked;

/**
 * One trace per message across every hop: the W3C {@code traceparent} in Kafka record headers
 * ({@link io.wecomrelay.support.tracing.TraceHeaders}), a span per hop started from it
 * ({@link io.wecomrelay.support.tracing.RelayTracing}, on Micrometer Tracing's OpenTelemetry bridge), and the
 * per-hop latency histograms {@code relay.hop.latency{hop,bot}} ({@link io.wecomrelay.support.tracing.HopLatency}).
 * Records written before traceparent existed carry the old {@code trace-id} header (32 hex digits): they continue
 * that trace id. Spans are exported only when an OTLP endpoint is configured; without one they are not sampled, so a
 * message costs its ids, the header and the log context, nothing else.
 */
@NullMarked
package io.wecomrelay.support.tracing;

import org.jspecify.annotations.NullMarked;

/**
 * The llm-worker's hop of a message's trace: a span per reply try under the decision record's traceparent
 * ({@link io.wecomrelay.llm.tracing.ReplySpans}), a client span per Dify request whose traceparent Dify gets
 * ({@link io.wecomrelay.llm.tracing.DifyTracePropagation}), and the chunks' traceparent (the reply span's, through the
 * Reactor context); hop latencies {@code decision_to_worker} and {@code worker_to_dify}.
 */
@NullMarked
package io.wecomrelay.llm.tracing;

import org.jspecify.annotations.NullMarked;

package io.wecomrelay.benchmarks.sse;

import org.jspecify.annotations.Nullable;

/** The baseline's {@code SseFrame} (see {@link LegacySseDecoder}): one server-sent event as it was on the wire. */
record LegacySseFrame(@Nullable String event, @Nullable String data) {
}

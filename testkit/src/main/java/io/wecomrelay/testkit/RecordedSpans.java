package io.wecomrelay.testkit;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import io.opentelemetry.context.Context;
import io.opentelemetry.sdk.trace.ReadWriteSpan;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;

/**
 * Every span that ends, as an exporter would get it. Declared as a bean in a service under test (with
 * {@code management.tracing.sampling.probability=1.0}), Boot adds it to the tracer provider.
 */
public final class RecordedSpans implements SpanProcessor {

    private final List<SpanData> ended = new CopyOnWriteArrayList<>();

    /** The first ended span of this name in the trace. */
    public Optional<SpanData> find(String namePrefix, String traceId) {
        return ended.stream().filter(span -> span.getName().startsWith(namePrefix) && span.getTraceId().equals(traceId))
                .findFirst();
    }

    /** Every ended span of this name in the trace. */
    public List<SpanData> all(String namePrefix, String traceId) {
        return ended.stream().filter(span -> span.getName().startsWith(namePrefix) && span.getTraceId().equals(traceId))
                .toList();
    }

    @Override
    public void onStart(Context parentContext, ReadWriteSpan span) {
    }

    @Override
    public boolean isStartRequired() {
        return false;
    }

    @Override
    public void onEnd(ReadableSpan span) {
        ended.add(span.toSpanData());
    }

    @Override
    public boolean isEndRequired() {
        return true;
    }
}

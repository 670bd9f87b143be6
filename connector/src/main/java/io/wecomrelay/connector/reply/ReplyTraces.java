package io.wecomrelay.connector.reply;

import io.micrometer.tracing.Span;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceLog;
import org.jspecify.annotations.Nullable;

/**
 * The span of one stream's reply frames on one req_id: it continues the trace of the first {@code stream-changed}
 * notice about the stream (its record's traceparent, which the responder copies from the chunk it folded, else the
 * notice's trace id), and ends when WeCom acknowledges the finish frame, says the stream expired, or the stream is
 * let go ({@code relay.outcome}), with the number of frames sent ({@code relay.frames}). The placeholder frame goes
 * out before any notice (from the receipt): a stream whose reply never got a notice here has no span.
 */
public final class ReplyTraces {

    private final RelayTracing tracing;

    public ReplyTraces(RelayTracing tracing) {
        this.tracing = tracing;
    }

    /** No spans: for tests of the parts. */
    public static ReplyTraces noop() {
        return new ReplyTraces(RelayTracing.noop());
    }

    /** One stream's span, started on the first notice that names its trace. */
    final class Trace {
        private @Nullable Span span;
        private @Nullable String traceparent;
        private int frames;

        /** A notice came: the span starts unless it did. */
        synchronized void noticed(String botId, String streamId, @Nullable String parent, @Nullable String traceId) {
            if (span == null && (parent != null || traceId != null)) {
                span = tracing.startFrom("connector reply", Span.Kind.PRODUCER, parent, traceId, null)
                        .tag("relay.bot", botId).tag("relay.stream", streamId);
                traceparent = tracing.traceparent(span);
            }
        }

        synchronized void frameSent() {
            frames++;
        }

        /** The stream is done here ({@code finished}, {@code expired}, {@code let_go}): the span ends. */
        synchronized void ended(String outcome) {
            Span ending = span;
            span = null;
            if (ending != null) {
                ending.tag("relay.outcome", outcome).tag("relay.frames", frames).end();
            }
        }

        /** The span's ids in the log context until closed, around a line about the stream. */
        synchronized TraceLog log() {
            return TraceLog.of(traceparent);
        }
    }

    Trace trace() {
        return new Trace();
    }
}

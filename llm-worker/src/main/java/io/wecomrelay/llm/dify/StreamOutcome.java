package io.wecomrelay.llm.dify;

import org.jspecify.annotations.Nullable;

/**
 * How one chat request's event stream ended, for the request's span: the client notes the terminal event as it
 * passes, the tracing filter reads it once the response body is done (the span covers the whole stream). One per
 * request, as the request attribute {@link #ATTRIBUTE}.
 */
public final class StreamOutcome {

    public static final String ATTRIBUTE = StreamOutcome.class.getName();

    private volatile @Nullable String terminal;

    /** True for the event that ends the stream, which is noted. */
    boolean ends(DifyEvent event) {
        if (!event.terminal()) {
            return false;
        }
        terminal = event instanceof DifyEvent.End ? "message_end"
                : event instanceof DifyEvent.WorkflowEnd ? "workflow_finished" : "error";
        return true;
    }

    /** {@code message_end}, {@code workflow_finished} or {@code error} (Dify's error event); null before one. */
    public @Nullable String terminal() {
        return terminal;
    }
}

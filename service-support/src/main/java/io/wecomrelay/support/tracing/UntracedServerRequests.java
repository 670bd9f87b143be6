package io.wecomrelay.support.tracing;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingObservationHandler;
import io.micrometer.observation.Observation;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;

/**
 * Takes Boot's HTTP server observations ({@code http.server.requests}) away from the tracing handlers when nothing is
 * sampled, so they make no span: the first tracing handler that supports a context is the only one that runs, and
 * this one, ordered first, does nothing. Unsampled, such a span was work for nobody: it is never exported, and no
 * log line sees it (the services do not propagate the Reactor context to thread locals); each hop starts its own
 * span for the message's trace ({@link RelayTracing}). Per callback it saved extracting the trace headers, two ids, and
 * putting the span in scope (log context included) around the timer's stop. The observation's timer, what the
 * dashboard's 5xx panel reads, is not a tracing handler's and stays. Ingress's callback server has no such
 * observation any more (its own {@code ServerRequestsTimer} makes the timer); this still serves the management
 * servers' requests and the other services' HTTP servers.
 */
final class UntracedServerRequests implements TracingObservationHandler<ServerRequestObservationContext> {

    private final Tracer tracer;

    UntracedServerRequests(Tracer tracer) {
        this.tracer = tracer;
    }

    @Override
    public boolean supportsContext(Observation.Context context) {
        return context instanceof ServerRequestObservationContext;
    }

    @Override
    public void onStart(ServerRequestObservationContext context) {
        // Boot's tracing-aware meter handler requires a tracing context in every observation it stops: an empty one
        getTracingContext(context);
    }

    @Override
    public void onScopeOpened(ServerRequestObservationContext context) {
    }

    @Override
    public void onScopeClosed(ServerRequestObservationContext context) {
    }

    @Override
    public void onScopeReset(ServerRequestObservationContext context) {
    }

    @Override
    public void onEvent(Observation.Event event, ServerRequestObservationContext context) {
    }

    @Override
    public void onError(ServerRequestObservationContext context) {
    }

    @Override
    public void onStop(ServerRequestObservationContext context) {
    }

    @Override
    public Tracer getTracer() {
        return tracer;
    }
}

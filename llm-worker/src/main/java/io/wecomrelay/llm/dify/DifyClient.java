package io.wecomrelay.llm.dify;

import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.schemas.bot.DifyApp;
import io.wecomrelay.schemas.bot.DifyAppType;
import io.wecomrelay.support.reactive.WheelBound;
import io.wecomrelay.support.tracing.RelayTracing;
import org.jspecify.annotations.Nullable;
import io.wecomrelay.support.tracing.TraceLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.Connection;
import reactor.util.context.ContextView;
import reactor.util.retry.Retry;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.client.MultipartBodyBuilder;
import org.springframework.web.reactive.function.BodyInserters;
import org.springframework.web.reactive.function.client.ClientResponse;
import org.springframework.web.reactive.function.client.WebClient;
import org.springframework.web.reactive.function.client.WebClientRequestException;

/**
 * The only class that speaks Dify's HTTP API. {@link #upload} and {@link #feedback} are plain JSON
 * calls (an upload's file part is streamed), retried like a chat before Dify answers and bounded by
 * the request timeout; that bound and the stop call's are set on Lettuce's timer wheel ({@link WheelBound}).
 * {@link #chat} streams one answer as typed events:
 * SSE is decoded on bytes ({@link SseDecoder}), pings come through as {@link DifyEvent.Ping} (they
 * feed the caller's idle watchdog), and the flux completes by itself on the terminal event instead
 * of waiting for Dify to close the connection (some versions never do). The response is still read to
 * its end behind it, so that its connection goes back to the pool ({@link DrainingSubscriber}).
 * <p>
 * Failures before the first byte of a 2xx response (429, 5xx, connect and I/O errors) are retried
 * with exponential backoff and jitter; once the stream has started there is no silent retry, so text
 * is never sent twice. HTTP errors arrive as {@link DifyApiException}.
 */
public final class DifyClient {

    private static final Logger log = LoggerFactory.getLogger(DifyClient.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /**
     * @param maxAttempts  tries before the first byte, at least 1
     * @param firstBackoff wait before the second try
     * @param maxBackoff   longest wait
     * @param jitter       random share of each wait, 0 to 1
     */
    public record RetryPolicy(int maxAttempts, Duration firstBackoff, Duration maxBackoff, double jitter) {
    }

    /**
     * What one chat stream may send (see {@link SseDecoder}); beyond it the stream gives a
     * {@link DifyEvent.Oversized} and reads nothing more.
     *
     * @param maxLineBytes  the longest SSE line
     * @param maxEventBytes the largest SSE event, its data lines joined
     */
    public record StreamLimits(int maxLineBytes, int maxEventBytes) {
    }

    private final WebClient web;
    private final RetryPolicy retry;
    private final WheelBound stopTimeout;
    private final WheelBound requestTimeout;
    private final StreamLimits limits;
    private final Duration drainTimeout;
    private final DrainMetrics drains;

    /**
     * @param stopTimeout    how long a stop call may take
     * @param requestTimeout how long one try of an upload or feedback call may take
     * @param drainTimeout   how long a chat response may take to end after its terminal event before its
     *                       connection is closed instead of going back to the pool
     * @param registry       where the drains are counted ({@code relay.worker.dify.drains})
     */
    public DifyClient(WebClient web, RetryPolicy retry, WheelBound stopTimeout, WheelBound requestTimeout,
                      StreamLimits limits, Duration drainTimeout, MeterRegistry registry) {
        this.web = web;
        this.retry = retry;
        this.stopTimeout = stopTimeout;
        this.requestTimeout = requestTimeout;
        this.limits = limits;
        this.drainTimeout = drainTimeout;
        this.drains = new DrainMetrics(registry);
    }

    /**
     * Streams the answer to {@code request} from the endpoint of {@code app}'s type; cold: nothing is sent until
     * subscription.
     */
    public Flux<DifyEvent> chat(DifyApp app, ChatRequest request) {
        return Flux.deferContextual(context -> {
            var started = new AtomicBoolean();
            return open(app, request, started)
                    .retryWhen(retrySpec(started, traceparent(context)));
        });
    }

    /**
     * Asks Dify to stop generating. Best effort: Dify answers success even for unknown tasks, and a
     * stop with a different {@code user} silently does nothing, so callers pass the request's user.
     */
    public Mono<Void> stop(DifyApp app, String taskId, String user) {
        return Mono.deferContextual(context -> web.post()
                .uri(app.baseUrl() + stopPath(app.appType()), taskId)
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + app.apiKey().reveal())
                .contentType(MediaType.APPLICATION_JSON)
                .bodyValue(Map.of("user", user))
                .retrieve()
                .toBodilessEntity()
                .as(stopTimeout::on)
                .doOnError(e -> {
                    try (var trace = TraceLog.of(traceparent(context))) {
                        log.warn("dify stop failed taskId={} cause={}", taskId, e.getClass().getSimpleName());
                    }
                })
                .onErrorResume(e -> Mono.empty())
                .then());
    }

    /**
     * Uploads one file for {@code user} ({@code POST /files/upload}, multipart, the file part sent in
     * chunks as its content arrives) and emits Dify's {@code upload_file_id}; only the same
     * {@code user} can reference it in a chat request. The content can be read only once, so a try
     * is repeated only when it failed before the content was subscribed (a refused connection).
     */
    public Mono<String> upload(DifyApp app, String user, DifyFile file) {
        var contentTaken = new AtomicBoolean();
        Flux<DataBuffer> content = file.content().doOnSubscribe(subscription -> contentTaken.set(true));
        return Mono.deferContextual(context -> Mono.defer(() -> {
            var parts = new MultipartBodyBuilder();
            parts.asyncPart("file", content, DataBuffer.class)
                    .filename(file.name())
                    .contentType(MediaType.parseMediaType(file.mimeType()));
            parts.part("user", user);
            return web.post()
                    .uri(app.baseUrl() + "/files/upload")
                    .header(HttpHeaders.AUTHORIZATION, "Bearer " + app.apiKey().reveal())
                    .body(BodyInserters.fromMultipartData(parts.build()))
                    .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                            ? response.bodyToMono(byte[].class).map(DifyClient::uploadId)
                            : failure(response))
                    .as(requestTimeout::on);
        }).retryWhen(retrySpec(contentTaken, traceparent(context))));
    }

    /**
     * Rates a message ({@code POST /messages/{message_id}/feedbacks}) for the user who received it.
     *
     * @param rating  {@code like}, {@code dislike}, or null to withdraw an earlier rating
     * @param content the user's words, or null
     */
    public Mono<Void> feedback(DifyApp app, String messageId, @Nullable String rating, String user,
                               @Nullable String content) {
        var body = new LinkedHashMap<String, @Nullable Object>();
        body.put("rating", rating);
        body.put("user", user);
        if (content != null) {
            body.put("content", content);
        }
        return Mono.deferContextual(context -> Mono.defer(() -> web.post()
                        .uri(app.baseUrl() + "/messages/{messageId}/feedbacks", messageId)
                        .header(HttpHeaders.AUTHORIZATION, "Bearer " + app.apiKey().reveal())
                        .contentType(MediaType.APPLICATION_JSON)
                        .bodyValue(body)
                        .exchangeToMono(response -> response.statusCode().is2xxSuccessful()
                                ? response.releaseBody() : DifyClient.<Void>failure(response))
                        .as(requestTimeout::on))
                .retryWhen(retrySpec(new AtomicBoolean(), traceparent(context))));
    }

    private static String uploadId(byte[] body) {
        try {
            var id = JSON.readTree(body).path("id");
            if (id.isString() && !id.asString().isEmpty()) {
                return id.asString();
            }
        } catch (JacksonException e) {
            // reported below
        }
        throw new DifyApiException(502, "invalid_upload_response", "upload answer without an id");
    }

    private Flux<DifyEvent> open(DifyApp app, ChatRequest request, AtomicBoolean started) {
        var outcome = new StreamOutcome();
        return Flux.create(sink -> {
            var drain = new DrainingSubscriber(sink, outcome, drainTimeout, drains);
            send(app, request, started, outcome, drain).subscribe(drain);
            sink.onRequest(drain::request);
            // a cancel while the caller handles the terminal event (the reply does) leaves the body draining
            sink.onCancel(drain::callerCancelled);
        });
    }

    private Flux<DifyEvent> send(DifyApp app, ChatRequest request, AtomicBoolean started, StreamOutcome outcome,
                                 DrainingSubscriber drain) {
        return web.post()
                .uri(app.baseUrl() + sendPath(app.appType()))
                .header(HttpHeaders.AUTHORIZATION, "Bearer " + app.apiKey().reveal())
                .contentType(MediaType.APPLICATION_JSON)
                .accept(MediaType.TEXT_EVENT_STREAM)
                .attribute(StreamOutcome.ATTRIBUTE, outcome)
                .httpRequest(http -> {
                    // Reactor Netty's request is its connection's operations: its event loop hosts the drain's timer
                    if (http.<Object>getNativeRequest() instanceof Connection connection) {
                        drain.connectedOn(connection.channel().eventLoop());
                    }
                })
                .headers(headers -> request.headers().forEach(headers::set))
                .bodyValue(request.body(app))
                .exchangeToFlux(response -> {
                    if (response.statusCode().is2xxSuccessful()) {
                        started.set(true);
                        return decode(response.bodyToFlux(DataBuffer.class), limits);
                    }
                    return DifyClient.<DifyEvent>failure(response).flux();
                });
    }

    /** Each kind of app has its own send endpoint (Dify refuses a key on another kind's). */
    static String sendPath(DifyAppType type) {
        return switch (type) {
            case CHAT -> "/chat-messages";
            case COMPLETION -> "/completion-messages";
            case WORKFLOW -> "/workflows/run";
        };
    }

    /** ... and its own stop endpoint; a workflow's does not check the user. */
    static String stopPath(DifyAppType type) {
        return switch (type) {
            case CHAT -> "/chat-messages/{taskId}/stop";
            case COMPLETION -> "/completion-messages/{taskId}/stop";
            case WORKFLOW -> "/workflows/tasks/{taskId}/stop";
        };
    }

    private static <T> Mono<T> failure(ClientResponse response) {
        int status = response.statusCode().value();
        return response.bodyToMono(byte[].class)
                .defaultIfEmpty(new byte[0])
                .flatMap(body -> Mono.error(DifyApiException.from(status, body)));
    }

    /** Bytes to events ({@link SseEvents}, one per response, used by one subscriber at a time). */
    static Flux<DifyEvent> decode(Flux<DataBuffer> body, StreamLimits limits) {
        return Flux.defer(() -> {
            var events = new SseEvents(limits);
            return body.concatMapIterable(buffer -> {
                        byte[] bytes = new byte[buffer.readableByteCount()];
                        buffer.read(bytes);
                        DataBufferUtils.release(buffer);
                        return events.read(bytes);
                    })
                    .concatWith(Flux.defer(() -> Flux.fromIterable(events.finish())));
        });
    }

    private Retry retrySpec(AtomicBoolean started, @Nullable String traceparent) {
        return Retry.backoff(retry.maxAttempts() - 1L, retry.firstBackoff())
                .maxBackoff(retry.maxBackoff())
                .jitter(retry.jitter())
                .filter(error -> !started.get() && retryable(error))
                .doBeforeRetry(signal -> {
                    try (var trace = TraceLog.of(traceparent)) {
                        log.info("dify request retry={} cause={}", signal.totalRetries() + 1, describe(signal.failure()));
                    }
                })
                .onRetryExhaustedThrow((spec, signal) -> signal.failure());
    }

    /** The reply span's, from the Reactor context: the callbacks of a request run on Netty's threads. */
    private static @Nullable String traceparent(ContextView context) {
        return context.getOrDefault(RelayTracing.CONTEXT_KEY, null);
    }

    static boolean retryable(Throwable error) {
        if (error instanceof DifyApiException api) {
            return api.retryable();
        }
        return error instanceof WebClientRequestException || error instanceof IOException;
    }

    private static String describe(Throwable error) {
        return error instanceof DifyApiException api ? api.status() + " " + api.code() : error.getClass().getSimpleName();
    }
}

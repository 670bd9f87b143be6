package io.wecomrelay.sim.wecomapi;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.multipart.FileUpload;
import org.jspecify.annotations.Nullable;
import org.reactivestreams.Publisher;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;
import reactor.netty.http.server.HttpServerRequest;
import reactor.netty.http.server.HttpServerResponse;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * WeCom's send APIs on a loopback port, with their limits:
 * <ul>
 * <li>{@code POST /cgi-bin/webhook/send?key=KEY}: {@code markdown}, {@code markdown_v2} (≤ 4,096 bytes),
 *     {@code text} (≤ 2,048 bytes) and {@code image} (standard base64 of a JPG or PNG of at most 2 MB, with the MD5
 *     of its bytes; recorded with the base64 as its content); at most {@code permits} accepted messages per key in
 *     any {@code window} (WeCom: 20 per minute), else errcode 45009; unknown key → 93000;</li>
 * <li>{@code POST /cgi-bin/aibot/response?response_code=CODE}: {@code markdown} only (else 40008),
 *     ≤ 20,480 bytes; each code works once.</li>
 * </ul>
 * Self-built apps' {@code gettoken} and {@code message/send} are {@link #apps()}.
 * Over-long content gets errcode 40058 and a used or unknown response code 40078: the simulator's choice,
 * since WeCom's codes for these cases are not documented. Rejected requests do not count against the rate
 * limit. {@link #failNext(int, int)} makes the next requests answer an HTTP error.
 */
public final class WeComApiSimulator implements AutoCloseable {

    public static final int OK = 0;
    public static final int FREQUENCY_LIMIT = 45009;
    public static final int INVALID_WEBHOOK = 93000;
    public static final int INVALID_MESSAGE_TYPE = 40008;
    public static final int CONTENT_TOO_LONG = 40058;
    public static final int INVALID_RESPONSE_CODE = 40078;
    /** An image message whose base64, MD5, size or format is wrong (the simulator's choice of code). */
    public static final int INVALID_IMAGE = 40123;
    /** WeCom's limit for a webhook image, before base64. */
    public static final int MAX_WEBHOOK_IMAGE_BYTES = 2 * 1024 * 1024;

    private static final Logger log = LoggerFactory.getLogger(WeComApiSimulator.class);
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private final Clock clock;
    private final int permits;
    private final Duration window;
    private final DisposableServer server;
    private final Set<String> webhookKeys = new HashSet<>();
    private final Set<String> openResponseCodes = new HashSet<>();
    private final Map<String, Deque<Instant>> acceptedTimes = new HashMap<>();
    private final List<Message> messages = new ArrayList<>();
    private final List<Answer> answers = new ArrayList<>();
    private final AppApis apps;
    private int failuresLeft;
    private int failureStatus;
    private volatile Mono<Void> answersHeld = Mono.empty();

    private WeComApiSimulator(Clock clock, int permits, Duration window) {
        this.clock = clock;
        this.permits = permits;
        this.window = window;
        this.apps = new AppApis(clock, window);
        this.server = HttpServer.create().host("127.0.0.1").port(0)
                .route(routes -> routes.post("/cgi-bin/webhook/send", this::webhook)
                        .post("/cgi-bin/aibot/response", this::responseUrl)
                        .get("/cgi-bin/gettoken", this::getToken)
                        .post("/cgi-bin/message/send", this::appSend)
                        .get("/cgi-bin/media/get", this::mediaGet)
                        .post("/cgi-bin/media/upload", this::mediaUpload))
                .bindNow();
    }

    /** Starts with WeCom's webhook limit of 20 messages per minute per key. */
    public static WeComApiSimulator start() {
        return start(Clock.systemUTC(), 20, Duration.ofMinutes(1));
    }

    /** Starts with a custom rate limit, so that tests need not wait a real minute. */
    public static WeComApiSimulator start(Clock clock, int permits, Duration window) {
        return new WeComApiSimulator(clock, permits, window);
    }

    /** The base URL to configure as WeCom's API base, e.g. {@code http://127.0.0.1:PORT}. */
    public String baseUrl() {
        return "http://127.0.0.1:" + server.port();
    }

    public synchronized void addWebhookKey(String key) {
        webhookKeys.add(key);
    }

    /** A fresh single-use response_url. */
    public synchronized String newResponseUrl() {
        String code = UUID.randomUUID().toString().replace("-", "");
        openResponseCodes.add(code);
        return baseUrl() + "/cgi-bin/aibot/response?response_code=" + code;
    }

    /** Self-built apps' gettoken and message/send, see {@link AppApis}. */
    public AppApis apps() {
        return apps;
    }

    /** The next {@code count} requests answer HTTP {@code status} without looking at them. */
    public synchronized void failNext(int count, int status) {
        this.failuresLeft = count;
        this.failureStatus = status;
    }

    /**
     * From now on every request is taken (or refused) at once, as before, but its answer reaches the caller only when
     * {@code release} completes: WeCom has the message, the sender does not know yet. For tests of what fails meanwhile.
     */
    public void holdAnswersUntil(CompletableFuture<?> release) {
        answersHeld = Mono.fromFuture(release).then();
    }

    /** Accepted messages, in arrival order. */
    public synchronized List<Message> messages() {
        return List.copyOf(messages);
    }

    /** Accepted messages to one webhook key, in arrival order. */
    public synchronized List<Message> messagesTo(String target) {
        return messages.stream().filter(m -> m.target().equals(target)).toList();
    }

    /** Every answer given, in order, including errors. */
    public synchronized List<Answer> answers() {
        return List.copyOf(answers);
    }

    @Override
    public void close() {
        server.disposeNow();
    }

    private Publisher<Void> webhook(HttpServerRequest request, HttpServerResponse response) {
        String key = param(request, "key");
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> {
                    Answer answer = acceptWebhook(key, body);
                    return answersHeld.then(answer(response, answer));
                });
    }

    private Publisher<Void> responseUrl(HttpServerRequest request, HttpServerResponse response) {
        String code = param(request, "response_code");
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> {
                    Answer answer = acceptResponse(code, body);
                    return answersHeld.then(answer(response, answer));
                });
    }

    private Publisher<Void> getToken(HttpServerRequest request, HttpServerResponse response) {
        String json = apps.getToken(param(request, "corpid"), param(request, "corpsecret"));
        return response.header("Content-Type", "application/json").sendString(Mono.just(json)).then();
    }

    private Publisher<Void> appSend(HttpServerRequest request, HttpServerResponse response) {
        String token = param(request, "access_token");
        return request.receive().aggregate().asString(StandardCharsets.UTF_8).defaultIfEmpty("")
                .flatMap(body -> {
                    Answer failure = injectedFailure("app");
                    if (failure != null) {
                        return answer(response, failure);
                    }
                    return response.header("Content-Type", "application/json")
                            .sendString(Mono.just(apps.send(token, body))).then();
                });
    }

    private Publisher<Void> mediaGet(HttpServerRequest request, HttpServerResponse response) {
        String problem = apps.tokenProblem(param(request, "access_token"));
        AppApis.Media media = problem == null ? apps.download(param(request, "media_id")) : null;
        if (media == null) {
            String json = problem != null ? problem : AppApis.invalidMedia();
            return response.header("Content-Type", "application/json").sendString(Mono.just(json)).then();
        }
        String extension = media.contentType().startsWith("image/") ? ".jpg" : media.contentType().contains("amr") ? ".amr" : "";
        return response.header("Content-Type", media.contentType())
                .header("Content-Disposition", "attachment; filename=\"" + media.mediaId() + extension + "\"")
                .sendByteArray(Mono.just(media.bytes())).then();
    }

    private Publisher<Void> mediaUpload(HttpServerRequest request, HttpServerResponse response) {
        String problem = apps.tokenProblem(param(request, "access_token"));
        String type = param(request, "type");
        // read each part while the decoder still holds it: next() cancels the form (releasing its data) before it emits
        Mono<String> answer = problem != null ? Mono.just(problem) : request.receiveForm()
                .filter(data -> data.getName().equals("media") && data instanceof FileUpload)
                .map(data -> {
                    try {
                        return apps.upload(type, ((FileUpload) data).getContentType(), data.get());
                    } catch (java.io.IOException e) {
                        return "{\"errcode\":-1,\"errmsg\":\"unreadable upload\"}";
                    }
                })
                .next()
                .defaultIfEmpty("{\"errcode\":41005,\"errmsg\":\"media data missing\"}");
        return answer.flatMap(json -> response.header("Content-Type", "application/json").sendString(Mono.just(json)).then());
    }

    private synchronized Answer acceptWebhook(String key, String body) {
        Answer failure = injectedFailure(key);
        if (failure != null) {
            return failure;
        }
        if (!webhookKeys.contains(key)) {
            return record(key, INVALID_WEBHOOK, "invalid webhook url");
        }
        Content content = content(body);
        if (content == null || !Set.of("markdown", "markdown_v2", "text", "image").contains(content.msgtype())) {
            return record(key, INVALID_MESSAGE_TYPE, "invalid message type");
        }
        if (content.msgtype().equals("image")) {
            String problem = WebhookImages.problem(content.image());
            if (problem != null) {
                return record(key, INVALID_IMAGE, problem);
            }
            content = new Content("image", content.image().path("base64").asString(), 0, content.image());
        }
        int limit = content.msgtype().equals("text") ? 2_048 : 4_096;
        if (content.bytes() > limit) {
            return record(key, CONTENT_TOO_LONG, "content exceed max length " + limit);
        }
        Instant now = clock.instant();
        Deque<Instant> times = acceptedTimes.computeIfAbsent(key, k -> new ArrayDeque<>());
        while (!times.isEmpty() && !times.peekFirst().isAfter(now.minus(window))) {
            times.removeFirst();
        }
        if (times.size() >= permits) {
            return record(key, FREQUENCY_LIMIT, "api freq out of limit");
        }
        times.addLast(now);
        messages.add(new Message(key, content.msgtype(), content.text(), now));
        return record(key, OK, "ok");
    }

    private synchronized Answer acceptResponse(String code, String body) {
        Answer failure = injectedFailure(code);
        if (failure != null) {
            return failure;
        }
        if (!openResponseCodes.contains(code)) {
            return record(code, INVALID_RESPONSE_CODE, "invalid response_code");
        }
        Content content = content(body);
        if (content == null || !content.msgtype().equals("markdown")) {
            return record(code, INVALID_MESSAGE_TYPE, "invalid message type");
        }
        if (content.bytes() > 20_480) {
            return record(code, CONTENT_TOO_LONG, "content exceed max length 20480");
        }
        openResponseCodes.remove(code);
        messages.add(new Message(code, content.msgtype(), content.text(), clock.instant()));
        return record(code, OK, "ok");
    }

    private synchronized @Nullable Answer injectedFailure(String target) {
        if (failuresLeft <= 0) {
            return null;
        }
        failuresLeft--;
        var answer = new Answer(target, failureStatus, -1, "injected failure", clock.instant());
        answers.add(answer);
        return answer;
    }

    private Answer record(String target, int errcode, String errmsg) {
        var answer = new Answer(target, 200, errcode, errmsg, clock.instant());
        answers.add(answer);
        if (errcode != OK) {
            log.debug("answered errcode={} errmsg={}", errcode, errmsg);
        }
        return answer;
    }

    private static Mono<Void> answer(HttpServerResponse response, Answer answer) {
        if (answer.httpStatus() != 200) {
            return response.status(HttpResponseStatus.valueOf(answer.httpStatus())).send().then();
        }
        String json = "{\"errcode\":" + answer.errcode() + ",\"errmsg\":\"" + answer.errmsg() + "\"}";
        return response.header("Content-Type", "application/json").sendString(Mono.just(json)).then();
    }

    private static String param(HttpServerRequest request, String name) {
        List<String> values = new QueryStringDecoder(request.uri()).parameters().get(name);
        return values == null || values.isEmpty() ? "" : values.get(0);
    }

    private static @Nullable Content content(String body) {
        try {
            JsonNode json = JSON.readTree(body);
            String msgtype = json.path("msgtype").asString("");
            String text = json.path(msgtype).path("content").asString("");
            return new Content(msgtype, text, text.getBytes(StandardCharsets.UTF_8).length, json.path(msgtype));
        } catch (JacksonException e) {
            return null;
        }
    }

    private record Content(String msgtype, String text, int bytes, JsonNode image) {
    }

    /**
     * A message WeCom would have shown; {@code target} is the webhook key or the response code, {@code content} the
     * text (the standard base64 of an {@code image} message).
     */
    public record Message(String target, String msgtype, String content, Instant at) {
    }

    /** One answer: HTTP status, and errcode/errmsg when the status is 200. */
    public record Answer(String target, int httpStatus, int errcode, String errmsg, Instant at) {
    }
}

package io.wecomrelay.connector.continuation;

import java.time.Duration;
import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.wire.Frames;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * Sends the rest of an answer longer than one stream (issue 19) after WeCom took the finish frame, which showed the
 * first part with the responder's continued note. The responder keeps the whole answer in the stream hash
 * ({@link StreamStateKeys#FULL}, with the note it cut at, {@link StreamStateKeys#CONTINUED_NOTE}); the rest is cut
 * where the stream's part ended ({@link Continuation}) and split into {@code markdown} messages of at most
 * {@value StreamReply#MAX_CONTENT_BYTES} bytes ({@link MarkdownSplitter}: whole characters, code fences closed and
 * reopened, a table's header repeated), sent in order with {@code aibot_respond_msg} on the message's req_id.
 * <p>
 * Why a reply on the req_id and not {@code aibot_send_msg}: the reference lists {@code markdown} among a reply's types
 * within 24 hours of the message (§6.6), a reply needs no chat id (the open stream does not keep one) and no
 * {@code chat_type}, whose meaning is unconfirmed (§6.7), and WeCom shows it as an answer to the user's message.
 * Both count against the conversation's 30 messages a minute and 1,000 an hour: parts go out {@code interval} apart
 * (2 s: the parts of even the longest answer stay within 30 a minute), one at a time (the previous one acknowledged).
 * <p>
 * Once per stream, at most once: before the first part the stream is claimed in Redis
 * ({@code {prefix}continuation:{streamId}}, SET NX with a TTL), so a message WeCom delivered twice (finished on both
 * req_ids), a repeated notice or a new owner finishing the stream again sends no part twice. A part WeCom refuses or
 * does not acknowledge stops the rest (a later part without it would not read on): counted {@code failed}, the parts
 * after it {@code not_sent}, with a WARN line and no content. An instance that dies (or loses the bot) after the claim
 * loses the parts it had not sent.
 */
public final class ReplyContinuation {

    private static final Logger log = LoggerFactory.getLogger(ReplyContinuation.class);
    private static final List<String> FIELDS = List.of(StreamStateKeys.OWNER, StreamStateKeys.FINISH,
            StreamStateKeys.FULL, StreamStateKeys.CONTINUED_NOTE);
    private static final int MAX_BYTES = StreamReply.MAX_CONTENT_BYTES;

    private final ReactiveStringRedisTemplate redis;
    private final String claimPrefix;
    private final Duration claimTtl;
    private final Duration interval;
    private final MeterRegistry meters;

    /**
     * @param keyPrefix the connector's Redis key prefix ({@code relay.connector.replies.key-prefix})
     * @param claimTtl  how long a stream's claim is kept: longer than a stream can be finished again
     * @param interval  the wait before each part (and after the last, before the images)
     */
    public ReplyContinuation(ReactiveStringRedisTemplate redis, String keyPrefix, Duration claimTtl, Duration interval,
                             MeterRegistry meters) {
        this.redis = redis;
        this.claimPrefix = keyPrefix + "continuation:";
        this.claimTtl = claimTtl;
        this.interval = interval;
        this.meters = meters;
    }

    /**
     * The stream of {@code botId} was finished on {@code reqId}: the rest of its answer, if any and not claimed yet.
     * Completes with true when what follows the rest (the images) goes on here: there was no rest, or it was sent
     * here; false when another req_id or instance claimed it (and sends the images after it).
     */
    public Mono<Boolean> afterFinish(String botId, BotSocket socket, String streamId, String reqId) {
        return parts(botId, streamId)
                .flatMap(parts -> parts.isEmpty() ? Mono.just(true)
                        : redis.opsForValue().setIfAbsent(claimPrefix + streamId, reqId, claimTtl)
                                .flatMap(claimed -> claimed
                                        ? send(botId, socket, streamId, reqId, parts, 0).thenReturn(true)
                                        : Mono.just(false)))
                .onErrorResume(e -> {
                    log.warn("rest of a long answer not sent bot={} streamId={} cause={}", botId, streamId, e.toString());
                    return Mono.just(true);
                });
    }

    /**
     * The rest's messages; none when the stream's hash is another bot's, the answer fit its stream, or the answer is
     * not finished (a stream finished at the deadline, or refused as expired, has only a beginning of an answer).
     */
    private Mono<List<String>> parts(String botId, String streamId) {
        return redis.<String, String>opsForHash().multiGet(StreamStateKeys.key(streamId), FIELDS)
                .map(values -> botId.equals(values.get(0)) && "1".equals(values.get(1))
                        ? split(values.get(2), values.get(3)) : List.of());
    }

    private static List<String> split(@Nullable String full, @Nullable String note) {
        if (full == null || note == null || full.isEmpty()) {
            return List.of();
        }
        String rest = Continuation.of(full, MAX_BYTES, note).rest();
        return rest.isEmpty() ? List.of() : MarkdownSplitter.split(rest, MAX_BYTES);
    }

    private Mono<Void> send(String botId, BotSocket socket, String streamId, String reqId, List<String> parts, int index) {
        if (index == parts.size()) {
            // room in the conversation's budget before the images
            return Mono.delay(interval).then();
        }
        return Mono.delay(interval)
                .then(socket.send(Frames.RESPOND, reqId, Frames.markdown(reqId, parts.get(index))))
                .map(errcode -> errcode == 0 ? "" : "errcode " + errcode)
                .onErrorResume(e -> Mono.just(String.valueOf(e.getMessage())))
                .flatMap(failure -> {
                    if (failure.isEmpty()) {
                        count(botId, "sent", 1);
                        return send(botId, socket, streamId, reqId, parts, index + 1);
                    }
                    log.warn("rest of a long answer stopped bot={} streamId={} part={}/{} cause={}", botId, streamId,
                            index + 1, parts.size(), failure);
                    count(botId, "failed", 1);
                    count(botId, "not_sent", parts.size() - index - 1);
                    return Mono.empty();
                });
    }

    private void count(String botId, String outcome, int parts) {
        meters.counter("relay.connector.continuations", "bot", botId, "outcome", outcome).increment(parts);
    }
}

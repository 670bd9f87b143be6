package io.wecomrelay.connector.continuation;

import java.util.List;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.connector.socket.AckException;
import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.socket.ConnectionState;
import io.wecomrelay.connector.wire.Frames;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.text.Continuation;
import io.wecomrelay.schemas.text.MarkdownSplitter;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * The rest of an answer longer than one stream (issue 19), part by part. The responder keeps the whole answer in the
 * stream hash ({@link StreamStateKeys#FULL}, with the note it cut at, {@link StreamStateKeys#CONTINUED_NOTE}); the
 * rest is cut where the stream's part ended ({@link Continuation}) and split into {@code markdown} messages of at
 * most {@value StreamReply#MAX_CONTENT_BYTES} bytes ({@link MarkdownSplitter}: whole characters, code fences closed
 * and reopened, a table's header repeated). The split is a function of the hash alone, so a new owner that reads the
 * hash again gets the same parts and can go on at the first one not acknowledged ({@link AfterFinish}).
 * <p>
 * Why a reply on the req_id and not {@code aibot_send_msg}: the reference lists {@code markdown} among a reply's types
 * within 24 hours of the message (§6.6), a reply needs no chat id (the open stream does not keep one) and no
 * {@code chat_type}, whose meaning is unconfirmed (§6.7), and WeCom shows it as an answer to the user's message.
 */
final class ReplyContinuation {

    private static final Logger log = LoggerFactory.getLogger(ReplyContinuation.class);
    private static final int MAX_BYTES = StreamReply.MAX_CONTENT_BYTES;
    /** Stands for a part WeCom did not acknowledge in time on a socket still subscribed. */
    private static final int NO_ACK = -1;

    private final MeterRegistry meters;

    ReplyContinuation(MeterRegistry meters) {
        this.meters = meters;
    }

    /** The rest's messages; none when the answer fit its stream. */
    static List<String> parts(@Nullable String full, @Nullable String note) {
        if (full == null || note == null || full.isEmpty()) {
            return List.of();
        }
        String rest = Continuation.of(full, MAX_BYTES, note).rest();
        return rest.isEmpty() ? List.of() : MarkdownSplitter.split(rest, MAX_BYTES);
    }

    /**
     * Sends part {@code index} (from 0) of {@code count} on {@code reqId}; completes with the index of the item to go
     * on with: {@code index + 1} when WeCom acknowledged it, {@code count} when WeCom refused it or did not answer on
     * a socket still subscribed (a later part without it would not read on: counted {@code failed}, the parts after
     * it {@code not_sent}). Fails when the socket went away meanwhile (or WeCom says it is not subscribed): the part is not settled, and whoever holds the
     * bot next sends it (again, if WeCom had taken it and its ack was lost with the socket).
     */
    Mono<Integer> send(String botId, BotSocket socket, String streamId, String reqId, String part, int index, int count) {
        return socket.send(Frames.RESPOND, reqId, Frames.markdown(reqId, part))
                .onErrorResume(e -> socket.state() == ConnectionState.SUBSCRIBED ? Mono.just(NO_ACK) : Mono.error(e))
                .flatMap(errcode -> errcode == BotSocket.NOT_SUBSCRIBED
                        // the socket subscribes again: the part waits for it, as for a socket gone
                        ? Mono.<Integer>error(new AckException("bot " + botId + " not subscribed (errcode " + errcode + ")"))
                        : Mono.just(errcode))
                .map(errcode -> {
                    if (errcode == 0) {
                        count(botId, "sent", 1);
                        return index + 1;
                    }
                    log.warn("rest of a long answer stopped bot={} streamId={} part={}/{} cause={}", botId, streamId,
                            index + 1, count, errcode == NO_ACK ? "no ack" : "errcode " + errcode);
                    count(botId, "failed", 1);
                    count(botId, "not_sent", count - index - 1);
                    return count;
                });
    }

    /** Parts that will never be sent (their stream's answer is gone from Redis before a new owner got to them). */
    void lost(String botId, int parts) {
        count(botId, "not_sent", parts);
    }

    private void count(String botId, String outcome, int parts) {
        meters.counter("relay.connector.continuations", "bot", botId, "outcome", outcome).increment(parts);
    }
}

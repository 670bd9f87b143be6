package io.wecomrelay.responder.delivery;

import java.time.Instant;
import java.util.Objects;

import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyRoute;
import org.jspecify.annotations.Nullable;

/**
 * A finished reply to deliver actively, as read back from the outbox: the input of {@link ReplyDeliverer}.
 *
 * @param content     the whole final answer as the fold kept it (at most {@code stream.max-answer-size}); a
 *                    streaming bot's job delivers only what its stream did not show
 * @param created     when ingress acknowledged the message, if known (response_url expiry)
 * @param sourceTopic the topic of {@code source}, whose dead-letter topic takes failed deliveries
 * @param source      the event that finished the stream (the last chunk or the rejection)
 * @param policyVersion the policy version of the bot settings it is delivered under ({@code BotConfig#policyVersion()}),
 *                    recorded with every attempt
 */
public record FinishedReply(String botId, String streamId, String traceId, String content, ReplyRoute route,
                            @Nullable Instant created, String sourceTopic, RelayEvent source, String policyVersion) {

    public FinishedReply {
        Objects.requireNonNull(botId, "botId");
        Objects.requireNonNull(streamId, "streamId");
        Objects.requireNonNull(traceId, "traceId");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(route, "route");
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(policyVersion, "policyVersion");
    }

    // the content is the reply itself; the source event is named by its type (its ids are the ones above)
    @Override
    public String toString() {
        return "FinishedReply[botId=" + botId + ", streamId=" + streamId + ", traceId=" + traceId + ", content=<"
                + content.length() + " chars>, route=" + route + ", created=" + created + ", sourceTopic=" + sourceTopic
                + ", source=" + source.getClass().getSimpleName() + ", policyVersion=" + policyVersion + "]";
    }
}

package io.wecomrelay.llm.handle;

import io.wecomrelay.llm.feedback.FeedbackForwarder;
import io.wecomrelay.llm.input.Input;
import io.wecomrelay.llm.input.Inputs;
import io.wecomrelay.schemas.event.MessageAccepted;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Handles one accepted message completely. A message gets a reply stream ({@link ReplyAttempts});
 * a {@code feedback_event} goes to Dify's feedback API and publishes nothing; other events are
 * skipped. The returned Mono completes when the record's offset may be committed and fails only
 * when the message must be redone (Kafka failed during a reply, or Redis before Dify was called), or
 * with {@code ReplyRefusedException} when Kafka refused its reply for good and it is to be dead-lettered.
 */
public final class AcceptedMessageHandler {

    private static final Logger log = LoggerFactory.getLogger(AcceptedMessageHandler.class);

    private final Inputs inputs;
    private final ReplyAttempts replies;
    private final FeedbackForwarder feedback;

    public AcceptedMessageHandler(Inputs inputs, ReplyAttempts replies, FeedbackForwarder feedback) {
        this.inputs = inputs;
        this.replies = replies;
        this.feedback = feedback;
    }

    /** @param traceId the trace id header of the record, or the event's own */
    public Mono<Void> handle(MessageAccepted message, String traceId) {
        Input input = inputs.read(message);
        if (input instanceof Input.Ignored ignored) {
            log.info("no reply for {} streamId={}", ignored.why(), message.streamId());
            return Mono.empty();
        }
        if (input instanceof Input.Feedback rated) {
            return feedback.forward(message, rated);
        }
        return replies.reply(message, input, traceId);
    }
}

package io.wecomrelay.llm.publish;

/**
 * Kafka refused a chunk of a reply for good and then the note that would have finished the reply:
 * the reply cannot be published, and redoing it would be refused the same way. The consumer
 * dead-letters the message instead of redoing it.
 */
public final class ReplyRefusedException extends RuntimeException {

    ReplyRefusedException(String streamId, Throwable cause) {
        super("reply refused by Kafka streamId=" + streamId + " cause=" + Refusals.describe(cause), cause);
    }
}

package io.wecomrelay.responder.materialize;

import java.time.Duration;
import java.util.Objects;

/**
 * Where the reply of a stream is queued for active delivery when its fold finishes it. The fold
 * script appends the job to {@code outboxKey} in the same atomic step that sets {@code finish}, and
 * only when {@code stateKey} has no {@code queued} field yet, so a reply is queued at most once even
 * when its last chunk is redelivered after the stream hash expired.
 *
 * @param outboxKey   the bot's Redis Stream outbox
 * @param stateKey    the stream's delivery state hash ({@code queued}, per-part marks, {@code done})
 * @param sourceTopic the topic of {@code sourceJson}; its dead-letter topic takes undeliverable replies
 * @param sourceJson  the event that finishes the stream, as written to Kafka
 * @param stateTtl    how long {@code stateKey} lives after each change
 * @param continuationOnly the job is queued only when the answer is longer than its stream (a streaming bot, whose
 *                    job sends the rest of the answer to the message's response_url)
 */
public record DeliveryTicket(String outboxKey, String stateKey, String sourceTopic, String sourceJson, Duration stateTtl,
                             boolean continuationOnly) {

    /** A ticket of a bot that delivers its replies actively. */
    public DeliveryTicket(String outboxKey, String stateKey, String sourceTopic, String sourceJson, Duration stateTtl) {
        this(outboxKey, stateKey, sourceTopic, sourceJson, stateTtl, false);
    }

    public DeliveryTicket {
        Objects.requireNonNull(outboxKey, "outboxKey");
        Objects.requireNonNull(stateKey, "stateKey");
        Objects.requireNonNull(sourceTopic, "sourceTopic");
        Objects.requireNonNull(sourceJson, "sourceJson");
        Objects.requireNonNull(stateTtl, "stateTtl");
    }

    // the source event holds the reply text and the response_url
    @Override
    public String toString() {
        return "DeliveryTicket[outboxKey=" + outboxKey + ", stateKey=" + stateKey + ", sourceTopic=" + sourceTopic
                + ", sourceJson=<" + sourceJson.length() + " chars>, stateTtl=" + stateTtl + ", continuationOnly="
                + continuationOnly + "]";
    }
}

package io.wecomrelay.responder.materialize;

import io.wecomrelay.responder.kafka.EventPublisher;
import io.wecomrelay.schemas.event.ReplyRecorded;
import io.wecomrelay.schemas.topic.Topics;
import reactor.core.publisher.Mono;

import org.springframework.kafka.core.KafkaOperations;

/** Writes a stream's reply record to {@code wecom.replies}, keyed by stream id. */
@FunctionalInterface
public interface ReplyPublisher {

    /** Completes once the broker acknowledged {@code reply}; errors when it was not written. */
    Mono<Void> publish(ReplyRecorded reply);

    static ReplyPublisher to(KafkaOperations<String, Object> kafka) {
        return reply -> EventPublisher.send(kafka, Topics.REPLIES.name(), reply.streamId(), reply, ReplyRecorded.TYPE);
    }
}

package io.wecomrelay.processor.errors;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/** Sends an unreadable input record (bad JSON, unknown event type) to the dead-letter topic and goes on. */
public final class DeadLetterDeserializationHandler implements DeserializationExceptionHandler {

    private DeadLetters deadLetters;

    @Override
    public void configure(Map<String, ?> configs) {
        this.deadLetters = DeadLetters.from(configs);
    }

    @Override
    public Response handleError(ErrorHandlerContext context, ConsumerRecord<byte[], byte[]> record, Exception exception) {
        return Response.resume(deadLetters.of("deserialization", context, record.key(), record.value(), exception));
    }
}

package io.wecomrelay.processor.errors;

import java.util.Map;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.errors.DeserializationExceptionHandler;
import org.apache.kafka.streams.errors.ErrorHandlerContext;

/**
 * Sends a record whose key or value the source cannot deserialize to the dead-letter topic and goes
 * on. The topology reads inbound values itself (so bad JSON takes the processing path), which leaves
 * this handler as the safety net for the source's deserializers.
 */
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

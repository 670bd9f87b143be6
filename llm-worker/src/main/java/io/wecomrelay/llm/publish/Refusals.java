package io.wecomrelay.llm.publish;

import java.util.List;

import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;

/**
 * Which send failures are final for the record: sending it again is refused the same way, so the
 * reply is not redone. Only errors about the record itself count (too large for the producer or the
 * topic, invalid, not serializable, a bad topic name). Other errors that Kafka calls non-retriable,
 * such as a missing ACL, concern every reply alike: they are redone after a back-off like a broker
 * outage, so that the worker carries on once an operator fixed them.
 */
final class Refusals {

    private static final List<Class<? extends Throwable>> FINAL = List.of(RecordTooLargeException.class,
            RecordBatchTooLargeException.class, InvalidRecordException.class, SerializationException.class,
            InvalidTopicException.class);
    /** Spring and the futures wrap the producer's exception a few levels deep. */
    private static final int MAX_DEPTH = 8;

    private Refusals() {
    }

    static boolean isFinal(Throwable error) {
        return finalCause(error) != null;
    }

    /** The simple name of the final cause (or of the error), for logs: never a message, which could quote content. */
    static String describe(Throwable error) {
        Throwable cause = finalCause(error);
        return (cause != null ? cause : error).getClass().getSimpleName();
    }

    private static @Nullable Throwable finalCause(Throwable error) {
        Throwable cause = error;
        for (int depth = 0; cause != null && depth < MAX_DEPTH; depth++) {
            for (var type : FINAL) {
                if (type.isInstance(cause)) {
                    return cause;
                }
            }
            cause = cause.getCause();
        }
        return null;
    }
}

package io.wecomrelay.support.outage;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Whether a failure is the infrastructure's and will pass by itself: Redis or Kafka unreachable, too slow, loading
 * its data after a restart, busy, or read-only during a failover. Such a failure says nothing about the record in
 * hand, so it must not count towards giving the record up.
 * <p>
 * The whole cause chain is searched, since Spring, Reactor and the futures wrap the client's exception (Spring
 * Data's {@code RedisSystemException} around Lettuce's, spring-kafka's {@code KafkaException} around the
 * producer's). Types are matched by name, against each cause's class and superclasses, so that this module needs
 * neither Lettuce, Spring Data nor the Kafka client.
 */
public final class TransientFailures {

    /** These and their subclasses. */
    private static final Set<String> TRANSIENT = Set.of(
            // Lettuce: cannot connect, no reply in time, and the server answers that pass: LOADING after a restart,
            // BUSY while a script runs too long, READONLY from a replica just before a failover completes
            "io.lettuce.core.RedisConnectionException",
            "io.lettuce.core.RedisCommandTimeoutException",
            "io.lettuce.core.RedisLoadingException",
            "io.lettuce.core.RedisBusyException",
            "io.lettuce.core.RedisReadOnlyException",
            // Spring's translations (RedisConnectionFailureException, QueryTimeoutException, ...), also when thrown
            // without the client's exception as cause
            "org.springframework.dao.DataAccessResourceFailureException",
            "org.springframework.dao.TransientDataAccessException",
            // the Kafka client's own verdict: the same request may succeed later (broker down, leader moving, timeout)
            "org.apache.kafka.common.errors.RetriableException",
            // Reactor's timeout() and the network underneath every client: any I/O error on a connection, e.g. a
            // reset or broken pipe when Redis is killed (netty's Errors$NativeIoException on epoll, a bare
            // IOException on NIO), a SocketException, a ClosedChannelException
            "java.util.concurrent.TimeoutException",
            "java.io.IOException");

    /**
     * Exactly this class, not its subclasses: Lettuce raises it bare for the state of the connection ("Connection
     * closed", "Currently not connected"), while the errors of a command ({@code RedisCommandExecutionException},
     * a script's error, a key of the wrong type) are its subclasses and repeat the same way.
     */
    private static final String LETTUCE_CONNECTION_STATE = "io.lettuce.core.RedisException";

    private TransientFailures() {
    }

    public static boolean isTransient(Throwable failure) {
        return anyCause(failure, TransientFailures::isTransientItself);
    }

    /** Whether {@code failure} or one of its causes matches {@code test}. */
    public static boolean anyCause(Throwable failure, Predicate<Throwable> test) {
        Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Throwable cause = failure; cause != null && seen.add(cause); cause = cause.getCause()) {
            if (test.test(cause)) {
                return true;
            }
        }
        return false;
    }

    private static boolean isTransientItself(Throwable cause) {
        if (cause.getClass().getName().equals(LETTUCE_CONNECTION_STATE)) {
            return true;
        }
        for (Class<?> type = cause.getClass(); type != null; type = type.getSuperclass()) {
            if (TRANSIENT.contains(type.getName())) {
                return true;
            }
        }
        return false;
    }
}

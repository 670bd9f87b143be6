package io.wecomrelay.support.outage;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import java.util.concurrent.TimeoutException;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisReadOnlyException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.NotEnoughReplicasException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.junit.jupiter.api.Test;
import org.springframework.dao.QueryTimeoutException;
import org.springframework.data.redis.RedisConnectionFailureException;
import org.springframework.data.redis.RedisSystemException;
import org.springframework.kafka.KafkaException;
import org.springframework.kafka.support.serializer.DeserializationException;

/** The exceptions the clients really throw, as Spring, Reactor and the futures wrap them. */
class TransientFailuresTest {

    @Test
    void redisUnreachableSlowRestartingOrFailingOverIsTransient() {
        assertThat(TransientFailures.isTransient(new RedisConnectionFailureException("Unable to connect",
                new RedisConnectionException("refused")))).isTrue();
        assertThat(TransientFailures.isTransient(new RedisConnectionFailureException("not open yet"))).isTrue();
        assertThat(TransientFailures.isTransient(new QueryTimeoutException("Redis command timed out",
                new RedisCommandTimeoutException("timed out")))).isTrue();
        assertThat(TransientFailures.isTransient(new RedisSystemException("Error in execution",
                new RedisLoadingException("LOADING Redis is loading the dataset in memory")))).isTrue();
        assertThat(TransientFailures.isTransient(new RedisSystemException("Error in execution",
                new RedisReadOnlyException("READONLY You can't write against a read only replica")))).isTrue();
        assertThat(TransientFailures.isTransient(new RedisSystemException("Error", new RedisException("Connection closed"))))
                .isTrue();
        assertThat(TransientFailures.isTransient(new IllegalStateException("wrapped", new TimeoutException("timeout()"))))
                .isTrue();
        assertThat(TransientFailures.isTransient(new RedisConnectionException("x", new ConnectException("refused")))).isTrue();
    }

    @Test
    void aConnectionResetWhenRedisIsKilledIsTransient() {
        // what a responder got from Spring Data Redis when the fault suite SIGKILLed Redis mid-command (epoll:
        // netty's NativeIoException, an IOException; NIO: a bare IOException)
        assertThat(TransientFailures.isTransient(new RedisSystemException("Unknown redis exception",
                new IOException("recvAddress(..) failed with error(-104): Connection reset by peer")))).isTrue();
        assertThat(TransientFailures.isTransient(new RedisSystemException("Unknown redis exception",
                new ClosedChannelException()))).isTrue();
    }

    @Test
    void kafkaFailuresTheClientCallsRetriableAreTransient() {
        assertThat(TransientFailures.isTransient(new KafkaException("Send failed",
                new org.apache.kafka.common.errors.TimeoutException("Expiring 1 record(s)")))).isTrue();
        assertThat(TransientFailures.isTransient(new NotEnoughReplicasException("not enough"))).isTrue();
    }

    @Test
    void failuresThatWouldRepeatTheSameWayAreNot() {
        // a script error or a key of the wrong type: Lettuce's command errors are subclasses of RedisException
        assertThat(TransientFailures.isTransient(new RedisSystemException("Error in execution",
                new RedisCommandExecutionException("WRONGTYPE Operation against a key holding the wrong kind of value"))))
                .isFalse();
        assertThat(TransientFailures.isTransient(new DeserializationException("bad", new byte[0], false, null))).isFalse();
        assertThat(TransientFailures.isTransient(new KafkaException("Send failed", new RecordTooLargeException("big"))))
                .isFalse();
        assertThat(TransientFailures.isTransient(new AuthorizationException("denied"))).isFalse();
        assertThat(TransientFailures.isTransient(new IllegalArgumentException("bad data"))).isFalse();
        assertThat(TransientFailures.isTransient(new NullPointerException())).isFalse();
    }

    @Test
    void aCauseChainWithACycleEnds() {
        var first = new IllegalStateException("a");
        var second = new IllegalStateException("b", first);
        first.initCause(second);

        assertThat(TransientFailures.isTransient(first)).isFalse();
    }
}

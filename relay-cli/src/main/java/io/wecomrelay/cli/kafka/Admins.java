package io.wecomrelay.cli.kafka;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.wecomrelay.support.kafka.KafkaAdmins;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.common.KafkaFuture;

/** Admin clients with a bounded close (the services' own), and waiting on their answers within the timeout. */
public final class Admins {

    private Admins() {
    }

    public static Admin create(KafkaOptions kafka) {
        return KafkaAdmins.create(kafka.common());
    }

    public static <T> T await(KafkaFuture<T> future, KafkaOptions kafka, String what) {
        try {
            return future.get(kafka.requestTimeout().toMillis() * 2, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InfrastructureException("interrupted while " + what, e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new InfrastructureException(what + " failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new InfrastructureException(what + ": Kafka did not answer within " + kafka.requestTimeout(), e);
        }
    }
}

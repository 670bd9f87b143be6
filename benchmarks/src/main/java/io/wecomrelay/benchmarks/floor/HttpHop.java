package io.wecomrelay.benchmarks.floor;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import reactor.core.publisher.Mono;
import reactor.netty.DisposableServer;
import reactor.netty.http.server.HttpServer;

/**
 * Ingress's shape at its least: a Reactor Netty HTTP server (ingress's server, without Spring WebFlux) that reads a
 * POST's body, sends it to Kafka with ingress's producer settings (linger.ms 1) and answers 200 once the broker has
 * acknowledged it (500 if it did not). No signature check, no decryption, no JSON.
 */
final class HttpHop implements FloorHop {

    /** Larger bodies are refused: every input bounded. */
    static final int MAX_BODY = 64 * 1024;

    private final KafkaProducer<String, byte[]> producer;
    private final DisposableServer server;
    private final AtomicLong sequence = new AtomicLong();

    private HttpHop(FloorArgs args) {
        producer = FloorKafka.producer(args.kafka(), 1);
        String out = args.out();
        server = HttpServer.create().host("127.0.0.1").port(0)
                .handle((request, response) -> request.receive().aggregate().asByteArray().defaultIfEmpty(new byte[0])
                        .flatMap(body -> body.length > MAX_BODY ? Mono.just(HttpResponseStatus.REQUEST_ENTITY_TOO_LARGE)
                                : send(out, body))
                        .onErrorReturn(HttpResponseStatus.INTERNAL_SERVER_ERROR)
                        .flatMap(status -> Mono.from(response.status(status).send())))
                .bindNow(Duration.ofSeconds(30));
    }

    static HttpHop start(FloorArgs args) {
        return new HttpHop(args);
    }

    private Mono<HttpResponseStatus> send(String out, byte[] body) {
        return Mono.create(sink -> producer.send(new ProducerRecord<>(out, Long.toString(sequence.incrementAndGet()), body),
                (metadata, error) -> {
                    if (error == null) {
                        sink.success(HttpResponseStatus.OK);
                    } else {
                        sink.error(error);
                    }
                }));
    }

    @Override
    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.disposeNow(Duration.ofSeconds(10));
        producer.close();
    }
}

package io.wecomrelay.ingress;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.sim.wecom.AppClient;
import io.wecomrelay.sim.wecom.WecomClient;
import io.wecomrelay.sim.wecom.WecomMessages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import reactor.blockhound.BlockHound;

/**
 * Reactive end to end: BlockHound records every blocking call made on a non-blocking (Netty or
 * Reactor parallel) thread while ingress handles URL verification, messages, refreshes and bad
 * input. Runs in its own JVM (see the surefire executions in the pom).
 */
@SpringBootTest(webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
class NoBlockingTest {

    static final String BOT = "ingress-noblock-bot";
    static final String APP = "ingress-noblock-app";
    static final Path BOTS = IngressTestSupport.botsFile(IngressTestSupport.bot(BOT, "passive_stream") + """
              - id: %s
                kind: app
                corp-id: ww0123456789abcdef
                agent-id: 7
                secret: s
                token: %s
                aes-key: %s
                dify: { base-url: http://127.0.0.1:9/v1, api-key: app-test, allow-insecure-http: true }
            """.formatted(APP, IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY));
    static final List<String> BLOCKING_CALLS = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void installBlockHound() {
        // Reactor's scheduler threads started before BlockHound (by other test classes, when surefire's -Dtest puts
        // this class in a shared JVM) sit inside their queue's take(), where BlockHound cannot see the allowance it
        // grants that method: start them afresh, under BlockHound. In its own JVM (the pom's setup) this is a no-op.
        reactor.core.scheduler.Schedulers.shutdownNow();
        BlockHound.Builder builder = BlockHound.builder();
        // The Reactor and Netty integrations mark their threads as non-blocking; builder() alone loads none.
        java.util.ServiceLoader.load(reactor.blockhound.integration.BlockHoundIntegration.class).forEach(builder::with);
        builder
                // Log output is written synchronously by design; it is not request work.
                .allowBlockingCallsInside("ch.qos.logback.core.OutputStreamAppender", "writeBytes")
                // /dev/urandom never blocks; the JDK reads it through a FileInputStream.
                .allowBlockingCallsInside("java.security.SecureRandom", "nextBytes")
                .blockingMethodCallback(method -> BLOCKING_CALLS.add(method.toString() + " on " + Thread.currentThread().getName()))
                .install();
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        IngressTestSupport.register(registry, BOTS);
    }

    @LocalServerPort
    int port;

    @Test
    void blockHoundIsActiveAndWouldSeeABlockingCall() {
        reactor.core.publisher.Mono.fromCallable(() -> {
                    Thread.sleep(1);
                    return 1;
                })
                .subscribeOn(reactor.core.scheduler.Schedulers.parallel())
                .block();

        assertThat(BLOCKING_CALLS).anyMatch(call -> call.contains("sleep"));
        BLOCKING_CALLS.removeIf(call -> call.contains("sleep"));
    }

    @Test
    void handlesEveryKindOfCallbackWithoutBlockingAnEventLoop() throws Exception {
        var client = WecomClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/callback/" + BOT),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY);
        String msgId = UUID.randomUUID().toString();

        assertThat(client.verifyUrl("echo").get()).isEqualTo("echo");
        for (int i = 0; i < 20; i++) {
            assertThat(client.send(WecomMessages.text(BOT, msgId + i, "u", null, "hi")).get().status()).isEqualTo(200);
            assertThat(client.send(WecomMessages.refresh(BOT, "r" + i, "u", null, StreamIds.of(BOT, msgId + i))).get().status())
                    .isEqualTo(200);
        }
        assertThat(client.sendRaw(client.sign(client.encrypt("{}")).withSignature("0".repeat(40))).get().status()).isEqualTo(401);

        assertThat(BLOCKING_CALLS).isEmpty();
    }

    @Test
    void handlesSelfBuiltAppCallbacksWithoutBlockingAnEventLoop() throws Exception {
        var app = AppClient.create(URI.create("http://127.0.0.1:" + port + "/wecom/app/" + APP),
                IngressTestSupport.TOKEN, IngressTestSupport.AES_KEY, "ww0123456789abcdef", 7);

        assertThat(app.verifyUrl("echo").get()).isEqualTo("echo");
        for (int i = 0; i < 20; i++) {
            assertThat(app.send(app.text("u", 1_000 + i, "hi")).get().statusCode()).isEqualTo(200);
            assertThat(app.send(app.event("u", "enter_agent", "")).get().statusCode()).isEqualTo(200);
        }
        var forged = app.sign(app.encrypt("<xml/>")).withSignature("0".repeat(40));
        assertThat(app.sendRaw(forged).get().statusCode()).isEqualTo(401);
        assertThat(app.sendBody(forged.query(), "<!DOCTYPE x><xml/>").get().statusCode()).isEqualTo(400);

        assertThat(BLOCKING_CALLS).isEmpty();
    }
}

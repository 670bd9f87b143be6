package io.wecomrelay.responder.token;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.responder.TestRedis;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.scheduler.Schedulers;

import org.springframework.web.reactive.function.client.WebClient;

/** The shared token cache against real Redis and the simulator's gettoken: one fetch, however many ask. */
class AccessTokensTest {

    static WeComApiSimulator wecom;
    static TestRedis redis;
    static BotConfig app;
    final String prefix = "test-app-token-" + UUID.randomUUID() + ":";

    @BeforeAll
    static void start() throws Exception {
        wecom = WeComApiSimulator.start();
        wecom.apps().addApp("ww0123456789abcdef", "the-secret", 7);
        redis = new TestRedis();
        app = app("the-secret");
    }

    static BotConfig app(String secret) throws Exception {
        Path bots = Files.createTempFile("bots", ".yaml");
        Files.writeString(bots, """
                bots:
                  - id: tokens-app
                    kind: app
                    corp-id: ww0123456789abcdef
                    agent-id: 7
                    secret: %s
                    token: tok
                    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG
                    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }
                """.formatted(secret));
        return new BotRegistryLoader(name -> null).load(bots).find("tokens-app").orElseThrow();
    }

    @AfterAll
    static void stop() {
        redis.close();
        wecom.close();
    }

    @Test
    void manyCallersOnTwoInstancesCauseOneFetchAndShareTheToken() {
        var first = tokens();
        var second = tokens();
        int before = wecom.apps().tokensIssued();

        List<String> seen = Flux.range(0, 40)
                .flatMap(i -> (i % 2 == 0 ? first : second).token(app).subscribeOn(Schedulers.parallel()))
                .collectList().block(Duration.ofSeconds(20));

        assertThat(seen).hasSize(40).containsOnly(seen.get(0));
        assertThat(wecom.apps().tokensIssued()).isEqualTo(before + 1);
    }

    @Test
    void aRefusedTokenIsRenewedOnceEvenWhenEveryInstanceReportsIt() {
        var first = tokens();
        var second = tokens();
        String old = first.token(app).block();
        int before = wecom.apps().tokensIssued();

        first.invalidate(app, old).block();
        second.invalidate(app, old).block(); // the same refusal seen by another instance
        String renewedByFirst = first.token(app).block();
        second.invalidate(app, old).block(); // a late report of the old token leaves the new one alone
        String renewedBySecond = second.token(app).block();

        assertThat(renewedByFirst).isNotEqualTo(old).isEqualTo(renewedBySecond);
        assertThat(wecom.apps().tokensIssued()).isEqualTo(before + 1);
    }

    @Test
    void aWrongSecretIsAPermanentFailure() throws Exception {
        BotConfig wrong = app("not-the-secret");

        Throwable failure = tokens().token(wrong).<Throwable>map(IllegalStateException::new)
                .onErrorResume(reactor.core.publisher.Mono::just).block();

        assertThat(failure).isInstanceOfSatisfying(AccessTokenException.class, e -> {
            assertThat(e.errcode()).isEqualTo(40001);
            assertThat(e.transientFailure()).isFalse();
        });
    }

    private AccessTokens tokens() {
        var api = new TokenApi(WebClient.create(), URI.create(wecom.baseUrl()), Duration.ofSeconds(2));
        return new AccessTokens(redis.reactive(), api, Clock.systemUTC(), UUID::randomUUID, new SimpleMeterRegistry(),
                new AccessTokens.Settings(prefix, Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
                        Duration.ofMillis(20)));
    }
}

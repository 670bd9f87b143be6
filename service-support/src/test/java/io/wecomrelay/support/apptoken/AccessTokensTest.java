package io.wecomrelay.support.apptoken;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.reactive.function.client.WebClient;

/** The shared token cache against real Redis and the simulator's gettoken: one fetch, however many ask. */
class AccessTokensTest {

    static WeComApiSimulator wecom;
    static LettuceConnectionFactory redis;
    static BotConfig app;
    final String prefix = "test-app-token-" + UUID.randomUUID() + ":";
    final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @BeforeAll
    static void start() throws Exception {
        wecom = WeComApiSimulator.start();
        wecom.apps().addApp("ww0123456789abcdef", "the-secret", 7);
        redis = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl()));
        redis.afterPropertiesSet();
        redis.start();
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
        redis.destroy();
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
        assertThat(meters.counter("test.app.tokens", "bot", "tokens-app", "event", "fetched").count()).isEqualTo(1);
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
        assertThat(meters.counter("test.app.tokens", "bot", "tokens-app", "event", "invalidated").count()).isEqualTo(1);
    }

    @Test
    void aCallWhoseTokenIsRefusedRunsOnceMoreWithARenewedTokenAndItsSecondOutcomeStands() {
        var tokens = tokens();
        String old = tokens.token(app).block();
        var used = new ArrayList<String>();

        String outcome = tokens.withToken(app, token -> {
            used.add(token);
            return Mono.just(used.size() == 1 ? "refused" : "refused again");
        }, "refused"::equals).block();

        assertThat(outcome).isEqualTo("refused again");
        assertThat(used).hasSize(2).first().isEqualTo(old);
        assertThat(used.get(1)).isNotEqualTo(old);
        assertThat(AccessTokens.refusesToken(40014)).isTrue();
        assertThat(AccessTokens.refusesToken(42001)).isTrue();
        assertThat(AccessTokens.refusesToken(40001)).isTrue();
        assertThat(AccessTokens.refusesToken(40007)).isFalse();
        assertThat(AccessTokens.refusesToken(null)).isFalse();
    }

    @Test
    void aWrongSecretIsAPermanentFailure() throws Exception {
        BotConfig wrong = app("not-the-secret");

        Throwable failure = tokens().token(wrong).<Throwable>map(IllegalStateException::new)
                .onErrorResume(Mono::just).block();

        assertThat(failure).isInstanceOfSatisfying(AccessTokenException.class, e -> {
            assertThat(e.errcode()).isEqualTo(40001);
            assertThat(e.transientFailure()).isFalse();
        });
    }

    private AccessTokens tokens() {
        var api = new TokenApi(WebClient.create(), URI.create(wecom.baseUrl()), Duration.ofSeconds(2));
        return new AccessTokens(new RedisTemplateTokenStore(new ReactiveStringRedisTemplate(redis)), api,
                Clock.systemUTC(), UUID::randomUUID, TokenMetrics.counters(meters, "test.app.tokens"),
                new AccessTokens.Settings(prefix, Duration.ofMinutes(5), Duration.ofSeconds(5), Duration.ofSeconds(10),
                        Duration.ofMillis(20)));
    }
}

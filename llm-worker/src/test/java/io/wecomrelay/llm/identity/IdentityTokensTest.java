package io.wecomrelay.llm.identity;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.wecomrelay.llm.TestWheel;
import io.wecomrelay.schemas.bot.IdentitySource;
import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.sim.auth.AuthServiceSimulator;
import io.wecomrelay.support.outbound.GuardedHttpClient;
import io.wecomrelay.testkit.TestInfrastructure;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.netty.http.client.HttpClient;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * Two workers' lookups against one real Redis and the auth simulator: the Redis lock lets one ask; tenants' keys
 * never meet; the allow-list is checked before any request.
 */
class IdentityTokensTest {

    private static final AuthServiceSimulator AUTH = AuthServiceSimulator.start("k");
    private static LettuceConnectionFactory factory;
    private static ReactiveStringRedisTemplate redis;

    @BeforeAll
    static void connect() {
        factory = new LettuceConnectionFactory(LettuceConnectionFactory.createRedisConfiguration(TestInfrastructure.redisUrl()));
        factory.afterPropertiesSet();
        factory.start();
        redis = new ReactiveStringRedisTemplate(factory);
    }

    @AfterAll
    static void close() {
        factory.destroy();
        AUTH.close();
    }

    private static IdentityTokens worker(List<String> allowedHosts) {
        var policy = OutboundPolicy.of(allowedHosts);
        var web = WebClient.builder()
                .clientConnector(new ReactorClientHttpConnector(GuardedHttpClient.guard(HttpClient.create(), policy)))
                .build();
        var client = new AuthServiceClient(web, policy, new AuthServiceClient.Settings(Duration.ofSeconds(5), 2,
                Duration.ofMillis(20)));
        var cache = new TokenCache(redis, Duration.ofSeconds(10), TestWheel.bound(Duration.ofSeconds(2)));
        return new IdentityTokens(client, cache, new IdentityTokens.Settings(Duration.ofSeconds(5), Duration.ofMillis(20)),
                new IdentityMetrics() {
                    @Override
                    public void token(String botId, String outcome) {
                    }

                    @Override
                    public void lookup(String botId, String outcome, Duration duration) {
                    }
                }, Clock.systemUTC(), UUID::randomUUID);
    }

    private static IdentitySource source() {
        return new IdentitySource(URI.create(AUTH.url()), new Secret("k"), "user_token", null, Duration.ofMinutes(5));
    }

    @Test
    void workersSharingRedisAskTheServiceOncePerUser() {
        var one = worker(List.of(AUTH.origin()));
        var two = worker(List.of(AUTH.origin()));
        String user = "u-" + UUID.randomUUID();
        AUTH.delay(Duration.ofMillis(300));
        try {
            var answers = Flux.merge(one.token(source(), "bot-a", user), two.token(source(), "bot-a", user),
                    one.token(source(), "bot-a", user), two.token(source(), "bot-a", user)).collectList().block();

            assertThat(answers).hasSize(4).allSatisfy(a -> assertThat(a).isInstanceOf(IdentityAnswer.Token.class));
            assertThat(answers).extracting(a -> ((IdentityAnswer.Token) a).value()).containsOnly(
                    ((IdentityAnswer.Token) answers.get(0)).value());
            assertThat(AUTH.calls(user)).isEqualTo(1);
        } finally {
            AUTH.delay(Duration.ZERO);
        }
    }

    @Test
    void oneBotsTokenIsNeverAnothersEvenWithLookalikeIds() {
        var worker = worker(List.of(AUTH.origin()));
        String user = "u-" + UUID.randomUUID();
        // "a:b" + user "c" and "a" + user "b:c" would share a key if ids were only joined by ':'
        var first = (IdentityAnswer.Token) worker.token(source(), "tenant:x", user).block();
        var second = (IdentityAnswer.Token) worker.token(source(), "tenant", "x:" + user).block();

        assertThat(first.value()).isNotEqualTo(second.value());
    }

    @Test
    void aHostOffTheAllowListGetsNoRequest() {
        var worker = worker(List.of("auth.corp.example"));
        String user = "u-" + UUID.randomUUID();

        var error = org.assertj.core.api.Assertions.catchThrowable(() -> worker.token(source(), "bot-a", user).block());

        assertThat(error).isInstanceOf(IdentityUnavailableException.class);
        assertThat(((IdentityUnavailableException) error).reason()).startsWith("not_allowed");
        assertThat(AUTH.calls(user)).isZero();
    }
}

package io.wecomrelay.ingress;

import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import io.wecomrelay.ingress.bots.BotDirectory;
import io.wecomrelay.ingress.callback.AppCallbackHandler;
import io.wecomrelay.ingress.callback.AppCallbackRoutes;
import io.wecomrelay.ingress.callback.CallbackHandler;
import io.wecomrelay.ingress.callback.CallbackMetrics;
import io.wecomrelay.ingress.callback.CallbackRoutes;
import io.wecomrelay.ingress.callback.ServerRequestsTimer;
import io.wecomrelay.ingress.publish.InboundPublisher;
import io.wecomrelay.ingress.refresh.FinalFrameImages;
import io.wecomrelay.ingress.refresh.RedisLink;
import io.wecomrelay.ingress.refresh.RefreshAnswerer;
import io.wecomrelay.ingress.refresh.StreamFrames;
import io.wecomrelay.ingress.refresh.StreamMarkerWriter;
import io.wecomrelay.ingress.refresh.StreamStateReader;
import io.wecomrelay.ingress.tracing.IngressTracing;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.support.bots.BotsFile;
import io.wecomrelay.support.bots.BotsFileSettings;
import io.wecomrelay.support.kafka.TopicsHealthConfiguration;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.webflux.autoconfigure.WebHttpHandlerBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.ServerResponse;

/**
 * Wires ingress's beans; where accepted callbacks go is wired by {@link PublisherConfiguration}. Everything below
 * the root package is plain Java that gets its settings as values. The clock and the id generator come from
 * service-support's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@Import(TopicsHealthConfiguration.class)   // health component "topics", in readiness
@EnableConfigurationProperties(IngressProperties.class)
class IngressConfiguration {

    /**
     * service-support loads the bots file from these settings and watches it: a file that cannot be used stops the
     * start; later a bad edit keeps the last good registry.
     */
    @Bean
    BotsFileSettings botsFileSettings(IngressProperties properties) {
        return new BotsFileSettings(properties.botsFile(), properties.botsReloadInterval());
    }

    @Bean
    BotDirectory botDirectory(BotsFile bots) {
        return new BotDirectory(bots);
    }

    /**
     * Redis calls wait for this to open the shared connection, off the event loops (see {@link RedisLink}); while
     * Redis is down at start it tries again every few seconds at most.
     */
    @Bean(destroyMethod = "close")
    RedisLink redisLink(ReactiveStringRedisTemplate redis, IngressProperties properties) {
        return new RedisLink(redis.getConnectionFactory(), properties.redisTimeout(), Duration.ofSeconds(5));
    }

    @Bean
    StreamStateReader streamStateReader(ReactiveStringRedisTemplate redis, RedisLink redisLink) {
        return new StreamStateReader(redis, redisLink);
    }

    /**
     * Per-callback timeouts (Redis reads here, the stream marker and Kafka's ack below) are set on Lettuce's command
     * timer, {@code redisResources.timer()}, a wheel that ticks every 100 ms anyway ({@code WheelTimeout}).
     */
    @Bean
    RefreshAnswerer refreshAnswerer(StreamStateReader states, ReactiveStringRedisTemplate redis, MeterRegistry registry,
                                    IngressProperties properties, Clock clock, ClientResources redisResources) {
        var frames = new StreamFrames(properties.streamWindow(), properties.texts().expired(), properties.texts().timedOut());
        var images = new FinalFrameImages(redis, properties.redisTimeout(), registry, redisResources.timer());
        return new RefreshAnswerer(states, frames, images, clock, properties.redisTimeout(), redisResources.timer());
    }

    /** relay.ingress.response-url.allowed-hosts: the same rules the responder applies again before it sends. */
    @Bean
    OutboundPolicy responseUrlPolicy(IngressProperties properties) {
        return OutboundPolicy.of(properties.responseUrl().allowedHosts());
    }

    @Bean
    CallbackHandler callbackHandler(BotDirectory bots, IngressProperties properties, InboundPublisher publisher,
                                    StreamMarkerWriter markers, RefreshAnswerer refreshes, OutboundPolicy responseUrlPolicy,
                                    MeterRegistry registry, Clock clock, Supplier<UUID> idGenerator,
                                    IngressTracing ingressTracing, ClientResources redisResources) {
        return CallbackHandler.create(bots, properties.callbackLimits(), publisher, markers, refreshes, responseUrlPolicy,
                new CallbackMetrics(registry), clock, idGenerator, ingressTracing, redisResources.timer());
    }

    @Bean
    RouterFunction<ServerResponse> callbackRoutes(CallbackHandler handler) {
        return CallbackRoutes.routes(handler);
    }

    /** Self-built apps (bots-file {@code kind: app}) post XML to their own path; same limits, publisher and metrics. */
    @Bean
    RouterFunction<ServerResponse> appCallbackRoutes(BotDirectory bots, IngressProperties properties, InboundPublisher publisher,
                                                     StreamMarkerWriter markers, MeterRegistry registry, Clock clock,
                                                     Supplier<UUID> idGenerator, IngressTracing ingressTracing,
                                                     ClientResources redisResources) {
        return AppCallbackRoutes.routes(AppCallbackHandler.create(bots, properties.callbackLimits(), publisher, markers,
                new CallbackMetrics(registry), clock, idGenerator, ingressTracing, redisResources.timer()));
    }

    /**
     * The callback server's requests are timed as {@code http.server.requests} by {@link ServerRequestsTimer}, the
     * tags Boot's observation gave them for a fraction of its cost, and Boot's HTTP server observation is off for this
     * server: its handler adapter gets no observation registry. The management server builds its own handler
     * without these customizers and keeps Boot's.
     */
    @Bean
    ServerRequestsTimer serverRequestsTimer(MeterRegistry registry) {
        return new ServerRequestsTimer(registry);
    }

    @Bean
    WebHttpHandlerBuilderCustomizer callbackServerUnobserved() {
        return builder -> builder.observationRegistry(ObservationRegistry.NOOP);
    }

    /** Every message's trace starts here (service-support's tracing; exported only with an OTLP endpoint). */
    @Bean
    IngressTracing ingressTracing(RelayTracing relayTracing, HopLatency hopLatency, Clock clock) {
        return new IngressTracing(relayTracing, hopLatency, clock);
    }

    /** Gives the shared Redis connection a few seconds to open before ingress reports itself ready. */
    @Bean
    ApplicationRunner connectRedis(RedisLink redisLink, IngressProperties properties) {
        return args -> redisLink.openAtStart(properties.redisTimeout().multipliedBy(10));
    }
}

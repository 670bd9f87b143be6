package io.wecomrelay.llm;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import io.lettuce.core.resource.ClientResources;
import io.netty.channel.ChannelOption;
import io.wecomrelay.llm.consume.AcceptedConsumer;
import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.llm.feedback.FeedbackForwarder;
import io.wecomrelay.llm.handle.AcceptedMessageRouter;
import io.wecomrelay.llm.handle.AskerCredentials;
import io.wecomrelay.llm.handle.AttemptPublisher;
import io.wecomrelay.llm.handle.ChunkFactories;
import io.wecomrelay.llm.handle.QueryAnswerer;
import io.wecomrelay.llm.handle.ReplyComposer;
import io.wecomrelay.llm.identity.AuthServiceClient;
import io.wecomrelay.llm.images.AnswerImages;
import io.wecomrelay.llm.identity.IdentityTokens;
import io.wecomrelay.llm.identity.TokenCache;
import io.wecomrelay.llm.input.Inputs;
import io.wecomrelay.llm.media.Attachments;
import io.wecomrelay.llm.media.MediaBudget;
import io.wecomrelay.llm.media.AppMediaApi;
import io.wecomrelay.llm.media.MediaFetcher;
import io.wecomrelay.llm.media.MediaSources;
import io.wecomrelay.llm.media.SignedUrls;
import io.wecomrelay.llm.metrics.LlmWorkerMetrics;
import io.wecomrelay.llm.publish.ChunkPublisher;
import io.wecomrelay.llm.publish.FoldCalls;
import io.wecomrelay.llm.publish.StreamPreviews;
import io.wecomrelay.llm.publish.ChunkRecordLimit;
import io.wecomrelay.llm.reply.DifyReplies;
import io.wecomrelay.llm.reply.ErrorTexts;
import io.wecomrelay.llm.reply.ReplyTimers;
import io.wecomrelay.llm.state.ConversationStore;
import io.wecomrelay.llm.state.MessageStore;
import io.wecomrelay.llm.state.AnswerRests;
import io.wecomrelay.llm.state.StreamLedger;
import io.wecomrelay.llm.tracing.DifyTracePropagation;
import io.wecomrelay.llm.tracing.ReplySpans;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.MediaCipher;
import io.wecomrelay.support.apptoken.AccessTokens;
import io.wecomrelay.support.apptoken.RedisTemplateTokenStore;
import io.wecomrelay.support.apptoken.TokenApi;
import io.wecomrelay.support.apptoken.TokenMetrics;
import io.wecomrelay.support.bots.BotsFile;
import io.wecomrelay.support.bots.BotsFileSettings;
import io.wecomrelay.support.deadletter.DeadLetterScheme;
import io.wecomrelay.support.kafka.KafkaHealthIndicator;
import io.wecomrelay.support.kafka.KafkaTemplates;
import io.wecomrelay.support.kafka.TopicProvisioning;
import io.wecomrelay.support.kafka.TopicsHealthConfiguration;
import io.wecomrelay.support.outbound.GuardedHttpClient;
import io.wecomrelay.support.reactive.WheelBound;
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.connection.ReactiveRedisConnection;
import org.springframework.data.redis.connection.ReactiveRedisConnectionFactory;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The only place the worker wires beans; everything below it is plain Java. The clock, the id generator and the
 * dead-letter scheme come from service-support's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@Import(TopicsHealthConfiguration.class)   // health component "topics", in readiness
@EnableConfigurationProperties(LlmWorkerProperties.class)
class LlmWorkerConfiguration {

    /** A reply's attached images outlive the time it can be delivered by this much. */
    private static final Duration IMAGE_KEEP_MARGIN = Duration.ofMinutes(5);

    /** Stop calls and idle connections on top of one connection per reply in flight. */
    private static final int EXTRA_CONNECTIONS = 32;

    /**
     * service-support loads and watches the bots file from these settings; every reply looks its bot up in that
     * {@link BotsFile}, so a changed Dify app applies to the next reply.
     */
    @Bean
    BotsFileSettings botsFileSettings(LlmWorkerProperties properties) {
        return new BotsFileSettings(properties.botsFile(), properties.botsReloadInterval());
    }

    /** Reactor Netty's default pool has 16 connections: far too few for long-lived streams. */
    @Bean(destroyMethod = "dispose")
    ConnectionProvider difyConnections(LlmWorkerProperties properties) {
        return ConnectionProvider.builder("dify")
                .maxConnections(properties.consumer().maxInFlight() + EXTRA_CONNECTIONS)
                // answers now leave their connection in the pool: close idle ones before Dify's side does
                .maxIdleTime(properties.dify().maxIdleTime())
                .evictInBackground(properties.dify().maxIdleTime())
                .pendingAcquireMaxCount(-1)
                .build();
    }

    /** The upload, feedback and stop calls are bounded on Lettuce's timer wheel, like the per-message Redis calls. */
    @Bean
    DifyClient difyClient(ConnectionProvider difyConnections, LlmWorkerProperties properties, RelayTracing relayTracing,
                          HopLatency hopLatency, Clock clock, MeterRegistry registry, ClientResources redisResources) {
        var dify = properties.dify();
        var http = HttpClient.create(difyConnections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) dify.connectTimeout().toMillis());
        var web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http))
                .filter(new DifyTracePropagation(relayTracing, hopLatency, clock))
                .build();
        var retry = new DifyClient.RetryPolicy(dify.maxAttempts(), dify.firstBackoff(), dify.maxBackoff(), dify.jitter());
        var limits = new DifyClient.StreamLimits(bytes(dify.maxLineSize()), bytes(dify.maxEventSize()));
        var wheel = redisResources.timer();
        return new DifyClient(web, retry, new WheelBound(wheel, dify.stopTimeout()), new WheelBound(wheel,
                dify.requestTimeout()), limits, dify.drainTimeout(), registry);
    }

    /** Media downloads from WeCom's storage get their own pool, so they never wait for Dify streams. */
    @Bean(destroyMethod = "dispose")
    ConnectionProvider mediaConnections(LlmWorkerProperties properties) {
        return ConnectionProvider.builder("wecom-media")
                .maxConnections(properties.consumer().maxInFlight())
                .pendingAcquireMaxCount(-1)
                .build();
    }

    /** Media of all replies share one memory budget; one file's download must fit in it. */
    @Bean
    MediaBudget mediaBudget(LlmWorkerProperties properties, MeterRegistry registry) {
        var media = properties.media();
        var budget = MediaBudget.holdingOneFile(media.memoryBudget().toBytes(), media.maxSize().toBytes());
        Gauge.builder("relay.worker.media.memory.available", budget, MediaBudget::available).baseUnit("bytes")
                .description("Bytes of the media memory budget not held by a transfer").register(registry);
        return budget;
    }

    /**
     * AI bots' media from signed URLs, self-built apps' from WeCom's media/get: each source has its own allow-list (the
     * URL is checked first, the resolved address right before connecting); both share the pool and the budget.
     */
    @Bean
    Attachments attachments(ConnectionProvider mediaConnections, MediaBudget mediaBudget, DifyClient dify,
                            AccessTokens appAccessTokens, LlmWorkerProperties properties, LlmWorkerMetrics metrics,
                            Clock clock) {
        var media = properties.media();
        var signed = new SignedUrls(mediaFetcher(mediaConnections, mediaBudget, properties, media.allowedHosts()));
        var app = new AppMediaApi(mediaFetcher(mediaConnections, mediaBudget, properties,
                properties.app().allowedHosts()), appAccessTokens, properties.app().wecomApiBaseUrl());
        var limits = new Attachments.Limits(media.maxSize().toBytes(), media.maxAttachments(), media.downloadTimeout());
        return new Attachments(new MediaSources(signed, app), dify, limits, metrics, clock);
    }

    /**
     * Self-built apps' access tokens, shared with the responder through Redis (one key per app when both use the same
     * key prefix); gettoken on the app allow-list, through the guarded client.
     */
    @Bean
    AccessTokens appAccessTokens(ReactiveStringRedisTemplate redis, LlmWorkerProperties properties,
                                 MeterRegistry registry, Clock clock, Supplier<UUID> idGenerator) {
        var app = properties.app();
        var api = new TokenApi(guardedWebClient(HttpClient.create(), properties, app.allowedHosts()),
                app.wecomApiBaseUrl(), app.requestTimeout());
        return new AccessTokens(new RedisTemplateTokenStore(redis), api, clock, idGenerator,
                TokenMetrics.counters(registry, "relay.worker.app.tokens"), app.tokenSettings());
    }

    private static MediaFetcher mediaFetcher(ConnectionProvider connections, MediaBudget budget,
                                             LlmWorkerProperties properties, List<String> allowedHosts) {
        return new MediaFetcher(guardedWebClient(HttpClient.create(connections), properties, allowedHosts),
                OutboundPolicy.of(allowedHosts), new MediaCipher(AesCbcEngines.defaultEngine()), budget,
                properties.media().memoryWait());
    }

    /** A client that connects only to {@code allowedHosts}, checking each resolved address right before connecting. */
    private static WebClient guardedWebClient(HttpClient http, LlmWorkerProperties properties, List<String> allowedHosts) {
        var guarded = GuardedHttpClient.guard(http.option(ChannelOption.CONNECT_TIMEOUT_MILLIS,
                (int) properties.dify().connectTimeout().toMillis()), OutboundPolicy.of(allowedHosts));
        return WebClient.builder().clientConnector(new ReactorClientHttpConnector(guarded)).build();
    }

    /**
     * The asker's token for bots with {@code identity}: the auth service only on allow-listed hosts (the URL is checked
     * first, the resolved address right before connecting), answers bounded in size, tokens cached in Redis.
     */
    @Bean
    AskerCredentials askerCredentials(LlmWorkerProperties properties, ReactiveStringRedisTemplate redis,
                                      LlmWorkerMetrics metrics, Clock clock, Supplier<UUID> idGenerator,
                                      ClientResources redisResources) {
        var identity = properties.identity();
        var policy = OutboundPolicy.of(identity.allowedHosts());
        var http = GuardedHttpClient.guard(HttpClient.create()
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.dify().connectTimeout().toMillis()), policy);
        var web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http))
                .codecs(codecs -> codecs.defaultCodecs().maxInMemorySize(AuthServiceClient.MAX_RESPONSE_BYTES))
                .build();
        var client = new AuthServiceClient(web, policy, new AuthServiceClient.Settings(identity.requestTimeout(),
                identity.maxAttempts(), identity.firstBackoff()));
        var cache = new TokenCache(redis, identity.lockTtl(), redisTimeout(redisResources, properties));
        var tokens = new IdentityTokens(client, cache, new IdentityTokens.Settings(identity.lockWait(),
                identity.pollInterval()), metrics, clock, idGenerator);
        return new AskerCredentials(tokens);
    }

    /**
     * Images in answers: downloaded on the media pool (never waiting for Dify streams), guarded per bot (the listed
     * hosts and the bot's Dify origin), holding the media memory budget while in transfer; attached ones kept in Redis
     * while their reply can still be delivered, plus a margin.
     */
    @Bean
    AnswerImages answerImages(ConnectionProvider mediaConnections, MediaBudget mediaBudget, ReactiveStringRedisTemplate redis,
                              LlmWorkerProperties properties, LlmWorkerMetrics metrics, ClientResources redisResources) {
        var images = properties.replyImages();
        var ages = properties.age().limits();
        var settings = new AnswerImages.Settings(images.enabled(), images.allowedHosts(), images.maxImages(),
                images.maxSize().toBytes(), images.maxWebhookSize().toBytes(), images.maxTotalSize().toBytes(),
                images.downloadTimeout(), images.timeout(), images.unavailableText(),
                ages.streamWindow().plus(IMAGE_KEEP_MARGIN), ages.maxWebhookReplyAge().plus(IMAGE_KEEP_MARGIN));
        var http = HttpClient.create(mediaConnections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.dify().connectTimeout().toMillis());
        return new AnswerImages(http, mediaBudget, properties.media().memoryWait(), redis,
                redisTimeout(redisResources, properties), settings, metrics);
    }

    @Bean
    LlmWorkerMetrics llmWorkerMetrics(MeterRegistry registry) {
        return new LlmWorkerMetrics(registry);
    }

    /** Flushes on the parallel scheduler; the idle and deadline watches on Lettuce's timer wheel ({@link ReplyTimers}). */
    @Bean
    DifyReplies difyReplies(DifyClient dify, LlmWorkerProperties properties, LlmWorkerMetrics metrics,
                            ClientResources redisResources) {
        var reply = properties.reply();
        var settings = new DifyReplies.Settings(reply.coalesceInterval(), reply.coalesceMaxChars(), reply.idleTimeout(),
                reply.showThoughts(), reply.maxAnswerSize().toBytes(), properties.texts().reasoningTitle(),
                Math.max(256, Math.min(8192, reply.reasoningShownSize().toBytes())));
        return new DifyReplies(dify, settings, new ErrorTexts(properties.texts().errors()),
                new ReplyTimers(Schedulers.parallel(), redisResources.timer()), metrics);
    }

    @Bean
    StreamLedger streamLedger(ReactiveStringRedisTemplate redis, LlmWorkerProperties properties,
                              ClientResources redisResources) {
        var consumer = properties.consumer();
        return new StreamLedger(redis, properties.ledger().ttl(), properties.conversations().ttl(),
                redisTimeout(redisResources, properties), consumer.failureBackoff(), consumer.maxFailureBackoff());
    }

    @Bean
    ConversationStore conversationStore(ReactiveStringRedisTemplate redis, LlmWorkerProperties properties,
                                        ClientResources redisResources) {
        return new ConversationStore(redis, properties.conversations().ttl(), redisTimeout(redisResources, properties));
    }

    @Bean
    MessageStore messageStore(ReactiveStringRedisTemplate redis, LlmWorkerProperties properties,
                              ClientResources redisResources) {
        return new MessageStore(redis, properties.feedback().messageTtl(), redisTimeout(redisResources, properties));
    }

    /**
     * {@code ledger.redis-timeout} for every Redis call of a reply, set on Lettuce's timer wheel: per message, Reactor's
     * {@code timeout} took the parallel scheduler's queue lock twice and often woke its thread ({@link WheelBound}).
     */
    private static WheelBound redisTimeout(ClientResources redisResources, LlmWorkerProperties properties) {
        return new WheelBound(redisResources.timer(), properties.ledger().redisTimeout());
    }

    @Bean
    KafkaTemplate<String, RelayEvent> chunkKafkaTemplate(KafkaProperties kafka) {
        return KafkaTemplates.withoutContentLogging(kafka, EventSerde.any());
    }

    @Bean
    KafkaTemplate<String, byte[]> deadLetterKafkaTemplate(KafkaProperties kafka) {
        return KafkaTemplates.withoutContentLogging(kafka, new ByteArraySerializer());
    }

    /** The steps behind the router, last to first (the order is in package-info). */
    @Bean
    AttemptPublisher attemptPublisher(LlmWorkerProperties properties, KafkaProperties kafka, BotsFile bots,
                                      StreamLedger ledger, ConversationStore conversations, MessageStore messages,
                                      DifyReplies replies, Attachments attachments, AskerCredentials askerCredentials,
                                      AnswerImages answerImages, ReactiveStringRedisTemplate redis,
                                      LlmWorkerMetrics metrics, KafkaTemplate<String, RelayEvent> chunkKafkaTemplate,
                                      Clock clock, Supplier<UUID> idGenerator, HopLatency hops,
                                      ClientResources redisResources) {
        var texts = properties.texts();
        var answerer = new QueryAnswerer(conversations, messages, replies, attachments, askerCredentials,
                answerImages, properties.reply().deadline());
        var rests = new AnswerRests(redis, properties.ledger().ttl(), redisTimeout(redisResources, properties));
        var composer = new ReplyComposer(conversations, answerer,
                new ReplyComposer.Settings(texts.resetDone(), texts.emptyQuery()), metrics, rests, metrics);
        var previews = properties.previews();
        var publisher = new ChunkPublisher(chunkKafkaTemplate, properties.topics().chunks(),
                ChunkRecordLimit.maxRecordBytes(kafka.buildProducerProperties()), previews.route(),
                new StreamPreviews(FoldCalls.of(redis, new FoldCalls.Batching(previews.batchWindow(),
                        previews.batchMaxFolds(), previews.batchMaxSize().toBytes()), Schedulers.parallel()),
                        clock, new StreamPreviews.Settings(previews.streamTtl(), previews.timeout(),
                        properties.reply().maxAnswerSize().toBytes()), metrics, hops, redisResources.timer()));
        return new AttemptPublisher(ledger, composer, publisher, new ChunkFactories(bots, clock, idGenerator), replies.texts());
    }

    @Bean
    AcceptedMessageRouter acceptedMessageRouter(LlmWorkerProperties properties, AttemptPublisher attempts,
                                                BotsFile bots, MessageStore messages, DifyClient dify,
                                                LlmWorkerMetrics metrics, Clock clock) {
        var input = properties.input();
        var inputs = new Inputs(input.mentionNames(), properties.conversations().resetCommands(), input.mediaOnlyQuery());
        var feedback = new FeedbackForwarder(bots, messages, dify, properties.feedback().timeout(), metrics);
        return new AcceptedMessageRouter(inputs, attempts, feedback, bots, properties.age().limits(), clock, metrics);
    }

    @Bean
    AcceptedConsumer acceptedConsumer(LlmWorkerProperties properties, KafkaProperties kafka,
                                      AcceptedMessageRouter router, KafkaTemplate<String, byte[]> deadLetterKafkaTemplate,
                                      DeadLetterScheme deadLetterScheme, LlmWorkerMetrics metrics,
                                      AcceptedConsumer.InfrastructureProbe infrastructureProbe, RelayTracing relayTracing,
                                      HopLatency hopLatency, Clock clock, MeterRegistry meterRegistry) {
        var consumer = properties.consumer();
        var settings = new AcceptedConsumer.Settings(consumer.maxInFlight(), consumer.maxInFlightPerBot(),
                consumer.maxBuffered(), consumer.pollTimeout(), consumer.shutdownGrace(), consumer.revokeDrain(),
                consumer.failureBackoff(), consumer.maxFailureBackoff(), consumer.maxAttempts(), consumer.commitInterval());
        return new AcceptedConsumer(kafka.buildConsumerProperties(), consumer.groupId(), properties.topics().accepted(),
                new ReplySpans(relayTracing, hopLatency).around(router::route), deadLetterKafkaTemplate, deadLetterScheme,
                settings, metrics, infrastructureProbe, clock, meterRegistry);
    }

    /**
     * What a redo after a failure of Redis or Kafka waits for: the {@code kafka} health check (the cluster answers
     * within its timeout) and a Redis PING within {@code relay.worker.ledger.redis-timeout}.
     */
    @Bean
    AcceptedConsumer.InfrastructureProbe infrastructureProbe(KafkaHealthIndicator kafkaHealthIndicator,
                                                             ReactiveRedisConnectionFactory redis,
                                                             LlmWorkerProperties properties,
                                                             ClientResources redisResources) {
        var redisTimeout = redisTimeout(redisResources, properties);
        Mono<Void> kafka = kafkaHealthIndicator.health()
                .flatMap(health -> Status.UP.equals(health.getStatus()) ? Mono.<Void>empty()
                        : Mono.error(new IllegalStateException("Kafka health is " + health.getStatus())));
        Mono<Void> ping = Mono.usingWhen(Mono.fromSupplier(redis::getReactiveConnection),
                        ReactiveRedisConnection::ping, ReactiveRedisConnection::closeLater)
                .as(redisTimeout::on)
                .then();
        return () -> kafka.then(ping);
    }

    @Bean
    ConsumerLifecycle consumerLifecycle(AcceptedConsumer consumer, TopicProvisioning topicProvisioning) {
        return new ConsumerLifecycle(consumer, topicProvisioning);
    }

    /** Creates missing topics (never alters existing ones) in the background; the consumer starts once they exist. */
    @Bean
    TopicProvisioning topicProvisioning(KafkaProperties kafka, LlmWorkerProperties properties) {
        var topics = properties.topics();
        var accepted = spec(topics.accepted(), Topics.ACCEPTED);
        return TopicProvisioning.of(kafka.buildAdminProperties(),
                List.of(accepted, accepted.deadLetter(), spec(topics.chunks(), Topics.CHUNKS)), topics.partitions(),
                topics.replicationFactor());
    }

    /** Health component "kafka", in readiness: without it nothing is consumed and no reply is published. */
    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(KafkaProperties kafka) {
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), KafkaHealthIndicator.DEFAULT_TIMEOUT);
    }

    /** DOWN when the consumer thread is not running (it only stops for good on fatal Kafka errors). */
    @Bean
    HealthIndicator acceptedConsumerHealthIndicator(AcceptedConsumer consumer) {
        return () -> (consumer.isRunning() ? Health.up() : Health.down())
                .withDetail("inFlight", consumer.inFlight()).build();
    }

    /**
     * Health component "consumption": DOWN while replies wait out an outage of Redis or Kafka (they are redone until
     * it ends, never dead-lettered for it). Not part of readiness, which has Redis's own component.
     */
    @Bean
    HealthIndicator consumptionHealthIndicator(AcceptedConsumer consumer) {
        return () -> (consumer.waitingForInfrastructure() == 0 ? Health.up() : Health.down())
                .withDetail("waitingForRedisOrKafka", consumer.waitingForInfrastructure()).build();
    }

    private static TopicSpec spec(String name, TopicSpec catalog) {
        return name.equals(catalog.name()) ? catalog
                : new TopicSpec(name, catalog.key(), catalog.defaultPartitions(), catalog.retention(), catalog.compacted());
    }

    /**
     * Starts consuming once the context is up and the topics exist; stops first on shutdown, before Kafka and Redis
     * clients close.
     */
    static final class ConsumerLifecycle implements SmartLifecycle {
        private final AcceptedConsumer consumer;
        private final TopicProvisioning topics;

        ConsumerLifecycle(AcceptedConsumer consumer, TopicProvisioning topics) {
            this.consumer = consumer;
            this.topics = topics;
        }

        @Override
        public void start() {
            topics.whenDone(consumer::start);
        }

        @Override
        public void stop() {
            consumer.stop();
        }

        @Override
        public boolean isRunning() {
            return consumer.isRunning();
        }
    }

    /** A size bound as an int, at least 1 byte; sizes past 2 GB mean "no bound" anyway. */
    private static int bytes(DataSize size) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, size.toBytes()));
    }
}

package io.wecomrelay.responder;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

import io.lettuce.core.resource.ClientResources;
import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.responder.delivery.AppMessageSender;
import io.wecomrelay.responder.delivery.AttachedImages;
import io.wecomrelay.responder.delivery.DeliveryRecorder;
import io.wecomrelay.responder.delivery.KeptRests;
import io.wecomrelay.responder.delivery.RedisSendRateLimiter;
import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.responder.delivery.UndeliverableReplies;
import io.wecomrelay.responder.delivery.WeComReplySender;
import io.wecomrelay.responder.materialize.ChunkMaterializer;
import io.wecomrelay.responder.materialize.DeadLetterPolicy;
import io.wecomrelay.responder.materialize.LongConnectionNotices;
import io.wecomrelay.responder.materialize.RecordedMarks;
import io.wecomrelay.responder.materialize.RedisStreamStateWriter;
import io.wecomrelay.responder.materialize.RejectionMaterializer;
import io.wecomrelay.responder.materialize.RejectionTexts;
import io.wecomrelay.responder.materialize.ReplyPublisher;
import io.wecomrelay.responder.materialize.ReplyRecords;
import io.wecomrelay.responder.materialize.ReplySweep;
import io.wecomrelay.responder.materialize.StreamNotices;
import io.wecomrelay.responder.materialize.StreamStateWriter;
import io.wecomrelay.responder.materialize.UnrecordedReplies;
import io.wecomrelay.responder.outage.ConsumerOutages;
import io.wecomrelay.responder.outage.OutageAwareErrorHandler;
import io.wecomrelay.responder.outbox.DeliveryStates;
import io.wecomrelay.responder.outbox.OutboxDelivery;
import io.wecomrelay.responder.outbox.OutboxJobRunner;
import io.wecomrelay.responder.outbox.OutboxKeys;
import io.wecomrelay.responder.outbox.OutboxLimits;
import io.wecomrelay.responder.outbox.OutboxSettings;
import io.wecomrelay.responder.outbox.OutboxSignals;
import io.wecomrelay.responder.outbox.OutboxTickets;
import io.wecomrelay.responder.outbox.RateLimitNotices;
import io.wecomrelay.responder.outbox.RedisOutbox;
import io.wecomrelay.responder.outbox.RedisOutboxSignals;
import io.wecomrelay.responder.outbox.TooOldReplies;
import io.wecomrelay.responder.tracing.ResponderTraces;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.schemas.topic.Topics;
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
import io.wecomrelay.support.tracing.HopLatency;
import io.wecomrelay.support.tracing.RelayTracing;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ContainerProperties;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.web.reactive.function.client.WebClient;

/**
 * The only place that wires the responder; everything below it is plain Java. The clock, the id generator and the
 * dead-letter scheme come from service-support's auto-configuration.
 */
@Configuration(proxyBeanMethods = false)
@Import(TopicsHealthConfiguration.class)   // health component "topics", in readiness
@EnableConfigurationProperties(ResponderProperties.class)
class ResponderConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ResponderConfiguration.class);
    /** Far above what a chunk partition gathers within a fetch wait at the rates of BENCHMARKS.md: the wait decides. */
    private static final int CHUNK_FETCH_MIN_BYTES = 1024 * 1024;

    /**
     * service-support loads and watches the bots file from these settings; reply modes, webhook keys and texts are
     * looked up in that {@link BotsFile} for every reply, so a reload applies to the next one.
     */
    @Bean
    BotsFileSettings botsFileSettings(ResponderProperties props) {
        return new BotsFileSettings(props.botsFile(), props.botsReloadInterval());
    }

    /** Creates missing topics in the background; the listeners start once they exist. */
    @Bean
    TopicProvisioning topicProvisioning(KafkaProperties kafka, ResponderProperties props) {
        var provisioning = props.topics();
        if (!provisioning.enabled()) {
            return TopicProvisioning.off();
        }
        List<TopicSpec> topics = List.of(Topics.CHUNKS, Topics.REJECTED, Topics.REPLIES, Topics.DELIVERIES,
                Topics.OUTBOUND, Topics.CHUNKS.deadLetter(), Topics.REJECTED.deadLetter());
        Map<String, Integer> partitions = topics.stream()
                .collect(Collectors.toMap(TopicSpec::name, spec -> provisioning.partitions()));
        return TopicProvisioning.of(kafka.buildAdminProperties(), topics, partitions, provisioning.replicationFactor());
    }

    /** Health component "kafka", in readiness: without it nothing is consumed and no delivery is recorded. */
    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(KafkaProperties kafka) {
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), KafkaHealthIndicator.DEFAULT_TIMEOUT);
    }

    /** Stream hashes, and each finished stream's reply record under the outbox's key prefix. */
    @Bean
    StreamStateWriter streamStateWriter(ReactiveStringRedisTemplate redis, Clock clock, ResponderProperties props,
                                        RedisStreamStateWriter.Replies replyKeys) {
        var stream = props.stream();
        return new RedisStreamStateWriter(redis, clock, stream.ttl(), new RedisStreamStateWriter.Cuts(
                StreamStateKeys.MAX_CONTENT_BYTES, (int) stream.maxAnswerSize().toBytes(), stream.truncatedNote(),
                stream.continuedNote()), replyKeys);
    }

    /** Where finished streams' reply records are kept until published, and their index, under the outbox's prefix. */
    @Bean
    RedisStreamStateWriter.Replies replyKeys(ResponderProperties props) {
        String prefix = props.delivery().outbox().keyPrefix();
        return new RedisStreamStateWriter.Replies(prefix + "reply:", props.stream().replyKeyTtl(),
                props.stream().recordedMarkTtl(), prefix + "replies-unrecorded");
    }

    /**
     * The reply-recorded record of every finished stream, on wecom.replies; the records published within one tick of
     * Lettuce's timer wheel (100 ms) are marked in Redis together ({@link RecordedMarks}).
     */
    @Bean
    ReplyRecords replyRecords(BotsFile bots, KafkaTemplate<String, Object> kafka, StreamStateWriter writer, Clock clock,
                              MeterRegistry meters, ClientResources redisResources) {
        return new ReplyRecords(bots, ReplyPublisher.to(kafka), RecordedMarks.batchedOn(redisResources.timer(), writer),
                clock, meters);
    }

    // A SmartLifecycle (stopped after the listener containers): every instance publishes the reply records no
    // instance published.
    @Bean
    ReplySweep replySweep(ReactiveStringRedisTemplate redis, RedisStreamStateWriter.Replies replyKeys, ReplyRecords records,
                          Clock clock, ResponderProperties props, MeterRegistry meters) {
        return new ReplySweep(new UnrecordedReplies(redis, replyKeys, clock), records,
                new ReplySweep.Settings(props.stream().replySweepAfter(), props.stream().replySweepInterval()), meters);
    }

    @Bean
    KafkaTemplate<String, Object> kafkaTemplate(KafkaProperties kafka) {
        Map<Class<?>, Serializer<?>> byType = Map.of(byte[].class, new ByteArraySerializer(), RelayEvent.class, EventSerde.any());
        return KafkaTemplates.withoutContentLogging(kafka, new DelegatingByTypeSerializer(byType, true));
    }

    @Bean
    ConsumerOutages consumerOutages(Clock clock, MeterRegistry meters) {
        return new ConsumerOutages(clock, meters);
    }

    @Bean
    ConsumptionHealthIndicator consumptionHealthIndicator(ConsumerOutages outages) {
        return new ConsumptionHealthIndicator(outages);
    }

    /** Outages of Redis or Kafka pause consumption; any other failure follows the {@link DeadLetterPolicy}. */
    @Bean
    CommonErrorHandler kafkaErrorHandler(KafkaTemplate<String, Object> kafka, ConsumerOutages outages,
                                         DeadLetterScheme deadLetterScheme, ResponderProperties props) {
        var listener = props.listener();
        var policy = new DeadLetterPolicy(listener.retries(), listener.initialBackoff(), listener.maxBackoff());
        return new OutageAwareErrorHandler(policy.errorHandler(kafka, deadLetterScheme), outages, listener.initialBackoff(),
                listener.maxBackoff());
    }

    /** The default listener concurrency's count of processors. */
    @Bean
    Processors processors() {
        return Processors.ofRuntime();
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, RelayEvent> kafkaListenerContainerFactory(
            KafkaProperties kafka, CommonErrorHandler errorHandler, ConsumerOutages outages, ResponderProperties props,
            Processors processors) {
        var consumers = new DefaultKafkaConsumerFactory<String, RelayEvent>(kafka.buildConsumerProperties(),
                new StringDeserializer(), new ErrorHandlingDeserializer<>(EventSerde.any()));
        var factory = new ConcurrentKafkaListenerContainerFactory<String, RelayEvent>();
        factory.setConsumerFactory(consumers);
        factory.setCommonErrorHandler(errorHandler);
        factory.setConcurrency(props.listener().concurrency(props.topics(), processors.available()));
        // a consumer's wait for Redis or Kafka ends when its listener succeeds again, or its partitions change
        factory.setBatchInterceptor(outages.batchInterceptor());
        factory.setRecordInterceptor(outages.recordInterceptor());
        factory.getContainerProperties().setConsumerRebalanceListener(outages.rebalanceListener());
        // The poll's offsets are still committed only after the listener returned (every fold done, its reply records
        // kept in Redis for the sweep), but without waiting for the broker's answer: a synchronous commit held the
        // partition's next poll for a broker round trip, which every chunk behind it waited out (issue 16,
        // BENCHMARKS.md §4 round 4).
        // A commit that fails is covered by the next one; at worst (a crash or rebalance before it) the records after
        // the last committed offset come again, and folding them again changes nothing.
        factory.getContainerProperties().setSyncCommits(false);
        // Optional (issue 22): a commit per poll is an OffsetCommit request and a write to __consumer_offsets per poll.
        // A timed commit still covers only polls whose listener returned, so never a record whose fold is not done;
        // what a crash leaves uncommitted (at most this interval) is folded again, changing nothing.
        // A rebalance or stop commits what is pending first.
        Duration commitInterval = props.listener().commitInterval();
        if (!commitInterval.isZero() && !commitInterval.isNegative()) {
            factory.getContainerProperties().setAckMode(ContainerProperties.AckMode.TIME);
            factory.getContainerProperties().setAckTime(commitInterval.toMillis());
        }
        factory.getContainerProperties().setCommitCallback((offsets, error) -> {
            if (error != null) {
                log.warn("offset commit failed, the next commit covers it partitions={} cause={}", offsets.keySet(),
                        error.toString());
            }
        });
        return factory;
    }

    @Bean
    WeComReplySender weComReplySender(ResponderProperties props) {
        var delivery = props.delivery();
        var policy = OutboundPolicy.of(delivery.allowedHosts());
        log.info("replies may be sent to {}", policy);
        return new WeComReplySender(HttpClient.create(), policy, delivery.wecomApiBaseUrl(), delivery.requestTimeout());
    }

    @Bean
    RedisSendRateLimiter sendRateLimiter(ReactiveStringRedisTemplate redis, Clock clock, Supplier<UUID> idGenerator,
                                         MeterRegistry meters, ResponderProperties props) {
        var limit = props.delivery().rateLimit();
        return new RedisSendRateLimiter(redis, clock, idGenerator, limit.keyPrefix(), limit.permits(),
                limit.window().plus(limit.margin()), meters);
    }

    @Bean
    DeliveryRecorder deliveryRecorder(KafkaTemplate<String, Object> kafka, Clock clock, Supplier<UUID> idGenerator,
                                      MeterRegistry meters, ResponderTraces responderTraces) {
        return new DeliveryRecorder(kafka, clock, idGenerator, meters, responderTraces);
    }

    /** Spans of folds, rejections and deliveries, and their hop latencies (service-support's tracing). */
    @Bean
    ResponderTraces responderTraces(RelayTracing relayTracing, HopLatency hopLatency, Clock clock) {
        return new ResponderTraces(relayTracing, hopLatency, clock);
    }

    @Bean
    UndeliverableReplies undeliverableReplies(KafkaTemplate<String, Object> kafka, DeadLetterScheme deadLetterScheme) {
        return new UndeliverableReplies(kafka, deadLetterScheme);
    }

    /**
     * Self-built apps: gettoken and message/send on the same base URL and allow-list as every other send, through the
     * guarded client; tokens shared by all instances in Redis.
     */
    @Bean
    AppMessageSender appMessageSender(ReactiveStringRedisTemplate redis, Clock clock, Supplier<UUID> idGenerator,
                                      MeterRegistry meters, ResponderProperties props) {
        var delivery = props.delivery();
        WebClient http = WebClient.builder().clientConnector(new ReactorClientHttpConnector(
                GuardedHttpClient.guard(HttpClient.create(), OutboundPolicy.of(delivery.allowedHosts())))).build();
        var tokens = new AccessTokens(new RedisTemplateTokenStore(redis),
                new TokenApi(http, delivery.wecomApiBaseUrl(), delivery.requestTimeout()), clock, idGenerator,
                TokenMetrics.counters(meters, "relay.responder.app.tokens"), delivery.appToken().settings());
        return new AppMessageSender(http, tokens, delivery.wecomApiBaseUrl(), delivery.requestTimeout());
    }

    /** The worker's attached images, read from Redis when a webhook reply sends them (within a request's timeout). */
    @Bean
    AttachedImages attachedImages(ReactiveStringRedisTemplate redis, MeterRegistry meters, ResponderProperties props) {
        return new AttachedImages(redis, props.delivery().requestTimeout(), meters);
    }

    @Bean
    ReplyDeliverer replyDeliverer(WeComReplySender sender, AppMessageSender appSender, RedisSendRateLimiter limiter,
                                  DeliveryRecorder recorder, UndeliverableReplies undeliverable, AttachedImages images,
                                  ReactiveStringRedisTemplate redis, MeterRegistry meters, Clock clock,
                                  ResponderProperties props) {
        var delivery = props.delivery();
        var rests = new KeptRests(redis, new KeptRests.Settings(props.stream().continueWordNote(),
                props.stream().continueWordTtl()), meters);
        return new ReplyDeliverer(sender, appSender, limiter, recorder, undeliverable, images, rests, clock,
                new ReplyDeliverer.Settings(
                delivery.retry().policy(), delivery.responseUrlLifetime(), props.stream().truncatedNote(),
                props.stream().continuedNote()));
    }

    @Bean
    OutboxKeys outboxKeys(ResponderProperties props) {
        var outbox = props.delivery().outbox();
        return new OutboxKeys(outbox.keyPrefix(), outbox.group());
    }

    @Bean
    OutboxTickets outboxTickets(BotsFile bots, OutboxKeys keys, ReactiveStringRedisTemplate redis, MeterRegistry meters,
                                DeliveryRecorder recorder, Clock clock, ResponderProperties props) {
        var outbox = props.delivery().outbox();
        return new OutboxTickets(bots, keys, outbox.stateTtl(),
                new RateLimitNotices(redis, keys, outbox.rateLimitNoticeWindow(), meters),
                new TooOldReplies(props.delivery().maxReplyAges(), recorder, clock, meters));
    }

    @Bean
    RedisOutbox redisOutbox(ReactiveStringRedisTemplate redis, OutboxKeys keys) {
        return new RedisOutbox(redis, keys);
    }

    @Bean
    OutboxSettings outboxSettings(ResponderProperties props) {
        var delivery = props.delivery();
        var outbox = delivery.outbox();
        String host = System.getenv().getOrDefault("HOSTNAME", "responder");
        String consumer = OutboxSettings.uniqueConsumer(host, UUID.randomUUID());
        return new OutboxSettings(consumer, outbox.leaseTtl(), outbox.claimMinIdle(), outbox.pollInterval(),
                outbox.batch(), outbox.errorBackoff(), delivery.requestTimeout(), outbox.inDoubtGrace(),
                delivery.shutdownGrace());
    }

    @Bean
    OutboxSignals outboxSignals(ReactiveStringRedisTemplate redis, OutboxKeys keys, MeterRegistry meters,
                                ResponderProperties props) {
        return new RedisOutboxSignals(redis, keys, props.delivery().outbox().errorBackoff(), meters);
    }

    @Bean
    DeliveryStates deliveryStates(ReactiveStringRedisTemplate redis, OutboxKeys keys, ResponderProperties props) {
        return new DeliveryStates(redis, keys, props.delivery().outbox().stateTtl());
    }

    @Bean
    OutboxJobRunner outboxJobRunner(RedisOutbox outbox, DeliveryStates states, ReplyDeliverer deliverer,
                                    MeterRegistry meters, OutboxSettings settings, Clock clock, ResponderProperties props) {
        var delivery = props.delivery();
        return new OutboxJobRunner(outbox, states, deliverer, meters, settings,
                new OutboxLimits(delivery.maxReplyAges(), delivery.outbox().maxDepthPerBot()), clock);
    }

    // A SmartLifecycle: started before the listener containers, stopped after them.
    @Bean
    OutboxDelivery outboxDelivery(BotsFile bots, RedisOutbox outbox, OutboxJobRunner jobs, Clock clock,
                                  OutboxSettings settings, OutboxSignals signals) {
        var delivery = new OutboxDelivery(bots, outbox, jobs, clock, settings, signals);
        bots.onReload(registry -> delivery.refresh());
        return delivery;
    }

    /** Notices on wecom.outbound for the connector that pushes the streams of long-connection bots. */
    @Bean
    StreamNotices streamNotices(BotsFile bots, KafkaTemplate<String, Object> kafka, Clock clock, Supplier<UUID> idGenerator,
                                MeterRegistry meters) {
        return new LongConnectionNotices(bots, kafka, clock, idGenerator, meters);
    }

    @Bean
    ChunkMaterializer chunkMaterializer(StreamStateWriter writer, OutboxTickets tickets, StreamNotices notices,
                                        ReplyRecords replies, Clock clock, MeterRegistry meters,
                                        ResponderTraces responderTraces) {
        return new ChunkMaterializer(writer, tickets, notices, replies, clock, meters, responderTraces);
    }

    @Bean
    RejectionMaterializer rejectionMaterializer(StreamStateWriter writer, BotsFile bots, OutboxTickets tickets,
                                                StreamNotices notices, ReplyRecords replies, MeterRegistry meters,
                                                ResponderProperties props, ResponderTraces responderTraces) {
        return new RejectionMaterializer(writer, tickets, notices, replies,
                new RejectionTexts(bots, StreamStateKeys.MAX_CONTENT_BYTES, props.stream().truncatedNote()), meters,
                responderTraces);
    }

    // Started once the topics exist, never by the context itself.
    @Bean
    ConcurrentMessageListenerContainer<String, RelayEvent> chunksContainer(
            ConcurrentKafkaListenerContainerFactory<String, RelayEvent> factory, ChunkMaterializer listener,
            TopicProvisioning topics, ResponderProperties props) {
        var container = factory.createContainer(Topics.CHUNKS.name());
        container.getContainerProperties().setMessageListener(listener);
        container.getContainerProperties().setKafkaConsumerProperties(chunkFetch(props.listener().chunkFetchWait()));
        container.setAutoStartup(false);
        topics.whenDone(container::start);
        return container;
    }

    /**
     * A fetch answered at the first byte can make each chunk (about seven a message) a poll and a fold round trip of
     * its own; held up to {@code wait} it carries a few at 100 msg/s. The minimum is out of reach at such rates, so
     * every fetch waits {@code wait} unless a backlog fills it. Only the chunk consumers: the rejection consumers are
     * idle most of the time and would wake every {@code wait}. Empty for 0: Kafka's fetch settings stay.
     */
    static Properties chunkFetch(Duration wait) {
        var properties = new Properties();
        if (!wait.isZero() && !wait.isNegative()) {
            properties.put(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, String.valueOf(CHUNK_FETCH_MIN_BYTES));
            properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, String.valueOf(wait.toMillis()));
        }
        return properties;
    }

    @Bean
    ConcurrentMessageListenerContainer<String, RelayEvent> rejectionsContainer(
            ConcurrentKafkaListenerContainerFactory<String, RelayEvent> factory, RejectionMaterializer listener,
            TopicProvisioning topics) {
        var container = factory.createContainer(Topics.REJECTED.name());
        container.getContainerProperties().setMessageListener(listener);
        container.setAutoStartup(false);
        topics.whenDone(container::start);
        return container;
    }
}

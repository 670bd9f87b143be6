package io.wecomrelay.responder;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Collectors;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.responder.delivery.DeadLetters;
import io.wecomrelay.responder.delivery.DeliveryRecorder;
import io.wecomrelay.responder.delivery.RedisRateLimiter;
import io.wecomrelay.responder.delivery.ReplyDeliverer;
import io.wecomrelay.responder.delivery.WeComClient;
import io.wecomrelay.responder.materialize.ChunkMaterializer;
import io.wecomrelay.responder.materialize.RedisStreamStateStore;
import io.wecomrelay.responder.materialize.RejectionMaterializer;
import io.wecomrelay.responder.materialize.StreamStateStore;
import io.wecomrelay.responder.materialize.UnexpectedEventException;
import io.wecomrelay.responder.outage.ConsumerOutages;
import io.wecomrelay.responder.outage.OutageAwareErrorHandler;
import io.wecomrelay.responder.outbox.DeliveryStates;
import io.wecomrelay.responder.outbox.OutboxDelivery;
import io.wecomrelay.responder.outbox.OutboxJobRunner;
import io.wecomrelay.responder.outbox.OutboxKeys;
import io.wecomrelay.responder.outbox.OutboxLimits;
import io.wecomrelay.responder.outbox.OutboxSettings;
import io.wecomrelay.responder.outbox.OutboxTickets;
import io.wecomrelay.responder.outbox.RateLimitNotices;
import io.wecomrelay.responder.outbox.RedisOutbox;
import io.wecomrelay.responder.outbox.TooOldReplies;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.UnknownEventTypeException;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.support.bots.BotsFile;
import io.wecomrelay.support.bots.BotsFileWatcher;
import io.wecomrelay.support.kafka.KafkaHealthIndicator;
import io.wecomrelay.support.kafka.TopicProvisioning;
import io.wecomrelay.support.kafka.TopicsHealthConfiguration;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.netty.http.client.HttpClient;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.kafka.config.ConcurrentKafkaListenerContainerFactory;
import org.springframework.kafka.core.DefaultKafkaConsumerFactory;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.kafka.listener.CommonErrorHandler;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;
import org.springframework.kafka.listener.DefaultErrorHandler;
import org.springframework.kafka.support.serializer.DelegatingByTypeSerializer;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.backoff.ExponentialBackOff;

/** The only place that wires the responder; everything below it is plain Java. */
@Configuration(proxyBeanMethods = false)
@Import(TopicsHealthConfiguration.class)   // health component "topics", in readiness
@EnableConfigurationProperties(ResponderProperties.class)
class ResponderConfiguration {

    private static final Logger log = LoggerFactory.getLogger(ResponderConfiguration.class);

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Reply modes, webhook keys and texts are looked up here for every reply, so a reload applies to the next one. */
    @Bean
    BotsFile botsFile(ResponderProperties props, MeterRegistry meters) {
        return BotsFile.load(props.botsFile(), new BotRegistryLoader(System::getenv), meters);
    }

    @Bean
    BotsFileWatcher botsFileWatcher(BotsFile bots, ResponderProperties props) {
        return BotsFileWatcher.start(bots, props.botsReloadInterval());
    }

    /** Creates missing topics in the background; the listeners start once they exist. */
    @Bean
    TopicProvisioning topicProvisioning(KafkaProperties kafka, ResponderProperties props) {
        var provisioning = props.topics();
        if (!provisioning.enabled()) {
            return TopicProvisioning.off();
        }
        List<TopicSpec> topics = List.of(Topics.CHUNKS, Topics.REJECTED, Topics.DELIVERIES,
                Topics.CHUNKS.deadLetter(), Topics.REJECTED.deadLetter());
        Map<String, Integer> partitions = topics.stream()
                .collect(Collectors.toMap(TopicSpec::name, spec -> provisioning.partitions()));
        return TopicProvisioning.of(kafka.buildAdminProperties(), topics, partitions, provisioning.replicationFactor());
    }

    /** Health component "kafka", in readiness: without it nothing is consumed and no delivery is recorded. */
    @Bean
    KafkaHealthIndicator kafkaHealthIndicator(KafkaProperties kafka) {
        return new KafkaHealthIndicator(kafka.buildAdminProperties(), KafkaHealthIndicator.DEFAULT_TIMEOUT);
    }

    @Bean
    StreamStateStore streamStateStore(ReactiveStringRedisTemplate redis, Clock clock, ResponderProperties props) {
        return new RedisStreamStateStore(redis, clock, props.stream().ttl(), StreamStateKeys.MAX_CONTENT_BYTES,
                props.stream().truncatedNote());
    }

    @Bean
    KafkaTemplate<String, Object> kafkaTemplate(KafkaProperties kafka) {
        Map<Class<?>, Serializer<?>> byType = Map.of(byte[].class, new ByteArraySerializer(), RelayEvent.class, EventSerde.any());
        var producers = new DefaultKafkaProducerFactory<String, Object>(kafka.buildProducerProperties(),
                new StringSerializer(), new DelegatingByTypeSerializer(byType, true));
        return withoutContentLogging(new KafkaTemplate<>(producers));
    }

    /** Health component "consumption": DOWN while a consumer waits out an outage of Redis or Kafka. */
    @Bean
    ConsumerOutages consumptionHealthIndicator(Clock clock, MeterRegistry meters) {
        return new ConsumerOutages(clock, meters);
    }

    /**
     * Failures of Redis or Kafka pause consumption for as long as they last and are never dead-lettered
     * ({@link OutageAwareErrorHandler}); any other failure is tried {@code retries} more times, then dead-lettered, and
     * unreadable records and other event types are dead-lettered at once.
     */
    @Bean
    CommonErrorHandler kafkaErrorHandler(KafkaTemplate<String, Object> kafka, ConsumerOutages outages, MeterRegistry meters,
                                         ResponderProperties props) {
        var deadLetters = new DeadLetterPublishingRecoverer(kafka,
                (record, e) -> new TopicPartition(record.topic() + TopicSpec.DEAD_LETTER_SUFFIX, -1));
        ConsumerRecordRecoverer recoverer = (record, e) -> {
            String cause = rootCause(e).getClass().getSimpleName();
            meters.counter("responder.dlt", "topic", record.topic() + TopicSpec.DEAD_LETTER_SUFFIX, "cause", cause).increment();
            log.warn("dead-lettered {}-{}@{} cause={}", record.topic(), record.partition(), record.offset(), cause);
            deadLetters.accept(record, e);
        };
        var listener = props.listener();
        var backOff = new ExponentialBackOff(listener.initialBackoff().toMillis(), 2.0);
        backOff.setMaxInterval(listener.maxBackoff().toMillis());
        backOff.setMaxAttempts(listener.retries());
        var records = new DefaultErrorHandler(recoverer, backOff);
        records.addNotRetryableExceptions(UnexpectedEventException.class, UnknownEventTypeException.class);
        return new OutageAwareErrorHandler(records, outages, listener.initialBackoff(), listener.maxBackoff());
    }

    @Bean
    ConcurrentKafkaListenerContainerFactory<String, RelayEvent> kafkaListenerContainerFactory(
            KafkaProperties kafka, CommonErrorHandler errorHandler, ConsumerOutages outages, ResponderProperties props) {
        var consumers = new DefaultKafkaConsumerFactory<String, RelayEvent>(kafka.buildConsumerProperties(),
                new StringDeserializer(), new ErrorHandlingDeserializer<>(EventSerde.any()));
        var factory = new ConcurrentKafkaListenerContainerFactory<String, RelayEvent>();
        factory.setConsumerFactory(consumers);
        factory.setCommonErrorHandler(errorHandler);
        factory.setConcurrency(props.listener().concurrency(props.topics()));
        // a consumer's wait for Redis or Kafka ends when its listener succeeds again, or its partitions change
        factory.setBatchInterceptor(outages.batchInterceptor());
        factory.setRecordInterceptor(outages.recordInterceptor());
        factory.getContainerProperties().setConsumerRebalanceListener(outages.rebalanceListener());
        return factory;
    }

    @Bean
    WeComClient weComClient(ResponderProperties props) {
        var delivery = props.delivery();
        var policy = OutboundPolicy.of(delivery.allowedHosts());
        log.info("replies may be sent to {}", policy);
        return new WeComClient(HttpClient.create(), policy, delivery.wecomApiBaseUrl(), delivery.requestTimeout());
    }

    @Bean
    RedisRateLimiter rateLimiter(ReactiveStringRedisTemplate redis, Clock clock, MeterRegistry meters, ResponderProperties props) {
        var limit = props.delivery().rateLimit();
        return new RedisRateLimiter(redis, clock, UUID::randomUUID, limit.keyPrefix(), limit.permits(),
                limit.window().plus(limit.margin()), meters);
    }

    @Bean
    DeliveryRecorder deliveryRecorder(KafkaTemplate<String, Object> kafka, Clock clock, MeterRegistry meters) {
        return new DeliveryRecorder(kafka, clock, UUID::randomUUID, meters);
    }

    @Bean
    DeadLetters deadLetters(KafkaTemplate<String, Object> kafka, MeterRegistry meters) {
        return new DeadLetters(kafka, meters);
    }

    @Bean
    ReplyDeliverer replyDeliverer(WeComClient client, RedisRateLimiter limiter, DeliveryRecorder recorder,
                                  DeadLetters deadLetters, Clock clock, ResponderProperties props) {
        var delivery = props.delivery();
        return new ReplyDeliverer(client, limiter, recorder, deadLetters, clock, new ReplyDeliverer.Settings(
                delivery.retry(), delivery.responseUrlLifetime(), props.stream().truncatedNote()));
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
        // unique per process: a restarted instance is a new consumer, its predecessor's pending jobs are claimed
        String host = System.getenv().getOrDefault("HOSTNAME", "responder");
        String consumer = host + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new OutboxSettings(consumer, outbox.leaseTtl(), outbox.claimMinIdle(), outbox.pollInterval(),
                outbox.batch(), outbox.errorBackoff(), delivery.requestTimeout(), delivery.shutdownGrace());
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

    // Started here and after every reload of the bots file (a new active bot gets its worker), stopped by
    // Spring through close() after the listener containers stopped.
    @Bean
    OutboxDelivery outboxDelivery(BotsFile bots, RedisOutbox outbox, OutboxJobRunner jobs, Clock clock,
                                  OutboxSettings settings) {
        var delivery = new OutboxDelivery(bots, outbox, jobs, clock, settings);
        delivery.start();
        bots.onReload(registry -> delivery.start());
        return delivery;
    }

    @Bean
    ChunkMaterializer chunkMaterializer(StreamStateStore store, OutboxTickets tickets, Clock clock, MeterRegistry meters) {
        return new ChunkMaterializer(store, tickets, clock, meters);
    }

    @Bean
    RejectionMaterializer rejectionMaterializer(StreamStateStore store, BotsFile bots, OutboxTickets tickets,
                                                MeterRegistry meters, ResponderProperties props) {
        return new RejectionMaterializer(store, bots, tickets, meters, StreamStateKeys.MAX_CONTENT_BYTES,
                props.stream().truncatedNote());
    }

    // Started once the topics exist, never by the context itself.
    @Bean
    ConcurrentMessageListenerContainer<String, RelayEvent> chunksContainer(
            ConcurrentKafkaListenerContainerFactory<String, RelayEvent> factory, ChunkMaterializer listener,
            TopicProvisioning topics) {
        var container = factory.createContainer(Topics.CHUNKS.name());
        container.getContainerProperties().setMessageListener(listener);
        container.setAutoStartup(false);
        topics.whenDone(container::start);
        return container;
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

    private static Throwable rootCause(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    /** Spring's default producer listener logs up to 100 characters of a failed record's value: message text. */
    static <K, V> KafkaTemplate<K, V> withoutContentLogging(KafkaTemplate<K, V> template) {
        var listener = new LoggingProducerListener<K, V>();
        listener.setIncludeContents(false);
        template.setProducerListener(listener);
        return template;
    }
}

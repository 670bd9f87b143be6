package io.wecomrelay.llm;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.netty.channel.ChannelOption;
import io.wecomrelay.llm.consume.AcceptedConsumer;
import io.wecomrelay.llm.consume.DeadLetters;
import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.llm.feedback.FeedbackForwarder;
import io.wecomrelay.llm.handle.AcceptedMessageHandler;
import io.wecomrelay.llm.handle.ChunkFactories;
import io.wecomrelay.llm.handle.QueryAnswerer;
import io.wecomrelay.llm.handle.ReplyAttempts;
import io.wecomrelay.llm.handle.ReplyRunner;
import io.wecomrelay.llm.input.Inputs;
import io.wecomrelay.llm.media.Attachments;
import io.wecomrelay.llm.media.MediaBudget;
import io.wecomrelay.llm.media.MediaFetcher;
import io.wecomrelay.llm.metrics.WorkerMetrics;
import io.wecomrelay.llm.publish.ChunkPublisher;
import io.wecomrelay.llm.reply.ErrorTexts;
import io.wecomrelay.llm.reply.ReplyStreams;
import io.wecomrelay.llm.state.ConversationStore;
import io.wecomrelay.llm.state.MessageStore;
import io.wecomrelay.llm.state.StreamLedger;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.schemas.topic.Topics;
import io.wecomrelay.schemas.wecom.crypto.AesCbcEngines;
import io.wecomrelay.schemas.wecom.crypto.MediaCipher;
import io.wecomrelay.support.bots.BotsFile;
import io.wecomrelay.support.bots.BotsFileWatcher;
import io.wecomrelay.support.kafka.KafkaHealthIndicator;
import io.wecomrelay.support.kafka.TopicProvisioning;
import io.wecomrelay.support.kafka.TopicsHealthConfiguration;
import io.wecomrelay.support.outbound.GuardedHttpClient;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import reactor.core.scheduler.Schedulers;
import reactor.netty.http.client.HttpClient;
import reactor.netty.resources.ConnectionProvider;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.kafka.autoconfigure.KafkaProperties;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.data.redis.core.ReactiveStringRedisTemplate;
import org.springframework.http.client.reactive.ReactorClientHttpConnector;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.support.LoggingProducerListener;
import org.springframework.kafka.support.serializer.ErrorHandlingDeserializer;
import org.springframework.util.unit.DataSize;
import org.springframework.web.reactive.function.client.WebClient;

/** The only place the worker wires beans; everything below it is plain Java. */
@Configuration(proxyBeanMethods = false)
@Import(TopicsHealthConfiguration.class)   // health component "topics", in readiness
@EnableConfigurationProperties(LlmWorkerProperties.class)
class LlmWorkerConfiguration {

    /** Stop calls and idle connections on top of one connection per reply in flight. */
    private static final int EXTRA_CONNECTIONS = 32;
    /** Kafka's default {@code max.request.size}. */
    private static final long DEFAULT_MAX_REQUEST_SIZE = 1024 * 1024;
    /** Batch header (61 bytes), record header (at most 21) and header varints, with room to spare. */
    private static final int RECORD_FRAMING_BYTES = 512;

    @Bean
    Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    Supplier<UUID> idGenerator() {
        return UUID::randomUUID;
    }

    /** Every reply looks its bot up here, so a changed Dify app applies to the next reply. */
    @Bean
    BotsFile botsFile(LlmWorkerProperties properties, MeterRegistry registry) {
        return BotsFile.load(properties.botsFile(), new BotRegistryLoader(System::getenv), registry);
    }

    @Bean
    BotsFileWatcher botsFileWatcher(BotsFile bots, LlmWorkerProperties properties) {
        return BotsFileWatcher.start(bots, properties.botsReloadInterval());
    }

    /** Reactor Netty's default pool has 16 connections: far too few for long-lived streams. */
    @Bean(destroyMethod = "dispose")
    ConnectionProvider difyConnections(LlmWorkerProperties properties) {
        return ConnectionProvider.builder("dify")
                .maxConnections(properties.consumer().maxInFlight() + EXTRA_CONNECTIONS)
                .pendingAcquireMaxCount(-1)
                .build();
    }

    @Bean
    DifyClient difyClient(ConnectionProvider difyConnections, LlmWorkerProperties properties) {
        var dify = properties.dify();
        var http = HttpClient.create(difyConnections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) dify.connectTimeout().toMillis());
        var web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
        var retry = new DifyClient.RetryPolicy(dify.maxAttempts(), dify.firstBackoff(), dify.maxBackoff(), dify.jitter());
        var limits = new DifyClient.StreamLimits(bytes(dify.maxLineSize()), bytes(dify.maxEventSize()));
        return new DifyClient(web, retry, dify.stopTimeout(), dify.requestTimeout(), limits);
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
        long largestDownload = media.maxSize().toBytes() + MediaFetcher.PADDING;
        if (media.memoryBudget().toBytes() < largestDownload) {
            throw new IllegalStateException("relay.worker.media.memory-budget must hold one file: at least max-size + "
                    + MediaFetcher.PADDING + " bytes (" + largestDownload + ")");
        }
        var budget = new MediaBudget(media.memoryBudget().toBytes());
        Gauge.builder("relay.worker.media.memory.available", budget, MediaBudget::available).baseUnit("bytes")
                .description("Bytes of the media memory budget not held by a transfer").register(registry);
        return budget;
    }

    /** Downloads go only to allow-listed hosts: the URL is checked first, the resolved address right before connecting. */
    @Bean
    Attachments attachments(ConnectionProvider mediaConnections, MediaBudget mediaBudget, DifyClient dify,
                            LlmWorkerProperties properties, WorkerMetrics metrics, Clock clock) {
        var media = properties.media();
        var policy = OutboundPolicy.of(media.allowedHosts());
        var http = GuardedHttpClient.guard(HttpClient.create(mediaConnections)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) properties.dify().connectTimeout().toMillis()), policy);
        var web = WebClient.builder().clientConnector(new ReactorClientHttpConnector(http)).build();
        var fetcher = new MediaFetcher(web, policy, new MediaCipher(AesCbcEngines.defaultEngine()), mediaBudget,
                media.memoryWait());
        var limits = new Attachments.Limits(media.maxSize().toBytes(), media.maxAttachments(), media.downloadTimeout());
        return new Attachments(fetcher, dify, limits, metrics, clock);
    }

    @Bean
    WorkerMetrics workerMetrics(MeterRegistry registry) {
        return new WorkerMetrics(registry);
    }

    @Bean
    ReplyStreams replyStreams(DifyClient dify, LlmWorkerProperties properties, WorkerMetrics metrics) {
        var reply = properties.reply();
        var settings = new ReplyStreams.Settings(reply.coalesceInterval(), reply.coalesceMaxChars(), reply.idleTimeout(),
                reply.showThoughts(), reply.maxAnswerSize().toBytes());
        return new ReplyStreams(dify, settings, new ErrorTexts(properties.texts().errors()), Schedulers.parallel(), metrics);
    }

    @Bean
    StreamLedger streamLedger(ReactiveStringRedisTemplate redis, LlmWorkerProperties properties) {
        var consumer = properties.consumer();
        return new StreamLedger(redis, properties.ledger().ttl(), properties.conversations().ttl(),
                properties.ledger().redisTimeout(), consumer.failureBackoff(), consumer.maxFailureBackoff());
    }

    @Bean
    ConversationStore conversationStore(ReactiveStringRedisTemplate redis, LlmWorkerProperties properties) {
        return new ConversationStore(redis, properties.conversations().ttl(), properties.ledger().redisTimeout());
    }

    @Bean
    MessageStore messageStore(ReactiveStringRedisTemplate redis, LlmWorkerProperties properties) {
        return new MessageStore(redis, properties.feedback().messageTtl(), properties.ledger().redisTimeout());
    }

    @Bean
    KafkaTemplate<String, RelayEvent> chunkKafkaTemplate(KafkaProperties kafka) {
        return withoutContentLogging(new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(kafka.buildProducerProperties(),
                new StringSerializer(), EventSerde.any())));
    }

    @Bean
    KafkaTemplate<String, byte[]> deadLetterKafkaTemplate(KafkaProperties kafka) {
        return withoutContentLogging(new KafkaTemplate<>(new DefaultKafkaProducerFactory<>(kafka.buildProducerProperties(),
                new StringSerializer(), new ByteArraySerializer())));
    }

    @Bean
    ReplyAttempts replyAttempts(LlmWorkerProperties properties, KafkaProperties kafka, BotsFile bots, StreamLedger ledger,
                                ConversationStore conversations, MessageStore messages, ReplyStreams replies,
                                Attachments attachments, WorkerMetrics metrics,
                                KafkaTemplate<String, RelayEvent> chunkKafkaTemplate, Clock clock,
                                Supplier<UUID> idGenerator) {
        var texts = properties.texts();
        var answerer = new QueryAnswerer(conversations, messages, replies, attachments, properties.reply().deadline());
        var runner = new ReplyRunner(bots, conversations, answerer,
                new ReplyRunner.Settings(texts.resetDone(), texts.emptyQuery()), metrics);
        var publisher = new ChunkPublisher(chunkKafkaTemplate, properties.topics().chunks(),
                maxChunkRecordBytes(kafka));
        return new ReplyAttempts(ledger, runner, publisher, new ChunkFactories(clock, idGenerator), replies.texts());
    }

    @Bean
    AcceptedMessageHandler acceptedMessageHandler(LlmWorkerProperties properties, ReplyAttempts replies,
                                                  BotsFile bots, MessageStore messages, DifyClient dify,
                                                  WorkerMetrics metrics, Clock clock) {
        var input = properties.input();
        var inputs = new Inputs(input.mentionNames(), properties.conversations().resetCommands(), input.mediaOnlyQuery());
        var feedback = new FeedbackForwarder(bots, messages, dify, properties.feedback().timeout(), metrics);
        return new AcceptedMessageHandler(inputs, replies, feedback, bots, properties.age().limits(), clock, metrics);
    }

    @Bean
    AcceptedConsumer acceptedConsumer(LlmWorkerProperties properties, KafkaProperties kafka,
                                      AcceptedMessageHandler handler, KafkaTemplate<String, byte[]> deadLetterKafkaTemplate,
                                      WorkerMetrics metrics) {
        var consumer = properties.consumer();
        Map<String, Object> config = new HashMap<>(kafka.buildConsumerProperties());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, consumer.groupId());
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        config.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        Supplier<Consumer<String, MessageAccepted>> consumers = () -> new KafkaConsumer<>(config,
                new StringDeserializer(), new ErrorHandlingDeserializer<>(EventSerde.of(MessageAccepted.class)));
        var settings = new AcceptedConsumer.Settings(consumer.maxInFlight(), consumer.perBotShare(),
                consumer.maxBuffered(), consumer.pollTimeout(), consumer.shutdownGrace(), consumer.failureBackoff(),
                consumer.maxFailureBackoff(), consumer.maxAttempts());
        return new AcceptedConsumer(consumers, properties.topics().accepted(), handler::handle,
                new DeadLetters(deadLetterKafkaTemplate), settings, metrics);
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

    /**
     * The largest chunk record the publisher makes: the producer's {@code max.request.size} less
     * {@value #RECORD_FRAMING_BYTES} bytes for what it adds around key, value and headers (batch and
     * record framing, varints), so that the producer never refuses a chunk for its size.
     */
    static long maxChunkRecordBytes(KafkaProperties kafka) {
        Object configured = kafka.buildProducerProperties().get(ProducerConfig.MAX_REQUEST_SIZE_CONFIG);
        long maxRequestSize = configured == null ? DEFAULT_MAX_REQUEST_SIZE : Long.parseLong(configured.toString().trim());
        return maxRequestSize - RECORD_FRAMING_BYTES;
    }

    /** A size bound as an int, at least 1 byte; sizes past 2 GB mean "no bound" anyway. */
    private static int bytes(DataSize size) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, size.toBytes()));
    }

    /** Spring's default producer listener logs up to 100 characters of a failed record's value: message text. */
    static <K, V> KafkaTemplate<K, V> withoutContentLogging(KafkaTemplate<K, V> template) {
        var listener = new LoggingProducerListener<K, V>();
        listener.setIncludeContents(false);
        template.setProducerListener(listener);
        return template;
    }
}

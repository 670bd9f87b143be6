package io.wecomrelay.benchmarks.floor;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The llm-worker's and the responder's shape at its least: a poll loop on one thread (timeout 100 ms, the worker's),
 * for each record one EVALSHA (a hash field and a TTL, as the services' Lua scripts write) and one send, offsets
 * committed asynchronously at most every second (both services' commit-interval).
 */
final class RelayHop implements FloorHop {

    private static final Logger log = LoggerFactory.getLogger(RelayHop.class);
    private static final String SCRIPT = "redis.call('HSET', KEYS[1], 'offset', ARGV[1]) "
            + "redis.call('PEXPIRE', KEYS[1], ARGV[2]) return 1";
    static final Duration POLL = Duration.ofMillis(100);
    static final Duration COMMIT_EVERY = Duration.ofSeconds(1);
    private static final String TTL_MS = "600000";

    private final KafkaConsumer<String, byte[]> consumer;
    private final KafkaProducer<String, byte[]> producer;
    private final RedisClient redisClient;
    private final StatefulRedisConnection<String, String> redis;
    private final String sha;
    private final String out;
    private final Thread loop;
    private volatile boolean running = true;

    private RelayHop(FloorArgs args) {
        consumer = new KafkaConsumer<>(FloorKafka.consumer(args.kafka(), "floor-relay"), new StringDeserializer(),
                new ByteArrayDeserializer());
        producer = FloorKafka.producer(args.kafka(), 0);
        redisClient = RedisClient.create(args.redis());
        redis = redisClient.connect();
        sha = redis.sync().scriptLoad(SCRIPT);
        out = args.out();
        consumer.subscribe(List.of(args.in()));
        loop = new Thread(this::run, "floor-relay-poll");
    }

    static RelayHop start(FloorArgs args) {
        var hop = new RelayHop(args);
        hop.loop.start();
        return hop;
    }

    private void run() {
        var pending = new HashMap<TopicPartition, OffsetAndMetadata>();
        long lastCommit = System.nanoTime();
        try {
            while (running) {
                for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
                    String key = record.key() == null ? "none" : record.key();
                    redis.sync().evalsha(sha, ScriptOutputType.INTEGER, new String[] {"floor:relay:" + key},
                            Long.toString(record.offset()), TTL_MS);
                    producer.send(new ProducerRecord<>(out, record.key(), record.value()), (metadata, error) -> {
                        if (error != null) {
                            log.warn("send failed: {}", error.toString());
                        }
                    });
                    pending.put(new TopicPartition(record.topic(), record.partition()), new OffsetAndMetadata(record.offset() + 1));
                }
                if (!pending.isEmpty() && System.nanoTime() - lastCommit >= COMMIT_EVERY.toNanos()) {
                    consumer.commitAsync(Map.copyOf(pending), null);
                    pending.clear();
                    lastCommit = System.nanoTime();
                }
            }
        } catch (WakeupException e) {
            // closing
        }
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            loop.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        consumer.close();
        producer.close();
        redis.close();
        redisClient.shutdown();
    }
}

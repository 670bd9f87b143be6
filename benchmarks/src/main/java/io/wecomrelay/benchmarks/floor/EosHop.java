package io.wecomrelay.benchmarks.floor;

import java.time.Duration;
import java.util.Properties;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * The processor's shape at its least: a Kafka Streams app with the processor's settings (exactly_once_v2, one stream
 * thread, commit interval 50 ms, poll.ms 10 ms, the stream producer's linger.ms 5 and retry.backoff.ms 10) that
 * writes one record per input and one update of a persistent, changelogged store (what a decision needs at least:
 * the dedup entry). No global table thread (the processor's entitlements) and no JSON.
 */
final class EosHop implements FloorHop {

    static final String STORE = "floor-seen";
    static final Duration COMMIT_INTERVAL = Duration.ofMillis(50);
    static final Duration POLL = Duration.ofMillis(10);

    private final KafkaStreams streams;

    private EosHop(FloorArgs args) {
        var builder = new StreamsBuilder();
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(STORE), Serdes.String(), Serdes.Long()));
        builder.stream(args.in(), Consumed.with(Serdes.String(), Serdes.ByteArray()))
                .process(Remember::new, STORE)
                .to(args.out(), Produced.with(Serdes.String(), Serdes.ByteArray()));
        streams = new KafkaStreams(builder.build(), settings(args));
    }

    static EosHop start(FloorArgs args) throws InterruptedException {
        var hop = new EosHop(args);
        hop.streams.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
        while (hop.streams.state() != KafkaStreams.State.RUNNING && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        if (hop.streams.state() != KafkaStreams.State.RUNNING) {
            hop.close();
            throw new IllegalStateException("floor eos hop not RUNNING after 120 s");
        }
        return hop;
    }

    static Properties settings(FloorArgs args) {
        var props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "floor-eos");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, args.kafka());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, COMMIT_INTERVAL.toMillis());
        props.put(StreamsConfig.POLL_MS_CONFIG, POLL.toMillis());
        props.put(StreamsConfig.STATE_DIR_CONFIG, args.stateDirectory().toString());
        props.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        props.put(StreamsConfig.producerPrefix(ProducerConfig.RETRY_BACKOFF_MS_CONFIG), 10);
        return props;
    }

    @Override
    public void close() {
        streams.close(Duration.ofSeconds(20));
    }

    /** Stores when it saw the key, forwards the record as it came. */
    private static final class Remember implements Processor<String, byte[], String, byte[]> {

        private ProcessorContext<String, byte[]> context;
        private KeyValueStore<String, Long> seen;

        @Override
        public void init(ProcessorContext<String, byte[]> context) {
            this.context = context;
            this.seen = context.getStateStore(STORE);
        }

        @Override
        public void process(Record<String, byte[]> record) {
            seen.put(record.key() == null ? "none" : record.key(), record.timestamp());
            context.forward(record);
        }
    }
}

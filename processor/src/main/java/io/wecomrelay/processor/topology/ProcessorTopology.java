package io.wecomrelay.processor.topology;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;

import io.wecomrelay.processor.auth.Auth;
import io.wecomrelay.processor.auth.Entitlement;
import io.wecomrelay.processor.auth.EntitlementPolicy;
import io.wecomrelay.processor.auth.EntitlementSerde;
import io.wecomrelay.processor.decision.Case;
import io.wecomrelay.processor.decision.DecisionListener;
import io.wecomrelay.processor.decision.DecisionRecorder;
import io.wecomrelay.processor.decision.DecisionTrace;
import io.wecomrelay.processor.dedup.Dedup;
import io.wecomrelay.processor.ratelimit.RateLimit;
import io.wecomrelay.processor.types.MessageTypes;
import io.wecomrelay.schemas.bot.BotSource;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageReceived;
import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.TopologyConfig;
import org.apache.kafka.streams.kstream.Branched;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.state.KeyValueStore;
import org.jspecify.annotations.Nullable;

/**
 * The processor's topology: every record on the inbound topic gets exactly one decision, written to
 * the accepted or the rejected topic.
 * <pre>
 * inbound ─ read-event ─ open-case ─ dedup ─ auth ─ message-type ─ rate-limit ─ record-decision ─┬─ accepted
 *                          (bots)   (store)  (entitlements)         (store)                      └─ rejected
 * </pre>
 * The inbound topic is keyed by bot id, so one bot's messages share a partition and the dedup and
 * rate-limit stores need no repartitioning. Every source, processor, store and sink is named; there
 * are no repartition topics. A record that cannot be read or processed goes, as it arrived, to the
 * dead-letter topic named in the Streams settings ({@link StreamsSettings}).
 */
public final class ProcessorTopology {

    private final Settings settings;
    private final BotSource bots;
    private final DecisionListener listener;
    private final DecisionTrace trace;
    private final EventSerde<MessageReceived> inboundSerde = EventSerde.of(MessageReceived.class);

    /**
     * @param topics         the topic names
     * @param dedupRetention how long a (bot id, msgid) is remembered, in record time
     * @param entitlements   whether and for which bots the entitlement table is consulted
     */
    public record Settings(ProcessorTopics topics, Duration dedupRetention, EntitlementPolicy entitlements) {

        public Settings {
            Objects.requireNonNull(topics, "topics");
            Objects.requireNonNull(dedupRetention, "dedupRetention");
            Objects.requireNonNull(entitlements, "entitlements");
        }
    }

    /** @param bots looked up for every record: a reloaded bots file applies from the next record on */
    public ProcessorTopology(Settings settings, BotSource bots, DecisionListener listener) {
        this(settings, bots, listener, DecisionTrace.NONE);
    }

    /** @param trace the decisions' spans, whose trace context the decision records carry */
    public ProcessorTopology(Settings settings, BotSource bots, DecisionListener listener, DecisionTrace trace) {
        this.settings = settings;
        this.bots = bots;
        this.listener = listener;
        this.trace = trace;
    }

    /** Builds the topology the way the running application does, with the naming checks of {@code streamsConfig}. */
    public Topology build(Map<String, Object> streamsConfig) {
        return build(streamsConfig, false, EventSerde.any());
    }

    /**
     * The same topology for an isolated run under a test driver whose state is thrown away ({@code relay replay}):
     * its stores in memory and without changelogs (the driver commits after every record, and a commit makes a
     * persistent store flush and write its position file to disk). They decide exactly as the running processor's.
     */
    public Topology buildIsolated(Map<String, Object> streamsConfig) {
        return buildIsolated(streamsConfig, EventSerde.any());
    }

    /**
     * {@link #buildIsolated(Map)} whose sinks write the decision events with {@code decisions}: a replay that compares
     * the events themselves hands them over as they are instead of writing JSON only to read it back. The decisions
     * are made by the same graph; only how the two sinks turn an event into bytes differs.
     */
    public Topology buildIsolated(Map<String, Object> streamsConfig, Serde<RelayEvent> decisions) {
        return build(streamsConfig, true, decisions);
    }

    private Topology build(Map<String, Object> streamsConfig, boolean isolated, Serde<RelayEvent> decisions) {
        var properties = new Properties();
        properties.putAll(streamsConfig);
        var builder = new StreamsBuilder(new TopologyConfig(new StreamsConfig(properties)));
        addTo(builder, isolated, decisions);
        return builder.build(properties);
    }

    /** Defines the whole graph on a builder someone else owns (Spring's, in production). */
    public void addTo(StreamsBuilder builder) {
        addTo(builder, false, EventSerde.any());
    }

    private void addTo(StreamsBuilder builder, boolean isolated, Serde<RelayEvent> decisionSerde) {
        ProcessorTopics topics = settings.topics();
        builder.addStateStore(isolated ? Dedup.isolatedStoreBuilder(settings.dedupRetention())
                : Dedup.storeBuilder(settings.dedupRetention()));
        builder.addStateStore(isolated ? RateLimit.isolatedStoreBuilder() : RateLimit.storeBuilder());
        builder.globalTable(topics.entitlements(),
                Consumed.with(Serdes.String(), new EntitlementSerde()).withName("entitlements"),
                Materialized.<String, Entitlement, KeyValueStore<Bytes, byte[]>>as(Auth.ENTITLEMENTS_STORE)
                        .withKeySerde(Serdes.String()).withValueSerde(new EntitlementSerde()));

        KStream<String, RelayEvent> decisions = builder
                .stream(topics.inbound(), Consumed.with(Serdes.String(), Serdes.ByteArray()).withName("inbound-source"))
                .mapValues(this::read, Named.as("read-event"))
                .mapValues(received -> Case.open(received, bots.find(received.botId()).orElse(null)), Named.as("open-case"))
                .processValues(Dedup.processor(settings.dedupRetention()), Named.as("dedup"), Dedup.STORE)
                .processValues(Auth.processor(settings.entitlements()), Named.as("auth"))
                .mapValues(MessageTypes::judge, Named.as("message-type"))
                .processValues(RateLimit.processor(), Named.as("rate-limit"), RateLimit.STORE)
                .process(() -> new DecisionRecorder(listener, trace), Named.as("record-decision"));

        decisions.split(Named.as("outcome-"))
                .branch((key, event) -> event instanceof MessageAccepted, Branched.withConsumer(
                        accepted -> accepted.to(topics.accepted(), produced("accepted-sink", decisionSerde)), "accepted"))
                .defaultBranch(Branched.withConsumer(
                        rejected -> rejected.to(topics.rejected(), produced("rejected-sink", decisionSerde)), "rejected"));
    }

    /**
     * Reads the inbound event inside the topology rather than in the source: a record that cannot be
     * read then takes the same path as one that fails later (the processing exception handler and the
     * dead-letter topic), one path that {@code TopologyTestDriver} covers too.
     */
    private MessageReceived read(byte @Nullable [] value) {
        if (value == null) {
            throw new SerializationException("record without value on " + settings.topics().inbound());
        }
        MessageReceived received = inboundSerde.deserialize(settings.topics().inbound(), value);
        return Objects.requireNonNull(received, "received");
    }

    private static Produced<String, RelayEvent> produced(String name, Serde<RelayEvent> serde) {
        return Produced.with(Serdes.String(), serde).withName(name);
    }
}

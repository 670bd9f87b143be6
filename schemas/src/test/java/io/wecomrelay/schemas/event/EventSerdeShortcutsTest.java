package io.wecomrelay.schemas.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.SplittableRandom;

import io.wecomrelay.schemas.testing.Events;
import org.apache.kafka.common.errors.SerializationException;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

/**
 * The event mapper formats and parses instants and calls record constructors itself
 * ({@link EventJacksonModule}); the results must be exactly Jackson's and the JDK's.
 */
class EventSerdeShortcutsTest {

    // Jackson's own java.time handling, for comparison.
    private static final JsonMapper PLAIN = JsonMapper.builder().build();

    @Test
    void formatsInstantsExactlyAsToString() {
        var random = new SplittableRandom(5);
        List<Instant> instants = new java.util.ArrayList<>(List.of(Instant.EPOCH, Instant.MIN, Instant.MAX,
                Instant.parse("0000-01-01T00:00:00Z"), Instant.parse("9999-12-31T23:59:59.999999999Z"),
                Instant.parse("-0001-12-31T23:59:59Z"), Instant.parse("+10000-01-01T00:00:00Z"),
                Instant.parse("2026-11-21T08:00:00Z"), Instant.parse("2026-11-21T08:00:00.100Z"),
                Instant.parse("2026-11-21T08:00:00.000100Z"), Instant.parse("2026-11-21T08:00:00.000000100Z"),
                Instant.parse("1969-12-31T23:59:59.999Z")));
        for (int i = 0; i < 20_000; i++) {
            long seconds = random.nextLong(-400_000_000_000L, 400_000_000_000L);
            int nanos = switch (random.nextInt(4)) {
                case 0 -> 0;
                case 1 -> random.nextInt(1000) * 1_000_000;
                case 2 -> random.nextInt(1_000_000) * 1_000;
                default -> random.nextInt(1_000_000_000);
            };
            instants.add(Instant.ofEpochSecond(seconds, nanos));
        }
        for (Instant instant : instants) {
            assertThat(IsoInstants.format(instant)).isEqualTo(instant.toString());
            if (instant.toString().length() <= 30 && !instant.toString().startsWith("+") && !instant.toString().startsWith("-")) {
                assertThat(IsoInstants.parseUtc(instant.toString())).isEqualTo(instant);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"2026-11-21T08:00:00.1Z", "2026-11-21T08:00:00.12Z", "2026-11-21T08:00:00.1234Z",
        "2026-11-21T08:00:00.12345678Z", "2026-11-21T08:00:00.123456789Z", "2024-02-29T23:59:59Z", "0000-01-01T00:00:00Z"})
    void parsesEveryFractionLengthAsInstantParseDoes(String text) {
        assertThat(IsoInstants.parseUtc(text)).isEqualTo(Instant.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "2026-11-21", "2026-11-21T08:00Z", "2026-11-21T08:00:00", "2026-11-21t08:00:00Z",
        "2026-11-21T08:00:00z", "2026-02-30T08:00:00Z", "2025-02-29T08:00:00Z", "2026-13-01T08:00:00Z",
        "2026-00-01T08:00:00Z", "2026-11-00T08:00:00Z", "2026-11-21T24:00:00Z", "2026-11-21T23:60:00Z",
        "2026-11-21T23:59:60Z", "2026-11-21T08:00:00.Z", "2026-11-21T08:00:00.1234567890Z", "2026-11-21T08:00:00,1Z",
        "2026-11-21T08:00:00+08:00", "2026-11-21T08:00:00.1+00:00", "+2026-11-21T08:00:00Z", "-2026-11-21T08:00:00Z",
        " 2026-11-21T08:00:00Z", "2026-11-21T08:00:00Z ", "2026-1a-21T08:00:00Z", "2026-11-21T08:0-:00Z",
        "１２３４-11-21T08:00:00Z", "1763712000"})
    void leavesEverythingElseToJackson(String text) {
        assertThat(IsoInstants.parseUtc(text)).isNull();
        // and reading it gives what Jackson alone gives (an instant, null or a failure)
        assertThat(eventMapperInstant('"' + text + '"')).isEqualTo(plainInstant('"' + text + '"'));
    }

    @Test
    void readsInstantsInOtherFormsAsJacksonDoes() {
        for (String json : List.of("1763712000", "1763712000.5", "\"2026-11-21T16:00:00+08:00\"", "\"2026-11-21T08:00:00.123Z\"")) {
            assertThat(readOccurredAt(json)).as(json).isEqualTo(plainInstant(json)).isInstanceOf(Instant.class);
            assertThat(eventMapperInstant(json)).as(json).isEqualTo(plainInstant(json));
        }
    }

    @Test
    void chatTypeIsReadCaseInsensitivelyAndAnythingElseFails() {
        var serde = EventSerde.of(MessageReceived.class);
        String json = json(Events.received("bot-1", "m", Events.T0));

        assertThat(serde.deserialize("t", bytes(json.replace("\"chatType\":\"single\"", "\"chatType\":\"SINGLE\"")))
                .message().chatType()).isEqualTo(ChatType.SINGLE);
        assertThat(serde.deserialize("t", bytes(json.replace("\"chatType\":\"single\"", "\"chatType\":\"Group\"")))
                .message().chatType()).isEqualTo(ChatType.GROUP);
        for (String bad : List.of("\"channel\"", "1", "null", "{}", "[\"single\"]", "true")) {
            assertThatThrownBy(() -> serde.deserialize("t", bytes(json.replace("\"chatType\":\"single\"", "\"chatType\":" + bad))))
                    .as(bad).isInstanceOf(SerializationException.class);
        }
    }

    @Test
    void constructorChecksStillFailAsSerializationExceptions() {
        var serde = EventSerde.of(MessageReceived.class);
        String json = json(Events.received("bot-1", "m", Events.T0));

        for (String broken : List.of(json.replace("\"botId\":\"bot-1\",", ""), json.replace("\"traceId\":", "\"x\":"),
                json.replaceFirst("\"body\":\\{", "\"bodyX\":{"), json.replace("\"message\":{", "\"message\":null,\"m\":{"))) {
            assertThatThrownBy(() -> serde.deserialize("t", bytes(broken))).as(broken)
                    .isInstanceOf(SerializationException.class).isNotInstanceOf(UnknownEventTypeException.class);
        }
    }

    @Test
    void everyEventRoundTripsAndWritesWhatPlainJacksonWrites() throws Exception {
        var serde = EventSerde.any();
        JsonMapper plain = JsonMapper.builder()
                .disable(tools.jackson.databind.cfg.DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS).build();
        for (RelayEvent event : EventSchemaTest.samples().toList()) {
            byte[] written = serde.serialize("t", event);

            assertThat(new String(written, StandardCharsets.UTF_8))
                    .isEqualTo(plain.writerFor(RelayEvent.class).writeValueAsString(event));
            assertThat(serde.deserialize("t", written)).isEqualTo(event);
            assertThat(plain.readValue(written, RelayEvent.class)).isEqualTo(event);
        }
    }

    private static @Nullable Object readOccurredAt(String value) {
        String json = json(Events.received("bot-1", "m", Events.T0)).replace("\"2026-11-21T08:00:00Z\"", value);
        try {
            return EventSerde.of(MessageReceived.class).deserialize("t", bytes(json)).meta().occurredAt();
        } catch (SerializationException e) {
            return "failed";
        }
    }

    private static @Nullable Object eventMapperInstant(String value) {
        try {
            return EventSerde.mapper().readValue(value, Instant.class);
        } catch (RuntimeException e) {
            return "failed";
        }
    }

    private static @Nullable Object plainInstant(String value) {
        try {
            return PLAIN.readValue(value, Instant.class);
        } catch (RuntimeException e) {
            return "failed";
        }
    }

    private static String json(RelayEvent event) {
        return new String(EventSerde.any().serialize("t", event), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String json) {
        return json.getBytes(StandardCharsets.UTF_8);
    }
}

package io.wecomrelay.schemas.event;

import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

import com.fasterxml.jackson.annotation.JsonFormat;
import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.BeanProperty;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.deser.std.StdDeserializer;
import tools.jackson.databind.ext.javatime.deser.InstantDeserializer;
import tools.jackson.databind.ext.javatime.ser.InstantSerializer;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Writes and reads the instants of events ({@code Instant.toString()}: {@code 2026-11-21T08:00:00.123Z})
 * without {@code DateTimeFormatter}, which took a fifth of the time to read a {@code message-received.v1}
 * and a fifth of the time to write a decision (JFR, processor replay profile). Text in any other form,
 * and years outside 0000-9999, go to Jackson's and the JDK's own code, unchanged.
 */
final class IsoInstants {

    private static final long FIRST_SECOND_OF_0000 = -62_167_219_200L;
    private static final long FIRST_SECOND_OF_10000 = 253_402_300_800L;
    private static final int[] NANOS_PER_DIGIT = {0, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1};

    private IsoInstants() {
    }

    /**
     * {@code yyyy-MM-ddTHH:mm:ss[.f{1,9}]Z} with a valid date and time (no leap second) as the instant
     * {@link Instant#parse} gives; null for anything else, including other forms it accepts.
     */
    static @Nullable Instant parseUtc(String text) {
        int length = text.length();
        if (length < 20 || length > 30 || text.charAt(4) != '-' || text.charAt(7) != '-' || text.charAt(10) != 'T'
                || text.charAt(13) != ':' || text.charAt(16) != ':' || text.charAt(length - 1) != 'Z') {
            return null;
        }
        int year = digits(text, 0, 4);
        int month = digits(text, 5, 2);
        int day = digits(text, 8, 2);
        int hour = digits(text, 11, 2);
        int minute = digits(text, 14, 2);
        int second = digits(text, 17, 2);
        if (year < 0 || month < 0 || day < 0 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0
                || second > 59) {
            return null;
        }
        int nanos = 0;
        if (length > 20) {
            int fractionDigits = length - 21;
            int fraction = fractionDigits < 1 || text.charAt(19) != '.' ? -1 : digits(text, 20, fractionDigits);
            if (fraction < 0) {
                return null;
            }
            nanos = fraction * NANOS_PER_DIGIT[fractionDigits];
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return null;
        }
        return Instant.ofEpochSecond(epochDay * 86_400 + hour * 3_600L + minute * 60L + second, nanos);
    }

    /** Exactly {@link Instant#toString()}, computed directly for the years 0000 to 9999. */
    static String format(Instant instant) {
        long seconds = instant.getEpochSecond();
        if (seconds < FIRST_SECOND_OF_0000 || seconds >= FIRST_SECOND_OF_10000) {
            return instant.toString();
        }
        LocalDate date = LocalDate.ofEpochDay(Math.floorDiv(seconds, 86_400));
        int year = date.getYear();
        int secondOfDay = (int) Math.floorMod(seconds, 86_400);
        int nanos = instant.getNano();
        // ISO_INSTANT prints the fraction in groups of three digits, as few as the value needs.
        int fractionDigits = nanos == 0 ? 0 : nanos % 1_000_000 == 0 ? 3 : nanos % 1_000 == 0 ? 6 : 9;
        byte[] text = new byte[20 + (fractionDigits == 0 ? 0 : fractionDigits + 1)];
        put(text, 0, year, 4);
        text[4] = '-';
        put(text, 5, date.getMonthValue(), 2);
        text[7] = '-';
        put(text, 8, date.getDayOfMonth(), 2);
        text[10] = 'T';
        put(text, 11, secondOfDay / 3_600, 2);
        text[13] = ':';
        put(text, 14, secondOfDay / 60 % 60, 2);
        text[16] = ':';
        put(text, 17, secondOfDay % 60, 2);
        if (fractionDigits > 0) {
            text[19] = '.';
            put(text, 20, nanos / NANOS_PER_DIGIT[fractionDigits], fractionDigits);
        }
        text[text.length - 1] = 'Z';
        return new String(text, StandardCharsets.US_ASCII);
    }

    private static void put(byte[] text, int from, int value, int digits) {
        int rest = value;
        for (int i = from + digits - 1; i >= from; i--) {
            text[i] = (byte) ('0' + rest % 10);
            rest /= 10;
        }
    }

    // Non-negative value of count ASCII digits at from; -1 if any is not a digit.
    private static int digits(String text, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            int digit = text.charAt(i) - '0';
            if (digit < 0 || digit > 9) {
                return -1;
            }
            value = value * 10 + digit;
        }
        return value;
    }

    /**
     * Jackson serializer: {@link #format} where Jackson's {@code InstantSerializer} writes
     * {@code toString()}; that serializer for timestamps and for properties with a {@code @JsonFormat}.
     */
    static final class Serializer extends StdSerializer<Instant> {

        Serializer() {
            super(Instant.class);
        }

        @Override
        public ValueSerializer<?> createContextual(SerializationContext context, BeanProperty property) {
            JsonFormat.Value format = findFormatOverrides(context, property, handledType());
            return format == null || format.equals(JsonFormat.Value.empty())
                    ? this : InstantSerializer.INSTANCE.createContextual(context, property);
        }

        @Override
        public void serialize(Instant value, JsonGenerator generator, SerializationContext context) throws JacksonException {
            if (context.isEnabled(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)) {
                InstantSerializer.INSTANCE.serialize(value, generator, context);
            } else {
                generator.writeString(format(value));
            }
        }
    }

    /** Jackson deserializer: {@link #parseUtc} first, Jackson's {@link InstantDeserializer} for the rest. */
    static final class Deserializer extends StdDeserializer<Instant> {

        private final ValueDeserializer<?> fallback;

        Deserializer() {
            this(InstantDeserializer.INSTANT);
        }

        private Deserializer(ValueDeserializer<?> fallback) {
            super(Instant.class);
            this.fallback = fallback;
        }

        @Override
        public ValueDeserializer<?> createContextual(DeserializationContext context, BeanProperty property) {
            ValueDeserializer<?> contextual = fallback.createContextual(context, property);
            return contextual == fallback ? this : new Deserializer(contextual);
        }

        @Override
        public Instant deserialize(JsonParser parser, DeserializationContext context) throws JacksonException {
            if (parser.hasToken(JsonToken.VALUE_STRING)) {
                Instant instant = parseUtc(parser.getString());
                if (instant != null) {
                    return instant;
                }
            }
            return (Instant) fallback.deserialize(parser, context);
        }
    }
}

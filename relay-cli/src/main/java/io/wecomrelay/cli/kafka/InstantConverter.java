package io.wecomrelay.cli.kafka;

import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** An instant: {@code 2026-11-21T08:00:00Z}, {@code 2026-11-21T16:00:00+08:00}, or a date ({@code 2026-11-21}, UTC midnight). */
public final class InstantConverter implements ITypeConverter<Instant> {

    @Override
    public Instant convert(String value) {
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (RuntimeException notWithOffset) {
            try {
                return LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant();
            } catch (RuntimeException notADate) {
                throw new TypeConversionException("'" + value + "' is not a time (e.g. 2026-11-21T08:00:00Z or 2026-11-21)");
            }
        }
    }
}

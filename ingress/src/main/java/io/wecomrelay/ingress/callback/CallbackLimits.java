package io.wecomrelay.ingress.callback;

import java.time.Duration;

import org.springframework.util.unit.DataSize;

/**
 * What a callback must meet, and how long a new message waits for its stream marker.
 *
 * @param timestampTolerance how far a callback's timestamp may be from now
 * @param maxBodySize        larger callback bodies are refused (413)
 * @param markerTimeout      how long a new message waits for Redis to take its stream marker before it gets 503
 */
public record CallbackLimits(Duration timestampTolerance, DataSize maxBodySize, Duration markerTimeout) {
}

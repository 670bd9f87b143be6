package io.wecomrelay.ingress;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.wecomrelay.ingress.callback.CallbackLimits;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the ingress service ({@code relay.ingress.*}); every one is documented in
 * {@code application.yaml}.
 *
 * @param botsFile            the bots YAML file
 * @param botsReloadInterval  how often the bots file is checked for changes
 * @param publishTimeout      how long to wait for Kafka's ack before answering 503 (WeCom gives up after ~5 s)
 * @param timestampTolerance  how far a callback's timestamp may be from now
 * @param maxBodySize         larger callback bodies get 413
 * @param redisTimeout        how long a refresh waits for Redis before answering without it, and a new message for
 *                            its stream marker before it gets 503
 * @param streamTtl           lifetime of the stream marker ingress writes (the responder keeps it alive)
 * @param streamWindow        a stream still open this long after the message is finished by ingress itself
 * @param topics              topic provisioning
 * @param texts               user-facing notes
 * @param responseUrl         which response_url a callback may carry on
 * @param publisher           {@code kafka} (always, in production) or {@code none}: the benchmark's no-durability
 *                            baseline, which answers exactly as usual but publishes nothing and writes no marker
 */
@Validated
@ConfigurationProperties("relay.ingress")
public record IngressProperties(
        @NotNull Path botsFile,
        @DefaultValue("2s") Duration botsReloadInterval,
        @DefaultValue("2s") Duration publishTimeout,
        @DefaultValue("5m") Duration timestampTolerance,
        @DefaultValue("64KB") DataSize maxBodySize,
        @DefaultValue("300ms") Duration redisTimeout,
        @DefaultValue("10m") Duration streamTtl,
        @DefaultValue("350s") Duration streamWindow,
        @Valid @DefaultValue Topics topics,
        @Valid @DefaultValue Texts texts,
        @DefaultValue("kafka") Publisher publisher,
        @Valid @DefaultValue ResponseUrl responseUrl) {

    /** What a callback must meet, and how long its stream marker may take (the Redis timeout). */
    public CallbackLimits callbackLimits() {
        return new CallbackLimits(timestampTolerance, maxBodySize, redisTimeout);
    }

    /** Where accepted callbacks go; {@link PublisherConfiguration} wires each. */
    public enum Publisher {
        /** Kafka, acknowledged before WeCom gets its answer: the only production setting. */
        KAFKA,
        /** Nowhere: messages are dropped after the answer. Only for measuring what durability costs. */
        NONE
    }

    /**
     * @param partitions        partitions of newly created topics, by topic name (defaults from the topic catalog)
     * @param replicationFactor replication factor of newly created topics
     */
    public record Topics(@DefaultValue Map<String, Integer> partitions, @DefaultValue("1") @Min(1) short replicationFactor) {
    }

    /**
     * @param allowedHosts exact {@code host[:port]} entries (https, port 443 when omitted); {@code http://host:port}
     *                     entries are for local simulators only. A response_url anywhere else is refused.
     */
    public record ResponseUrl(@DefaultValue("qyapi.weixin.qq.com") @NotNull List<String> allowedHosts) {
    }

    /**
     * @param expired   shown when WeCom polls a stream Redis does not know (expired or foreign)
     * @param timedOut  appended when a stream outlives WeCom's window without finishing
     */
    public record Texts(
            @NotBlank @DefaultValue("这条回复已过期，请重新提问。(This reply has expired; please ask again.)") String expired,
            @NotBlank @DefaultValue("（回复超时，内容可能不完整。The reply timed out and may be incomplete.）") String timedOut) {
    }
}

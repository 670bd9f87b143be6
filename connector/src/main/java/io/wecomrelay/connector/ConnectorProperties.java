package io.wecomrelay.connector;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the connector ({@code relay.connector.*}); {@code application.yaml} documents each.
 *
 * @param botsFile           the bots file shared by all services; only its {@code connection: long-connection} bots matter here
 * @param botsReloadInterval how often the bots file is checked for changes
 * @param url                WeCom's long-connection endpoint ({@code WECOM_LONG_CONNECTION_URL})
 */
@Validated
@ConfigurationProperties("relay.connector")
public record ConnectorProperties(@NotNull Path botsFile,
                                  @DefaultValue("2s") @NotNull Duration botsReloadInterval,
                                  @DefaultValue("wss://openws.work.weixin.qq.com") @NotNull URI url,
                                  @Valid @DefaultValue Socket socket,
                                  @Valid @DefaultValue Replies replies,
                                  @Valid @DefaultValue Inbound inbound,
                                  @Valid @DefaultValue Provisioning topics) {

    public record Socket(@DefaultValue("30s") @NotNull Duration pingInterval,
                         @DefaultValue("5s") @NotNull Duration ackTimeout,
                         @DefaultValue("1s") @NotNull Duration initialBackoff,
                         @DefaultValue("30s") @NotNull Duration maxBackoff,
                         @DefaultValue("60s") @NotNull Duration frequencyBackoff,
                         @DefaultValue("1048576") @Min(1024) int maxFrameBytes,
                         @DefaultValue("1h") @NotNull Duration kickedRetry) {
    }

    public record Replies(@DefaultValue("3m") @NotNull Duration keepAlive,
                          @DefaultValue("330s") @NotNull Duration finishDeadline,
                          @DefaultValue("5s") @NotNull Duration recheck,
                          @DefaultValue("1s") @NotNull Duration tick,
                          @DefaultValue(DEFAULT_OVERDUE) @NotBlank String overdueNote,
                          @DefaultValue("connector:") @NotBlank String keyPrefix,
                          @DefaultValue("10m") @NotNull Duration openStreamTtl,
                          @DefaultValue("2s") @NotNull Duration continuationInterval) {

        public static final String DEFAULT_OVERDUE = "\n\n……（回答超时，已结束 / the answer took too long）";
    }

    public record Inbound(@DefaultValue("10s") @NotNull Duration publishTimeout,
                          @DefaultValue("30s") @NotNull Duration publishPatience,
                          @DefaultValue(DEFAULT_UNAVAILABLE) @NotBlank String unavailableText) {

        public static final String DEFAULT_UNAVAILABLE = "服务暂时不可用，请稍后再试。(Service temporarily unavailable, please try again later.)";
    }

    /** {@code wecom.outbound} and {@code wecom.inbound}, created at start when missing (existing ones are never changed). */
    public record Provisioning(@DefaultValue("true") boolean enabled,
                               @DefaultValue("6") @Min(1) int outboundPartitions,
                               @DefaultValue("6") @Min(1) int inboundPartitions,
                               @DefaultValue("1") @Min(1) short replicationFactor) {
    }
}

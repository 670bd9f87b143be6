package io.wecomrelay.responder;

import java.nio.charset.StandardCharsets;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.wecomrelay.responder.delivery.RetryPolicy;
import io.wecomrelay.responder.delivery.KeptRests;
import io.wecomrelay.responder.materialize.RedisStreamStateWriter;
import io.wecomrelay.responder.outbox.MaxReplyAge;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.support.apptoken.AccessTokens;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Every setting of the responder ({@code relay.responder.*}); {@code application.yaml} documents each.
 * Kafka and Redis connections use Spring Boot's own {@code spring.kafka.*} and {@code spring.data.redis.*}.
 *
 * @param botsFile           the bots file shared by all services (reply modes, webhook keys, rejection texts)
 * @param botsReloadInterval how often the bots file is checked for changes
 */
@Validated
@ConfigurationProperties("relay.responder")
public record ResponderProperties(@NotNull Path botsFile,
                                  @DefaultValue("2s") @NotNull Duration botsReloadInterval,
                                  @Valid @DefaultValue Stream stream,
                                  @Valid @DefaultValue Delivery delivery,
                                  @Valid @DefaultValue Listener listener,
                                  @Valid @DefaultValue Provisioning topics) {

    /**
     * @param ttl           how long a stream hash lives after its last change; longer than WeCom's 6-minute window
     * @param truncatedNote appended where an answer is cut: at {@code maxAnswerSize}, or at WeCom's 20,480-byte limit
     *                      for a bot that has no way to send the rest (a long-connection bot)
     * @param continuedNote ends a stream's content when the answer is longer than WeCom's 20,480 bytes and the rest
     *                      follows in other messages
     * @param maxAnswerSize the whole answer kept (UTF-8) and delivered in several messages; a longer one is cut with
     *                      the truncation note
     * @param replyKeyTtl   how long a finished stream's reply record ({@code {outbox key-prefix}reply:{streamId}}) is
     *                      kept: until it is on {@code wecom.replies}, then only the mark that it is, so that a last
     *                      chunk or rejection redelivered within this time records nothing more
     * @param recordedMarkTtl how long the mark alone is kept once the record is on {@code wecom.replies}: longer
     *                      than any record that can finish a stream stays on its topic ({@code wecom.chunks} 7 days,
     *                      {@code wecom.rejected} 30), so no redelivery can ever write the record a second time
     * @param continueWordNote ends a streaming bot's response_url message when more of the answer is kept for the user
     *                      to ask for; {@code {word}} stands for the bot's first {@code continue-words} entry
     * @param continueWordTtl how long such a rest is kept (refreshed whenever the user takes a part)
     * @param replySweepAfter how long a kept reply record is left to the responder that folded it (which publishes it
     *                      at once) before any instance's sweep publishes it (it died, or the broker refused it): longer
     *                      than the producer goes on retrying a send ({@code delivery.timeout.ms}, 2 minutes), so that
     *                      a slow broker does not have every record sent twice
     * @param replySweepInterval how often each instance sweeps for such records
     */
    public record Stream(@DefaultValue("10m") @NotNull Duration ttl,
                         @DefaultValue(DEFAULT_NOTE) @NotBlank String truncatedNote,
                         @DefaultValue(RedisStreamStateWriter.Cuts.DEFAULT_CONTINUED_NOTE) @NotBlank String continuedNote,
                         @DefaultValue("200KB") @NotNull DataSize maxAnswerSize,
                         @DefaultValue("24h") @NotNull Duration replyKeyTtl,
                         @DefaultValue(RedisStreamStateWriter.Replies.DEFAULT_MARK_TTL) @NotNull Duration recordedMarkTtl,
                         @DefaultValue(KeptRests.DEFAULT_NOTE) @NotBlank String continueWordNote,
                         @DefaultValue("1h") @NotNull Duration continueWordTtl,
                         @DefaultValue("3m") @NotNull Duration replySweepAfter,
                         @DefaultValue("10s") @NotNull Duration replySweepInterval) {

        public static final String DEFAULT_NOTE = "\n\n……（回复过长，已截断 / reply truncated）";

        public Stream {
            long answer = maxAnswerSize == null ? 0 : maxAnswerSize.toBytes();
            if (answer < StreamStateKeys.MAX_CONTENT_BYTES || answer > RedisStreamStateWriter.Cuts.MAX_ANSWER_LIMIT) {
                throw new IllegalArgumentException("relay.responder.stream.max-answer-size must be between 20KB and 512KB");
            }
            if (replyKeyTtl != null && recordedMarkTtl != null && recordedMarkTtl.compareTo(replyKeyTtl) < 0) {
                throw new IllegalArgumentException("relay.responder.stream.recorded-mark-ttl must not be shorter than reply-key-ttl");
            }
            if (replySweepAfter != null && replyKeyTtl != null && replySweepAfter.compareTo(replyKeyTtl) >= 0) {
                throw new IllegalArgumentException("relay.responder.stream.reply-sweep-after must be shorter than reply-key-ttl");
            }
            if (replySweepInterval != null && (replySweepInterval.isZero() || replySweepInterval.isNegative())) {
                throw new IllegalArgumentException("relay.responder.stream.reply-sweep-interval must be positive");
            }
            // a part must leave room for its text within WeCom's 20,480 bytes
            if (continueWordNote != null && continueWordNote.getBytes(StandardCharsets.UTF_8).length > 1024) {
                throw new IllegalArgumentException("relay.responder.stream.continue-word-note must be at most 1,024 bytes");
            }
        }
    }

    /**
     * @param wecomApiBaseUrl     base of WeCom's send API; the webhook is {@code {base}/cgi-bin/webhook/send?key=KEY}
     * @param allowedHosts        where replies may be sent: {@code host[:port]} (https) or {@code http://ip:port}
     *                            (a local simulator); every response_url and the API base must match one exactly
     * @param requestTimeout      per HTTP request to WeCom
     * @param responseUrlLifetime a response_url older than this (from the message's arrival) is not tried
     *                            again; the reply is recorded FAILED and dead-lettered
     * @param maxReplyAge         a reply of a response_url bot whose message is older than this is not delivered:
     *                            not queued when its stream finishes (recorded SKIPPED), given up when its job comes
     *                            up (FAILED); unset means {@code responseUrlLifetime}
     * @param maxWebhookReplyAge  the same for webhook bots and self-built apps; unset means the max reply age
     * @param shutdownGrace       how long stopping waits for the deliveries in progress
     * @param appToken            self-built apps' access tokens
     */
    public record Delivery(@DefaultValue("https://qyapi.weixin.qq.com") @NotNull URI wecomApiBaseUrl,
                           @DefaultValue("qyapi.weixin.qq.com") @NotEmpty List<String> allowedHosts,
                           @DefaultValue("10s") @NotNull Duration requestTimeout,
                           @DefaultValue("1h") @NotNull Duration responseUrlLifetime,
                           @Nullable Duration maxReplyAge,
                           @Nullable Duration maxWebhookReplyAge,
                           @Valid @DefaultValue Retry retry,
                           @Valid @DefaultValue RateLimit rateLimit,
                           @Valid @DefaultValue Outbox outbox,
                           @DefaultValue("10s") @NotNull Duration shutdownGrace,
                           @Valid @DefaultValue AppToken appToken) {

        /** The reply ages in force, defaults resolved. */
        public MaxReplyAge maxReplyAges() {
            Duration responseUrl = maxReplyAge != null ? maxReplyAge : responseUrlLifetime;
            return new MaxReplyAge(responseUrl, maxWebhookReplyAge != null ? maxWebhookReplyAge : responseUrl);
        }
    }

    /**
     * Retries of one part of a reply after a transient failure (45009, 5xx, timeouts): exponential backoff.
     *
     * @param maxAttempts attempts per part including the first; then the reply is dead-lettered
     */
    public record Retry(@DefaultValue("6") @Min(1) int maxAttempts,
                        @DefaultValue("1s") @NotNull Duration initialBackoff,
                        @DefaultValue("2.0") @DecimalMin("1.0") double multiplier,
                        @DefaultValue("30s") @NotNull Duration maxBackoff) {

        public RetryPolicy policy() {
            return new RetryPolicy(maxAttempts, initialBackoff, multiplier, maxBackoff);
        }
    }

    /**
     * The durable delivery queue in Redis: one stream per bot, read by the holder of the bot's lease.
     *
     * @param keyPrefix    prefix of {@code outbox:{botId}}, {@code outbox-lease:{botId}}, {@code outbox-dead:{botId}}
     *                     and {@code delivery:{streamId}}
     * @param group        the consumer group of all responder instances
     * @param leaseTtl     lifetime of a bot's lease after its last renewal; at least twice {@code request-timeout}
     * @param claimMinIdle a job pending this long on a consumer that lost the lease is claimed by the new holder
     * @param pollInterval pause between polls of an idle outbox that no announcement woke: the safety net for an
     *                     announcement lost, and the pace at which a dead instance's pending jobs are claimed
     * @param batch        jobs read per poll; more than one only saves polls, and leaves more jobs pending when an
     *                     instance stops (claimed by the next holder after {@code claimMinIdle})
     * @param errorBackoff pause after a step failed (Redis or the broker unreachable); also the first pause before
     *                     the subscription to the announcements of queued jobs is renewed
     * @param inDoubtGrace a part another run sent without noting WeCom's answer yet is left to that run this long
     * @param stateTtl     lifetime of a stream's delivery state; a reply is queued at most once within it
     * @param maxDepthPerBot while a bot's outbox holds more jobs, its oldest are given up unsent
     * @param rateLimitNoticeWindow at most one rate-limit notice per bot is queued within this window
     */
    public record Outbox(@DefaultValue("responder:") @NotBlank String keyPrefix,
                         @DefaultValue("responder") @NotBlank String group,
                         @DefaultValue("30s") @NotNull Duration leaseTtl,
                         @DefaultValue("30s") @NotNull Duration claimMinIdle,
                         @DefaultValue("5s") @NotNull Duration pollInterval,
                         @DefaultValue("1") @Min(1) int batch,
                         @DefaultValue("5s") @NotNull Duration errorBackoff,
                         @DefaultValue("15s") @NotNull Duration inDoubtGrace,
                         @DefaultValue("24h") @NotNull Duration stateTtl,
                         @DefaultValue("200") @Min(1) int maxDepthPerBot,
                         @DefaultValue("1m") @NotNull Duration rateLimitNoticeWindow) {
    }

    /**
     * Self-built apps' access tokens, one per app in Redis for all instances.
     *
     * @param keyPrefix     Redis key prefix; the bot id and a hash of CorpID, AgentId and Secret follow
     * @param refreshMargin a token is renewed this long before WeCom's {@code expires_in} runs out
     * @param lockTtl       longest one renewal may take (the lock of an instance that died expires after it)
     * @param waitTimeout   longest a send waits for another instance's renewal (then it is retried like a 5xx)
     * @param pollInterval  how often a waiting send looks for the renewed token
     */
    public record AppToken(@DefaultValue("responder:app-token:") @NotBlank String keyPrefix,
                           @DefaultValue("5m") @NotNull Duration refreshMargin,
                           @DefaultValue("15s") @NotNull Duration lockTtl,
                           @DefaultValue("20s") @NotNull Duration waitTimeout,
                           @DefaultValue("100ms") @NotNull Duration pollInterval) {

        public AccessTokens.Settings settings() {
            return new AccessTokens.Settings(keyPrefix, refreshMargin, lockTtl, waitTimeout, pollInterval);
        }
    }

    /**
     * Per-bot send limit shared by all responder instances through Redis.
     *
     * @param permits   sends per window (WeCom allows 20 per minute per bot)
     * @param window    the sliding window
     * @param margin    added to the window so that network jitter never lets WeCom see one send too many
     * @param keyPrefix Redis key prefix; the bot id follows
     */
    public record RateLimit(@DefaultValue("20") @Min(1) int permits,
                            @DefaultValue("1m") @NotNull Duration window,
                            @DefaultValue("250ms") @NotNull Duration margin,
                            @DefaultValue("responder:rate:") @NotBlank String keyPrefix) {
    }

    /**
     * How records are consumed. A record that still fails after {@code retries} goes to {@code <topic>.dlt};
     * unreadable records go there at once. A failure of Redis or Kafka themselves never counts: consumption pauses,
     * trying again after {@code initialBackoff} doubling up to {@code maxBackoff}, until it is back.
     *
     * @param concurrency consumer threads per topic; unset means one per processor the JVM sees, at most one per
     *                    partition the responder creates its topics with ({@link Provisioning#partitions()}): each
     *                    consumer thread is a polling loop with its own wake-ups, fetches and commits, and more of
     *                    them than cores only adds those (BENCHMARKS.md section 10 round 5)
     * @param chunkFetchWait how long the broker holds a fetch of {@code wecom.chunks} to gather more chunks
     *                       (0, the default: answered at the first byte, as Kafka does)
     * @param commitInterval offsets of folded records are committed at most this often (default 1s; 0: after every
     *                       poll)
     */
    public record Listener(@Nullable @Min(1) Integer concurrency,
                           @DefaultValue("5") @Min(0) int retries,
                           @DefaultValue("500ms") @NotNull Duration initialBackoff,
                           @DefaultValue("10s") @NotNull Duration maxBackoff,
                           @DefaultValue("0") @NotNull Duration chunkFetchWait,
                           @DefaultValue("1s") @NotNull Duration commitInterval) {

        /** The consumer threads per topic: the setting, else one per processor, at most one per partition. */
        public int concurrency(Provisioning topics, int processors) {
            return concurrency != null ? concurrency : Math.max(1, Math.min(processors, topics.partitions()));
        }
    }

    /** Topics the responder creates at start when missing (existing ones are never changed). */
    public record Provisioning(@DefaultValue("true") boolean enabled,
                               @DefaultValue("6") @Min(1) int partitions,
                               @DefaultValue("1") @Min(1) short replicationFactor) {
    }
}

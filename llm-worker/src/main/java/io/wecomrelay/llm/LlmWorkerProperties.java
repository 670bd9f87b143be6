package io.wecomrelay.llm;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import io.wecomrelay.llm.handle.AgeLimits;
import io.wecomrelay.llm.publish.PreviewRoute;
import io.wecomrelay.llm.reply.DifyReplies;
import io.wecomrelay.support.apptoken.AccessTokens;
import jakarta.validation.Valid;
import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import org.hibernate.validator.constraints.time.DurationMax;
import org.hibernate.validator.constraints.time.DurationMin;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Settings of the llm-worker ({@code relay.worker.*}); every one is documented in
 * {@code application.yaml}. Durations are Spring durations ({@code 150ms}, {@code 330s}, ISO-8601 {@code PT5M30S}).
 *
 * @param botsFile      the bots YAML file (bot id → Dify app); read at start and again when it changed
 * @param botsReloadInterval how often the bots file is checked for changes
 * @param consumer      how {@code wecom.accepted} is consumed
 * @param topics        topic names and provisioning
 * @param reply         coalescing, watchdogs and the WeCom deadline
 * @param dify          HTTP client and retry settings for Dify
 * @param conversations Dify conversation memory
 * @param input         how WeCom messages become Dify queries
 * @param media         images, files and videos passed to Dify
 * @param feedback      WeCom like/dislike passed to Dify
 * @param ledger        per-stream attempt counters and finished markers in Redis
 * @param texts         user-facing sentences
 * @param age           how old a message may be and still be answered
 * @param identity      the company auth services that give askers' tokens (bots with {@code identity})
 * @param app           self-built apps: WeCom's API for their media and the access tokens shared with the responder
 * @param replyImages   images in answers: fetched when the answer ends and sent as images where the reply route can
 * @param previews      where the text of a streaming answer goes before the answer is finished
 */
@Validated
@ConfigurationProperties("relay.worker")
public record LlmWorkerProperties(
        @NotNull Path botsFile,
        @DefaultValue("2s") @NotNull Duration botsReloadInterval,
        @Valid @DefaultValue Consumer consumer,
        @Valid @DefaultValue Topics topics,
        @Valid @DefaultValue Reply reply,
        @Valid @DefaultValue Dify dify,
        @Valid @DefaultValue Conversations conversations,
        @Valid @DefaultValue Input input,
        @Valid @DefaultValue Media media,
        @Valid @DefaultValue Feedback feedback,
        @Valid @DefaultValue Ledger ledger,
        @Valid @DefaultValue Texts texts,
        @Valid @DefaultValue Age age,
        @Valid @DefaultValue Identity identity,
        @Valid @DefaultValue App app,
        @Valid @DefaultValue ReplyImages replyImages,
        @Valid @DefaultValue Previews previews) {

    /**
     * @param groupId         the Kafka consumer group of all workers
     * @param maxInFlight     replies generated concurrently by one worker (each holds one Dify connection)
     * @param maxInFlightPerBot replies of one bot generated concurrently by one worker, so that a bot with a
     *                        slow Dify app cannot hold every slot; 0 (the default) means a quarter of
     *                        {@code maxInFlight}, at least 1
     * @param maxBuffered     records taken from Kafka but not finished (waiting for their key or their bot's
     *                        share included); above it the consumer pauses
     * @param pollTimeout     longest wait of one poll
     * @param shutdownGrace   on shutdown, how long running replies may finish before they are abandoned
     *                        (abandoned ones are redone by another worker with attempt + 1)
     * @param revokeDrain     when a rebalance moves partitions to another worker (a worker joined or left the group),
     *                        how long their running replies may finish first, so that the next owner does not ask
     *                        Dify again; 0 abandons them at once (redone with attempt + 1). With
     *                        {@code shutdownGrace}, at most half of the consumer's {@code max.poll.interval.ms}
     * @param failureBackoff  first wait before a failed reply is redone (doubling)
     * @param maxFailureBackoff longest such wait
     * @param maxAttempts     tries of a record that keeps failing for a reason of its own (not Redis or Kafka being
     *                        unavailable, which is waited out however long it lasts) before it is dead-lettered to
     *                        {@code <accepted>.dlt} with its cause and committed
     * @param commitInterval  finished offsets are committed at most this often (default 1s; 0: after every poll loop
     *                        that finished a record), up to {@code pollTimeout} later; a hand-over, shutdown and a dead
     *                        letter commit at once. After a crash the finished replies not committed yet are
     *                        redelivered and skipped by the stream ledger's done marker, without a Dify call
     */
    public record Consumer(
            @NotBlank @DefaultValue("wecom-relay-llm-worker") String groupId,
            @Min(1) @DefaultValue("256") int maxInFlight,
            @Min(0) @DefaultValue("0") int maxInFlightPerBot,
            @Min(1) @DefaultValue("2048") int maxBuffered,
            @NotNull @DefaultValue("100ms") Duration pollTimeout,
            @NotNull @DefaultValue("20s") Duration shutdownGrace,
            @NotNull @DefaultValue("20s") Duration revokeDrain,
            @NotNull @DefaultValue("1s") Duration failureBackoff,
            @NotNull @DefaultValue("30s") Duration maxFailureBackoff,
            @Min(1) @DefaultValue("5") int maxAttempts,
            @NotNull @DefaultValue("1s") Duration commitInterval) {
    }

    /**
     * @param accepted          the topic read (its dead-letter topic is {@code <accepted>.dlt})
     * @param chunks            the topic written
     * @param partitions        partitions of topics created at start when missing, by name
     * @param replicationFactor replication factor of created topics
     */
    public record Topics(
            @NotBlank @DefaultValue("wecom.accepted") String accepted,
            @NotBlank @DefaultValue("wecom.chunks") String chunks,
            @DefaultValue Map<String, Integer> partitions,
            @Min(1) @DefaultValue("1") short replicationFactor) {
    }

    /**
     * @param coalesceInterval at most one chunk per this interval after the first (which goes out at once)
     * @param coalesceMaxChars a chunk goes out early when this many characters are waiting
     * @param idleTimeout      a Dify stream silent this long (not even a ping) is finished and stopped
     * @param deadline         measured from {@code receivedAt}: the reply is finished with what exists
     *                         by then, before WeCom's 6-minute stream window closes
     * @param showThoughts     show an agent app's tool calls as a status line ({@code > 🔧 tool…}) until
     *                         the answer starts, which then replaces it
     * @param maxAnswerSize    the largest answer (UTF-8) one reply collects; a longer one is cut there, finished
     *                         with the {@code answer_too_long} note and its Dify task stopped
     * @param reasoningShownSize the most of a reasoning model's thinking shown while the answer streams (its latest
     *                         part; taken as 256 B when smaller, 8 KB when larger): a quote that starts over from its
     *                         last half once it is full
     */
    public record Reply(
            @NotNull @DefaultValue("150ms") Duration coalesceInterval,
            @Min(1) @DefaultValue("400") int coalesceMaxChars,
            @NotNull @DefaultValue("60s") Duration idleTimeout,
            @NotNull @DefaultValue("330s") Duration deadline,
            @DefaultValue("false") boolean showThoughts,
            @NotNull @DefaultValue("200KB") DataSize maxAnswerSize,
            @NotNull @DefaultValue("2KB") DataSize reasoningShownSize) {
    }

    /**
     * @param connectTimeout TCP connect timeout (also of media downloads)
     * @param maxAttempts    tries of one request before its first byte (429, 5xx, connect errors); at least 1
     * @param firstBackoff   wait before the second try; doubles each time
     * @param maxBackoff     longest wait between tries
     * @param jitter         random share of each wait, 0 to 1
     * @param stopTimeout    how long a stop call may take
     * @param requestTimeout how long one try of a file upload or feedback call may take
     * @param maxLineSize    the longest line of a chat stream read; a longer one ends the reply
     *                       ({@code dify_line_too_long}) as soon as it passes the bound
     * @param maxEventSize   the largest event of a chat stream read (its data lines joined); a larger one ends
     *                       the reply ({@code dify_event_too_large})
     * @param drainTimeout   how long the rest of a chat response is read after its terminal event, so that its
     *                       connection goes back to the pool; a response not ended by then is cancelled, closing
     *                       its connection
     * @param maxIdleTime    how long a connection to Dify may wait unused in the pool before it is closed: below the
     *                       keep-alive timeout of what serves Dify's API (nginx's 65-75 s), so that a request never
     *                       takes a connection the server is closing at that moment (it would be retried)
     */
    public record Dify(
            @NotNull @DefaultValue("5s") Duration connectTimeout,
            @Min(1) @DefaultValue("3") int maxAttempts,
            @NotNull @DefaultValue("500ms") Duration firstBackoff,
            @NotNull @DefaultValue("5s") Duration maxBackoff,
            @DecimalMin("0") @DecimalMax("1") @DefaultValue("0.5") double jitter,
            @NotNull @DefaultValue("5s") Duration stopTimeout,
            @NotNull @DefaultValue("30s") Duration requestTimeout,
            @NotNull @DefaultValue("1MB") DataSize maxLineSize,
            @NotNull @DefaultValue("1MB") DataSize maxEventSize,
            @NotNull @DurationMin(millis = 1) @DefaultValue("2s") Duration drainTimeout,
            @NotNull @DurationMin(millis = 1) @DefaultValue("30s") Duration maxIdleTime) {
    }

    /**
     * @param ttl           a conversation unused this long is forgotten (the next message starts a new one)
     * @param resetCommands messages that start a new conversation (compared trimmed, ignoring case)
     */
    public record Conversations(
            @NotNull @DefaultValue("24h") Duration ttl,
            @NotEmpty @DefaultValue({"/new", "新对话"}) List<String> resetCommands) {
    }

    /**
     * @param mentionNames   the bots' display names by bot id, removed as {@code @Name} from text;
     *                       without an entry, the first {@code @mention} of a group message is removed
     * @param mediaOnlyQuery the query sent to Dify with an image, file or video that came without text
     */
    public record Input(
            @DefaultValue Map<String, List<String>> mentionNames,
            @NotBlank @DefaultValue("请看我发送的文件。(Please look at the file I sent.)") String mediaOnlyQuery) {
    }

    /**
     * @param maxSize         the largest image, file or video passed to Dify (decrypted size; the download
     *                        may be up to 32 bytes larger); a larger one gets the {@code media_too_large}
     *                        sentence
     * @param downloadTimeout longest transfer of one file: its download from WeCom and its upload to Dify,
     *                        which run together (the file is streamed through)
     * @param allowedHosts    where media may be downloaded from: {@code host[:port]} (https) or
     *                        {@code http://ip:port} (a local simulator); every other URL is refused unrequested
     * @param maxAttachments  attachments of one message passed to Dify; the rest are ignored (counted)
     * @param memoryBudget    bytes all replies of this worker may hold for media at once; each file in
     *                        transfer holds its download size (at least {@code maxSize} + 32 bytes)
     * @param memoryWait      how long a file may wait for budget before it fails with the media sentence
     */
    public record Media(
            @NotNull @DefaultValue("15MB") DataSize maxSize,
            @NotNull @DefaultValue("30s") Duration downloadTimeout,
            @NotEmpty @DefaultValue({"qyapi.weixin.qq.com", "ww-aibot-img-1258476243.cos.ap-guangzhou.myqcloud.com"})
            List<String> allowedHosts,
            @Min(1) @DefaultValue("10") int maxAttachments,
            @NotNull @DefaultValue("64MB") DataSize memoryBudget,
            @NotNull @DefaultValue("10s") Duration memoryWait) {
    }

    /**
     * @param messageTtl how long a reply can be rated: its Dify message and user are kept this long
     *                   ({@code llm:message:{streamId}})
     * @param timeout    longest handling of one feedback event (Redis, Dify and retries); then it is
     *                   logged, counted and dropped
     */
    public record Feedback(
            @NotNull @DefaultValue("7d") Duration messageTtl,
            @NotNull @DefaultValue("30s") Duration timeout) {
    }

    /**
     * @param ttl          lifetime of the attempt counter and finished marker of one stream
     * @param redisTimeout longest wait for one Redis call
     */
    public record Ledger(@NotNull @DefaultValue("1d") Duration ttl, @NotNull @DefaultValue("2s") Duration redisTimeout) {
    }

    /**
     * Past these ages (from {@code receivedAt}) nobody can receive a message's reply, so it is skipped
     * without a Dify call (a replay, a reset consumer group, a long backlog).
     *
     * @param streamWindow       streaming bots: keep it equal to ingress's {@code relay.ingress.stream-window}
     * @param maxReplyAge        response_url bots: keep it equal to the responder's {@code delivery.max-reply-age}
     * @param maxWebhookReplyAge webhook bots; unset means {@code maxReplyAge} (the responder's default likewise)
     */
    public record Age(
            @NotNull @DefaultValue("350s") Duration streamWindow,
            @NotNull @DefaultValue("1h") Duration maxReplyAge,
            @Nullable Duration maxWebhookReplyAge) {

        public AgeLimits limits() {
            return AgeLimits.of(streamWindow, maxReplyAge, maxWebhookReplyAge);
        }
    }

    /**
     * @param errors     the sentence per error code, overriding the built-in ones (keys compared without
     *                   case and punctuation, so {@code too-many-requests} matches {@code too_many_requests})
     * @param resetDone  the reply to a reset command
     * @param emptyQuery the reply to a message that is empty once the mention is removed
     * @param reasoningTitle the title line (shown bold) of a reasoning model's thinking, quoted above the answer
     */
    public record Texts(
            @DefaultValue Map<String, String> errors,
            @NotBlank @DefaultValue("好的，已开始新的对话。(OK, a new conversation has started.)") String resetDone,
            @NotBlank @DefaultValue("请问有什么可以帮你？(How can I help?)") String emptyQuery,
            @NotBlank @DefaultValue(DifyReplies.DEFAULT_REASONING_TITLE) String reasoningTitle) {
    }

    /**
     * @param allowedHosts   where bots' {@code identity.url} may point: exact {@code host[:port]} (https) or
     *                       {@code http://ip:port} (a local simulator); any other URL gets no request
     * @param requestTimeout one try of an auth service call, answer included
     * @param maxAttempts    tries of one lookup (429, 5xx, connect errors and timeouts are tried again)
     * @param firstBackoff   wait before the second try (doubling, with jitter)
     * @param lockTtl        how long one user's lookup lock lives unless released (a worker that dies holding it)
     * @param lockWait       how long a lookup waits for another lookup of the same user before giving up
     * @param pollInterval   how often a waiting lookup looks for the other's token
     */
    public record Identity(
            @DefaultValue List<String> allowedHosts,
            @NotNull @DefaultValue("5s") Duration requestTimeout,
            @Min(1) @DefaultValue("2") int maxAttempts,
            @NotNull @DefaultValue("200ms") Duration firstBackoff,
            @NotNull @DefaultValue("30s") Duration lockTtl,
            @NotNull @DefaultValue("15s") Duration lockWait,
            @NotNull @DefaultValue("100ms") Duration pollInterval) {
    }

    /**
     * Self-built apps ({@code kind: app}): their images, voice, videos and files are fetched with WeCom's
     * {@code media/get}, under the {@code media.*} limits, with the app's access token. The token is the one the
     * responder uses for {@code message/send}, shared through Redis: {@code tokenKeyPrefix} must equal the
     * responder's {@code relay.responder.delivery.app-token.key-prefix} (and both services must call the same
     * {@code wecomApiBaseUrl}), or the two fetch and renew tokens of their own, and WeCom throttles gettoken.
     *
     * @param wecomApiBaseUrl    base of WeCom's API: {@code gettoken} and {@code media/get}; keep it equal to the
     *                           responder's {@code relay.responder.delivery.wecom-api-base-url}
     * @param allowedHosts       where those calls may go: {@code host[:port]} (https) or {@code http://ip:port} (a
     *                           local simulator); the base URL must be one of them, or the worker does not start
     * @param requestTimeout     one {@code gettoken} call
     * @param tokenKeyPrefix     Redis key prefix of the shared tokens ({@code {prefix}{botId}:{hash}})
     * @param tokenRefreshMargin a token fetched here is stored for WeCom's {@code expires_in} less this
     * @param tokenLockTtl       longest one renewal may hold its lock
     * @param tokenWaitTimeout   longest a download waits for another instance's renewal
     * @param tokenPollInterval  how often a waiting download looks for the renewed token
     */
    public record App(
            @NotNull @DefaultValue("https://qyapi.weixin.qq.com") URI wecomApiBaseUrl,
            @NotEmpty @DefaultValue("qyapi.weixin.qq.com") List<String> allowedHosts,
            @NotNull @DefaultValue("10s") Duration requestTimeout,
            @NotBlank @DefaultValue(DEFAULT_TOKEN_KEY_PREFIX) String tokenKeyPrefix,
            @NotNull @DefaultValue("5m") Duration tokenRefreshMargin,
            @NotNull @DefaultValue("15s") Duration tokenLockTtl,
            @NotNull @DefaultValue("20s") Duration tokenWaitTimeout,
            @NotNull @DefaultValue("100ms") Duration tokenPollInterval) {

        /** The responder's {@code relay.responder.delivery.app-token.key-prefix} default: one token per app for both. */
        public static final String DEFAULT_TOKEN_KEY_PREFIX = "responder:app-token:";

        public AccessTokens.Settings tokenSettings() {
            return new AccessTokens.Settings(tokenKeyPrefix, tokenRefreshMargin, tokenLockTtl, tokenWaitTimeout,
                    tokenPollInterval);
        }
    }

    /**
     * Images in answers (Markdown images, Dify's {@code message_file} images, an agent's tool images): fetched when
     * the answer ends, checked to be JPG or PNG by their magic bytes, then sent as images (a callback bot's final
     * stream frame; image messages of webhook bots, self-built apps and long-connection bots) or left as Markdown
     * images with absolute URLs (response_url); one that cannot be used is named in the text.
     *
     * @param enabled         off: answers pass as they are (images stay Markdown links)
     * @param allowedHosts    where images may be downloaded from besides each bot's own Dify origin (its relative file
     *                        URLs resolve there): {@code host[:port]} (https) or {@code http://ip:port} (a simulator)
     * @param maxImages       images one answer sends, 1 to 10 (WeCom's limit per final frame); later ones are named
     * @param maxSize         the largest image in a stream's final frame, uploaded for an app, or linked; at most
     *                        WeCom's 10 MB
     * @param maxWebhookSize  the largest image sent to a group webhook or uploaded over a long connection; at most
     *                        WeCom's 2 MB
     * @param maxTotalSize    bytes one answer's attached images may take together (they are kept in Redis)
     * @param downloadTimeout one image: download, check and storage
     * @param timeout         all images of one answer, after its last text; keep {@code reply.deadline} plus this below
     *                        the stream window
     * @param unavailableText the note that names an image not shown; {@code {name}} is its alt text or file name
     */
    public record ReplyImages(
            @DefaultValue("true") boolean enabled,
            @DefaultValue List<String> allowedHosts,
            @Min(1) @Max(10) @DefaultValue("10") int maxImages,
            @NotNull @DefaultValue("10MB") DataSize maxSize,
            @NotNull @DefaultValue("2MB") DataSize maxWebhookSize,
            @NotNull @DefaultValue("10MB") DataSize maxTotalSize,
            @NotNull @DefaultValue("10s") Duration downloadTimeout,
            @NotNull @DefaultValue("15s") Duration timeout,
            @NotBlank @DefaultValue("[图片无法显示 image unavailable: {name}]") String unavailableText) {
    }

    /**
     * @param route     {@code redis}: the worker folds a streaming answer's previews into {@code stream:{streamId}}
     *                  itself and only the finished answer goes to {@code wecom.chunks} (a bot that delivers
     *                  actively gets no previews at all); {@code chunks}: every chunk goes to {@code wecom.chunks}
     *                  and the responder folds it, an audit trail of every preview at the cost of a Kafka round trip
     *                  per preview. Long-connection bots always take {@code chunks}.
     * @param streamTtl lifetime of the stream hash after a preview: the responder's {@code relay.responder.stream.ttl}
     * @param timeout   how long one preview's fold may take; a preview not folded by then is dropped and the next one
     *                  replaces the stream's text
     * @param batchWindow how long the first fold waits for other streams' folds to go to Redis in one call with it; 0
     *                  sends each fold on its own
     * @param batchMaxFolds a batch goes at once when it holds this many folds
     * @param batchMaxSize  a batch goes at once when its arguments may pass this size (three bytes a character)
     */
    public record Previews(
            @NotNull @DefaultValue("redis") PreviewRoute route,
            @NotNull @DurationMin(seconds = 1) @DefaultValue("10m") Duration streamTtl,
            @NotNull @DurationMin(millis = 1) @DefaultValue("1s") Duration timeout,
            @NotNull @DurationMin(millis = 0) @DurationMax(millis = 100) @DefaultValue("5ms") Duration batchWindow,
            @Min(1) @Max(1000) @DefaultValue("64") int batchMaxFolds,
            @NotNull @DefaultValue("1MB") DataSize batchMaxSize) {
    }
}

package io.wecomrelay.llm.metrics;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.wecomrelay.llm.consume.AcceptedConsumer;
import io.wecomrelay.llm.feedback.FeedbackForwarder;
import io.wecomrelay.llm.feedback.FeedbackMetrics;
import io.wecomrelay.llm.handle.AcceptedMessageRouter;
import io.wecomrelay.llm.handle.ReplyComposer;
import io.wecomrelay.llm.identity.IdentityMetrics;
import io.wecomrelay.llm.images.ImageMetrics;
import io.wecomrelay.llm.input.Attachment;
import io.wecomrelay.llm.media.MediaMetrics;
import io.wecomrelay.llm.publish.StreamPreviews;
import io.wecomrelay.llm.reply.ReplyMetrics;
import io.wecomrelay.support.metrics.MeterTable;
import org.jspecify.annotations.Nullable;

/**
 * The worker's meters, all tagged with {@code bot}:
 * <ul>
 * <li>{@code relay.worker.first.text} (timer): from the start of a Dify request to its first answer text;</li>
 * <li>{@code relay.worker.dify.duration} (timer, {@code outcome=ok|error}): a whole Dify stream;</li>
 * <li>{@code relay.worker.chunks} and {@code relay.worker.characters} (counters): their rates are
 *     chunks and characters per second;</li>
 * <li>{@code relay.worker.in.flight} (gauge): replies being generated;</li>
 * <li>{@code relay.worker.deferred} (counter): records that waited because their bot had its share of the
 *     worker's slots ({@code relay.worker.consumer.max-in-flight-per-bot}) in use;</li>
 * <li>{@code relay.worker.redos} (counter, {@code cause=infrastructure|record}): failed replies to be redone,
 *     because Redis or Kafka was unavailable (redone until it is back) or for a reason of the record's own (redone
 *     up to {@code relay.worker.consumer.max-attempts} tries);</li>
 * <li>{@code relay.worker.handovers} (counter, {@code outcome=drained|failed|timed_out}): replies that were running
 *     when a rebalance moved their partition to another worker: finished here before the partition went
 *     ({@code drained}), or left to the next owner, which redoes them ({@code failed} while handed over, or still
 *     running at {@code relay.worker.consumer.revoke-drain}). Shutdown hands over the same way, but Spring has
 *     closed the registry by then: its hand-over is logged only;</li>
 * <li>records dead-lettered to {@code <accepted>.dlt} are counted as in every service, by service-support's
 *     {@code DeadLetterScheme} ({@code relay.dead.letters{service,topic,cause}});</li>
 * <li>{@code relay.worker.errors} (counter, {@code code}): replies that ended with an error;</li>
 * <li>{@code relay.worker.limits} (counter, {@code limit=line|event|answer}): replies finished early because the
 *     Dify stream passed a bound (a line, an event, the whole answer);</li>
 * <li>{@code relay.worker.media} (counter, {@code kind=image|file|video}, {@code outcome=ok|<error code>}):
 *     attachments passed to Dify or not, and {@code relay.worker.media.bytes} (summary, bytes) of those passed;</li>
 * <li>{@code relay.worker.media.failures} (counter, {@code kind}, {@code reason=refused|unreachable|http|decrypt|
 *     too_large|budget|deadline|upload}): why attachments were not passed on (users see one sentence for
 *     most of them), and {@code relay.worker.media.ignored} (counter): attachments beyond the per-message limit;</li>
 * <li>{@code relay.worker.feedback} (counter, {@code outcome=sent|unknown_message|foreign|unknown_bot|failed}):
 *     WeCom feedback events forwarded to Dify or not;</li>
 * <li>{@code relay.worker.continuations} (counter, {@code outcome=taken|last|redo|none|other_user}): continue words
 *     of a streaming bot's users: the next part of a long answer's kept rest shown (the last one, the same part again
 *     on a redo), or no rest kept for the user and the message asked Dify;</li>
 * <li>{@code relay.worker.skipped} (counter, {@code reason=too_old}): messages handled without a reply or a
 *     Dify call because nobody could receive the reply any more;</li>
 * <li>{@code relay.worker.identity.tokens} (counter, {@code outcome=cached|fetched|refreshed|refused|unavailable}):
 *     how replies of bots with {@code identity} got their asker's token, or why not, and
 *     {@code relay.worker.identity.lookups} (timer, {@code outcome=ok|refused|unavailable}): calls to the auth
 *     service, all tries of one lookup together;</li>
 * <li>{@code relay.worker.previews} (counter, {@code outcome=applied|duplicate|stale|final|failed}): previews the
 *     worker folded into the stream itself (preview route {@code redis}), by what the fold did; {@code failed}: not
 *     folded (Redis failed or was slower than the timeout), the next preview replaces the text;</li>
 * <li>{@code relay.worker.images} (counter, {@code outcome=attached|linked|refused|unavailable|too_large|not_jpg_png|
 *     too_many|store_failed}): images in answers, sent as images or named in the text, and why.</li>
 * </ul>
 */
public final class LlmWorkerMetrics implements ReplyMetrics, ReplyComposer.InFlight, ReplyComposer.Continuations, MediaMetrics, FeedbackMetrics,
        AcceptedConsumer.Metrics, AcceptedMessageRouter.Skips, IdentityMetrics, ImageMetrics, StreamPreviews.Metrics {

    private final MeterRegistry registry;
    private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    // The meters every reply or chunk touches, by bot id (bounded by the bots file, as the registry's are), kept once
    // registered: a registry lookup (builder, tags sorted, filters) per chunk cost more than the count. The factories
    // are fields so that a look-up allocates no lambda.
    private final Map<String, Timer> firstTexts = new ConcurrentHashMap<>();
    private final Map<String, Counter> chunks = new ConcurrentHashMap<>();
    private final Map<String, Counter> characters = new ConcurrentHashMap<>();
    private final Function<String, Timer> newFirstText;
    private final Function<String, Counter> newChunks;
    private final Function<String, Counter> newCharacters;
    private final MeterTable<Timer> durations;
    private final MeterTable<Counter> previews;

    public LlmWorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.newFirstText = bot -> Timer.builder("relay.worker.first.text")
                .description("Time from the Dify request to the first answer text").tag("bot", bot).register(registry);
        this.newChunks = bot -> Counter.builder("relay.worker.chunks").tag("bot", bot).register(registry);
        this.newCharacters = bot -> Counter.builder("relay.worker.characters").tag("bot", bot).register(registry);
        this.durations = new MeterTable<>((bot, outcome) -> Timer.builder("relay.worker.dify.duration")
                .description("Duration of one Dify reply stream").tag("bot", bot).tag("outcome", outcome).register(registry));
        this.previews = new MeterTable<>((bot, outcome) -> Counter.builder("relay.worker.previews")
                .description("Previews folded into the stream by the worker, by the fold's outcome")
                .tag("bot", bot).tag("outcome", outcome).register(registry));
    }

    @Override
    public void firstText(String botId, Duration sinceStart) {
        meter(firstTexts, botId, newFirstText).record(sinceStart);
    }

    @Override
    public void image(String botId, String outcome) {
        Counter.builder("relay.worker.images").description("Images in answers, by what became of them")
                .tag("bot", botId).tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public void preview(String botId, String outcome) {
        previews.get(botId, outcome).increment();
    }

    @Override
    public void chunk(String botId, int characters) {
        meter(chunks, botId, newChunks).increment();
        meter(this.characters, botId, newCharacters).increment(characters);
    }

    @Override
    public void finished(String botId, @Nullable String errorCode, Duration duration) {
        durations.get(botId, errorCode == null ? "ok" : "error").record(duration);
        if (errorCode != null) {
            Counter.builder("relay.worker.errors").tag("bot", botId).tag("code", errorCode).register(registry).increment();
        }
    }

    private static <M> M meter(Map<String, M> meters, String botId, Function<String, M> factory) {
        M meter = meters.get(botId);
        return meter != null ? meter : meters.computeIfAbsent(botId, factory);
    }

    @Override
    public void limitExceeded(String botId, String limit) {
        Counter.builder("relay.worker.limits").description("Replies finished early because Dify's stream passed a bound")
                .tag("bot", botId).tag("limit", limit).register(registry).increment();
    }

    @Override
    public void continued(String botId, String outcome) {
        Counter.builder("relay.worker.continuations")
                .description("Continue words: a part of a kept rest shown, or none kept and the message asked Dify")
                .tag("bot", botId).tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public void deferred(String botId) {
        Counter.builder("relay.worker.deferred").description("Records that waited for their bot's share of the slots")
                .tag("bot", botId).register(registry).increment();
    }

    @Override
    public void redone(String botId, boolean infrastructure) {
        Counter.builder("relay.worker.redos").description("Failed replies to be redone")
                .tag("bot", botId).tag("cause", infrastructure ? "infrastructure" : "record").register(registry).increment();
    }

    @Override
    public void handedOver(String botId, String outcome) {
        Counter.builder("relay.worker.handovers").description("Replies running when their partition was given up")
                .tag("bot", botId).tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public void media(String botId, Attachment.Kind kind, String outcome, long bytes) {
        String kindTag = kind.name().toLowerCase(Locale.ROOT);
        Counter.builder("relay.worker.media").description("Attachments passed to Dify (outcome ok) or not")
                .tag("bot", botId).tag("kind", kindTag).tag("outcome", outcome).register(registry).increment();
        if (bytes > 0) {
            DistributionSummary.builder("relay.worker.media.bytes").baseUnit("bytes").tag("bot", botId)
                    .tag("kind", kindTag).register(registry).record(bytes);
        }
    }

    @Override
    public void failed(String botId, Attachment.Kind kind, String reason) {
        Counter.builder("relay.worker.media.failures").description("Attachments not passed to Dify, by reason")
                .tag("bot", botId).tag("kind", kind.name().toLowerCase(Locale.ROOT)).tag("reason", reason)
                .register(registry).increment();
    }

    @Override
    public void ignored(String botId, int count) {
        Counter.builder("relay.worker.media.ignored").description("Attachments beyond the per-message limit")
                .tag("bot", botId).register(registry).increment(count);
    }

    @Override
    public void feedback(String botId, FeedbackForwarder.Outcome outcome) {
        Counter.builder("relay.worker.feedback").description("WeCom feedback events forwarded to Dify")
                .tag("bot", botId).tag("outcome", outcome.tag()).register(registry).increment();
    }

    @Override
    public void skipped(String botId, String reason) {
        Counter.builder("relay.worker.skipped").description("Messages not answered because nobody could receive the reply")
                .tag("bot", botId).tag("reason", reason).register(registry).increment();
    }

    @Override
    public void changed(String botId, int delta) {
        inFlight.computeIfAbsent(botId, bot -> registry.gauge("relay.worker.in.flight",
                io.micrometer.core.instrument.Tags.of("bot", bot), new AtomicInteger())).addAndGet(delta);
    }

    @Override
    public void token(String botId, String outcome) {
        Counter.builder("relay.worker.identity.tokens").description("How replies got their asker's token, or why not")
                .tag("bot", botId).tag("outcome", outcome).register(registry).increment();
    }

    @Override
    public void lookup(String botId, String outcome, Duration duration) {
        Timer.builder("relay.worker.identity.lookups").description("Calls to the auth service, all tries together")
                .tag("bot", botId).tag("outcome", outcome).register(registry).record(duration);
    }
}

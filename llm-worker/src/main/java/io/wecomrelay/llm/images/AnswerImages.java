package io.wecomrelay.llm.images;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.wecomrelay.llm.media.MediaBudget;
import io.wecomrelay.llm.media.MediaHosts;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyImage;
import io.wecomrelay.schemas.event.ReplyText;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import io.wecomrelay.schemas.wecom.reply.StreamImage;
import io.wecomrelay.schemas.wecom.reply.StreamReply;
import io.wecomrelay.support.reactive.WheelBound;
import io.wecomrelay.support.tracing.RelayTracing;
import io.wecomrelay.support.tracing.TraceLog;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.netty.http.client.HttpClient;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * The images of an answer, decided when the answer ends: the chunks pass through unchanged, and before the last one
 * goes out its answer's images (Markdown images in the whole text, {@code message_file} images included) are
 * fetched one after another ({@link ImageFetcher}), checked (JPG or PNG by magic bytes, the route's size, the
 * answer's total) and attached or linked ({@link ImageRoute}); those that cannot be used are named in the text. The
 * last chunk then replaces the answer's text with the result and names the attached images; the bytes are in Redis.
 * The whole phase is bounded by {@code timeout}: images not decided by then are named as unavailable, and the reply
 * always finishes. Thread-safe; one per worker.
 */
public final class AnswerImages {

    private static final Logger log = LoggerFactory.getLogger(AnswerImages.class);

    /**
     * @param enabled         off: chunks pass through untouched (message_file images stay Markdown links)
     * @param allowedHosts    where images may come from besides each bot's own Dify origin
     * @param maxImages       images one answer sends (WeCom: 10 per final frame); further ones are named
     * @param maxSize         the largest image shown in a stream's final frame, uploaded for an app, or linked
     *                        (WeCom: 10 MB)
     * @param maxWebhookSize  the largest image sent to a group webhook or uploaded over a long connection (2 MB)
     * @param maxTotalSize    bytes one answer's attached images may take together
     * @param downloadTimeout one image: its download, check and storage
     * @param timeout         all images of one answer
     * @param noteText        the note for an image not shown, {@code {name}} where its name goes
     * @param streamKeep      how long a streaming reply's attached bytes are kept (its stream window, and a margin)
     * @param webhookKeep     how long a webhook or app reply's are kept (its maximum reply age, and a margin)
     */
    public record Settings(boolean enabled, List<String> allowedHosts, int maxImages, long maxSize, long maxWebhookSize,
                           long maxTotalSize, Duration downloadTimeout, Duration timeout, String noteText,
                           Duration streamKeep, Duration webhookKeep) {

        public Settings {
            allowedHosts = List.copyOf(allowedHosts);
            if (maxImages < 1 || maxImages > StreamReply.MAX_IMAGES) {
                throw new IllegalArgumentException("relay.worker.reply-images.max-images must be 1.." + StreamReply.MAX_IMAGES);
            }
            if (maxSize > StreamImage.MAX_RAW_BYTES || maxWebhookSize > StreamImage.MAX_RAW_BYTES) {
                throw new IllegalArgumentException("relay.worker.reply-images sizes must be at most WeCom's "
                        + StreamImage.MAX_RAW_BYTES + " bytes");
            }
        }
    }

    private final ImageFetcher fetcher;
    private final ImageStore store;
    private final ImagePolicies policies;
    private final Settings settings;
    private final ImageMetrics metrics;

    /**
     * @param http        the pool and connect timeout of image downloads (guarded here per bot)
     * @param budget      the worker's media memory, which images in transfer hold too
     * @param memoryWait  how long an image may wait for room in it
     * @param redisTimeout longest wait for Redis to take an image (on Lettuce's timer wheel)
     */
    public AnswerImages(HttpClient http, MediaBudget budget, Duration memoryWait, ReactiveStringRedisTemplate redis,
                        WheelBound redisTimeout, Settings settings, ImageMetrics metrics) {
        this(new ImageFetcher(http, budget, memoryWait), new ImageStore(redis, redisTimeout), settings, metrics);
    }

    AnswerImages(ImageFetcher fetcher, ImageStore store, Settings settings, ImageMetrics metrics) {
        this.fetcher = fetcher;
        this.store = store;
        this.policies = new ImagePolicies(settings.allowedHosts());
        this.settings = settings;
        this.metrics = metrics;
    }

    /** The chunks of one attempt, the last with its answer's images decided. */
    public Flux<ReplyChunk> attach(Flux<ReplyChunk> chunks, BotConfig bot, MessageAccepted message) {
        if (!settings.enabled()) {
            return chunks;
        }
        return Flux.deferContextual(context -> {
            // the reply span's: the lines below are logged on the threads of the image downloads and Redis
            String traceparent = context.getOrDefault(RelayTracing.CONTEXT_KEY, null);
            var answer = new ReplyText();
            return chunks.concatMap(chunk -> {
                answer.apply(chunk);
                return chunk.last() ? decide(chunk, answer.toString(), bot, message, traceparent) : Mono.just(chunk);
            });
        });
    }

    private Mono<ReplyChunk> decide(ReplyChunk last, String text, BotConfig bot, MessageAccepted message,
                                    @Nullable String traceparent) {
        List<MarkdownImages.Ref> refs = MarkdownImages.find(text);
        if (refs.isEmpty()) {
            return Mono.just(last);
        }
        var route = ImageRoute.of(bot, message.message().channel(), settings);
        List<Candidate> candidates = candidates(refs);
        var pass = new Pass(last, bot, route, traceparent);
        return Flux.fromIterable(candidates)
                .concatMap(candidate -> pass.decide(candidate).map(verdict -> Map.entry(candidate, verdict)))
                .take(settings.timeout())
                .collectList()
                .map(decided -> pass.finish(text, refs, candidates, decided))
                .onErrorResume(e -> {
                    // never a reason to leave the stream open: the answer goes out as it was
                    try (var trace = TraceLog.of(traceparent)) {
                        log.warn("answer images not decided streamId={} cause={}", last.streamId(), e.toString());
                    }
                    return Mono.just(last);
                });
    }

    /** Each image URL once, in the order the text first shows it, with the alt text it first has. */
    private static List<Candidate> candidates(List<MarkdownImages.Ref> refs) {
        var byUrl = new LinkedHashMap<String, String>();
        refs.forEach(ref -> byUrl.putIfAbsent(ref.url(), ref.alt()));
        var candidates = new ArrayList<Candidate>();
        byUrl.forEach((url, alt) -> candidates.add(new Candidate(candidates.size(), url, ImageNames.of(alt, url,
                candidates.size() + 1))));
        return candidates;
    }

    /** One image URL to decide: its place among the answer's images, and its name for a note. */
    private record Candidate(int index, String url, String name) {

        // the URL and name come from the answer
        @Override
        public String toString() {
            return "Candidate[index=" + index + "]";
        }
    }

    /** The decisions of one answer, one image at a time: the attached bytes so far count against the total. */
    private final class Pass {

        private final ReplyChunk last;
        private final BotConfig bot;
        private final ImageRoute route;
        private final Map<Candidate, ReplyImage> attached = new LinkedHashMap<>();
        private final @Nullable String traceparent;
        private long attachedBytes;

        Pass(ReplyChunk last, BotConfig bot, ImageRoute route, @Nullable String traceparent) {
            this.traceparent = traceparent;
            this.last = last;
            this.bot = bot;
            this.route = route;
        }

        Mono<ImageText.Verdict> decide(Candidate candidate) {
            if (candidate.index() >= settings.maxImages()) {
                return Mono.just(failed(candidate, candidate.url(), new ImageFailure(ImageOutcome.TOO_MANY,
                        "image " + (candidate.index() + 1))));
            }
            URI uri = resolve(candidate.url());
            if (uri == null) {
                return Mono.just(failed(candidate, candidate.url(), new ImageFailure(ImageOutcome.REFUSED, "malformed")));
            }
            return fetcher.fetch(uri, policies.forDify(bot.dify().baseUrl()), route.maxBytes(),
                            bytes -> use(candidate, uri, bytes))
                    .timeout(settings.downloadTimeout(), Mono.error(() -> new ImageFailure(ImageOutcome.UNAVAILABLE,
                            "no image within " + settings.downloadTimeout())))
                    .onErrorResume(ImageFailure.class, failure -> Mono.just(failed(candidate, uri.toString(), failure)));
        }

        private Mono<ImageText.Verdict> use(Candidate candidate, URI uri, byte[] bytes) {
            ImageFormat format = ImageFormat.sniff(bytes).orElse(null);
            if (format == null) {
                return Mono.error(new ImageFailure(ImageOutcome.NOT_JPG_PNG, bytes.length + " bytes"));
            }
            if (!route.attach()) {
                return Mono.just(new ImageText.Verdict(ImageOutcome.LINKED, candidate.name(), uri.toString()));
            }
            if (attachedBytes + bytes.length > settings.maxTotalSize()) {
                return Mono.error(new ImageFailure(ImageOutcome.TOO_LARGE, "over the answer's total"));
            }
            attachedBytes += bytes.length;
            var encoded = StreamImage.of(bytes);
            var image = new ReplyImage(StreamStateKeys.imageKey(last.streamId(), last.attempt(), candidate.index()),
                    encoded.md5(), bytes.length, format);
            return store.save(image.key(), encoded.base64(), route.keep())
                    .then(Mono.fromCallable(() -> {
                        attached.put(candidate, image);
                        return new ImageText.Verdict(ImageOutcome.ATTACHED, candidate.name(), null);
                    }))
                    .doOnError(e -> attachedBytes -= bytes.length);
        }

        /** @param url the URL as resolved, when it could be: the log shows its host only */
        private ImageText.Verdict failed(Candidate candidate, String url, ImageFailure failure) {
            try (var trace = TraceLog.of(traceparent)) {
                log.info("answer image not shown streamId={} image={} outcome={} host={} detail={}", last.streamId(),
                        candidate.index() + 1, failure.outcome().tag(), MediaHosts.of(url), failure.getMessage());
            }
            return new ImageText.Verdict(failure.outcome(), candidate.name(), null);
        }

        ReplyChunk finish(String text, List<MarkdownImages.Ref> refs, List<Candidate> candidates,
                          List<Map.Entry<Candidate, ImageText.Verdict>> decided) {
            var byUrl = new LinkedHashMap<String, ImageText.Verdict>();
            decided.forEach(entry -> byUrl.put(entry.getKey().url(), entry.getValue()));
            var outcomes = new EnumMap<ImageOutcome, Integer>(ImageOutcome.class);
            for (Candidate candidate : candidates) {
                // not decided within the phase's timeout
                ImageText.Verdict verdict = byUrl.computeIfAbsent(candidate.url(),
                        url -> new ImageText.Verdict(ImageOutcome.UNAVAILABLE, candidate.name(), null));
                outcomes.merge(verdict.outcome(), 1, Integer::sum);
                metrics.image(bot.id(), verdict.outcome().tag());
            }
            List<ReplyImage> images = candidates.stream().filter(attached::containsKey).map(attached::get).toList();
            String rewritten = ImageText.rewrite(text, refs, byUrl, settings.noteText());
            try (var trace = TraceLog.of(traceparent)) {
                log.info("answer images decided streamId={} attempt={} images={} outcomes={}", last.streamId(),
                        last.attempt(), candidates.size(), outcomes);
            }
            if (rewritten.equals(text) && images.isEmpty()) {
                return last;
            }
            return last.withImages(ChunkKind.REPLACE, rewritten, List.of(), images);
        }

        /** The URL as written, resolved against the bot's Dify base URL (Dify's own file URLs are relative). */
        private @Nullable URI resolve(String url) {
            try {
                return bot.dify().baseUrl().resolve(new URI(url));
            } catch (URISyntaxException | IllegalArgumentException e) {
                return null;
            }
        }
    }
}

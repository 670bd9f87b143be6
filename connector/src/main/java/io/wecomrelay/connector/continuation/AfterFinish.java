package io.wecomrelay.connector.continuation;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

import io.micrometer.core.instrument.MeterRegistry;
import io.wecomrelay.connector.images.ReplyImages;
import io.wecomrelay.connector.socket.BotSocket;
import io.wecomrelay.connector.socket.ConnectionState;
import io.wecomrelay.schemas.stream.StreamStateKeys;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * What a stream gets after WeCom took its finish frame, as one step in reading order: the rest of an answer longer
 * than one stream ({@link ReplyContinuation}), then its images ({@link ReplyImages}), which the worker took out of the
 * text and which end it. One read of the stream hash gives both; one claim ({@link AfterFinishProgress}) makes the
 * step once per stream (a message WeCom delivered twice is finished on both req_ids: the first to claim sends it all,
 * so no image comes between two parts), and records, item by item, how far it got.
 * <p>
 * Items go out one at a time, each after the previous one was acknowledged, {@code interval} before each text part
 * and before the first image that follows text (WeCom takes 30 messages a minute per conversation; images are not
 * paced). An item is settled when WeCom acknowledged it or it was given up (a refused part stops the rest of the
 * text, an image that cannot be shown is left out); only then does the recorded progress move past it. When the
 * socket goes away (the bot moves to another instance, the instance stops, the connection drops), the item in hand is
 * not settled and the step stops; whoever subscribes as the bot next (another instance, or this one after a
 * reconnect) reads the bot's pending steps and goes on at the first item not settled. So nothing is sent twice except
 * at most the one item in flight when the socket went away (WeCom took it, its ack was lost with the socket), and an
 * instance that dies loses nothing as long as the claim lives ({@code relay.connector.replies.open-stream-ttl}).
 */
public final class AfterFinish {

    private static final Logger log = LoggerFactory.getLogger(AfterFinish.class);
    /** The longest wait before a held step is tried again while its socket stays subscribed (a Redis outage). */
    static final Duration MAX_HOLD_DELAY = Duration.ofMinutes(1);
    private static final List<String> FIELDS = List.of(StreamStateKeys.OWNER, StreamStateKeys.FINISH,
            StreamStateKeys.FULL, StreamStateKeys.CONTINUED_NOTE, StreamStateKeys.IMAGES);

    private final ReactiveStringRedisTemplate redis;
    private final AfterFinishProgress progress;
    private final ReplyContinuation rest;
    private final ReplyImages images;
    private final Duration interval;
    /** Steps running here, by stream id: a subscribe resumes only the others. */
    private final Map<String, Step> running = new ConcurrentHashMap<>();

    /**
     * @param keyPrefix the connector's Redis key prefix ({@code relay.connector.replies.key-prefix})
     * @param claimTtl  how long a step's claim and progress are kept after their last change: longer than a stream
     *                  can be finished again, and than a bot takes to move to another instance
     * @param interval  the wait before each text part (and after the last, before the images)
     */
    public AfterFinish(ReactiveStringRedisTemplate redis, String keyPrefix, Duration claimTtl, Duration interval,
                       ReplyImages images, MeterRegistry meters) {
        this.redis = redis;
        this.progress = new AfterFinishProgress(redis, keyPrefix, claimTtl);
        this.rest = new ReplyContinuation(meters);
        this.images = images;
        this.interval = interval;
    }

    /**
     * The stream of {@code botId} was finished on {@code reqId}: claims its step, if it has anything to send and was
     * not claimed before. Completes once the claim is recorded (so the stream may leave the open set: a new owner now
     * finds the step among the bot's pending ones); the items go out after that, here.
     */
    public Mono<Void> follow(String botId, BotSocket socket, String streamId, String reqId) {
        return plan(botId, streamId)
                .filter(plan -> plan.total() > 0)
                .filterWhen(plan -> progress.claim(botId, streamId, reqId, plan.parts().size(), plan.images().size()))
                .doOnNext(plan -> start(new Step(botId, socket, streamId, reqId, plan, 0), 0))
                .onErrorResume(e -> {
                    log.warn("after-finish step not started bot={} streamId={} cause={}", botId, streamId, e.toString());
                    return Mono.empty();
                })
                .then();
    }

    /**
     * {@code socket} subscribed as {@code botId}: the bot's steps not settled yet (an earlier owner's, or this
     * instance's before a reconnect) go on at their first unsettled item, each on the req_id that claimed it.
     */
    public Mono<Void> resume(String botId, BotSocket socket) {
        return progress.pending(botId)
                .filter(streamId -> !runningOn(streamId, socket))
                .concatMap(streamId -> resumeOne(botId, socket, streamId, 0))
                .onErrorResume(e -> {
                    log.warn("after-finish steps not resumed bot={} cause={}", botId, e.toString());
                    return Mono.empty();
                })
                .then();
    }

    /** @param holds how many times in a row the step was held before (0 on a subscribe) */
    private Mono<Void> resumeOne(String botId, BotSocket socket, String streamId, int holds) {
        return progress.position(streamId)
                .switchIfEmpty(Mono.defer(() -> progress.forget(botId, streamId).then(Mono.empty())))
                .flatMap(at -> plan(botId, streamId).defaultIfEmpty(Plan.NONE).flatMap(plan -> {
                    if (plan.parts().size() != at.parts() || plan.images().size() != at.images()) {
                        // the hash expired (or changed): what is left cannot be sent as it was claimed
                        log.warn("after-finish step given up bot={} streamId={} at={}/{}: the stream's answer is gone",
                                botId, streamId, at.next(), at.total());
                        rest.lost(botId, Math.max(0, at.parts() - at.next()));
                        images.lost(botId, Math.min(at.images(), at.total() - at.next()));
                        return progress.advance(botId, streamId, at.next(), at.total()).then();
                    }
                    log.info("after-finish step resumed bot={} streamId={} at={}/{}", botId, streamId, at.next(), at.total());
                    start(new Step(botId, socket, streamId, at.reqId(), plan, holds), at.next());
                    return Mono.empty();
                }));
    }

    /** What the stream's hash says follows its finish; empty when it is another bot's or not finished. */
    private Mono<Plan> plan(String botId, String streamId) {
        return redis.<String, String>opsForHash().multiGet(StreamStateKeys.key(streamId), FIELDS)
                .filter(values -> botId.equals(values.get(0)))
                .map(values -> new Plan(
                        // a stream finished at the deadline (or refused as expired) has only a beginning of an answer
                        "1".equals(values.get(1)) ? ReplyContinuation.parts(values.get(2), values.get(3)) : List.of(),
                        ReplyImages.attached(streamId, values.get(4))));
    }

    private void start(Step step, int from) {
        var mine = new AtomicBoolean();
        running.compute(step.streamId(), (id, current) -> {
            if (current != null && current.socket() == step.socket()) {
                return current;
            }
            mine.set(true);
            return step;
        });
        if (mine.get()) {
            run(step, from).doFinally(signal -> running.computeIfPresent(step.streamId(), (id, current) -> current == step ? null : current))
                    .subscribe(null, error -> held(step, error));
        }
    }

    private Mono<Void> run(Step step, int item) {
        if (item >= step.plan().total()) {
            return Mono.empty();
        }
        return paced(step.plan(), item)
                .then(Mono.defer(() -> deliver(step, item)))
                .flatMap(next -> progress.advance(step.botId(), step.streamId(), item, next)
                        .flatMap(moved -> moved ? run(step, next) : Mono.<Void>fromRunnable(() -> log.info(
                                "after-finish step moved on elsewhere bot={} streamId={}", step.botId(), step.streamId()))));
    }

    private Mono<Void> paced(Plan plan, int item) {
        int parts = plan.parts().size();
        boolean afterText = item < parts || (item == parts && parts > 0);
        return afterText ? Mono.delay(interval).then() : Mono.empty();
    }

    /** Sends the item; completes with the item to go on with, fails when it is not settled. */
    private Mono<Integer> deliver(Step step, int item) {
        List<String> parts = step.plan().parts();
        if (item < parts.size()) {
            return rest.send(step.botId(), step.socket(), step.streamId(), step.reqId(), parts.get(item), item, parts.size());
        }
        int image = item - parts.size();
        return images.send(step.botId(), step.socket(), step.streamId(), step.reqId(), image + 1, step.plan().images().get(image))
                .thenReturn(item + 1);
    }

    /**
     * The item in hand is not settled (the socket went away, or Redis failed): the step waits for the bot's next
     * subscribe. A socket subscribed again by now has had its subscribe, so the step is resumed here, after
     * {@link #holdDelay}, again and again while Redis fails: an outage of minutes costs a few tries and log lines,
     * not one every {@code interval}, and the step goes on by itself when Redis is back.
     */
    private void held(Step step, Throwable error) {
        int holds = step.holds() + 1;
        log.info("after-finish step held bot={} streamId={} holds={} cause={}", step.botId(), step.streamId(), holds,
                error.toString());
        if (step.socket().state() == ConnectionState.SUBSCRIBED) {
            Mono.delay(holdDelay(interval, holds))
                    .then(Mono.defer(() -> runningOn(step.streamId(), step.socket()) ? Mono.<Void>empty()
                            : resumeOne(step.botId(), step.socket(), step.streamId(), holds)))
                    .subscribe(null, e -> held(step.heldAgain(), e));
        }
    }

    /** {@code interval} doubling with each hold in a row, at most {@link #MAX_HOLD_DELAY}. */
    static Duration holdDelay(Duration interval, int holds) {
        Duration delay = interval.multipliedBy(1L << Math.min(Math.max(holds - 1, 0), 10));
        return delay.compareTo(MAX_HOLD_DELAY) > 0 ? MAX_HOLD_DELAY : delay;
    }

    private boolean runningOn(String streamId, BotSocket socket) {
        Step step = running.get(streamId);
        return step != null && step.socket() == socket;
    }

    /** A stream's after-finish items: its text parts, then its images. */
    private record Plan(List<String> parts, List<ReplyImages.Attached> images) {
        static final Plan NONE = new Plan(List.of(), List.of());

        int total() {
            return parts.size() + images.size();
        }
    }

    private record Step(String botId, BotSocket socket, String streamId, String reqId, Plan plan, int holds) {
        Step heldAgain() {
            return new Step(botId, socket, streamId, reqId, plan, holds + 1);
        }
    }
}

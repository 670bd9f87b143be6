package io.wecomrelay.llm.publish;

import java.time.Duration;
import java.util.List;

import io.wecomrelay.support.stream.StreamFoldScripts;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Scheduler;

import org.springframework.data.redis.core.ReactiveStringRedisTemplate;

/**
 * How a preview's fold reaches Redis: each in its own call of {@link StreamFoldScripts#FOLD}, or several streams'
 * folds gathered for a short window into one call of {@link StreamFoldScripts#FOLD_MANY} ({@link FoldBatches}).
 */
public interface FoldCalls {

    /**
     * @param window   how long the first fold of a batch waits for others; zero sends each fold on its own
     * @param maxFolds a batch is sent at once when it holds this many folds
     * @param maxBytes a batch is sent at once when its arguments may pass this many bytes (counted as three bytes a
     *                 character, UTF-8's most for a Java char); a fold larger than that goes alone
     */
    record Batching(Duration window, int maxFolds, long maxBytes) {
    }

    /** fold-chunk.lua's reply for {@code args} folded into {@code key}; fails when the fold failed. */
    Mono<List<?>> fold(String key, List<String> args);

    /** @param scheduler where a batch's window is timed */
    static FoldCalls of(ReactiveStringRedisTemplate redis, Batching batching, Scheduler scheduler) {
        if (batching.window().isZero()) {
            return (key, args) -> redis.execute(StreamFoldScripts.FOLD, List.of(key), args).next()
                    .map(reply -> (List<?>) reply);
        }
        return new FoldBatches(redis, batching, scheduler);
    }
}

package io.wecomrelay.llm.images;

/** What answer images report, per bot. Implementations must be thread-safe and never throw. */
public interface ImageMetrics {

    /**
     * One image of an answer was decided.
     *
     * @param outcome {@code attached}, {@code linked}, {@code refused}, {@code unavailable}, {@code too_large},
     *                {@code not_jpg_png}, {@code too_many} or {@code store_failed}
     */
    void image(String botId, String outcome);
}

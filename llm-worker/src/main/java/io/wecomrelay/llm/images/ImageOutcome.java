package io.wecomrelay.llm.images;

import java.util.Locale;

/** What became of one image of an answer: the {@code outcome} tag of {@code relay.worker.images}. */
enum ImageOutcome {
    /** Fetched, checked and stored in Redis: sent after the text (final frame, webhook image). */
    ATTACHED,
    /** Fetched and checked: left in the text as a Markdown image with an absolute URL. */
    LINKED,
    /** Not requested: a host neither listed nor the bot's Dify origin, another scheme, an internal address, a bad URL. */
    REFUSED,
    /** No good answer: not reachable, an HTTP error, too slow, no memory for it in time. */
    UNAVAILABLE,
    /** Larger than the route's limit, or than what the answer's images may take together. */
    TOO_LARGE,
    /** Its magic bytes are neither JPG's nor PNG's, whatever its name or content type say. */
    NOT_JPG_PNG,
    /** Past the number of images an answer may send. */
    TOO_MANY,
    /** Fetched and checked, but Redis did not take it. */
    STORE_FAILED;

    String tag() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The image reaches the user as an image. */
    boolean shown() {
        return this == ATTACHED || this == LINKED;
    }
}

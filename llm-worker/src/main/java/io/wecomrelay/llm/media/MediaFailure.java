package io.wecomrelay.llm.media;

/**
 * A file could not be passed on; {@link #code()} picks the user-facing sentence (the worker's
 * {@code media_*} codes, {@code network_error}, or Dify's upload error code). The message names
 * the cause without URLs or content, so it may be logged.
 */
final class MediaFailure extends RuntimeException {

    private final String code;

    MediaFailure(String code, String cause) {
        super(cause, null, false, false);
        this.code = code;
    }

    String code() {
        return code;
    }
}

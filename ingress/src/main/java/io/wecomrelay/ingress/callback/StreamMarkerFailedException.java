package io.wecomrelay.ingress.callback;

/**
 * The stream marker could not be written (Redis down or too slow): the callback is answered 503, so that WeCom
 * retries instead of showing a stream no refresh could tell from an expired one.
 */
final class StreamMarkerFailedException extends RuntimeException {

    StreamMarkerFailedException(Throwable cause) {
        super("stream marker not written: " + cause.getClass().getSimpleName(), cause);
    }
}

package io.wecomrelay.ingress.callback;

import java.util.Locale;

import io.wecomrelay.schemas.wecom.WecomError;
import org.springframework.http.HttpStatus;

/** Why ingress refused a callback; each one is a 4xx, a metric tag and a log line, never an event. */
enum RejectionReason {
    UNKNOWN_BOT(HttpStatus.NOT_FOUND),
    MISSING_PARAMETER(HttpStatus.BAD_REQUEST),
    STALE_TIMESTAMP(HttpStatus.BAD_REQUEST),
    BODY_TOO_LARGE(HttpStatus.PAYLOAD_TOO_LARGE),
    WRONG_CONTENT_TYPE(HttpStatus.UNSUPPORTED_MEDIA_TYPE),
    MALFORMED_ENVELOPE(HttpStatus.BAD_REQUEST),
    BAD_SIGNATURE(HttpStatus.UNAUTHORIZED),
    BAD_BASE64(HttpStatus.BAD_REQUEST),
    BAD_CIPHERTEXT(HttpStatus.BAD_REQUEST),
    BAD_FRAME(HttpStatus.BAD_REQUEST),
    RECEIVE_ID_MISMATCH(HttpStatus.BAD_REQUEST),
    MALFORMED_MESSAGE(HttpStatus.BAD_REQUEST),
    BOT_MISMATCH(HttpStatus.BAD_REQUEST);

    private final HttpStatus status;

    RejectionReason(HttpStatus status) {
        this.status = status;
    }

    HttpStatus status() {
        return status;
    }

    /** The metric tag, e.g. {@code bad-signature}. */
    String tag() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    static RejectionReason of(WecomError error) {
        return switch (error) {
            case VALIDATE_SIGNATURE_ERROR, COMPUTE_SIGNATURE_ERROR -> BAD_SIGNATURE;
            case PARSE_JSON_ERROR -> MALFORMED_ENVELOPE;
            case VALIDATE_CORPID_ERROR -> RECEIVE_ID_MISMATCH;
            case DECODE_BASE64_ERROR -> BAD_BASE64;
            case ILLEGAL_BUFFER -> BAD_FRAME;
            default -> BAD_CIPHERTEXT;
        };
    }
}

package io.wecomrelay.ingress.callback;

/**
 * A refused callback. The detail is for the log and must never contain a secret or the body.
 * Thrown often by hostile traffic, so it carries no stack trace.
 */
final class CallbackRejectedException extends RuntimeException {

    private final RejectionReason reason;

    CallbackRejectedException(RejectionReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    RejectionReason reason() {
        return reason;
    }
}

package io.wecomrelay.llm.identity;

import io.wecomrelay.llm.reply.CodedFailure;
import io.wecomrelay.llm.reply.ErrorCodes;

/**
 * The auth service could not be asked or gave no usable answer: the reply ends with the
 * {@link ErrorCodes#IDENTITY_UNAVAILABLE} sentence. Deliberately without a cause: the worker redoes a reply whose
 * failure has an I/O error or timeout anywhere in its cause chain (an outage of Redis or Kafka), and the auth
 * service's outage is not one of those.
 */
public final class IdentityUnavailableException extends RuntimeException implements CodedFailure {

    private final String reason;

    /** @param reason a short fixed code: {@code timeout}, {@code unreachable}, {@code http_503}, {@code not_allowed}, ... */
    public IdentityUnavailableException(String reason) {
        super("auth service unavailable: " + reason, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String code() {
        return ErrorCodes.IDENTITY_UNAVAILABLE;
    }
}

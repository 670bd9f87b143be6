package io.wecomrelay.llm.identity;

import io.wecomrelay.llm.reply.CodedFailure;
import io.wecomrelay.llm.reply.ErrorCodes;

/** The auth service refused a new token after Dify turned the old one down: the reply ends as refused. */
public final class IdentityRefusedException extends RuntimeException implements CodedFailure {

    private final String reason;

    public IdentityRefusedException(String reason) {
        super("auth service refused: " + reason, null, false, false);
        this.reason = reason;
    }

    public String reason() {
        return reason;
    }

    @Override
    public String code() {
        return ErrorCodes.IDENTITY_REFUSED;
    }
}

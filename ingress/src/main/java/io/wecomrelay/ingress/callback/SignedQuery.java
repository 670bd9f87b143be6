package io.wecomrelay.ingress.callback;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;

/** The signature parameters WeCom puts in the callback URL, checked for presence and freshness. */
record SignedQuery(String msgSignature, String timestamp, String nonce, @Nullable String echostr) {

    static SignedQuery from(MultiValueMap<String, String> params, Instant now, Duration tolerance) {
        SignedQuery query = new SignedQuery(required(params, "msg_signature"), required(params, "timestamp"),
                required(params, "nonce"), params.getFirst("echostr"));
        query.checkFresh(now, tolerance);
        return query;
    }

    String requireEchostr() {
        if (echostr == null || echostr.isEmpty()) {
            throw new CallbackRejected(RejectionReason.MISSING_PARAMETER, "echostr is missing");
        }
        return echostr;
    }

    private void checkFresh(Instant now, Duration tolerance) {
        long seconds;
        try {
            seconds = Long.parseLong(timestamp);
        } catch (NumberFormatException e) {
            throw new CallbackRejected(RejectionReason.STALE_TIMESTAMP, "timestamp is not a number");
        }
        long skew = Math.abs(now.getEpochSecond() - seconds);
        if (skew > tolerance.toSeconds()) {
            throw new CallbackRejected(RejectionReason.STALE_TIMESTAMP, "timestamp is " + skew + "s away from now");
        }
    }

    private static String required(MultiValueMap<String, String> params, String name) {
        String value = params.getFirst(name);
        if (value == null || value.isEmpty()) {
            throw new CallbackRejected(RejectionReason.MISSING_PARAMETER, name + " is missing");
        }
        return value;
    }
}

package io.wecomrelay.ingress.callback;

import java.time.Duration;
import java.time.Instant;

import org.jspecify.annotations.Nullable;
import org.springframework.util.MultiValueMap;

/** The signature parameters WeCom puts in the callback URL, checked for presence and freshness. */
record SignedQuery(String msgSignature, String timestamp, String nonce, @Nullable String echostr) {

    private static final int MAX_DIGITS = 19;

    static SignedQuery from(MultiValueMap<String, String> params, Instant now, Duration tolerance) {
        SignedQuery query = new SignedQuery(required(params, "msg_signature"), required(params, "timestamp"),
                required(params, "nonce"), params.getFirst("echostr"));
        query.checkFresh(now, tolerance);
        return query;
    }

    // The echostr is ciphertext of WeCom's challenge: no use in a log.
    @Override
    public String toString() {
        return "SignedQuery[msgSignature=" + msgSignature + ", timestamp=" + timestamp + ", nonce=" + nonce
                + ", echostr=" + (echostr == null ? "none" : "<" + echostr.length() + " chars>") + "]";
    }

    String requireEchostr() {
        if (echostr == null || echostr.isEmpty()) {
            throw new CallbackRejectedException(RejectionReason.MISSING_PARAMETER, "echostr is missing");
        }
        return echostr;
    }

    private void checkFresh(Instant now, Duration tolerance) {
        long seconds = seconds(timestamp);
        long skew;
        try {
            // exact arithmetic: a wrapped-around difference could look like no skew at all
            skew = Math.absExact(Math.subtractExact(now.getEpochSecond(), seconds));
        } catch (ArithmeticException e) {
            throw new CallbackRejectedException(RejectionReason.STALE_TIMESTAMP, "timestamp is out of range");
        }
        if (skew > tolerance.toSeconds()) {
            throw new CallbackRejectedException(RejectionReason.STALE_TIMESTAMP, "timestamp is " + skew + "s away from now");
        }
    }

    /** Plain decimal digits only, as WeCom sends them: no sign, no spaces, no more than a long holds. */
    private static long seconds(String timestamp) {
        if (timestamp.length() > MAX_DIGITS || !timestamp.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new CallbackRejectedException(RejectionReason.STALE_TIMESTAMP, "timestamp is not a number");
        }
        try {
            return Long.parseLong(timestamp);
        } catch (NumberFormatException e) { // 19 digits above Long.MAX_VALUE
            throw new CallbackRejectedException(RejectionReason.STALE_TIMESTAMP, "timestamp is out of range");
        }
    }

    private static String required(MultiValueMap<String, String> params, String name) {
        String value = params.getFirst(name);
        if (value == null || value.isEmpty()) {
            throw new CallbackRejectedException(RejectionReason.MISSING_PARAMETER, name + " is missing");
        }
        return value;
    }
}

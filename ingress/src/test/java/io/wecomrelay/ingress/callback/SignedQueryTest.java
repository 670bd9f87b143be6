package io.wecomrelay.ingress.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.util.LinkedMultiValueMap;

/** The freshness check of the signed query: no timestamp, however large, wraps around into "fresh". */
class SignedQueryTest {

    static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");
    static final Duration TOLERANCE = Duration.ofMinutes(5);

    @Test
    void aTimestampWithinTheToleranceIsFresh() {
        assertThat(query(Long.toString(NOW.getEpochSecond() - 299)).timestamp()).isEqualTo(Long.toString(NOW.getEpochSecond() - 299));
        assertThat(query(Long.toString(NOW.getEpochSecond() + 299)).nonce()).isEqualTo("n");
    }

    @Test
    void theTimestampWhoseDistanceFromNowOverflowsIsStale() {
        // now - (Long.MIN_VALUE + now) is Long.MIN_VALUE, whose absolute value is itself: negative, "within" any tolerance
        String wrapping = Long.toString(Long.MIN_VALUE + NOW.getEpochSecond());

        assertRejected(wrapping);
    }

    @ParameterizedTest
    @ValueSource(strings = {"9223372036854775807", "-9223372036854775808", "-9223372036854775807",
            "123456789012345678901234567890", "1400000000", "-1", "0x6a", "１７９５２４８０００"})
    void extremeOrMalformedTimestampsAreStaleNeverFresh(String timestamp) {
        assertRejected(timestamp);
    }

    @ParameterizedTest
    @ValueSource(strings = {"+%d", " %d", "%d ", "-0%d", "%d.0"})
    void onlyPlainDigitsAreATimestampEvenWhenTheValueWouldBeFresh(String spelling) {
        assertRejected(spelling.formatted(NOW.getEpochSecond()));
    }

    @Test
    void aHugeToleranceDoesNotOverflowEither() {
        assertThat(SignedQuery.from(params(Long.toString(NOW.getEpochSecond() + 5)), NOW, Duration.ofSeconds(Long.MAX_VALUE)))
                .isNotNull();
        assertThatThrownBy(() -> SignedQuery.from(params("123456789012345678901234567890"), NOW, Duration.ofSeconds(Long.MAX_VALUE)))
                .isInstanceOf(CallbackRejectedException.class);
    }

    private static void assertRejected(String timestamp) {
        assertThatThrownBy(() -> query(timestamp))
                .isInstanceOfSatisfying(CallbackRejectedException.class,
                        e -> assertThat(e.reason()).isEqualTo(RejectionReason.STALE_TIMESTAMP));
    }

    private static SignedQuery query(String timestamp) {
        return SignedQuery.from(params(timestamp), NOW, TOLERANCE);
    }

    private static LinkedMultiValueMap<String, String> params(String timestamp) {
        var params = new LinkedMultiValueMap<String, String>();
        params.add("msg_signature", "s");
        params.add("timestamp", timestamp);
        params.add("nonce", "n");
        return params;
    }
}

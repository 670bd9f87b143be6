package io.wecomrelay.llm.handle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;

import io.wecomrelay.schemas.bot.ReplyMode;
import org.junit.jupiter.api.Test;

class AgeLimitsTest {

    static final Instant NOW = Instant.parse("2026-11-21T08:00:00Z");
    final AgeLimits limits = new AgeLimits(Duration.ofSeconds(350), Duration.ofHours(1), Duration.ofHours(3));

    @Test
    void aStreamingBotsMessageIsTooOldOnceWecomsStreamWindowClosed() {
        for (ReplyMode mode : new ReplyMode[] {ReplyMode.PASSIVE_STREAM, ReplyMode.STREAM_WITH_TEMPLATE_CARD}) {
            assertThat(limits.tooOld(mode, NOW.minusSeconds(350), NOW)).as("%s at the limit", mode).isFalse();
            assertThat(limits.tooOld(mode, NOW.minusSeconds(351), NOW)).as("%s past it", mode).isTrue();
        }
    }

    @Test
    void anActivelyDeliveredBotsMessageIsTooOldPastItsMaximumReplyAge() {
        Instant tenMinutesAgo = NOW.minus(Duration.ofMinutes(10));
        assertThat(limits.tooOld(ReplyMode.RESPONSE_URL, tenMinutesAgo, NOW)).as("past the stream window, within 1 h").isFalse();
        assertThat(limits.tooOld(ReplyMode.RESPONSE_URL, NOW.minus(Duration.ofMinutes(61)), NOW)).isTrue();
        assertThat(limits.tooOld(ReplyMode.WEBHOOK, NOW.minus(Duration.ofMinutes(61)), NOW)).as("webhooks: 3 h here").isFalse();
        assertThat(limits.tooOld(ReplyMode.WEBHOOK, NOW.minus(Duration.ofMinutes(181)), NOW)).isTrue();
    }

    @Test
    void aMessageFromTheFutureIsNotTooOld() {
        // clocks of ingress and worker hosts differ a little
        assertThat(limits.tooOld(ReplyMode.PASSIVE_STREAM, NOW.plusSeconds(5), NOW)).isFalse();
    }

    @Test
    void limitsArePositive() {
        assertThatThrownBy(() -> new AgeLimits(Duration.ZERO, Duration.ofHours(1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new AgeLimits(Duration.ofSeconds(350), Duration.ofHours(-1), Duration.ofHours(1)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}

package io.wecomrelay.responder.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.bot.BotRegistryLoader;
import io.wecomrelay.schemas.bot.ReplyMode;
import io.wecomrelay.schemas.event.DeliveryFailure;
import org.junit.jupiter.api.Test;

class MaxReplyAgeTest {

    static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");
    final MaxReplyAge ages = new MaxReplyAge(Duration.ofHours(1), Duration.ofHours(3));

    @Test
    void aResponseUrlReplyIsTooOldPastItsAgeAndAWebhookReplyPastItsOwn() {
        BotConfig url = bot(ReplyMode.RESPONSE_URL);
        BotConfig webhook = bot(ReplyMode.WEBHOOK);

        assertThat(ages.tooOld(url, NOW.minus(Duration.ofHours(1)), NOW)).as("at the limit").isFalse();
        assertThat(ages.tooOld(url, NOW.minus(Duration.ofMinutes(61)), NOW)).isTrue();
        assertThat(ages.tooOld(webhook, NOW.minus(Duration.ofMinutes(61)), NOW)).isFalse();
        assertThat(ages.tooOld(webhook, NOW.minus(Duration.ofMinutes(181)), NOW)).isTrue();
        assertThat(ages.detail(url)).isEqualTo("message older than max-reply-age PT1H");
        assertThat(ages.detail(webhook)).isEqualTo("message older than max-webhook-reply-age PT3H");
    }

    @Test
    void theOutboxGivesUpAJobOfAMessageOlderThanItsBotsAge() {
        var limits = new OutboxLimits(ages, 200);

        assertThat(limits.judge(bot(ReplyMode.RESPONSE_URL), NOW.minus(Duration.ofHours(2)), 1, NOW))
                .contains(DeliveryFailure.JOB_EXPIRED);
        assertThat(limits.judge(bot(ReplyMode.WEBHOOK), NOW.minus(Duration.ofHours(2)), 1, NOW)).isEqualTo(Optional.empty());
        assertThat(limits.judge(bot(ReplyMode.WEBHOOK), null, 201, NOW)).contains(DeliveryFailure.OUTBOX_FULL);
    }

    @Test
    void agesArePositive() {
        assertThatThrownBy(() -> new MaxReplyAge(Duration.ZERO, Duration.ofHours(1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new MaxReplyAge(Duration.ofHours(1), Duration.ofHours(-1)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    private static BotConfig bot(ReplyMode mode) {
        String yaml = "bots:\n  - id: bot-x\n    token: tok\n    aes-key: abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG\n"
                + "    dify: { base-url: http://127.0.0.1:9/v1, api-key: k, allow-insecure-http: true }\n    reply-mode: " + mode.wireName() + "\n"
                + "    webhook-key: key\n";
        return new BotRegistryLoader(name -> null).parse(yaml).find("bot-x").orElseThrow();
    }
}

package io.wecomrelay.connector.reply;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;

import org.junit.jupiter.api.Test;

class ReplySettingsTest {

    @Test
    void theDefaultsKeepWithinWeComsLimits() {
        assertThatCode(() -> new ReplySettings(Duration.ofMinutes(3), Duration.ofSeconds(330), Duration.ofSeconds(5), "n"))
                .doesNotThrowAnyException();
    }

    @Test
    void aKeepAliveOfFourMinutesOrAFinishAtSixIsRefused() {
        assertThatThrownBy(() -> new ReplySettings(Duration.ofMinutes(4), Duration.ofSeconds(330), Duration.ofSeconds(5), "n"))
                .hasMessageContaining("keep-alive");
        assertThatThrownBy(() -> new ReplySettings(Duration.ofMinutes(3), Duration.ofMinutes(6), Duration.ofSeconds(5), "n"))
                .hasMessageContaining("finish-deadline");
    }
}

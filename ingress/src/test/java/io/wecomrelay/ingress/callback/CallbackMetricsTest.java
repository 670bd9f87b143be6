package io.wecomrelay.ingress.callback;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.schemas.testing.Events;
import org.junit.jupiter.api.Test;

/** The meters an accepted message touches are registered once per bot and tags, and each message still counts. */
class CallbackMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final CallbackMetrics metrics = new CallbackMetrics(meters);

    @Test
    void everyPublishedMessageCountsUnderItsOwnBotAndType() {
        metrics.published("bot-a", Events.text("m1", "u1", "一"), System.nanoTime());
        metrics.published("bot-a", Events.text("m2", "u1", "二"), System.nanoTime());
        metrics.published("bot-b", Events.text("m3", "u2", "三"), System.nanoTime());
        metrics.callback("bot-a", "text", "unavailable");

        assertThat(meters.get("relay.ingress.publish").tag("bot", "bot-a").timer().count()).isEqualTo(2);
        assertThat(meters.get("relay.ingress.publish").tag("bot", "bot-b").timer().count()).isEqualTo(1);
        assertThat(meters.get("relay.ingress.callbacks").tags("bot", "bot-a", "type", "text", "outcome", "published")
                .counter().count()).isEqualTo(2);
        assertThat(meters.get("relay.ingress.callbacks").tags("bot", "bot-b", "type", "text", "outcome", "published")
                .counter().count()).isEqualTo(1);
        assertThat(meters.get("relay.ingress.callbacks").tags("bot", "bot-a", "type", "text", "outcome", "unavailable")
                .counter().count()).isEqualTo(1);
        assertThat(meters.get("relay.ingress.callbacks").counters()).hasSize(3);
    }

    @Test
    void responseUrlVerdictsAndRefreshResultsCountPerBotAndTag() {
        metrics.responseUrl("bot-a", "allowed");
        metrics.responseUrl("bot-a", "allowed");
        metrics.responseUrl("bot-a", "private_address");
        metrics.responseUrl("bot-b", "allowed");
        metrics.refresh("bot-a", "pending");
        metrics.refresh("bot-a", "pending");
        metrics.refresh("bot-b", "finished");

        assertThat(meters.get("relay.ingress.response_url").tags("bot", "bot-a", "verdict", "allowed").counter().count())
                .isEqualTo(2);
        assertThat(meters.get("relay.ingress.response_url").tags("bot", "bot-a", "verdict", "private_address").counter()
                .count()).isEqualTo(1);
        assertThat(meters.get("relay.ingress.response_url").tags("bot", "bot-b", "verdict", "allowed").counter().count())
                .isEqualTo(1);
        assertThat(meters.get("relay.ingress.refreshes").tags("bot", "bot-a", "result", "pending").counter().count())
                .isEqualTo(2);
        assertThat(meters.get("relay.ingress.refreshes").tags("bot", "bot-b", "result", "finished").counter().count())
                .isEqualTo(1);
        assertThat(meters.get("relay.ingress.refreshes").counters()).hasSize(2);
    }
}

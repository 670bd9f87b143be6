package io.wecomrelay.llm.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** The meters every reply and chunk touches are registered once per bot (and outcome), and each use still counts. */
class LlmWorkerMetricsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final LlmWorkerMetrics metrics = new LlmWorkerMetrics(meters);

    @Test
    void chunksCharactersAndDurationsCountPerBotAndOutcome() {
        metrics.chunk("bot-a", 3);
        metrics.chunk("bot-a", 4);
        metrics.chunk("bot-b", 5);
        metrics.firstText("bot-a", Duration.ofMillis(20));
        metrics.finished("bot-a", null, Duration.ofSeconds(1));
        metrics.finished("bot-a", null, Duration.ofSeconds(2));
        metrics.finished("bot-a", "dify_timeout", Duration.ofSeconds(3));

        assertThat(meters.get("relay.worker.chunks").tag("bot", "bot-a").counter().count()).isEqualTo(2);
        assertThat(meters.get("relay.worker.chunks").tag("bot", "bot-b").counter().count()).isEqualTo(1);
        assertThat(meters.get("relay.worker.characters").tag("bot", "bot-a").counter().count()).isEqualTo(7);
        assertThat(meters.get("relay.worker.first.text").tag("bot", "bot-a").timer().count()).isEqualTo(1);
        assertThat(meters.get("relay.worker.dify.duration").tags("bot", "bot-a", "outcome", "ok").timer().count()).isEqualTo(2);
        assertThat(meters.get("relay.worker.dify.duration").tags("bot", "bot-a", "outcome", "error").timer().count())
                .isEqualTo(1);
        assertThat(meters.get("relay.worker.errors").tags("bot", "bot-a", "code", "dify_timeout").counter().count())
                .isEqualTo(1);
        assertThat(meters.find("relay.worker.first.text").tag("bot", "bot-b").timer()).isNull();
    }

    @Test
    void previewsCountPerBotAndOutcome() {
        metrics.preview("bot-a", "applied");
        metrics.preview("bot-a", new String("applied"));   // the fold's status arrives as a new string each time
        metrics.preview("bot-a", "failed");
        metrics.preview("bot-b", "applied");

        assertThat(meters.get("relay.worker.previews").tags("bot", "bot-a", "outcome", "applied").counter().count())
                .isEqualTo(2);
        assertThat(meters.get("relay.worker.previews").tags("bot", "bot-a", "outcome", "failed").counter().count())
                .isEqualTo(1);
        assertThat(meters.get("relay.worker.previews").tags("bot", "bot-b", "outcome", "applied").counter().count())
                .isEqualTo(1);
        assertThat(meters.find("relay.worker.previews").counters()).hasSize(3);
    }
}

package io.wecomrelay.llm.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.llm.TestWheel;
import io.wecomrelay.llm.dify.ChatRequest;
import io.wecomrelay.llm.dify.DifyClient;
import io.wecomrelay.schemas.bot.DifyApp;
import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyText;
import io.wecomrelay.schemas.testing.Events;
import io.wecomrelay.sim.dify.DifySimulator;
import io.wecomrelay.sim.dify.DifySimulatorConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import reactor.core.scheduler.Schedulers;
import org.springframework.web.reactive.function.client.WebClient;

/** The agent status line against the simulator's AGENT scenario over real HTTP; no Kafka, no Redis. */
class AgentThoughtsTest {

    private static DifySimulator dify;

    @BeforeAll
    static void start() {
        dify = DifySimulator.start(DifySimulatorConfig.defaults().withCadence(3, Duration.ofMillis(20)));
    }

    @AfterAll
    static void stop() {
        dify.close();
    }

    @Test
    void theToolCallShowsUntilTheAnswerReplacesIt() {
        var chunks = answer("draw a cat [sim:agent]", true);

        assertThat(chunks.get(0).text()).isEqualTo("> 🔧 dalle3…");
        assertThat(chunks.get(0).kind()).isEqualTo(ChunkKind.APPEND);
        assertThat(chunks.get(1).kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(chunks.get(1).text()).startsWith("![image](");
        String text = ReplyText.fold(chunks);
        assertThat(text).doesNotContain("🔧").endsWith(DifySimulator.expectedAnswer("draw a cat [sim:agent]"));
        assertThat(chunks.get(chunks.size() - 1).last()).isTrue();
        assertThat(chunks.get(chunks.size() - 1).error()).isNull();
    }

    @Test
    void withoutTheSettingNothingIsShownBeforeTheAnswer() {
        var chunks = answer("draw a dog [sim:agent]", false);

        assertThat(chunks).noneMatch(chunk -> chunk.text().contains("🔧"))
                .noneMatch(chunk -> chunk.kind() == ChunkKind.REPLACE);
        assertThat(ReplyText.fold(chunks)).startsWith("![image](").endsWith(DifySimulator.expectedAnswer("draw a dog [sim:agent]"));
    }

    private static List<ReplyChunk> answer(String query, boolean showThoughts) {
        var client = new DifyClient(WebClient.create(), new DifyClient.RetryPolicy(1, Duration.ofMillis(10),
                Duration.ofMillis(10), 0), TestWheel.bound(Duration.ofSeconds(2)), TestWheel.bound(Duration.ofSeconds(5)),
                new DifyClient.StreamLimits(1 << 20, 1 << 20), Duration.ofSeconds(2), new SimpleMeterRegistry());
        var replies = new DifyReplies(client, new DifyReplies.Settings(Duration.ofMillis(150), 400,
                Duration.ofSeconds(5), showThoughts, 1 << 16), new ErrorTexts(Map.of()),
                new ReplyTimers(Schedulers.parallel(), TestWheel.wheel()), ReplyMetrics.NONE);
        var app = new DifyApp(URI.create(dify.baseUrl()), new Secret(DifySimulatorConfig.DEFAULT_API_KEY));
        var factory = new ChunkFactory(Events.accepted("bot-1", "m-" + UUID.randomUUID(), Events.T0), null, 1,
                "trace-1",
                Clock.systemUTC(), UUID::randomUUID);
        var request = new ChatRequest(query, "wecom:bot-1:u-" + UUID.randomUUID(), null, List.of());
        return replies.open(app, request, Instant.now().plusSeconds(30), factory).chunks()
                .collectList().block(Duration.ofSeconds(15));
    }
}

package io.wecomrelay.llm;

import static io.wecomrelay.llm.WorkerTestSupport.DIFY;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;

import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.sim.dify.DifySimulator;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A worker that goes away mid-stream leaves its record uncommitted; the next worker of the group
 * redoes it as attempt 2, whose chunks replace the partial attempt 1.
 */
class WorkerCrashTest {

    private static final String PREFIX = "crash";
    private static final WorkerTestSupport.ChunkCollector CHUNKS = WorkerTestSupport.chunks(PREFIX + ".chunks");

    @Test
    void aReplyCutOffByAWorkerGoingAwayIsCompletedByTheNextWorkerWithAttemptTwo() {
        var message = WorkerTestSupport.text(WorkerTestSupport.user(), "long answer [sim:deltas=20,delay-ms=150]");
        String query = message.message().body().path("text").path("content").asString();

        try (var first = worker()) {
            WorkerTestSupport.send(PREFIX + ".accepted", message);
            CHUNKS.awaitChunk(message.streamId(), chunk -> chunk.seq() >= 1, Duration.ofSeconds(10));
        }
        var partial = CHUNKS.all(message.streamId());
        assertThat(partial).isNotEmpty().allMatch(chunk -> chunk.attempt() == 1).noneMatch(ReplyChunk::last);

        try (var second = worker()) {
            var reply = CHUNKS.awaitReply(message.streamId(), Duration.ofSeconds(20));

            assertThat(reply.last().attempt()).isEqualTo(2);
            assertThat(reply.chunks()).allMatch(chunk -> chunk.attempt() == 2);
            assertThat(reply.text()).isEqualTo(DifySimulator.expectedAnswer(query));
            assertThat(DIFY.requestsFor(query)).hasSize(2);
        }
    }

    private static ConfigurableApplicationContext worker() {
        // a cold first connection on a busy machine must not look like a silent Dify (it did: idle_timeout, no seq 1)
        return WorkerTestSupport.worker(PREFIX, Map.of("relay.worker.reply.idle-timeout", "10s"));
    }
}

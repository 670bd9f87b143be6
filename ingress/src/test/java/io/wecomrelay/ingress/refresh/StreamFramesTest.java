package io.wecomrelay.ingress.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

/** A stream that outlives its window is finished by ingress with a note the user can see. */
class StreamFramesTest {

    private static final Instant CREATED = Instant.parse("2026-12-05T10:00:00Z");
    private static final StreamFrames FRAMES = new StreamFrames(Duration.ofSeconds(350), "expired", "took too long");

    @Test
    void aStreamCutWhileTheModelWasThinkingShowsTheNoteAfterItsThinkingBlock() {
        var frame = FRAMES.of(snapshot("<think>先想一想"), "…", CREATED.plusSeconds(351));

        assertThat(frame.finish()).isTrue();
        assertThat(frame.content()).isEqualTo("<think>先想一想</think>\n\ntook too long");
    }

    @Test
    void aStreamCutAfterTheAnswerStartedKeepsItsTextAndAddsTheNote() {
        var frame = FRAMES.of(snapshot("<think>想过了</think>\n\n答案"), "…", CREATED.plusSeconds(351));

        assertThat(frame.content()).isEqualTo("<think>想过了</think>\n\n答案\n\ntook too long");
        assertThat(FRAMES.of(snapshot("答案"), "…", CREATED.plusSeconds(10)).finish()).isFalse();
    }

    private static StreamSnapshot snapshot(String content) {
        return new StreamSnapshot(CREATED, content, false, List.of(), "bot-1", List.of(), null);
    }
}

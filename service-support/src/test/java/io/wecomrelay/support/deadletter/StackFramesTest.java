package io.wecomrelay.support.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class StackFramesTest {

    @Test
    void namesEveryClassInTheChainWithItsFramesButNoMessage() {
        var failure = new IllegalStateException("secret-token-1 of the record",
                new IllegalArgumentException("the user's text"));

        String frames = StackFrames.of(failure);

        assertThat(frames).startsWith(IllegalStateException.class.getName() + "\n\tat ")
                .contains("Caused by: " + IllegalArgumentException.class.getName() + "\n")
                .contains("StackFramesTest.namesEveryClassInTheChainWithItsFramesButNoMessage")
                .doesNotContain("secret-token-1").doesNotContain("the user's text");
    }

    @Test
    void aDeepTraceIsCutAtALine() {
        Throwable failure = new IllegalStateException("deep");
        for (int i = 0; i < 400; i++) {
            failure = new RuntimeException("level " + i, failure);
        }

        String frames = StackFrames.of(failure);

        assertThat(frames.length()).isLessThanOrEqualTo(StackFrames.MAX_CHARS);
        assertThat(frames).endsWith("\n" + StackFrames.CUT + "\n");
    }
}

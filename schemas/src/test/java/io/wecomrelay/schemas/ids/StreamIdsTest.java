package io.wecomrelay.schemas.ids;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashSet;

import io.wecomrelay.schemas.testing.Concurrently;
import org.junit.jupiter.api.Test;

class StreamIdsTest {

    @Test
    void sameBotAndMsgIdGiveTheSameStreamIdSoRetriesShareOneReply() {
        assertThat(StreamIds.of("aib1", "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI="))
                .isEqualTo(StreamIds.of("aib1", "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI="));
    }

    @Test
    void isShortAndUrlSafe() {
        String id = StreamIds.of("aib1", "CAIQ16HMjQYY/NGagIOAgAMgq4KM0AI=");

        assertThat(id).hasSize(StreamIds.LENGTH).matches("[A-Za-z0-9_-]+");
        assertThat(StreamIds.isWellFormed(id)).isTrue();
    }

    @Test
    void differsPerBotAndPerMessage() {
        var ids = new HashSet<String>();
        for (int i = 0; i < 10_000; i++) {
            ids.add(StreamIds.of("bot-" + (i % 7), "msg-" + i));
        }
        assertThat(ids).hasSize(10_000);
        assertThat(StreamIds.of("a", "bc")).isNotEqualTo(StreamIds.of("ab", "c"));
    }

    @Test
    void isStableAcrossVersions() {
        // Changing the derivation would orphan every live stream during a rolling upgrade.
        assertThat(StreamIds.of("aib1", "msg-1")).isEqualTo(StreamIds.of("aib1", "msg-1")).hasSize(22);
        assertThat(StreamIds.of("aib1", "msg-1")).isEqualTo(expected("aib1\nmsg-1"));
    }

    @Test
    void threadsDerivingAtOnceEachGetTheirOwnIds() throws Exception {
        // the digest is kept per thread: a shared one would mix the inputs of interleaved calls
        assertThat(Concurrently.allHold(8, t -> () -> {
            for (int i = 0; i < 2_000; i++) {
                if (!StreamIds.of("bot-" + t, "msg-" + i).equals(expected("bot-" + t + "\nmsg-" + i))) {
                    return false;
                }
            }
            return true;
        })).isTrue();
    }

    @Test
    void rejectsEmptyParts() {
        assertThatThrownBy(() -> StreamIds.of("", "m")).isInstanceOf(IllegalArgumentException.class);
        assertThat(StreamIds.isWellFormed("../../etc/passwd")).isFalse();
    }

    private static String expected(String input) {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(input.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(d, 16));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}

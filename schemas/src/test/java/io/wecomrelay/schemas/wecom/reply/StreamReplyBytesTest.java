package io.wecomrelay.schemas.wecom.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.SplittableRandom;

import io.wecomrelay.schemas.wecom.WecomJson;
import org.junit.jupiter.api.Test;

/**
 * {@link StreamReply#toJsonBytes()} writes UTF-8 by hand; it must be byte for byte what sealing
 * {@link StreamReply#toJson()} always encrypted: {@code toJson().getBytes(UTF_8)}.
 */
class StreamReplyBytesTest {

    // Characters that stress escaping and encoding: controls, quote, backslash, the 1/2/3/4-byte
    // boundaries, both halves of a surrogate pair on their own, and line/paragraph separators.
    private static final char[] AWKWARD = {0, 1, '\b', '\t', '\n', 0x0b, '\f', '\r', 0x1f, ' ', '"', '\\', '/', '?',
        'a', 0x7e, 0x7f, 0x80, 0xe9, 0x7ff, 0x800, 0x2028, 0x2029, 0x4e2d, 0xd7ff, 0xd83d, 0xde00, 0xdbff, 0xdc00,
        0xe000, 0xfeff, 0xfffd, 0xffff};

    @Test
    void everySingleCharacterIsWrittenAsTheStringPathWritesIt() {
        for (int c = 0; c <= 0xffff; c++) {
            String content = "a" + (char) c + "b";
            assertSameBytes(StreamReply.partial("s", content));
        }
    }

    @Test
    void randomMixturesIncludingBrokenSurrogatePairs() {
        var random = new SplittableRandom(3);
        for (int round = 0; round < 2000; round++) {
            var text = new StringBuilder();
            int length = random.nextInt(0, 40);
            for (int i = 0; i < length; i++) {
                text.append(random.nextInt(4) == 0 ? (char) random.nextInt(0x10000) : AWKWARD[random.nextInt(AWKWARD.length)]);
            }
            assertSameBytes(StreamReply.partial("s", text.toString()));
            assertSameBytes(StreamReply.finished(text.length() == 0 ? "s" : text.toString(), text.toString())
                    .withFeedbackId(text.toString()));
        }
    }

    @Test
    void surrogatesAtTheEdges() {
        for (String content : List.of("\ud83d", "\ude00", "\ud83d\ude00", "\ude00\ud83d", "x\ud83d", "\ud83dx",
                "\ud83d\ud83d\ude00", "\ud83d\ude00\ude00", "😀".repeat(100))) {
            assertSameBytes(StreamReply.partial("s", content));
        }
    }

    @Test
    void contentThatIsAllEscapesGrowsTheBuffer() {
        assertSameBytes(StreamReply.partial("s", "\u0001".repeat(5000)));
        assertSameBytes(StreamReply.partial("s", "\n\"\\".repeat(3000)));
        assertSameBytes(StreamReply.finished("s", "中".repeat(6826) + "ab"));
        assertSameBytes(StreamReply.finished("s", ""));
    }

    @Test
    void finishedFramesWithImagesAndFeedback() {
        var image = StreamImage.of("hello".getBytes(StandardCharsets.US_ASCII));
        var other = StreamImage.of(new byte[] {1, 2, 3});

        assertSameBytes(StreamReply.finished("STREAMID", "done").withImages(List.of(image)));
        assertSameBytes(StreamReply.finished("STREAMID", "done").withImages(List.of(image, other, image)).withFeedbackId("F\"B"));
        assertSameBytes(StreamReply.partial("STREAMID", "**广州**\n").withFeedbackId("FEEDBACKID"));
    }

    @Test
    void countsUtf8BytesAsTheEncoderDoes() {
        var random = new SplittableRandom(9);
        for (int round = 0; round < 2000; round++) {
            var text = new StringBuilder();
            for (int i = random.nextInt(0, 30); i > 0; i--) {
                text.append(AWKWARD[random.nextInt(AWKWARD.length)]);
            }
            assertThat(Limits.utf8Bytes(text.toString())).as(text.toString())
                    .isEqualTo(text.toString().getBytes(StandardCharsets.UTF_8).length);
        }
    }

    private static void assertSameBytes(StreamReply reply) {
        assertThat(reply.toJsonBytes()).as(reply.toString()).isEqualTo(reply.toJson().getBytes(StandardCharsets.UTF_8));
        assertThat(reply.toJson()).isEqualTo(WecomJson.write(reply.toJsonNode()));
    }
}

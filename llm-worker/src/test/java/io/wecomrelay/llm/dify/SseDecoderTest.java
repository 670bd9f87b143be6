package io.wecomrelay.llm.dify;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class SseDecoderTest {

    private static final String ANSWER = "你好！emoji 🙂 and ünïcödé —— 完";
    private static final String STREAM = "data: {\"event\":\"message\",\"answer\":\"" + ANSWER + "\"}\n\n"
            + "event: ping\n\n"
            + "data: {\"event\":\"message_end\"}\n\n";

    @Test
    void decodesEveryEventWhateverByteTheNetworkSplitsAt() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            var decoder = new SseDecoder();
            var frames = new ArrayList<SseFrame>();
            frames.addAll(decoder.feed(Arrays.copyOfRange(bytes, 0, cut)));
            frames.addAll(decoder.feed(Arrays.copyOfRange(bytes, cut, bytes.length)));
            frames.addAll(decoder.finish());

            assertThat(frames).as("cut at byte %d", cut).containsExactly(
                    new SseFrame(null, "{\"event\":\"message\",\"answer\":\"" + ANSWER + "\"}"),
                    new SseFrame("ping", null),
                    new SseFrame(null, "{\"event\":\"message_end\"}"));
        }
    }

    @Test
    void decodesAStreamFedOneByteAtATime() {
        var decoder = new SseDecoder();
        var frames = new ArrayList<SseFrame>();
        for (byte b : STREAM.getBytes(StandardCharsets.UTF_8)) {
            frames.addAll(decoder.feed(new byte[] {b}));
        }

        assertThat(frames).hasSize(3);
        assertThat(frames.get(0).data()).contains(ANSWER);
    }

    @Test
    void handlesCrLfCommentsMultiLineDataAndAMissingFinalBlankLine() {
        var decoder = new SseDecoder();
        List<SseFrame> frames = new ArrayList<>(decoder.feed(
                ": keep-alive comment\r\ndata: line one\r\ndata:line two\r\n\r\nevent: ping\r".getBytes(StandardCharsets.UTF_8)));
        frames.addAll(decoder.feed("\n\r\ndata: {\"x\":1}".getBytes(StandardCharsets.UTF_8)));
        frames.addAll(decoder.finish());

        assertThat(frames).containsExactly(
                new SseFrame(null, "line one\nline two"),
                new SseFrame("ping", null),
                new SseFrame(null, "{\"x\":1}"));
    }

    @Test
    void pingsAndUnknownEventsParseLeniently() {
        assertThat(DifyEventParser.parse(new SseFrame("ping", null))).isInstanceOf(DifyEvent.Ping.class);
        assertThat(DifyEventParser.parse(new SseFrame(null, "not json"))).isInstanceOf(DifyEvent.Other.class);
        assertThat(DifyEventParser.parse(new SseFrame(null, "{\"event\":\"tts_message\",\"new_field\":[1]}")))
                .isEqualTo(new DifyEvent.Other("tts_message", DifyEvent.Ids.NONE));
        var end = (DifyEvent.End) DifyEventParser.parse(new SseFrame(null,
                "{\"event\":\"message_end\",\"task_id\":\"t\",\"conversation_id\":\"c\",\"message_id\":\"m\","
                        + "\"metadata\":{\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":4,\"total_tokens\":7,"
                        + "\"total_price\":\"0.001\"}}}"));
        assertThat(end.ids()).isEqualTo(new DifyEvent.Ids("t", "c", "m"));
        assertThat(end.usage().totalTokens()).isEqualTo(7);
    }
}

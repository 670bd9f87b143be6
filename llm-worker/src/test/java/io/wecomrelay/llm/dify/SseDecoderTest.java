package io.wecomrelay.llm.dify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;

class SseDecoderTest {

    private static final String ANSWER = "你好！emoji 🙂 and ünïcödé —— 完";
    private static final String STREAM = "data: {\"event\":\"message\",\"answer\":\"" + ANSWER + "\"}\n\n"
            + "event: ping\n\n"
            + "data: {\"event\":\"message_end\"}\n\n";

    @Test
    void decodesEveryEventWhateverByteTheNetworkSplitsAt() {
        byte[] bytes = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 0; cut <= bytes.length; cut++) {
            var decoder = new SseDecoder(1 << 16, 1 << 16);
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
        var decoder = new SseDecoder(1 << 16, 1 << 16);
        var frames = new ArrayList<SseFrame>();
        for (byte b : STREAM.getBytes(StandardCharsets.UTF_8)) {
            frames.addAll(decoder.feed(new byte[] {b}));
        }

        assertThat(frames).hasSize(3);
        assertThat(frames.get(0).data()).contains(ANSWER);
    }

    @Test
    void handlesCrLfCommentsMultiLineDataAndAMissingFinalBlankLine() {
        var decoder = new SseDecoder(1 << 16, 1 << 16);
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
    void decodesTheSameWhateverTheChunkingAndLineEnds() {
        String stream = ": comment\r\ndata: {\"answer\":\"你好🙂\"}\n\nevent: ping\r\rdata: one\rdata:two\r\n"
                + "id: 7\nretry: 10\n\ndata: 长\n: between\ndata: 文\n\n\n\ndata: tail";
        List<SseFrame> expected = List.of(
                new SseFrame(null, "{\"answer\":\"你好🙂\"}"),
                new SseFrame("ping", null),
                new SseFrame(null, "one\ntwo"),
                new SseFrame(null, "长\n文"),
                new SseFrame(null, "tail"));
        byte[] bytes = stream.getBytes(StandardCharsets.UTF_8);
        var random = new java.util.Random(18);
        for (int round = 0; round < 500; round++) {
            var decoder = new SseDecoder(64, 64);
            var frames = new ArrayList<SseFrame>();
            int from = 0;
            while (from < bytes.length) {
                int to = Math.min(bytes.length, from + random.nextInt(round % 2 == 0 ? 4 : 40));
                frames.addAll(decoder.feed(Arrays.copyOfRange(bytes, from, to)));
                from = to;
            }
            frames.addAll(decoder.finish());

            assertThat(frames).as("round %d", round).isEqualTo(expected);
        }
    }

    @Test
    void readsFieldsWithoutASpaceOrAColonAndIgnoresOtherFields() {
        var decoder = new SseDecoder(64, 64);

        var frames = decoder.feed("data:x\ndata\ndata:  two\nid: 1\nretry: 5\nfoo: bar\nevent\n:\n\nevent:ping\n\n"
                .getBytes(StandardCharsets.UTF_8));

        assertThat(frames).containsExactly(new SseFrame("", "x\n\n two"), new SseFrame("ping", null));
    }

    @Test
    void bytesThatAreNotUtf8DecodeAsJavaDecodesThem() {
        byte[] value = {(byte) 0xe4, (byte) 0xbd, ':', (byte) 0xff, 'o', 'k', (byte) 0xf0, (byte) 0x9f};
        var stream = new java.io.ByteArrayOutputStream();
        stream.writeBytes("data: ".getBytes(StandardCharsets.US_ASCII));
        stream.writeBytes(value);
        stream.writeBytes("\n\n".getBytes(StandardCharsets.US_ASCII));
        stream.writeBytes(new byte[] {(byte) 0xe4});
        stream.writeBytes("data: ignored, the field is not data\n\n".getBytes(StandardCharsets.US_ASCII));
        byte[] bytes = stream.toByteArray();
        for (int cut = 0; cut <= bytes.length; cut++) {
            var decoder = new SseDecoder(64, 64);
            var frames = new ArrayList<SseFrame>(decoder.feed(Arrays.copyOfRange(bytes, 0, cut)));
            frames.addAll(decoder.feed(Arrays.copyOfRange(bytes, cut, bytes.length)));

            assertThat(frames).as("cut at byte %d", cut).containsExactly(new SseFrame(null, new String(value, StandardCharsets.UTF_8)));
        }
    }

    @Test
    void aCompleteLineOverTheBoundFailsAlsoWhenItCameInOneRead() {
        var decoder = new SseDecoder(16, 1024);

        assertThatThrownBy(() -> decoder.feed("data: 0\n\ndata: 0123456789x\n\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(StreamLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(StreamLimitException.Limit.LINE));
    }

    @Test
    void anEventOverTheBoundFailsAlsoWhenItCameInOneRead() {
        var decoder = new SseDecoder(64, 10);
        assertThat(decoder.feed("data: 0123456789\n\n".getBytes(StandardCharsets.US_ASCII)))
                .containsExactly(new SseFrame(null, "0123456789"));

        assertThatThrownBy(() -> decoder.feed("data: 01234\ndata: 56789\n\n".getBytes(StandardCharsets.US_ASCII)))
                .isInstanceOfSatisfying(StreamLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(StreamLimitException.Limit.EVENT));
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

    @Test
    void aLineFailsAtTheByteThatPassesTheBoundNotAtItsEnd() {
        var decoder = new SseDecoder(16, 1024);
        assertThat(decoder.feed("data: 0123456789".getBytes(StandardCharsets.US_ASCII))).isEmpty();

        assertThatThrownBy(() -> decoder.feed(new byte[] {'x'}))
                .isInstanceOfSatisfying(StreamLimitException.class, e -> {
                    assertThat(e.limit()).isEqualTo(StreamLimitException.Limit.LINE);
                    assertThat(e.maxBytes()).isEqualTo(16);
                });
    }

    @Test
    void aLineOfExactlyTheBoundIsRead() {
        var decoder = new SseDecoder(16, 1024);

        var frames = decoder.feed("data: 0123456789\n\n".getBytes(StandardCharsets.US_ASCII));

        assertThat(frames).containsExactly(new SseFrame(null, "0123456789"));
    }

    @Test
    void anEventFailsAtTheDataLineThatPassesTheBoundCountingUtf8BytesAndJoiningNewlines() {
        // "你好世界" is 12 bytes: two lines join to 12 + 1 + 12 = 25 bytes, a third would make 38
        var decoder = new SseDecoder(64, 30);
        assertThat(decoder.feed("data: 你好世界\ndata: 你好世界\n".getBytes(StandardCharsets.UTF_8))).isEmpty();

        assertThatThrownBy(() -> decoder.feed("data: 你好世界\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOfSatisfying(StreamLimitException.class,
                        e -> assertThat(e.limit()).isEqualTo(StreamLimitException.Limit.EVENT));

        var fresh = new SseDecoder(64, 25);
        assertThat(fresh.feed("data: 你好世界\ndata: 你好世界\n\n".getBytes(StandardCharsets.UTF_8)))
                .containsExactly(new SseFrame(null, "你好世界\n你好世界"));
    }

    @Test
    void aLineWithoutAnEndGivesOneOversizedEventAtItsBoundAndTheRestIsDroppedUnread() {
        var factory = DefaultDataBufferFactory.sharedInstance;
        var served = new AtomicInteger();
        var servedAtOversized = new AtomicInteger();
        Flux<DataBuffer> endless = Flux.<DataBuffer>concat(
                        Flux.just(factory.wrap("data: {\"event\":\"message\",\"answer\":\"".getBytes(StandardCharsets.US_ASCII))),
                        // from the network: asynchronous, a buffer at a time
                        Flux.<DataBuffer>generate(sink -> sink.next(factory.wrap(new byte[1024])))
                                .delayElements(java.time.Duration.ofMillis(1)))
                .doOnNext(buffer -> served.incrementAndGet());

        StepVerifier.create(DifyClient.decode(endless, new DifyClient.StreamLimits(8 * 1024, 8 * 1024))
                        .doOnNext(event -> {
                            if (event instanceof DifyEvent.Oversized) {
                                servedAtOversized.set(served.get());
                            }
                        }))
                .thenConsumeWhile(event -> event instanceof DifyEvent.Ping)
                .expectNext(new DifyEvent.Oversized(StreamLimitException.Limit.LINE, 8 * 1024))
                .then(() -> assertThat(servedAtOversized.get()).as("the prefix and the bound's 8 buffers, one more")
                        .isLessThanOrEqualTo(1 + 8 + 1))
                .expectNoEvent(java.time.Duration.ofMillis(200))
                .thenCancel()
                .verify(java.time.Duration.ofSeconds(10));
        assertThat(served.get()).as("read on, dropped unread, until the caller leaves").isGreaterThan(servedAtOversized.get());
    }
}

package io.wecomrelay.llm.publish;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.schemas.event.ChunkError;
import io.wecomrelay.schemas.event.ChunkKind;
import io.wecomrelay.schemas.event.EventMeta;
import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.RelayEvent;
import io.wecomrelay.schemas.event.ReplyChunk;
import io.wecomrelay.schemas.event.ReplyText;
import io.wecomrelay.schemas.event.Usage;
import io.wecomrelay.schemas.testing.Events;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Record sizes measured with the real event serde: every piece must fit, and pieces must fold like the chunk. */
class ChunkSplitterTest {

    private static final int MAX = 2048;
    private static final String POLICY = "f00dcafe1234";
    /** Every kind of character the size estimate treats differently, emoji included. */
    private static final String MIXED = "中文🙂 \"quoted\" a/b\\c\n\t\u0001 ünï \u2028 ascii ";

    private final RecordSizes sizes = new RecordSizes(chunk -> {
        var record = new ProducerRecord<String, RelayEvent>("chunks", chunk.streamId(), chunk);
        record.headers().add("trace-id", chunk.meta().traceId().getBytes(StandardCharsets.UTF_8));
        return record;
    });

    @Test
    void chunksThatFitPassUnchanged() {
        var splitter = new ChunkSplitter(sizes, MAX);
        var chunk = chunk(0, ChunkKind.APPEND, "hello", false);

        assertThat(splitter.split(chunk)).containsExactly(chunk);
        assertThat(splitter.nextSeq()).isEqualTo(1);
    }

    @Test
    void aLargeChunkIsCutIntoRecordsThatFitAndLaterChunksAreRenumbered() {
        var splitter = new ChunkSplitter(sizes, MAX);
        var big = last(chunk(1, ChunkKind.APPEND, MIXED.repeat(200), true));

        var made = new ArrayList<ReplyChunk>(splitter.split(chunk(0, ChunkKind.APPEND, "first ", false)));
        made.addAll(splitter.split(big));

        assertThat(made.size()).isGreaterThan(5);
        assertThat(made).extracting(ReplyChunk::seq).containsExactlyElementsOf(sequence(made.size()));
        assertThat(made).allSatisfy(piece -> assertThat(exactSize(piece)).isLessThanOrEqualTo(MAX));
        assertThat(made).extracting(chunk -> chunk.meta().eventId()).doesNotHaveDuplicates();
        assertThat(made).extracting(ReplyChunk::policyVersion).as("every piece names the chunk's bot settings")
                .containsOnly(POLICY);
        assertThat(made.subList(0, made.size() - 1)).allSatisfy(piece -> {
            assertThat(piece.last()).isFalse();
            assertThat(piece.error()).isNull();
            assertThat(piece.usage()).isNull();
            assertThat(piece.images()).isEmpty();
        });
        var finalPiece = made.get(made.size() - 1);
        assertThat(finalPiece.last()).isTrue();
        assertThat(finalPiece.error()).isEqualTo(big.error());
        assertThat(finalPiece.usage()).isEqualTo(big.usage());
        assertThat(finalPiece.images()).isEqualTo(big.images());
        assertThat(made).noneSatisfy(piece -> assertThat(piece.text()).isNotEmpty()
                .matches(text -> Character.isLowSurrogate(text.charAt(0))));
        assertThat(ReplyText.fold(made)).isEqualTo("first " + MIXED.repeat(200));
        assertThat(splitter.nextSeq()).isEqualTo(made.size());
    }

    @Test
    void aReplacementTooLargeForOneRecordFoldsToTheSameText() {
        var splitter = new ChunkSplitter(sizes, MAX);
        var replace = chunk(3, ChunkKind.REPLACE, "替换后的全文。".repeat(300), false);

        var pieces = splitter.split(replace);

        assertThat(pieces.size()).isGreaterThan(1);
        assertThat(pieces.get(0).kind()).isEqualTo(ChunkKind.REPLACE);
        assertThat(pieces.subList(1, pieces.size())).allMatch(piece -> piece.kind() == ChunkKind.APPEND);
        assertThat(foldAfter("what came before", pieces)).isEqualTo(foldAfter("what came before", List.of(replace)));
        assertThat(pieces.get(0).seq()).isEqualTo(3);
    }

    @Test
    void aChunkTooLargeEvenWithoutTextIsPassedOnForTheProducerToRefuse() {
        var splitter = new ChunkSplitter(sizes, MAX);
        var chunk = chunk(0, ChunkKind.APPEND, "text", true);
        var images = new ArrayList<String>();
        for (int i = 0; i < 40; i++) {
            images.add("https://files.example.com/generated/" + i + "/image-with-a-long-name.png");
        }
        var huge = new ReplyChunk(chunk.meta(), chunk.botId(), chunk.streamId(), chunk.conversationKey(), chunk.msgId(),
                1, 0, ChunkKind.APPEND, "text", true, null, null, images, chunk.route(), null);

        assertThat(splitter.split(huge)).containsExactly(huge);
    }

    /** Key, value and the one header, counted independently of {@link RecordSizes}. */
    private static long exactSize(ReplyChunk chunk) {
        return chunk.streamId().getBytes(StandardCharsets.UTF_8).length
                + EventSerde.any().serialize("chunks", chunk).length
                + "trace-id".length() + chunk.meta().traceId().getBytes(StandardCharsets.UTF_8).length;
    }

    private static ReplyChunk chunk(long seq, ChunkKind kind, String text, boolean last) {
        var base = Events.chunk("bot-1", "msg-1", 1, seq, text, last);
        return new ReplyChunk(base.meta(), base.botId(), base.streamId(), base.conversationKey(), base.msgId(), 1, seq,
                kind, text, last, null, base.usage(), List.of(), base.route(), null, List.of(), POLICY);
    }

    private static ReplyChunk last(ReplyChunk chunk) {
        return new ReplyChunk(new EventMeta(chunk.meta().eventId(), chunk.meta().traceId(), chunk.meta().occurredAt()),
                chunk.botId(), chunk.streamId(), chunk.conversationKey(), chunk.msgId(), 1, chunk.seq(), chunk.kind(),
                chunk.text(), true, new ChunkError("completion_request_error", "sorry"), new Usage(1, 2, 3),
                List.of("https://example.com/cat.png"), chunk.route(), null, List.of(), chunk.policyVersion());
    }

    /** The attempt's text after {@code chunks}, when it already had {@code before}. */
    private static String foldAfter(String before, List<ReplyChunk> chunks) {
        var text = new ReplyText().apply(ChunkKind.APPEND, before);
        chunks.forEach(text::apply);
        return text.toString();
    }

    private static List<Long> sequence(int size) {
        var result = new ArrayList<Long>();
        for (long i = 0; i < size; i++) {
            result.add(i);
        }
        return result;
    }
}

package io.wecomrelay.llm.media;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ContentDecoderTest {

    @Test
    void plainBytesPassAsTheyAreOnceTheFirstPieceShowsTheMagicBytes() {
        var decoder = ContentDecoder.plain();

        assertThat(decoder.update(new byte[] {(byte) 0xff, (byte) 0xd8})).isEmpty();
        assertThat(decoder.update(new byte[10])).isEmpty();
        byte[] first = decoder.update(new byte[] {1, 2, 3, 4});
        assertThat(first).hasSize(ContentDecoder.MIN_PIECE).startsWith((byte) 0xff, (byte) 0xd8);
        assertThat(decoder.update(new byte[] {5})).containsExactly(5);
        assertThat(decoder.finish()).isEmpty();
    }

    @Test
    void aFileShorterThanOnePieceComesAtTheEnd() {
        var decoder = ContentDecoder.plain();

        assertThat(decoder.update(new byte[] {1, 2, 3})).isEmpty();
        assertThat(decoder.finish()).containsExactly(1, 2, 3);
    }
}

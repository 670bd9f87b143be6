package io.wecomrelay.schemas.stream;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Base64;

import io.wecomrelay.schemas.wecom.reply.ImageFormat;
import org.junit.jupiter.api.Test;

class ImageKeysTest {

    @Test
    void anImageKeyNamesItsStreamAttemptAndIndex() {
        assertThat(StreamStateKeys.imageKey("abc", 2, 7)).isEqualTo("reply-image:abc:2:7");
        assertThat(StreamStateKeys.isImageKeyOf("abc", "reply-image:abc:2:7")).isTrue();
    }

    @Test
    void aKeyOfAnotherStreamOrAnyOtherKeyIsNotTheStreamsImage() {
        assertThat(StreamStateKeys.isImageKeyOf("abc", "reply-image:abd:1:0")).isFalse();
        assertThat(StreamStateKeys.isImageKeyOf("abc", "reply-image:abc:1:0:x")).isFalse();
        assertThat(StreamStateKeys.isImageKeyOf("abc", "reply-image:abc:0:0")).isFalse();
        assertThat(StreamStateKeys.isImageKeyOf("abc", "stream:abc")).isFalse();
        assertThat(StreamStateKeys.isImageKeyOf("abc", "llm:identity:abc")).isFalse();
        assertThat(StreamStateKeys.isImageKeyOf("ab", "reply-image:abc:1:0")).isFalse();
    }

    @Test
    void formatsAreKnownByTheirMagicBytesOnly() {
        byte[] png = Base64.getDecoder().decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==");
        assertThat(ImageFormat.sniff(png)).contains(ImageFormat.PNG);
        assertThat(ImageFormat.sniff(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0, 0})).contains(ImageFormat.JPG);
        assertThat(ImageFormat.sniff("GIF89a....".getBytes())).isEmpty();
        assertThat(ImageFormat.sniff("RIFF....WEBP".getBytes())).isEmpty();
        assertThat(ImageFormat.sniff("<svg xmlns=".getBytes())).isEmpty();
        assertThat(ImageFormat.sniff(new byte[] {(byte) 0x89, 'P', 'N', 'G'})).as("cut short").isEmpty();
        assertThat(ImageFormat.sniff(new byte[0])).isEmpty();
    }
}

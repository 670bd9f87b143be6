package io.wecomrelay.ingress.refresh;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void textThatSurelyFitsIsReturnedAsIs() {
        assertThat(Utf8.truncate("你好", 6)).isEqualTo("你好");
        assertThat(Utf8.truncate("😀", 6)).isEqualTo("😀");
    }

    @Test
    void longerTextIsCutAtACharacterBoundaryWithinTheLimit() {
        assertThat(Utf8.truncate("你好世界", 7)).isEqualTo("你好");
        assertThat(Utf8.truncate("ab你好", 7)).isEqualTo("ab你");
        assertThat(Utf8.truncate("a😀b", 4)).isEqualTo("a");
        assertThat(Utf8.truncate("abcdefgh", 5)).isEqualTo("abcde");
    }

    @Test
    void textWhoseEncodingFitsIsKeptEvenWhenTheQuickCheckCannotTell() {
        String ascii = "x".repeat(20);
        assertThat(Utf8.truncate(ascii, 20)).isEqualTo(ascii);
        assertThat(Utf8.truncate(ascii, 20).getBytes(StandardCharsets.UTF_8)).hasSize(20);
    }
}

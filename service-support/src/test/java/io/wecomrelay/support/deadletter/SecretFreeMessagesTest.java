package io.wecomrelay.support.deadletter;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The message header keeps what went wrong and loses what is secret. */
class SecretFreeMessagesTest {

    private static final String WEBHOOK_KEY = "693a91f6-7xxx-4bc4-97a0-0ec2sifa5aaa";
    private static final String AES_KEY = "kWxPEV2UEDyxWpmPdKC3F4dgPDmOvfKX1HGnEUDS1aR";

    @Test
    void urlsKeepSchemeHostAndPathButNotTheirQueryUserOrFragment() {
        String message = "POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + WEBHOOK_KEY
                + " failed; proxy http://user:pa55word@proxy.local:3128/x#frag refused";

        assertThat(SecretFreeMessages.clean(message)).isEqualTo(
                "POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send failed; proxy http://proxy.local:3128/x refused");
    }

    @Test
    void secretLookingParametersAndLongOpaqueTokensAreMasked() {
        assertThat(SecretFreeMessages.clean("bad request: token=abc123 key = " + WEBHOOK_KEY + ", aesKey=" + AES_KEY))
                .isEqualTo("bad request: token=*** key = ***, aesKey=***");
        assertThat(SecretFreeMessages.clean("cannot decrypt with " + AES_KEY + " for bot-a"))
                .isEqualTo("cannot decrypt with *** for bot-a");
    }

    @Test
    void plainExplanationsAndClassNamesStayAsTheyAre() {
        String message = "unexpected MessageRejected on wecom.chunks; ListenerExecutionFailedException errcode 93000";

        assertThat(SecretFreeMessages.clean(message)).isEqualTo(message);
    }

    @Test
    void onlyTheFirstLineAndAtMostMaxLengthCharactersAreKept() {
        assertThat(SecretFreeMessages.clean("first line\nsecond line with the record")).isEqualTo("first line");
        String longMessage = "word ".repeat(100);

        String clean = SecretFreeMessages.clean(longMessage);

        assertThat(clean).hasSize(SecretFreeMessages.MAX_LENGTH).endsWith("…").startsWith("word word");
    }

    @Test
    void aFailureWithoutAMessageHasNone() {
        assertThat(SecretFreeMessages.of(new IllegalStateException())).isNull();
        assertThat(SecretFreeMessages.of(new IllegalStateException("  "))).isNull();
        assertThat(SecretFreeMessages.of(new IllegalStateException("wrong kind of value"))).isEqualTo("wrong kind of value");
    }
}

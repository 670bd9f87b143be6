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
    void theInnermostCauseSaysWhatTheWrapperDoesNot() {
        var cause = new IllegalArgumentException("WRONGTYPE Operation against a key holding the wrong kind of value");
        var wrapper = new IllegalStateException("Error in execution", cause);

        assertThat(SecretFreeMessages.of(wrapper, cause))
                .isEqualTo("Error in execution; caused by: WRONGTYPE Operation against a key holding the wrong kind of value");
        assertThat(SecretFreeMessages.of(new IllegalStateException(cause.getMessage(), cause), cause))
                .isEqualTo(cause.getMessage());
        var silentCause = new IllegalArgumentException();
        assertThat(SecretFreeMessages.of(new IllegalStateException("outer", silentCause), silentCause)).isEqualTo("outer");
        assertThat(SecretFreeMessages.of(new IllegalStateException(cause), cause)).startsWith("java.lang.IllegalArgumentException: WRONGTYPE");
    }

    @Test
    void aFailureWithoutAMessageHasNone() {
        var none = new IllegalStateException();
        assertThat(SecretFreeMessages.of(none, none)).isNull();
        var blank = new IllegalStateException("  ");
        assertThat(SecretFreeMessages.of(blank, blank)).isNull();
        var cause = new IllegalArgumentException("from the cause");
        assertThat(SecretFreeMessages.of(new IllegalStateException((String) null, cause), cause)).isEqualTo("from the cause");
    }
}

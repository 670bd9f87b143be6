package io.wecomrelay.llm.reply;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;

import org.junit.jupiter.api.Test;

class ErrorTextsTest {

    @Test
    void everyKnownCodeHasItsOwnSentenceAndUnknownCodesTheDefault() {
        var texts = new ErrorTexts(Map.of());

        assertThat(texts.sentence("too_many_requests")).contains("try again in a moment");
        assertThat(texts.sentence("rate_limit_error")).isEqualTo(texts.sentence("too_many_requests"));
        assertThat(texts.sentence("completion_request_error")).contains("model request failed");
        assertThat(texts.sentence("provider_quota_exceeded")).contains("quota");
        assertThat(texts.sentence(ErrorCodes.IDLE_TIMEOUT)).contains("went quiet");
        assertThat(texts.sentence(ErrorCodes.DEADLINE_EXCEEDED)).contains("took too long");
        assertThat(texts.sentence(ErrorCodes.NO_TERMINAL)).contains("cut off");
        assertThat(texts.sentence("http_502")).isEqualTo(texts.sentence("internal_server_error"));
        assertThat(texts.sentence("something_new")).isEqualTo(texts.sentence("default")).contains("went wrong");
    }

    @Test
    void overridesMatchCodesIgnoringCaseAndPunctuation() {
        var texts = new ErrorTexts(Map.of("too-many-requests", "Busy!", "DEFAULT", "Oops."));

        assertThat(texts.sentence("too_many_requests")).isEqualTo("Busy!");
        assertThat(texts.sentence("unheard_of")).isEqualTo("Oops.");
        assertThat(texts.sentence("rate_limit_error")).contains("try again in a moment");
    }
}

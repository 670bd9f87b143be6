package io.wecomrelay.llm.media;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;

import io.wecomrelay.llm.reply.ErrorCodes;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DefaultDataBufferFactory;
import org.springframework.http.HttpHeaders;

class WecomErrorAnswersTest {

    @Test
    void aJsonAnswerIsAnError() {
        assertThat(WecomErrorAnswers.isError(headers("application/json"))).isTrue();
        assertThat(WecomErrorAnswers.isError(headers("application/json; charset=UTF-8"))).isTrue();
        assertThat(WecomErrorAnswers.isError(headers("image/jpeg"))).isFalse();
        assertThat(WecomErrorAnswers.isError(headers("not a type"))).isFalse();
        assertThat(WecomErrorAnswers.isError(new HttpHeaders())).isFalse();
    }

    @Test
    void aPlainTextAnswerIsAnErrorUnlessItIsAFileWithItsName() {
        assertThat(WecomErrorAnswers.isError(headers("text/plain"))).isTrue();
        assertThat(WecomErrorAnswers.isError(headers("text/plain; charset=utf-8"))).isTrue();

        var file = headers("text/plain");
        file.set(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"notes.txt\"");
        assertThat(WecomErrorAnswers.isError(file)).isFalse();
    }

    @Test
    void anInvalidMediaIdIsExpiredAndOtherErrcodesAreTheOneDownloadSentence() {
        var expired = read("{\"errcode\":40007,\"errmsg\":\"invalid media_id\"}");
        var refused = read("{\"errcode\":42001,\"errmsg\":\"access_token expired\"}");

        assertThat(expired.code()).isEqualTo(ErrorCodes.MEDIA_EXPIRED);
        assertThat(expired.reason()).isEqualTo(MediaFailure.Reason.EXPIRED);
        assertThat(refused.code()).isEqualTo(ErrorCodes.MEDIA_DOWNLOAD_FAILED);
        assertThat(refused.errcode()).isEqualTo(42001);
        assertThat(read("{\"errcode\":0}").reason()).isEqualTo(MediaFailure.Reason.WECOM);
        assertThat(read("<html>").reason()).isEqualTo(MediaFailure.Reason.WECOM);
        assertThat(read("<html>").errcode()).isNull();
    }

    private static MediaFailure read(String body) {
        return WecomErrorAnswers.failureOf(DefaultDataBufferFactory.sharedInstance.wrap(body.getBytes(StandardCharsets.UTF_8)));
    }

    private static HttpHeaders headers(String contentType) {
        var headers = new HttpHeaders();
        headers.set(HttpHeaders.CONTENT_TYPE, contentType);
        return headers;
    }
}

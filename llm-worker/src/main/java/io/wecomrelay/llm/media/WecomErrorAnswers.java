package io.wecomrelay.llm.media;

import java.io.IOException;
import java.io.InputStream;

import io.wecomrelay.llm.media.MediaFailure.Reason;
import io.wecomrelay.schemas.event.EventSerde;
import reactor.core.publisher.Mono;
import tools.jackson.core.JacksonException;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.InvalidMediaTypeException;
import org.springframework.http.MediaType;
import org.springframework.web.reactive.function.client.ClientResponse;

/**
 * WeCom's {@code media/get} answers an error with HTTP 200 and a JSON body ({@code {"errcode":40007,...}}) where the
 * file would be; it is told apart by its {@code Content-Type}: {@code application/json}, or {@code text/plain} (the
 * type WxJava checks, which some WeCom endpoints send) without a {@code Content-Disposition} — a file always comes
 * with its filename, so a user's {@code .txt} file sent as {@code text/plain} is still a file. Such an answer is
 * read, at most {@link #MAX_BYTES}, into the {@link MediaFailure} its errcode means. Stateless and thread-safe.
 */
final class WecomErrorAnswers {

    /** WeCom's error answers are a few dozen bytes. */
    static final int MAX_BYTES = 4096;

    private WecomErrorAnswers() {
    }

    static boolean isError(HttpHeaders headers) {
        try {
            MediaType type = headers.getContentType();
            if (type == null) {
                return false;
            }
            return MediaType.APPLICATION_JSON.isCompatibleWith(type)
                    || MediaType.TEXT_PLAIN.isCompatibleWith(type) && !headers.containsHeader(HttpHeaders.CONTENT_DISPOSITION);
        } catch (InvalidMediaTypeException e) {
            return false;
        }
    }

    /** Reads the answer and fails with what it says. */
    static <T> Mono<T> failure(ClientResponse response) {
        return DataBufferUtils.join(response.bodyToFlux(DataBuffer.class), MAX_BYTES)
                .map(WecomErrorAnswers::failureOf)
                .defaultIfEmpty(MediaFailure.unavailable(Reason.WECOM, "empty error answer"))
                .flatMap(Mono::<T>error)
                .onErrorMap(DataBufferLimitException.class,
                        e -> MediaFailure.unavailable(Reason.WECOM, "error answer over " + MAX_BYTES + " bytes"));
    }

    /** Releases {@code json}. */
    static MediaFailure failureOf(DataBuffer json) {
        int errcode;
        try (InputStream in = json.asInputStream(true)) {
            errcode = EventSerde.mapper().readTree(in).path("errcode").asInt(0);
        } catch (JacksonException | IOException e) {
            return MediaFailure.unavailable(Reason.WECOM, "error answer is not JSON");
        }
        return errcode == 0 ? MediaFailure.unavailable(Reason.WECOM, "JSON answer without errcode")
                : MediaFailure.wecom(errcode);
    }
}

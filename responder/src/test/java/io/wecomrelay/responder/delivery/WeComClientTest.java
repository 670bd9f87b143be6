package io.wecomrelay.responder.delivery;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;

import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import org.springframework.web.reactive.function.client.WebClient;

/** The HTTP client against the local simulator: how WeCom's answers are classified. */
class WeComClientTest {

    static final WeComApiSimulator WECOM = WeComApiSimulator.start(Clock.systemUTC(), 2, Duration.ofMinutes(1));
    static final WeComClient CLIENT = new WeComClient(WebClient.builder().build(), URI.create(WECOM.baseUrl()), Duration.ofSeconds(5));

    @AfterAll
    static void stop() {
        WECOM.close();
    }

    @Test
    void classifiesWebhookAnswers() {
        WECOM.addWebhookKey("k1");
        var key = new Secret("k1");

        assertThat(send(key, "一")).isEqualTo(new SendResult(SendResult.Kind.DELIVERED, 0, "ok"));
        assertThat(send(key, "二").kind()).isEqualTo(SendResult.Kind.DELIVERED);
        assertThat(send(key, "三")).extracting(SendResult::kind, SendResult::errcode)
                .containsExactly(SendResult.Kind.TRANSIENT, WeComErrors.FREQUENCY_LIMIT);
        assertThat(send(new Secret("unknown"), "x")).extracting(SendResult::kind, SendResult::errcode)
                .containsExactly(SendResult.Kind.PERMANENT, WeComErrors.INVALID_WEBHOOK);
    }

    @Test
    void refusesMarkdownOverTheWebhookLimit() {
        WECOM.addWebhookKey("k2");

        SendResult result = send(new Secret("k2"), "长".repeat(1_366)); // 4,098 bytes

        assertThat(result).extracting(SendResult::kind, SendResult::errcode)
                .containsExactly(SendResult.Kind.PERMANENT, WeComApiSimulator.CONTENT_TOO_LONG);
    }

    @Test
    void treatsServerErrorsAndASecondUseOfAResponseUrlAsTheyAre() {
        URI url = URI.create(WECOM.newResponseUrl());
        WECOM.failNext(1, 503);

        assertThat(CLIENT.toResponseUrl(url, "hi").block()).extracting(SendResult::kind, SendResult::detail)
                .containsExactly(SendResult.Kind.TRANSIENT, "HTTP 503");
        assertThat(CLIENT.toResponseUrl(url, "hi").block().kind()).isEqualTo(SendResult.Kind.DELIVERED);
        assertThat(CLIENT.toResponseUrl(url, "again").block().kind()).isEqualTo(SendResult.Kind.PERMANENT);
    }

    @Test
    void treatsAnUnreachableServerAsTransient() {
        var client = new WeComClient(WebClient.builder().build(), URI.create("http://127.0.0.1:9"), Duration.ofSeconds(2));

        assertThat(client.toWebhook(new Secret("k"), "x").block().kind()).isEqualTo(SendResult.Kind.TRANSIENT);
    }

    private static SendResult send(Secret key, String markdown) {
        return CLIENT.toWebhook(key, markdown).block();
    }
}

package io.wecomrelay.responder.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

import io.wecomrelay.schemas.bot.Secret;
import io.wecomrelay.schemas.event.DeliveryFailure;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

/** The HTTP client against the local simulator: how WeCom's answers are classified, and what it refuses. */
class WeComReplySenderTest {

    static final WeComApiSimulator WECOM = WeComApiSimulator.start(Clock.systemUTC(), 2, Duration.ofMinutes(1));
    static final OutboundPolicy POLICY = OutboundPolicy.of(List.of(WECOM.baseUrl()));
    static final WeComReplySender CLIENT = new WeComReplySender(HttpClient.create(), POLICY, URI.create(WECOM.baseUrl()), Duration.ofSeconds(5));

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
        assertThat(send(new Secret("unknown"), "x")).extracting(SendResult::kind, SendResult::errcode, SendResult::failure)
                .containsExactly(SendResult.Kind.PERMANENT, WeComErrors.INVALID_WEBHOOK, DeliveryFailure.REJECTED);
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
        URI url = allowed(WECOM.newResponseUrl());
        WECOM.failNext(1, 503);

        assertThat(CLIENT.toResponseUrl(url, "hi").block()).extracting(SendResult::kind, SendResult::detail)
                .containsExactly(SendResult.Kind.TRANSIENT, "HTTP 503");
        assertThat(CLIENT.toResponseUrl(url, "hi").block().kind()).isEqualTo(SendResult.Kind.DELIVERED);
        assertThat(CLIENT.toResponseUrl(url, "again").block().kind()).isEqualTo(SendResult.Kind.PERMANENT);
    }

    @Test
    void tooManyRequestsPassesAndOtherClientErrorsRepeat() {
        URI url = allowed(WECOM.newResponseUrl());

        WECOM.failNext(1, 429);
        assertThat(CLIENT.toResponseUrl(url, "hi").block()).extracting(SendResult::kind, SendResult::detail)
                .containsExactly(SendResult.Kind.TRANSIENT, "HTTP 429");
        WECOM.failNext(1, 404);
        assertThat(CLIENT.toResponseUrl(url, "hi").block()).extracting(SendResult::kind, SendResult::detail, SendResult::failure)
                .containsExactly(SendResult.Kind.PERMANENT, "HTTP 404", DeliveryFailure.REJECTED);
    }

    @Test
    void treatsAnUnreachableServerAsTransient() {
        var client = new WeComReplySender(HttpClient.create(), OutboundPolicy.of(List.of("http://127.0.0.1:9")),
                URI.create("http://127.0.0.1:9"), Duration.ofSeconds(2));

        assertThat(client.toWebhook(new Secret("k"), "x").block().kind()).isEqualTo(SendResult.Kind.TRANSIENT);
    }

    @Test
    void checksResponseUrlsAgainstTheAllowList() {
        assertThat(CLIENT.check(WECOM.newResponseUrl()).isAllowed()).isTrue();
        assertThat(CLIENT.check("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=x").code())
                .isEqualTo("host_not_allowed");
        assertThat(CLIENT.check("http://[::1]:" + URI.create(WECOM.baseUrl()).getPort() + "/x").code())
                .isEqualTo("forbidden_address");
    }

    /** A listed name that resolves to an internal address: refused before connecting, and for good. */
    @Test
    void refusesAListedNameThatResolvesToLoopbackBeforeConnecting() {
        int port = URI.create(WECOM.baseUrl()).getPort();
        int answersBefore = WECOM.answers().size();
        var client = new WeComReplySender(HttpClient.create(), OutboundPolicy.of(List.of("http://localhost:" + port)),
                URI.create("http://localhost:" + port), Duration.ofSeconds(5));
        WECOM.addWebhookKey("k3");

        SendResult result = client.toWebhook(new Secret("k3"), "x").block();

        assertThat(result).extracting(SendResult::kind, SendResult::failure, SendResult::detail)
                .containsExactly(SendResult.Kind.PERMANENT, DeliveryFailure.REFUSED_URL,
                        "refused before connecting: forbidden_address");
        assertThat(WECOM.answers()).hasSize(answersBefore);
    }

    @Test
    void anApiBaseThatIsNotAllowedIsAConfigurationError() {
        assertThatThrownBy(() -> new WeComReplySender(HttpClient.create(), OutboundPolicy.of(List.of("qyapi.weixin.qq.com")),
                URI.create(WECOM.baseUrl()), Duration.ofSeconds(5)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("allow-list");
    }

    private static URI allowed(String url) {
        var verdict = CLIENT.check(url);
        assertThat(verdict.isAllowed()).isTrue();
        return verdict.uri();
    }

    private static SendResult send(Secret key, String markdown) {
        return CLIENT.toWebhook(key, markdown).block();
    }
}

package io.wecomrelay.ingress.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.testing.Events;
import org.junit.jupiter.api.Test;

class ResponseUrlScreenTest {

    final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    final ResponseUrlScreen screen = new ResponseUrlScreen(OutboundPolicy.of(List.of("qyapi.weixin.qq.com")),
            new CallbackMetrics(meters));

    @Test
    void aRefusedUrlIsReplacedByItsReasonAndCounted() {
        InboundMessage screened = screen.screen("bot-1", withResponseUrl("https://10.0.0.1/x?response_code=c"));

        assertThat(screened.responseUrl()).isNull();
        assertThat(screened.responseUrlRefused()).isEqualTo("forbidden_address");
        assertThat(screened.body().path("response_url").asString()).isEqualTo("https://10.0.0.1/x?response_code=c");
        assertThat(meters.counter("relay.ingress.response_url", "bot", "bot-1", "verdict", "forbidden_address").count())
                .isEqualTo(1);
    }

    @Test
    void theListedHostSpelledWithUserInfoIsStillRefused() {
        InboundMessage screened = screen.screen("bot-1", withResponseUrl("https://qyapi.weixin.qq.com@10.0.0.1/x?response_code=c"));

        assertThat(screened.responseUrl()).isNull();
        assertThat(screened.responseUrlRefused()).isEqualTo("malformed");
    }

    @Test
    void anAllowedUrlAndNoUrlPassUnchanged() {
        InboundMessage allowed = withResponseUrl("https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=c");
        InboundMessage none = withResponseUrl(null);

        assertThat(screen.screen("bot-1", allowed)).isEqualTo(allowed);
        assertThat(screen.screen("bot-1", none)).isEqualTo(none);
        assertThat(meters.counter("relay.ingress.response_url", "bot", "bot-1", "verdict", "allowed").count()).isEqualTo(1);
        assertThat(meters.find("relay.ingress.response_url").counters()).hasSize(1);
    }

    @Test
    void theLoggedHostHasNoUserInfoPathQueryOrControlCharacters() {
        assertThat(ResponseUrlScreen.LoggedHost.of("https://user:pa55@evil.example:8443/p?response_code=c#f"))
                .isEqualTo("evil.example:8443");
        assertThat(ResponseUrlScreen.LoggedHost.of("https://a\nb\u202e.example\\@x/")).isEqualTo("a?b?.example");
        assertThat(ResponseUrlScreen.LoggedHost.of("https://[::1]/")).isEqualTo("[::1]");
        assertThat(ResponseUrlScreen.LoggedHost.of("no url at all?code=c")).isEqualTo("no?url?at?all");
        assertThat(ResponseUrlScreen.LoggedHost.of("https:///x")).isEqualTo("(none)");
        assertThat(ResponseUrlScreen.LoggedHost.of("https://" + "h".repeat(500))).hasSize(80);
    }

    private static InboundMessage withResponseUrl(String url) {
        InboundMessage text = Events.text("m1", "u1", "你好");
        var body = text.body().deepCopy();
        if (url != null) {
            ((tools.jackson.databind.node.ObjectNode) body).put("response_url", url);
        }
        return new InboundMessage("m1", "text", null, ChatType.SINGLE, null, "u1", url, body);
    }
}

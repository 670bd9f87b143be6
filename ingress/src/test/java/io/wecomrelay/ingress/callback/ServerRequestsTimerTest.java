package io.wecomrelay.ingress.callback;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MockClock;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.server.ResponseStatusException;
import org.springframework.web.server.WebFilterChain;
import org.springframework.web.util.pattern.PathPatternParser;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

/** The tags and durations of the callback server's own {@code http.server.requests} timer; the endpoint test drives it over HTTP. */
class ServerRequestsTimerTest {

    private final MockClock clock = new MockClock();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry(SimpleConfig.DEFAULT, clock);
    private final ServerRequestsTimer timer = new ServerRequestsTimer(registry);

    @Test
    void anAnswerIsTimedUnderItsRoutesTemplateFromTheFilterChainsStartToItsEnd() {
        var exchange = routed(MockServerHttpRequest.post("/wecom/callback/bot-a"));
        WebFilterChain answers503 = chained -> Mono.fromRunnable(() -> {
            clock.add(Duration.ofMillis(7));
            chained.getResponse().setStatusCode(HttpStatus.SERVICE_UNAVAILABLE);
        });

        StepVerifier.create(timer.filter(exchange, answers503)).verifyComplete();

        Timer recorded = registry.get(ServerRequestsTimer.NAME).tags("method", "POST", "uri", CallbackRoutes.PATH,
                "status", "503", "outcome", "SERVER_ERROR", "exception", "none", "error", "none").timer();
        assertThat(recorded.count()).isEqualTo(1);
        assertThat(recorded.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(7);
    }

    @Test
    void anErrorNoHandlerAnsweredCountsAsThe500TheExceptionHandlersMakeOfIt() {
        var exchange = routed(MockServerHttpRequest.post("/wecom/callback/bot-a"));

        StepVerifier.create(timer.filter(exchange, chained -> Mono.error(new IllegalStateException("boom"))))
                .verifyError(IllegalStateException.class);

        assertThat(registry.get(ServerRequestsTimer.NAME).tags("uri", CallbackRoutes.PATH, "status", "500",
                "outcome", "SERVER_ERROR", "exception", "IllegalStateException", "error", "IllegalStateException")
                .timer().count()).isEqualTo(1);
    }

    @Test
    void aPathNoRouteMatchesIsNotFoundAndAnUnknownMethodIsUnknownSoTheTagsStayBounded() {
        var unrouted = MockServerWebExchange.from(MockServerHttpRequest.get("/wecom/callback/x/y/z"));
        var oddMethod = routed(MockServerHttpRequest.method(HttpMethod.valueOf("BREW"), "/wecom/callback/bot-a"));

        StepVerifier.create(timer.filter(unrouted, chained -> Mono.error(new ResponseStatusException(HttpStatus.NOT_FOUND))))
                .verifyError(ResponseStatusException.class);
        StepVerifier.create(timer.filter(oddMethod, chained -> Mono.empty())).verifyComplete();

        assertThat(registry.get(ServerRequestsTimer.NAME).tags("method", "GET", "uri", "NOT_FOUND", "status", "404",
                "outcome", "CLIENT_ERROR", "exception", "none").timer().count()).isEqualTo(1);
        assertThat(registry.get(ServerRequestsTimer.NAME).tags("method", "UNKNOWN", "uri", CallbackRoutes.PATH,
                "status", "200", "outcome", "SUCCESS").timer().count()).isEqualTo(1);
    }

    @Test
    void aClientThatWentAwayIsTimedAsUnknown() {
        var exchange = routed(MockServerHttpRequest.post("/wecom/callback/bot-a"));

        StepVerifier.create(timer.filter(exchange, chained -> Mono.never())).thenCancel().verify();

        assertThat(registry.get(ServerRequestsTimer.NAME).tags("uri", CallbackRoutes.PATH, "status", "UNKNOWN",
                "outcome", "UNKNOWN").timer().count()).isEqualTo(1);
    }

    private static MockServerWebExchange routed(MockServerHttpRequest.BaseBuilder<?> request) {
        var exchange = MockServerWebExchange.from(request);
        exchange.getAttributes().put(RouterFunctions.MATCHING_PATTERN_ATTRIBUTE,
                PathPatternParser.defaultInstance.parse(CallbackRoutes.PATH));
        return exchange;
    }
}

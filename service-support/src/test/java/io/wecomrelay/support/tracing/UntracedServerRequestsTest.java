package io.wecomrelay.support.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.observation.DefaultMeterObservationHandler;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.handler.TracingObservationHandler.TracingContext;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.http.server.reactive.observation.ServerRequestObservationContext;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.http.server.reactive.MockServerHttpResponse;

/**
 * An HTTP server request, observed as Boot observes it: with nothing sampled it gets no span but still its
 * {@code http.server.requests} timer (the dashboard's 5xx panel); sampled, it gets its span as before.
 */
class UntracedServerRequestsTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    private final ApplicationContextRunner contexts = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(
                    org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration.class,
                    org.springframework.boot.opentelemetry.autoconfigure.OpenTelemetrySdkAutoConfiguration.class,
                    org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration.class,
                    org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration.class,
                    TracingAutoConfiguration.class))
            .withBean(MeterRegistry.class, () -> meters)
            .withBean(DefaultMeterObservationHandler.class, () -> new DefaultMeterObservationHandler(meters));

    @Test
    void unsampledARequestHasItsTimerAndNoSpan() {
        contexts.withPropertyValues(TracingDefaults.PROBABILITY + "=0.0").run(context -> {
            ServerRequestObservationContext observed = observeOneRequest(context);

            TracingContext tracing = observed.getRequired(TracingContext.class);
            assertThat(tracing.getSpan()).isNull();
            assertThat(meters.get("http.server.requests").timer().count()).isEqualTo(1);
        });
    }

    @Test
    void sampledARequestStillHasItsSpan() {
        contexts.withPropertyValues(TracingDefaults.PROBABILITY + "=1.0").run(context -> {
            assertThat(context).doesNotHaveBean(UntracedServerRequests.class);
            ServerRequestObservationContext observed = observeOneRequest(context);

            TracingContext tracing = observed.getRequired(TracingContext.class);
            assertThat(tracing.getSpan()).isNotNull();
            assertThat(meters.get("http.server.requests").timer().count()).isEqualTo(1);
        });
    }

    private static ServerRequestObservationContext observeOneRequest(ApplicationContext context) {
        var observed = new ServerRequestObservationContext(MockServerHttpRequest.post("/wecom/callback/bot-1").build(),
                new MockServerHttpResponse(), new HashMap<>());
        Observation.createNotStarted("http.server.requests", () -> observed, context.getBean(ObservationRegistry.class))
                .start().stop();
        return observed;
    }
}

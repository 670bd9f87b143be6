package io.wecomrelay.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.wecomrelay.schemas.outbound.OutboundPolicy;
import io.wecomrelay.support.apptoken.AccessTokens;
import jakarta.validation.Validation;
import io.wecomrelay.llm.publish.PreviewRoute;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class LlmWorkerPropertiesTest {

    @Test
    void mediaComesOnlyFromWecomsHostsByDefault() {
        var media = bind(Map.of()).media();

        assertThat(media.allowedHosts()).isEqualTo(OutboundPolicy.WECOM_HOSTS);
        assertThat(media.maxAttachments()).isEqualTo(10);
        assertThat(media.memoryBudget().toMegabytes()).isEqualTo(64);
    }

    @Test
    void aMemoryBudgetThatCannotHoldOneFileStopsTheStart() {
        var properties = bind(Map.of("relay.worker.media.max-size", "15MB", "relay.worker.media.memory-budget", "15MB"));

        assertThatThrownBy(() -> new LlmWorkerConfiguration().mediaBudget(properties, new SimpleMeterRegistry()))
                .hasMessageContaining("memory-budget");
        assertThat(new LlmWorkerConfiguration().mediaBudget(bind(Map.of()), new SimpleMeterRegistry()).capacity())
                .isEqualTo(64L * 1024 * 1024);
    }

    @Test
    void messagesAreAnsweredWithinWecomsStreamWindowOrTheMaximumReplyAge() {
        var limits = bind(Map.of()).age().limits();

        assertThat(limits.streamWindow()).as("ingress's stream-window").isEqualTo(Duration.ofSeconds(350));
        assertThat(limits.maxReplyAge()).as("the responder's max-reply-age").isEqualTo(Duration.ofHours(1));
        assertThat(limits.maxWebhookReplyAge()).as("unset: max-reply-age").isEqualTo(Duration.ofHours(1));
        assertThat(bind(Map.of("relay.worker.age.max-webhook-reply-age", "6h")).age().limits().maxWebhookReplyAge())
                .isEqualTo(Duration.ofHours(6));
    }

    @Test
    void aReplyCollectsAsMuchAnswerAsTheResponderDeliversInParts() {
        // the responder's relay.responder.stream.max-answer-size: a longer answer is sent in parts up to it
        assertThat(bind(Map.of()).reply().maxAnswerSize().toBytes()).isEqualTo(200L * 1024);
    }

    @Test
    void appMediaComeFromWecomsApiWithTheRespondersTokensByDefault() {
        var app = bind(Map.of()).app();

        assertThat(app.wecomApiBaseUrl()).isEqualTo(URI.create("https://qyapi.weixin.qq.com"));
        assertThat(app.allowedHosts()).containsExactly("qyapi.weixin.qq.com");
        // the responder's relay.responder.delivery.app-token.* defaults: both services share one Redis key per app
        assertThat(app.tokenSettings()).isEqualTo(new AccessTokens.Settings("responder:app-token:", Duration.ofMinutes(5),
                Duration.ofSeconds(15), Duration.ofSeconds(20), Duration.ofMillis(100)));
    }

    @Test
    void aChatResponseIsReadToItsEndForTwoSecondsAfterItsTerminalEventAndNeverNotAtAll() {
        assertThat(bind(Map.of()).dify().drainTimeout()).isEqualTo(Duration.ofSeconds(2));
        try (var validation = Validation.buildDefaultValidatorFactory()) {
            var validator = validation.getValidator();
            assertThat(validator.validate(bind(Map.of()))).isEmpty();
            assertThat(validator.validate(bind(Map.of("relay.worker.dify.drain-timeout", "0s"))))
                    .extracting(violation -> violation.getPropertyPath().toString())
                    .containsExactly("dify.drainTimeout");
        }
    }

    @Test
    void idleConnectionsToDifyCloseAfterThirtySecondsAndNeverNever() {
        assertThat(bind(Map.of()).dify().maxIdleTime()).isEqualTo(Duration.ofSeconds(30));
        try (var validation = Validation.buildDefaultValidatorFactory()) {
            assertThat(validation.getValidator().validate(bind(Map.of("relay.worker.dify.max-idle-time", "0s"))))
                    .extracting(violation -> violation.getPropertyPath().toString())
                    .containsExactly("dify.maxIdleTime");
        }
    }

    @Test
    void previewsGoToRedisByDefaultAndABadRouteOrTimeoutIsNamed() {
        var previews = bind(Map.of()).previews();
        assertThat(previews.route()).isEqualTo(PreviewRoute.REDIS);
        assertThat(previews.streamTtl()).isEqualTo(Duration.ofMinutes(10));
        assertThat(previews.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(bind(Map.of("relay.worker.previews.route", "chunks")).previews().route()).isEqualTo(PreviewRoute.CHUNKS);
        assertThatThrownBy(() -> bind(Map.of("relay.worker.previews.route", "kafka")))
                .hasMessageContaining("relay.worker.previews.route");
        try (var validation = Validation.buildDefaultValidatorFactory()) {
            assertThat(validation.getValidator().validate(bind(Map.of("relay.worker.previews.timeout", "0s"))))
                    .extracting(violation -> violation.getPropertyPath().toString())
                    .containsExactly("previews.timeout");
        }
    }

    @Test
    void previewFoldsAreBatchedForFiveMillisecondsByDefaultAndAWindowPastOneHundredIsNamed() {
        var previews = bind(Map.of()).previews();
        assertThat(previews.batchWindow()).isEqualTo(Duration.ofMillis(5));
        assertThat(previews.batchMaxFolds()).isEqualTo(64);
        assertThat(previews.batchMaxSize().toBytes()).isEqualTo(1024 * 1024);
        assertThat(bind(Map.of("relay.worker.previews.batch-window", "0")).previews().batchWindow()).isZero();
        try (var validation = Validation.buildDefaultValidatorFactory()) {
            assertThat(validation.getValidator().validate(bind(Map.of("relay.worker.previews.batch-window", "101ms",
                    "relay.worker.previews.batch-max-folds", "0"))))
                    .extracting(violation -> violation.getPropertyPath().toString())
                    .containsExactlyInAnyOrder("previews.batchWindow", "previews.batchMaxFolds");
        }
    }

    static LlmWorkerProperties bind(Map<String, String> settings) {
        var all = new HashMap<>(settings);
        all.put("relay.worker.bots-file", "bots.yaml");
        return new Binder(new MapConfigurationPropertySource(all)).bind("relay.worker", LlmWorkerProperties.class).get();
    }
}

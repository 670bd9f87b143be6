package io.wecomrelay.responder;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;

import io.wecomrelay.schemas.topic.Topics;
import org.junit.jupiter.api.Test;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.validation.autoconfigure.ValidationAutoConfiguration;
import org.springframework.context.annotation.Configuration;
import org.springframework.util.unit.DataSize;

class ResponderPropertiesTest {

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(ValidationAutoConfiguration.class))
            .withUserConfiguration(PropertiesOnly.class);

    @Test
    void defaultsFollowWeComsLimits() {
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml").run(context -> {
            var props = context.getBean(ResponderProperties.class);
            assertThat(props.stream().ttl()).isEqualTo(Duration.ofMinutes(10));
            assertThat(props.delivery().wecomApiBaseUrl()).isEqualTo(URI.create("https://qyapi.weixin.qq.com"));
            assertThat(props.delivery().rateLimit().permits()).isEqualTo(20);
            assertThat(props.delivery().rateLimit().window()).isEqualTo(Duration.ofMinutes(1));
            assertThat(props.delivery().retry().maxAttempts()).isEqualTo(6);
            assertThat(props.topics().partitions()).isEqualTo(6);
            assertThat(props.stream().truncatedNote()).isEqualTo(ResponderProperties.Stream.DEFAULT_NOTE);
            assertThat(props.stream().continuedNote()).isEqualTo("\n\n（续下条 / continued below）");
            assertThat(props.stream().maxAnswerSize()).isEqualTo(DataSize.ofKilobytes(200));
            assertThat(props.stream().replyKeyTtl()).as("a day: far beyond a redelivery of a stream's last record")
                    .isEqualTo(Duration.ofHours(24));
            assertThat(props.stream().recordedMarkTtl())
                    .as("the published mark outlives every record that can finish a stream, so none records it twice")
                    .isGreaterThan(Topics.CHUNKS.retention()).isGreaterThan(Topics.REJECTED.retention());
            assertThat(props.stream().replySweepAfter()).as("longer than the producer retries a send (delivery.timeout.ms)")
                    .isEqualTo(Duration.ofMinutes(3)).isGreaterThan(Duration.ofMillis(120_000));
            assertThat(props.stream().replySweepInterval()).isEqualTo(Duration.ofSeconds(10));
            var outbox = props.delivery().outbox();
            assertThat(outbox.keyPrefix()).isEqualTo("responder:");
            assertThat(outbox.group()).isEqualTo("responder");
            assertThat(outbox.leaseTtl()).isEqualTo(Duration.ofSeconds(30))
                    .isGreaterThanOrEqualTo(props.delivery().requestTimeout().multipliedBy(2));
            assertThat(outbox.claimMinIdle()).isEqualTo(Duration.ofSeconds(30));
            assertThat(outbox.pollInterval()).isEqualTo(Duration.ofSeconds(5));
            assertThat(outbox.batch()).isEqualTo(1);
            assertThat(outbox.stateTtl()).isEqualTo(Duration.ofHours(24));
            assertThat(props.delivery().maxReplyAges().responseUrl()).as("unset: the response_url's lifetime")
                    .isEqualTo(Duration.ofHours(1)).isEqualTo(props.delivery().responseUrlLifetime());
            assertThat(props.delivery().maxReplyAges().webhook()).as("unset: max-reply-age").isEqualTo(Duration.ofHours(1));
            assertThat(outbox.maxDepthPerBot()).isEqualTo(200);
            assertThat(outbox.rateLimitNoticeWindow()).isEqualTo(Duration.ofMinutes(1));
        });
    }

    @Test
    void theAnswerLimitIsAtLeastAStreamAndAtMostHalfAKafkaRecord() {
        for (String size : new String[] {"10KB", "600KB"}) {
            runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml",
                    "relay.responder.stream.max-answer-size=" + size).run(context ->
                    assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("max-answer-size"));
        }
    }

    @Test
    void theReplySweepTakesOverWhileTheRecordIsKept() {
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml",
                "relay.responder.stream.reply-sweep-after=24h").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("reply-sweep-after"));
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml",
                "relay.responder.stream.reply-sweep-interval=0s").run(context ->
                assertThat(context).hasFailed().getFailure().rootCause().hasMessageContaining("reply-sweep-interval"));
    }

    @Test
    void theWebhookReplyAgeFollowsTheMaxReplyAgeUnlessSet() {
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml",
                "relay.responder.delivery.max-reply-age=20m").run(context -> {
            var ages = context.getBean(ResponderProperties.class).delivery().maxReplyAges();
            assertThat(ages.responseUrl()).isEqualTo(Duration.ofMinutes(20));
            assertThat(ages.webhook()).isEqualTo(Duration.ofMinutes(20));
        });
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml",
                "relay.responder.delivery.max-webhook-reply-age=6h").run(context ->
                assertThat(context.getBean(ResponderProperties.class).delivery().maxReplyAges().webhook())
                        .isEqualTo(Duration.ofHours(6)));
    }

    @Test
    void repliesGoOnlyToWeComsApiHostUnlessMoreAreListed() {
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml").run(context ->
                assertThat(context.getBean(ResponderProperties.class).delivery().allowedHosts())
                        .containsExactly("qyapi.weixin.qq.com"));
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml",
                "relay.responder.delivery.allowed-hosts=qyapi.weixin.qq.com,http://127.0.0.1:18080").run(context ->
                assertThat(context.getBean(ResponderProperties.class).delivery().allowedHosts())
                        .containsExactly("qyapi.weixin.qq.com", "http://127.0.0.1:18080"));
    }

    @Test
    void oneConsumerThreadPerProcessorAtMostOnePerPartitionUnlessConfigured() {
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml").run(context -> {
            var props = context.getBean(ResponderProperties.class);
            assertThat(props.listener().concurrency(props.topics(), 2)).isEqualTo(2);
            assertThat(props.listener().concurrency(props.topics(), 8)).isEqualTo(6);
            assertThat(props.listener().concurrency(props.topics(), 0)).isEqualTo(1);
        });
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml", "relay.responder.topics.partitions=12")
                .run(context -> {
                    var props = context.getBean(ResponderProperties.class);
                    assertThat(props.listener().concurrency(props.topics(), 16)).isEqualTo(12);
                });
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml", "relay.responder.listener.concurrency=2")
                .run(context -> {
                    var props = context.getBean(ResponderProperties.class);
                    assertThat(props.listener().concurrency(props.topics(), 16)).isEqualTo(2);
                });
    }

    @Test
    void chunkFetchesAreAnsweredAtOnceAndOffsetsCommittedEverySecondUnlessConfigured() {
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml").run(context -> {
            var listener = context.getBean(ResponderProperties.class).listener();
            assertThat(listener.chunkFetchWait()).isZero();
            assertThat(listener.commitInterval()).isEqualTo(Duration.ofSeconds(1));
            assertThat(ResponderConfiguration.chunkFetch(listener.chunkFetchWait())).isEmpty();
        });
        runner.withPropertyValues("relay.responder.bots-file=/etc/wecom-relay/bots.yaml",
                "relay.responder.listener.chunk-fetch-wait=50ms", "relay.responder.listener.commit-interval=0").run(context -> {
            var listener = context.getBean(ResponderProperties.class).listener();
            assertThat(listener.commitInterval()).isZero();
            assertThat(ResponderConfiguration.chunkFetch(listener.chunkFetchWait()))
                    .containsEntry("fetch.max.wait.ms", "50").containsEntry("fetch.min.bytes", String.valueOf(1024 * 1024));
        });
    }

    @Test
    void refusesToStartWithoutABotsFile() {
        runner.withPropertyValues("relay.responder.bots-file=").run(context ->
                assertThat(context).hasFailed().getFailure().hasStackTraceContaining("botsFile"));
    }

    @Configuration(proxyBeanMethods = false)
    @EnableConfigurationProperties(ResponderProperties.class)
    static class PropertiesOnly {
    }
}

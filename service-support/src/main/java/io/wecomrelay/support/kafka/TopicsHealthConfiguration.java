package io.wecomrelay.support.kafka;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** Health component {@code topics} for the service's {@link TopicProvisioning} bean; every service imports it. */
@Configuration(proxyBeanMethods = false)
public class TopicsHealthConfiguration {

    @Bean
    TopicsHealthIndicator topicsHealthIndicator(TopicProvisioning topicProvisioning) {
        return new TopicsHealthIndicator(topicProvisioning);
    }
}

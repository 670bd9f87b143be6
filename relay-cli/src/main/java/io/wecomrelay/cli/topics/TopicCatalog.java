package io.wecomrelay.cli.topics;

import java.util.ArrayList;
import java.util.List;

import io.wecomrelay.schemas.topic.TopicSpec;
import io.wecomrelay.schemas.topic.Topics;

/**
 * Every topic a complete deployment has: the catalog's main topics and the dead-letter topics the services write
 * (the processor's of {@code wecom.inbound}, the llm-worker's of {@code wecom.accepted}, the responder's of
 * {@code wecom.chunks} and {@code wecom.rejected}).
 */
public final class TopicCatalog {

    private TopicCatalog() {
    }

    public static List<TopicSpec> expected() {
        var topics = new ArrayList<>(Topics.all());
        topics.add(Topics.INBOUND.deadLetter());
        topics.add(Topics.ACCEPTED.deadLetter());
        topics.add(Topics.CHUNKS.deadLetter());
        topics.add(Topics.REJECTED.deadLetter());
        return topics;
    }
}

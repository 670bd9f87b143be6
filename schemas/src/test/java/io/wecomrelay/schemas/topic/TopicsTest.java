package io.wecomrelay.schemas.topic;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;

import org.junit.jupiter.api.Test;

class TopicsTest {

    @Test
    void namesAreUniqueAndAvoidUnderscores() {
        var names = new HashSet<String>();
        for (TopicSpec topic : Topics.all()) {
            assertThat(names.add(topic.name())).as(topic.name()).isTrue();
            assertThat(topic.name()).matches("[a-z][a-z0-9.-]*");
        }
    }

    @Test
    void deadLetterTopicsKeepTheKeyAndPartitions() {
        TopicSpec dlt = Topics.INBOUND.deadLetter();

        assertThat(dlt.name()).isEqualTo("wecom.inbound.dlt");
        assertThat(dlt.key()).isEqualTo(Topics.INBOUND.key());
        assertThat(dlt.defaultPartitions()).isEqualTo(Topics.INBOUND.defaultPartitions());
    }

    @Test
    void entitlementsAreCompactedAndChunksShortLived() {
        assertThat(Topics.ENTITLEMENTS.compacted()).isTrue();
        assertThat(Topics.ENTITLEMENTS.retentionMs()).isEqualTo(-1);
        assertThat(Topics.CHUNKS.retention()).isLessThan(Topics.INBOUND.retention());
    }

    @Test
    void finalRepliesAreKeptAsLongAsTheMessagesTheyAnswer() {
        assertThat(Topics.REPLIES.retention()).isEqualTo(Topics.INBOUND.retention()).isEqualTo(Topics.LONG_RETENTION);
        assertThat(Topics.REPLIES.compacted()).isFalse();
        assertThat(Topics.REPLIES.key()).isEqualTo("stream id");
        assertThat(Topics.all()).contains(Topics.REPLIES);
    }
}

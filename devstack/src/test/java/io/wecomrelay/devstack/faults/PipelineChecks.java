package io.wecomrelay.devstack.faults;

import static org.assertj.core.api.Assertions.assertThat;

/** The promises every fault suite checks on what came out of the pipeline. */
final class PipelineChecks {

    private PipelineChecks() {
    }

    /** Exactly one decision per acknowledged message (a DUPLICATE of a message sent again is not one), all accepted. */
    static void decidedExactlyOnceAndAccepted(DecisionCounts decisions) {
        assertThat(decisions.acknowledged()).as("acknowledged messages").isPositive();
        assertThat(decisions.problems()).as("messages without exactly one decision").isEmpty();
        assertThat(decisions.accepted()).as("accepted messages").isEqualTo(decisions.acknowledged());
        assertThat(decisions.unknown()).as("decisions on messages never sent").isZero();
    }

    /** Every stream finished with the full text; every response_url and webhook reply arrived once with it. */
    static void everyReplyOnceWithTheFullText(ReplyCounts replies) {
        assertThat(replies.streamedComplete()).as("streams finished with the full text").isEqualTo(replies.streamed());
        assertThat(replies.responseUrlComplete()).as("response_url replies").isEqualTo(replies.responseUrl());
        assertThat(replies.responseUrlRepeats()).as("posts to a used response_url").isZero();
        assertThat(replies.webhookComplete()).as("webhook replies, each exactly once").isEqualTo(replies.webhook());
    }

    static void nothingDeadLettered(PipelineCounts counts) {
        assertThat(counts.deadLetters()).as("dead-letter topics").isNotEmpty();
        assertThat(counts.deadLetters().values()).as("records in dead-letter topics").allMatch(count -> count == 0);
    }
}

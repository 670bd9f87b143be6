package io.wecomrelay.devstack.faults;

import io.wecomrelay.schemas.ids.StreamIds;
import io.wecomrelay.sim.dify.DifySimulator;
import org.jspecify.annotations.Nullable;

/**
 * One message the load sent.
 *
 * @param query        the text, unique per message: the Dify simulator's requests are matched to messages by it
 * @param target       where the active reply must arrive: the response code of a response_url message, the webhook
 *                     key of a webhook message, null for a streamed reply
 * @param acknowledged true when an ingress instance answered 200 (after retries, if needed)
 */
record SentMessage(FaultBot bot, String msgId, String userId, String query, @Nullable String target, boolean acknowledged) {

    String streamId() {
        return StreamIds.of(bot.id(), msgId);
    }

    /** The simulator's answer: the full text every reply must end with. */
    String expectedAnswer() {
        return DifySimulator.expectedAnswer(query);
    }
}

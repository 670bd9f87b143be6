package io.wecomrelay.devstack.faults;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.wecomrelay.schemas.bot.ReplyMode;
import io.wecomrelay.sim.wecomapi.WeComApiSimulator;

/**
 * What the users got: streamed replies as their last refresh answer showed them, response_url and webhook replies
 * as WeCom's API received them.
 *
 * @param streamed           acknowledged messages of streaming bots
 * @param streamedComplete   of those, replies that finished with the simulator's full answer
 * @param responseUrl        acknowledged messages of the response_url bot
 * @param responseUrlComplete of those, replies that arrived once, with the full answer
 * @param responseUrlRepeats posts to an already used response_url (WeCom refuses them)
 * @param webhook            acknowledged messages of the webhook bot
 * @param webhookComplete    of those, replies that arrived exactly once with the full answer
 * @param webhookInOrder     true when the webhook received exactly the replies, in the order the group sent the messages
 * @param problems           what went wrong, per message
 */
record ReplyCounts(int streamed, int streamedComplete, int responseUrl, int responseUrlComplete, int responseUrlRepeats,
                   int webhook, int webhookComplete, boolean webhookInOrder, List<String> problems) {

    static ReplyCounts of(List<SentMessage> sent, Ledger ledger, WeComApiSimulator wecomApi) {
        var problems = new ArrayList<String>();
        List<SentMessage> acknowledged = sent.stream().filter(SentMessage::acknowledged).toList();

        List<SentMessage> streamed = of(acknowledged, ReplyMode.PASSIVE_STREAM);
        int streamedComplete = 0;
        for (SentMessage message : streamed) {
            var outcome = ledger.streamed(message).orElse(null);
            if (outcome != null && outcome.finished() && outcome.content().equals(message.expectedAnswer())) {
                streamedComplete++;
            } else {
                problems.add("stream " + message.streamId() + (outcome == null ? " not followed"
                        : (outcome.finished() ? " finished" : " unfinished") + " after " + outcome.polls() + " polls with "
                        + outcome.content().length() + " of " + message.expectedAnswer().length() + " chars"));
            }
        }

        List<SentMessage> responseUrl = of(acknowledged, ReplyMode.RESPONSE_URL);
        int responseUrlComplete = 0;
        for (SentMessage message : responseUrl) {
            List<String> got = wecomApi.messagesTo(message.target()).stream().map(WeComApiSimulator.Message::content).toList();
            if (got.equals(List.of(message.expectedAnswer()))) {
                responseUrlComplete++;
            } else {
                problems.add("response_url reply of " + message.streamId() + ": " + got.size() + " messages");
            }
        }
        Set<String> codes = responseUrl.stream().map(SentMessage::target).collect(Collectors.toSet());
        int repeats = (int) wecomApi.answers().stream()
                .filter(answer -> codes.contains(answer.target()) && answer.errcode() == WeComApiSimulator.INVALID_RESPONSE_CODE)
                .count();

        List<SentMessage> webhook = of(acknowledged, ReplyMode.WEBHOOK);
        List<String> expected = webhook.stream().map(SentMessage::expectedAnswer).toList();
        List<String> delivered = webhook.isEmpty() ? List.of()
                : wecomApi.messagesTo(webhook.get(0).target()).stream().map(WeComApiSimulator.Message::content).toList();
        int webhookComplete = (int) expected.stream().filter(answer -> Collections.frequency(delivered, answer) == 1).count();
        boolean inOrder = delivered.equals(expected);
        if (!inOrder) {
            problems.add("webhook received " + delivered.size() + " replies for " + expected.size() + " messages"
                    + (webhookComplete == expected.size() ? ", all of them, in another order: " + order(expected, delivered) : ""));
        }
        return new ReplyCounts(streamed.size(), streamedComplete, responseUrl.size(), responseUrlComplete, repeats,
                webhook.size(), webhookComplete, inOrder, problems);
    }

    String line() {
        return "replies: streamed " + streamedComplete + "/" + streamed + " finished with the full text (refresh polls through"
                + " ingress); response_url " + responseUrlComplete + "/" + responseUrl + " once with the full text ("
                + responseUrlRepeats + " repeated posts); webhook " + webhookComplete + "/" + webhook
                + " once with the full text, in sending order: " + (webhookInOrder ? "yes" : "NO")
                + (problems.isEmpty() ? "" : "; problems: " + DecisionCounts.first(problems));
    }

    private static List<SentMessage> of(List<SentMessage> messages, ReplyMode mode) {
        return messages.stream().filter(message -> message.bot().mode() == mode).toList();
    }

    /** The sending position (1-based) of each delivered reply, e.g. [1, 2, 4, 3, 5]. */
    private static List<Integer> order(List<String> expected, List<String> delivered) {
        return delivered.stream().map(answer -> expected.indexOf(answer) + 1).toList();
    }
}

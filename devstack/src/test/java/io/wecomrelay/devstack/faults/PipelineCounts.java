package io.wecomrelay.devstack.faults;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Predicate;

import io.wecomrelay.schemas.bot.ReplyMode;

/**
 * What came out of a {@link PipelineUnderLoad} run, counted once the traffic stopped and the last replies settled.
 *
 * @param sent           every message the load sent, in sending order
 * @param callbacks      how the callback attempts ended ({@link WecomFront#outcomes()})
 * @param resentMessages messages sent again with the same msgid after a failed attempt
 * @param deadLetters    records per dead-letter topic
 */
record PipelineCounts(List<SentMessage> sent, Map<String, Long> callbacks, long resentMessages, DecisionCounts decisions,
                      DifyCounts dify, ReplyCounts replies, Map<String, Integer> deadLetters) {

    private static final String OK = " HTTP 200";

    PipelineCounts {
        sent = List.copyOf(sent);
        callbacks = Map.copyOf(callbacks);
        deadLetters = Map.copyOf(deadLetters);
    }

    String lines() {
        return "messages: " + sent.size() + " sent, " + sent.stream().filter(SentMessage::acknowledged).count()
                + " acknowledged " + byMode() + "; " + count(key -> true) + " callbacks, " + count(key -> !key.endsWith(OK))
                + " failed, " + resentMessages + " messages sent again with the same msgid to another instance, "
                + count(key -> key.startsWith(WecomFront.POLL) && !key.endsWith(OK)) + " refresh polls failed\n"
                + "callbacks by outcome: " + new TreeMap<>(callbacks) + "\n"
                + decisions.line() + "\n"
                + dify.line() + "\n"
                + replies.line() + "\n"
                + "dead letters: " + new TreeMap<>(deadLetters) + "\n";
    }

    private long count(Predicate<String> outcome) {
        return callbacks.entrySet().stream().filter(entry -> outcome.test(entry.getKey())).mapToLong(Map.Entry::getValue).sum();
    }

    private Map<ReplyMode, Long> byMode() {
        var counts = new EnumMap<ReplyMode, Long>(ReplyMode.class);
        sent.forEach(message -> counts.merge(message.bot().mode(), 1L, Long::sum));
        return counts;
    }
}

package io.wecomrelay.devstack.faults;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import io.wecomrelay.devstack.Service;
import io.wecomrelay.devstack.ServiceInstance;
import io.wecomrelay.schemas.bot.ReplyMode;

/**
 * What one fault run counted.
 *
 * @param sent        every message the load sent, in sending order
 * @param deadLetters records per dead-letter topic
 */
record FaultResults(int instances, Duration took, List<Kill> kills, List<SentMessage> sent, WecomFront front,
                    DecisionCounts decisions, DifyCounts dify, ReplyCounts replies, Map<String, Integer> deadLetters) {

    /** One SIGKILL and what surrounded it. */
    record Kill(ServiceInstance victim, Duration at, int difyStreamsOpen, int workerInFlight, Duration restart,
                Duration settle, int unsettled) {

        String line() {
            return victim + " at +" + seconds(at) + " (" + difyStreamsOpen + " Dify streams open"
                    + (victim.service() == Service.LLM_WORKER ? ", " + workerInFlight + " replies in flight on it" : "")
                    + "); healthy again " + seconds(restart) + " after its restart; "
                    + (unsettled == 0 ? "every reply to messages sent until then complete " + seconds(settle) + " later"
                    : unsettled + " replies to messages sent until then still incomplete " + seconds(settle) + " later");
        }
    }

    /** Replies the killed llm-worker had in flight. */
    int workerInFlight() {
        return kills.stream().mapToInt(Kill::workerInFlight).sum();
    }

    String report() {
        var lines = new StringBuilder("\n==== fault suite: " + instances + " instances of every service, " + kills.size()
                + " SIGKILLs, " + seconds(took) + " (service logs: devstack/target/faults/logs)\n");
        kills.forEach(kill -> lines.append("kill: ").append(kill.line()).append('\n'));
        lines.append("messages: ").append(sent.size()).append(" sent, ").append(sent.stream().filter(SentMessage::acknowledged).count())
                .append(" acknowledged ").append(byMode()).append("; ").append(front.callbacks()).append(" callbacks, ")
                .append(front.failedCallbacks()).append(" failed, ").append(front.resentMessages())
                .append(" messages sent again with the same msgid to another instance, ").append(front.failedPolls())
                .append(" refresh polls failed\n");
        lines.append(decisions.line()).append('\n');
        lines.append(dify.line(workerInFlight())).append('\n');
        lines.append(replies.line()).append('\n');
        lines.append("dead letters: ").append(deadLetters).append('\n');
        return lines.toString();
    }

    private Map<ReplyMode, Long> byMode() {
        var counts = new EnumMap<ReplyMode, Long>(ReplyMode.class);
        sent.forEach(message -> counts.merge(message.bot().mode(), 1L, Long::sum));
        return counts;
    }

    static String seconds(Duration duration) {
        return duration.toSeconds() + " s";
    }
}

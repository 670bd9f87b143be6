package io.wecomrelay.devstack.faults;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

import io.wecomrelay.schemas.event.EventSerde;
import io.wecomrelay.schemas.event.MessageAccepted;
import io.wecomrelay.schemas.event.MessageRejected;
import io.wecomrelay.schemas.event.RejectReason;
import io.wecomrelay.schemas.event.RelayEvent;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * The processor's decisions on the fault bots' messages, as committed to wecom.accepted and wecom.rejected. A
 * message sent again (same msgid) gets a {@code DUPLICATE} rejection besides its one real decision.
 *
 * @param acknowledged       messages an ingress instance acknowledged
 * @param exactlyOne         of those, messages with exactly one decision other than DUPLICATE
 * @param accepted           of those, the accepted ones
 * @param rejected           non-duplicate rejections by reason
 * @param duplicates         DUPLICATE rejections (messages sent again after a failed attempt)
 * @param unknown            decisions on messages the load never sent
 * @param problems           messages without exactly one decision, with what they got
 */
record DecisionCounts(int acknowledged, int exactlyOne, int accepted, Map<String, Integer> rejected, int duplicates,
                      int unknown, List<String> problems) {

    private static final EventSerde<RelayEvent> EVENTS = EventSerde.any();
    private static final String ACCEPTED = "accepted";

    static DecisionCounts of(List<SentMessage> sent, List<ConsumerRecord<String, byte[]>> decisions) {
        Set<String> bots = sent.stream().map(message -> message.bot().id()).collect(Collectors.toSet());
        Map<String, List<String>> outcomes = new HashMap<>();
        for (ConsumerRecord<String, byte[]> record : decisions) {
            RelayEvent event = EVENTS.deserialize(record.topic(), record.value());
            if (event instanceof MessageAccepted accepted && bots.contains(accepted.botId())) {
                outcomes.computeIfAbsent(accepted.message().msgId(), id -> new ArrayList<>()).add(ACCEPTED);
            } else if (event instanceof MessageRejected rejected && bots.contains(rejected.botId())) {
                outcomes.computeIfAbsent(rejected.message().msgId(), id -> new ArrayList<>()).add(rejected.reason().name());
            }
        }
        int acknowledged = 0;
        int exactlyOne = 0;
        int accepted = 0;
        var rejected = new TreeMap<String, Integer>();
        var problems = new ArrayList<String>();
        for (SentMessage message : sent) {
            List<String> got = outcomes.getOrDefault(message.msgId(), List.of());
            List<String> real = got.stream().filter(outcome -> !outcome.equals(RejectReason.DUPLICATE.name())).toList();
            if (!message.acknowledged()) {
                continue;
            }
            acknowledged++;
            if (real.size() == 1) {
                exactlyOne++;
                if (real.get(0).equals(ACCEPTED)) {
                    accepted++;
                } else {
                    rejected.merge(real.get(0), 1, Integer::sum);
                }
            } else {
                problems.add(message.bot().id() + "/" + message.msgId() + " " + got);
            }
        }
        Set<String> sentIds = sent.stream().map(SentMessage::msgId).collect(Collectors.toSet());
        int duplicates = (int) outcomes.values().stream().flatMap(List::stream)
                .filter(outcome -> outcome.equals(RejectReason.DUPLICATE.name())).count();
        int unknown = (int) outcomes.keySet().stream().filter(id -> !sentIds.contains(id)).count();
        return new DecisionCounts(acknowledged, exactlyOne, accepted, rejected, duplicates, unknown, problems);
    }

    String line() {
        return "decisions (wecom.accepted + wecom.rejected, read_committed): " + exactlyOne + "/" + acknowledged
                + " acknowledged messages with exactly one decision (accepted " + accepted + ", rejected " + rejected
                + "), DUPLICATE rejections of messages sent again " + duplicates + ", decisions on unknown messages " + unknown
                + (problems.isEmpty() ? "" : "; NOT exactly one: " + first(problems));
    }

    static String first(List<String> problems) {
        return problems.size() <= 10 ? problems.toString() : problems.subList(0, 10) + " and " + (problems.size() - 10) + " more";
    }
}

package io.wecomrelay.devstack.faults;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;

import io.wecomrelay.sim.wecomapi.WeComApiSimulator;

/** What the load sent, in sending order, and what the users saw of streamed replies. Thread-safe. */
final class Ledger {

    /** The last refresh answer of a streamed reply. */
    record Streamed(String content, boolean finished, int polls) {
    }

    private final List<SentMessage> sent = new ArrayList<>();
    private final Map<String, Streamed> streamed = new ConcurrentHashMap<>();

    synchronized void sent(SentMessage message) {
        sent.add(message);
    }

    void streamed(SentMessage message, Streamed outcome) {
        streamed.put(message.msgId(), outcome);
    }

    synchronized List<SentMessage> sent() {
        return List.copyOf(sent);
    }

    Optional<Streamed> streamed(SentMessage message) {
        return Optional.ofNullable(streamed.get(message.msgId()));
    }

    /**
     * Messages whose reply is not complete yet: a streamed one still polled, an active one whose full text WeCom's
     * API has not received. A message no ingress instance acknowledged has nothing to wait for.
     */
    List<SentMessage> unsettled(WeComApiSimulator wecomApi) {
        return unsettled(wecomApi, Integer.MAX_VALUE);
    }

    /** {@link #unsettled(WeComApiSimulator)} among the first {@code count} messages sent. */
    List<SentMessage> unsettled(WeComApiSimulator wecomApi, int count) {
        Set<String> delivered = delivered(wecomApi);
        return sent().stream().limit(count).filter(SentMessage::acknowledged).filter(message -> !settled(message, delivered))
                .toList();
    }

    synchronized int sentCount() {
        return sent.size();
    }

    /** The bots with at least one complete reply. */
    Set<String> answeredBots(WeComApiSimulator wecomApi) {
        Set<String> delivered = delivered(wecomApi);
        return sent().stream().filter(SentMessage::acknowledged).filter(message -> settled(message, delivered))
                .map(message -> message.bot().id()).collect(Collectors.toSet());
    }

    private boolean settled(SentMessage message, Set<String> delivered) {
        return message.target() == null ? streamed(message).isPresent() : delivered.contains(message.expectedAnswer());
    }

    private static Set<String> delivered(WeComApiSimulator wecomApi) {
        return wecomApi.messages().stream().map(WeComApiSimulator.Message::content).collect(Collectors.toSet());
    }
}

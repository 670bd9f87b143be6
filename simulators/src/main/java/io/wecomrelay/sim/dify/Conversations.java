package io.wecomrelay.sim.dify;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Conversations and messages in memory. Like Dify, a conversation is visible only to the app (api
 * key) and {@code user} that created it; a message likewise.
 */
final class Conversations {

    private record Owner(String apiKey, String user) {
    }

    private record Conversation(Owner owner, AtomicInteger messages) {
    }

    private final Map<String, Conversation> conversations = new ConcurrentHashMap<>();
    private final Map<String, Owner> messages = new ConcurrentHashMap<>();

    void create(String conversationId, String apiKey, String user) {
        conversations.put(conversationId, new Conversation(new Owner(apiKey, user), new AtomicInteger()));
    }

    boolean isVisible(String conversationId, String apiKey, String user) {
        var conversation = conversations.get(conversationId);
        return conversation != null && conversation.owner().equals(new Owner(apiKey, user));
    }

    void addMessage(String conversationId, String messageId) {
        var conversation = conversations.get(conversationId);
        if (conversation == null) throw new IllegalStateException("no conversation " + conversationId);
        conversation.messages().incrementAndGet();
        messages.put(messageId, conversation.owner());
    }

    /** A message outside any conversation (a text generator's), which its app and user may still rate. */
    void addLoneMessage(String messageId, String apiKey, String user) {
        messages.put(messageId, new Owner(apiKey, user));
    }

    boolean isMessageVisible(String messageId, String apiKey, String user) {
        return new Owner(apiKey, user).equals(messages.get(messageId));
    }

    Optional<Integer> messageCount(String conversationId) {
        return Optional.ofNullable(conversations.get(conversationId)).map(c -> c.messages().get());
    }

    int count() {
        return conversations.size();
    }

    void clear() {
        conversations.clear();
        messages.clear();
    }
}

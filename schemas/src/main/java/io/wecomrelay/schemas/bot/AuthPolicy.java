package io.wecomrelay.schemas.bot;

import java.util.List;
import java.util.Objects;
import java.util.Set;

import io.wecomrelay.schemas.event.ChatType;

/**
 * Who may use a bot. A user is allowed when the bot is enabled, the chat type is allowed, the user
 * matches an allow pattern and no deny pattern. Patterns are exact user ids or contain {@code *}
 * wildcards ({@code *} alone matches everyone).
 */
public record AuthPolicy(boolean enabled, Set<ChatType> chatTypes, List<String> allowUsers, List<String> denyUsers) {

    public static final AuthPolicy OPEN = new AuthPolicy(true, Set.of(ChatType.SINGLE, ChatType.GROUP), List.of("*"), List.of());

    public AuthPolicy {
        chatTypes = Set.copyOf(Objects.requireNonNull(chatTypes, "chatTypes"));
        allowUsers = List.copyOf(Objects.requireNonNull(allowUsers, "allowUsers"));
        denyUsers = List.copyOf(Objects.requireNonNull(denyUsers, "denyUsers"));
    }

    public boolean allowsChatType(ChatType chatType) {
        return chatTypes.contains(chatType);
    }

    public boolean allowsUser(String userId) {
        return matchesAny(allowUsers, userId) && !matchesAny(denyUsers, userId);
    }

    private static boolean matchesAny(List<String> patterns, String userId) {
        for (String pattern : patterns) {
            if (Wildcards.matches(pattern, userId)) {
                return true;
            }
        }
        return false;
    }
}

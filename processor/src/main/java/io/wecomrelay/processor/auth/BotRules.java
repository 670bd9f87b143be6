package io.wecomrelay.processor.auth;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import io.wecomrelay.processor.decision.Ruling;
import io.wecomrelay.schemas.bot.AuthPolicy;
import io.wecomrelay.schemas.bot.BotConfig;
import io.wecomrelay.schemas.event.InboundMessage;
import io.wecomrelay.schemas.event.RejectReason;
import org.jspecify.annotations.Nullable;

/** The bots-file rules, in order: the bot is known, enabled, and its auth policy admits the message. Pure. */
final class BotRules {

    static final String UNKNOWN = "bot.unknown";
    static final String DISABLED = "bot.disabled";
    static final String CHAT_TYPE = "auth.chat-type";
    static final String DENY_LIST = "auth.deny-list";
    static final String ALLOW_LIST = "auth.allow-list";

    private BotRules() {
    }

    /** Empty when the message passes; otherwise the rejection of the first rule it fails. */
    static Optional<Ruling> judge(String botId, @Nullable BotConfig bot, InboundMessage message) {
        if (bot == null) {
            return reject(RejectReason.BOT_UNKNOWN, UNKNOWN, "bot " + botId + " is not in the bots file");
        }
        AuthPolicy auth = bot.auth();
        if (!auth.enabled()) {
            return reject(RejectReason.BOT_DISABLED, DISABLED, "bot is disabled");
        }
        if (!auth.allowsChatType(message.chatType())) {
            return reject(RejectReason.UNAUTHORIZED, CHAT_TYPE, "chat type " + message.chatType().wireName() + " is not allowed");
        }
        if (auth.allowsUser(message.userId())) {
            return Optional.empty();
        }
        return deniedExplicitly(auth, message.userId())
                ? reject(RejectReason.UNAUTHORIZED, DENY_LIST, "sender matches the deny list")
                : reject(RejectReason.UNAUTHORIZED, ALLOW_LIST, "sender matches no allow pattern");
    }

    /** Asks the same matcher with an allow-everyone list, so the wildcard rules exist in one place only. */
    private static boolean deniedExplicitly(AuthPolicy auth, String userId) {
        return !new AuthPolicy(true, Set.of(), List.of("*"), auth.denyUsers()).allowsUser(userId);
    }

    private static Optional<Ruling> reject(RejectReason reason, String rule, String detail) {
        return Optional.of(Ruling.reject(reason, rule, detail));
    }
}

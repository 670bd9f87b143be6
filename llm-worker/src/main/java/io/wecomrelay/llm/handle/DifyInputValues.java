package io.wecomrelay.llm.handle;

import java.util.LinkedHashMap;
import java.util.Map;

import io.wecomrelay.schemas.bot.DifyApp;
import io.wecomrelay.schemas.bot.InputVariable;
import io.wecomrelay.schemas.event.MessageAccepted;

/**
 * The values of a bot's {@code dify.inputs} for one message. Made from the accepted event alone (never from the
 * clock or Redis), so every retry and redo of a message sends Dify the same inputs. Pure.
 */
final class DifyInputValues {

    private DifyInputValues() {
    }

    static Map<String, String> of(DifyApp app, MessageAccepted accepted) {
        var values = new LinkedHashMap<String, String>();
        app.inputs().forEach((name, template) -> values.put(name, template.render(v -> value(v, accepted))));
        return values;
    }

    private static String value(InputVariable variable, MessageAccepted accepted) {
        var message = accepted.message();
        return switch (variable) {
            case USER_ID -> message.userId();
            case CHAT_ID -> message.chatId() == null ? "" : message.chatId();
            case CHAT_TYPE -> message.chatType().wireName();
            case BOT_ID -> accepted.botId();
            case MSGTYPE -> message.msgType();
            case RECEIVED_AT -> accepted.receivedAt().toString();
        };
    }
}

package io.wecomrelay.schemas.wecom.message;

import io.wecomrelay.schemas.wecom.WecomCryptoException;
import io.wecomrelay.schemas.wecom.WecomJson;
import tools.jackson.databind.JsonNode;

/**
 * A decrypted WeCom AI-bot callback. The family is closed; callback types this version does not know
 * become {@link UnknownCallback}, keeping the JSON in {@link #raw()}.
 */
public sealed interface WecomCallback
        permits TextMessage, ImageMessage, MixedMessage, VoiceMessage, FileMessage, VideoMessage, StreamRefresh,
        EnterChatEvent, TemplateCardEvent, FeedbackEvent, UnknownCallback {

    /** The fields all callbacks share. */
    CallbackMeta meta();

    default String msgId() {
        return meta().msgId();
    }

    default String userId() {
        return meta().userId();
    }

    /** The decrypted JSON as received (a copy). */
    default JsonNode raw() {
        return meta().raw();
    }

    /**
     * Parses decrypted callback JSON, e.g. the result of {@code WecomCrypto.openCallback}.
     *
     * @throws WecomCryptoException {@code PARSE_JSON_ERROR} if it is not a JSON object, lacks (or has empty)
     *                              {@code msgid}, {@code msgtype} or {@code from.userid}, has a {@code chattype}
     *                              other than {@code single} or {@code group} (in any case; absent means single),
     *                              or a known type lacks its payload (e.g. {@code text.content})
     */
    static WecomCallback parse(String plaintextJson) {
        return CallbackParser.parseOwned(WecomJson.readObject(plaintextJson));
    }

    /**
     * Same as {@link #parse(String)} for UTF-8 JSON, e.g. the result of {@code WecomCrypto.openCallbackUtf8}:
     * cheaper than decoding the bytes into a string first.
     */
    static WecomCallback parse(byte[] plaintextUtf8Json) {
        return CallbackParser.parseOwned(WecomJson.readObject(plaintextUtf8Json));
    }

    /** Same as {@link #parse(String)} for an already parsed tree (e.g. a long-connection frame body). */
    static WecomCallback parse(JsonNode json) {
        // The caller keeps its tree: copy it once, as the callback's raw JSON must not change later.
        return CallbackParser.parseOwned(json.deepCopy());
    }
}

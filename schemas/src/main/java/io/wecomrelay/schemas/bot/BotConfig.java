package io.wecomrelay.schemas.bot;

import java.util.List;
import java.util.Map;
import java.util.Objects;

import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.RejectReason;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Everything wecom-relay knows about one WeCom AI bot.
 *
 * @param id                  WeCom's {@code aibotid}; also the path segment of the callback URL
 * @param token               the callback Token from the admin console; null for a long-connection bot
 * @param aesKey              the 43-character EncodingAESKey; null for a long-connection bot
 * @param replyMode           how answers reach WeCom
 * @param dify                the Dify app that answers
 * @param welcome             the enter_chat welcome text, or null for none
 * @param welcomeCard         a template card sent as the enter_chat welcome instead of the text, or null
 * @param templateCard        the card of {@link ReplyMode#STREAM_WITH_TEMPLATE_CARD} replies, or null
 * @param cardUpdate          the card that replaces a clicked card (answer to template_card_event), or null
 * @param placeholder         content of the first stream frame, shown until the answer starts
 * @param webhookKey          the group webhook key, required for {@link ReplyMode#WEBHOOK}
 * @param rateLimitPerMinute  accepted messages per rolling minute
 * @param auth                who may use the bot
 * @param groupSharedConversation true when all members of a group share one Dify conversation
 * @param rejectionTexts      what the user sees per rejection reason (defaults apply for missing ones)
 * @param connection          how the bot talks to WeCom: ingress's URL callbacks or the connector's long connection
 * @param secret              the long-connection Secret from the admin console; null for a callback bot
 * @param identity            where the worker gets the asking user's token for Dify, or null when the app needs none
 * @param app                 the self-built app's settings for a bots-file entry of {@code kind: app}; null for an AI bot
 * @param continueWords       the texts that ask for the rest of a long answer a streaming bot of URL callbacks kept
 *                            ({@code continue-words}); empty when the rest is cut instead
 * @param policyVersion       a short hash of the settings that decide who is served (auth, rate limit, reply mode,
 *                            group-shared conversation), recorded with every decision so that an auditor can tell
 *                            which policy applied; secrets are not part of it. It is the one version of a bot's
 *                            settings: every service derives it alike from its own bots file and records it on the
 *                            events it writes, so that versions compare across services. Derived once per loaded bot
 *                            by the other constructors: every message reads it, and a SHA-256 over the policy (or
 *                            a look-up by the policy's value) per message was work for a value that changes only
 *                            when the bots file does
 */
public record BotConfig(String id, @Nullable Secret token, @Nullable Secret aesKey, ReplyMode replyMode, DifyApp dify,
                        @Nullable String welcome, @Nullable JsonNode welcomeCard, @Nullable JsonNode templateCard,
                        @Nullable JsonNode cardUpdate, String placeholder, @Nullable Secret webhookKey, int rateLimitPerMinute, AuthPolicy auth,
                        boolean groupSharedConversation, Map<RejectReason, String> rejectionTexts,
                        Channel connection, @Nullable Secret secret, @Nullable IdentitySource identity,
                        @Nullable AppSettings app, List<String> continueWords, String policyVersion) {

    /** The policy version recorded for a bot the bots file does not know. */
    public static final String NO_POLICY = "none";
    /** The default {@code continue-words}. */
    public static final List<String> DEFAULT_CONTINUE_WORDS = List.of("继续", "continue");

    public BotConfig {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(connection, "connection");
        if (connection == Channel.CALLBACK) {
            Objects.requireNonNull(token, "token");
            Objects.requireNonNull(aesKey, "aesKey");
        } else {
            Objects.requireNonNull(secret, "secret");
        }
        Objects.requireNonNull(replyMode, "replyMode");
        Objects.requireNonNull(dify, "dify");
        Objects.requireNonNull(placeholder, "placeholder");
        Objects.requireNonNull(auth, "auth");
        rejectionTexts = Map.copyOf(Objects.requireNonNull(rejectionTexts, "rejectionTexts"));
        welcomeCard = welcomeCard == null ? null : welcomeCard.deepCopy();
        templateCard = templateCard == null ? null : templateCard.deepCopy();
        cardUpdate = cardUpdate == null ? null : cardUpdate.deepCopy();
        if (replyMode == ReplyMode.APP_MESSAGE && app == null) {
            throw new IllegalArgumentException("only a self-built app replies with app_message");
        }
        continueWords = List.copyOf(Objects.requireNonNull(continueWords, "continueWords"));
        Objects.requireNonNull(policyVersion, "policyVersion");
    }

    /** With its policy version derived from its settings: how the bots file's bots are made. */
    public BotConfig(String id, @Nullable Secret token, @Nullable Secret aesKey, ReplyMode replyMode, DifyApp dify,
                     @Nullable String welcome, @Nullable JsonNode welcomeCard, @Nullable JsonNode templateCard,
                     @Nullable JsonNode cardUpdate, String placeholder, @Nullable Secret webhookKey, int rateLimitPerMinute,
                     AuthPolicy auth, boolean groupSharedConversation, Map<RejectReason, String> rejectionTexts,
                     Channel connection, @Nullable Secret secret, @Nullable IdentitySource identity,
                     @Nullable AppSettings app, List<String> continueWords) {
        this(id, token, aesKey, replyMode, dify, welcome, welcomeCard, templateCard, cardUpdate, placeholder, webhookKey,
                rateLimitPerMinute, auth, groupSharedConversation, rejectionTexts, connection, secret, identity, app,
                continueWords, PolicyVersions.of(auth, rateLimitPerMinute, replyMode, groupSharedConversation));
    }

    /** With the default continue words. */
    public BotConfig(String id, @Nullable Secret token, @Nullable Secret aesKey, ReplyMode replyMode, DifyApp dify,
                     @Nullable String welcome, @Nullable JsonNode welcomeCard, @Nullable JsonNode templateCard,
                     @Nullable JsonNode cardUpdate, String placeholder, @Nullable Secret webhookKey, int rateLimitPerMinute,
                     AuthPolicy auth, boolean groupSharedConversation, Map<RejectReason, String> rejectionTexts,
                     Channel connection, @Nullable Secret secret, @Nullable IdentitySource identity,
                     @Nullable AppSettings app) {
        this(id, token, aesKey, replyMode, dify, welcome, welcomeCard, templateCard, cardUpdate, placeholder, webhookKey,
                rateLimitPerMinute, auth, groupSharedConversation, rejectionTexts, connection, secret, identity, app,
                DEFAULT_CONTINUE_WORDS);
    }

    /** An AI bot. */
    public BotConfig(String id, Secret token, Secret aesKey, ReplyMode replyMode, DifyApp dify,
                     @Nullable String welcome, @Nullable JsonNode welcomeCard, @Nullable JsonNode templateCard,
                     @Nullable JsonNode cardUpdate, String placeholder, @Nullable Secret webhookKey, int rateLimitPerMinute,
                     AuthPolicy auth, boolean groupSharedConversation, Map<RejectReason, String> rejectionTexts) {
        this(id, token, aesKey, replyMode, dify, welcome, welcomeCard, templateCard, cardUpdate, placeholder, webhookKey,
                rateLimitPerMinute, auth, groupSharedConversation, rejectionTexts, Channel.CALLBACK, null, null, null);
    }

    /** True for a self-built app (自建应用): XML callbacks on {@code /wecom/app/{id}}, replies by {@code message/send}. */
    public boolean isApp() {
        return app != null;
    }

    /** True when the connector holds the bot's WebSocket and ingress has no callback for it. */
    public boolean longConnection() {
        return connection == Channel.LONG_CONNECTION;
    }

    /**
     * True when the rest of a long answer past the stream and its one response_url message is kept for the user to
     * ask for: a streaming bot of URL callbacks (the only reply mode whose rest has no second path) with continue words.
     */
    public boolean keepsRests() {
        return replyMode.streams() && connection == Channel.CALLBACK && !continueWords.isEmpty();
    }

    /** Whether a text message asks for the kept rest: its whole trimmed text is a continue word, in any case. */
    public boolean isContinueWord(String text) {
        String trimmed = text.strip();
        return continueWords.stream().anyMatch(word -> word.equalsIgnoreCase(trimmed));
    }

    /** The user-facing text for a rejection. */
    public String rejectionText(RejectReason reason) {
        return rejectionTexts.getOrDefault(reason, DefaultTexts.rejection(reason));
    }
}

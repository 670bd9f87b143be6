package io.wecomrelay.schemas.bot;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.wecomrelay.schemas.event.Channel;
import io.wecomrelay.schemas.event.ChatType;
import io.wecomrelay.schemas.event.RejectReason;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/** Reads and validates one entry of the bots file; keeps the bot's name for error messages. */
final class BotEntryReader {

    static final int DEFAULT_RATE_LIMIT = 20;
    private static final Pattern REFERENCE = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::([^}]*))?}");
    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9]{1,32}");
    private static final Pattern SETTING_NAME = Pattern.compile("[a-z]{1,24}(?:[-_][a-z]{1,24}){0,5}"); // no digits: a hex token is not a name
    private static final Set<String> BOT_FIELDS = Set.of("id", "token", "aes-key", "reply-mode", "dify", "welcome",
            "welcome-card", "template-card", "card-update", "placeholder", "webhook-key", "rate-limit-per-minute", "auth",
            "group-shared-conversation", "rejection-texts", "connection", "secret", "identity", "kind", "corp-id",
            "agent-id", "message-format", "thinking-notice", "continue-words");
    /** Settings of a self-built app only ({@code secret} is also a long-connection bot's). */
    private static final List<String> APP_FIELDS = List.of("corp-id", "agent-id", "message-format", "thinking-notice");
    private static final Pattern CORP_ID = Pattern.compile("[A-Za-z0-9]{1,64}");
    private static final Set<String> DIFY_FIELDS = Set.of("base-url", "api-key", "allow-insecure-http", "inputs",
            "app-type", "query-variable", "output-variable", "reasoning");
    static final int MAX_CONTINUE_WORDS = 8;
    static final int MAX_CONTINUE_WORD_LENGTH = 32;
    private static final Set<String> AUTH_FIELDS = Set.of("enabled", "chat-types", "allow-users", "deny-users");


    private final JsonNode node;
    private final UnaryOperator<@Nullable String> environment;
    private final ContextSettingsReader context = new ContextSettingsReader(this::resolve, this::fail);
    private final DifyAppTypeReader appType = new DifyAppTypeReader(context, this::fail);
    private String name;

    BotEntryReader(JsonNode node, int index, UnaryOperator<@Nullable String> environment) {
        this.node = node;
        this.name = "#" + index;
        this.environment = environment;
    }

    BotConfig read() {
        if (!node.isObject()) {
            throw fail("entry", "must be a mapping");
        }
        this.name = required(node, "id");
        checkFields(node, BOT_FIELDS, "");
        boolean app = isApp();
        Channel connection = connection();
        if (app && node.has("connection")) {
            throw fail("connection", "is an AI bot setting; a self-built app always calls back to /wecom/app");
        }
        if (connection == Channel.LONG_CONNECTION) {
            return longConnectionBot();
        }
        if (!app && optional(node, "secret") != null) {
            throw fail("secret", "is the long-connection Secret (connection: long-connection) or a self-built app's "
                    + "Secret (kind: app)");
        }
        String token = required(node, "token");
        if (!TOKEN.matcher(token).matches()) {
            throw fail("token", "must be 1 to 32 letters or digits");
        }
        String aesKey = required(node, "aes-key");
        checkAesKey(aesKey);
        return bot(Channel.CALLBACK, new Secret(token), new Secret(aesKey), null, app);
    }

    /**
     * A bot on WeCom's long connection: its Secret instead of Token and EncodingAESKey, and replies always pushed as
     * stream frames on the socket, so only the streaming reply mode makes sense.
     */
    private BotConfig longConnectionBot() {
        Secret secret = new Secret(required(node, "secret"));
        for (String callbackOnly : List.of("token", "aes-key")) {
            if (node.has(callbackOnly)) {
                throw fail(callbackOnly, "is a callback setting; a long-connection bot needs only its secret");
            }
        }
        String mode = optional(node, "reply-mode");
        if (mode != null && !mode.equals(ReplyMode.PASSIVE_STREAM.wireName())) {
            throw fail("reply-mode", "must be passive_stream (or absent) with connection: long-connection, whose "
                    + "replies are stream frames on the socket");
        }
        return bot(Channel.LONG_CONNECTION, null, null, secret, false);
    }

    private BotConfig bot(Channel connection, @Nullable Secret token, @Nullable Secret aesKey, @Nullable Secret secret,
                          boolean app) {
        ReplyMode mode = replyMode(app);
        Secret webhookKey = optional(node, "webhook-key") == null ? null : new Secret(optional(node, "webhook-key"));
        if (mode == ReplyMode.WEBHOOK && webhookKey == null) {
            throw fail("webhook-key", "is required when reply-mode is webhook");
        }
        JsonNode templateCard = objectOrNull("template-card");
        if (mode == ReplyMode.STREAM_WITH_TEMPLATE_CARD && templateCard == null) {
            throw fail("template-card", "is required when reply-mode is stream_with_template_card");
        }
        String placeholder = optional(node, "placeholder");
        DifyApp dify = dify();
        return new BotConfig(name, token, aesKey, mode, dify,
                optional(node, "welcome"), objectOrNull("welcome-card"), templateCard, objectOrNull("card-update"),
                placeholder == null ? DefaultTexts.PLACEHOLDER : placeholder, webhookKey, rateLimit(), auth(),
                bool(node, "group-shared-conversation", true, "group-shared-conversation"), rejectionTexts(),
                connection, secret, context.identity(node, dify.inputNames()), app ? appSettings() : null,
                continueWords());
    }

    /** {@code continue-words}: at most 8 distinct words of at most 32 characters, trimmed; {@code []} for none. */
    private List<String> continueWords() {
        JsonNode value = node.get("continue-words");
        if (value == null || value.isNull()) {
            return BotConfig.DEFAULT_CONTINUE_WORDS;
        }
        if (!value.isArray()) {
            throw fail("continue-words", "must be a list of words (or [] to cut long answers instead)");
        }
        if (value.size() > MAX_CONTINUE_WORDS) {
            throw fail("continue-words", "may hold at most " + MAX_CONTINUE_WORDS + " words, got " + value.size());
        }
        var words = new ArrayList<String>();
        for (JsonNode item : value) {
            if (!item.isValueNode() || item.isNull()) {
                throw fail("continue-words", "entries must be plain words");
            }
            String word = resolve(item.asString(), "continue-words").strip();
            if (word.isEmpty()) {
                throw fail("continue-words", "entries must not be blank");
            }
            if (word.codePointCount(0, word.length()) > MAX_CONTINUE_WORD_LENGTH) {
                throw fail("continue-words", "entries must be at most " + MAX_CONTINUE_WORD_LENGTH + " characters");
            }
            if (words.stream().anyMatch(word::equalsIgnoreCase)) {
                throw fail("continue-words", "lists '" + word + "' twice (words match in any case)");
            }
            words.add(word);
        }
        return words;
    }

    private Channel connection() {
        String value = optional(node, "connection");
        if (value == null) {
            return Channel.CALLBACK;
        }
        return Channel.fromWire(value).filter(channel -> channel != Channel.APP)
                .orElseThrow(() -> fail("connection", "must be callback or long-connection"));
    }


    /** {@code kind: app} (a self-built app) or {@code kind: aibot}, the default; app settings only on an app. */
    private boolean isApp() {
        String kind = optional(node, "kind");
        if (kind != null && !kind.equals("aibot") && !kind.equals("app")) {
            throw fail("kind", "must be aibot or app");
        }
        boolean app = "app".equals(kind);
        if (!app) {
            for (String field : APP_FIELDS) {
                if (node.has(field)) {
                    throw fail(field, "is a self-built app setting; set kind: app to use it");
                }
            }
        }
        return app;
    }

    private AppSettings appSettings() {
        String corpId = required(node, "corp-id");
        if (!CORP_ID.matcher(corpId).matches()) {
            throw fail("corp-id", "must be the CorpID (letters and digits, e.g. ww0123456789abcdef)");
        }
        int agentId;
        try {
            agentId = Integer.parseInt(required(node, "agent-id").trim());
        } catch (NumberFormatException e) {
            agentId = 0;
        }
        if (agentId < 1) {
            throw fail("agent-id", "must be the app's AgentId, a positive whole number");
        }
        String format = optional(node, "message-format");
        AppMessageFormat messageFormat = format == null ? AppMessageFormat.TEXT : AppMessageFormat.fromWire(format)
                .orElseThrow(() -> fail("message-format", "must be text or markdown"));
        String notice = optional(node, "thinking-notice");
        return new AppSettings(corpId, agentId, new Secret(required(node, "secret")), messageFormat,
                notice == null || notice.isBlank() ? null : notice);
    }

    private void checkAesKey(String aesKey) {
        if (aesKey.length() != 43) {
            throw fail("aes-key", "must be 43 characters (the EncodingAESKey), got " + aesKey.length());
        }
        try {
            if (Base64.getDecoder().decode(aesKey + "=").length != 32) {
                throw fail("aes-key", "must decode to 32 bytes");
            }
        } catch (IllegalArgumentException e) {
            throw fail("aes-key", "is not base64");
        }
    }

    private ReplyMode replyMode(boolean app) {
        String value = optional(node, "reply-mode");
        if (app) {
            if (value != null && !value.equals(ReplyMode.APP_MESSAGE.wireName())) {
                throw fail("reply-mode", "must be app_message (or absent) for kind: app, which replies with message/send");
            }
            return ReplyMode.APP_MESSAGE;
        }
        if (value == null) {
            return ReplyMode.PASSIVE_STREAM;
        }
        return ReplyMode.fromWire(value).filter(mode -> mode != ReplyMode.APP_MESSAGE).orElseThrow(() -> fail("reply-mode",
                "must be one of passive_stream, stream_with_template_card, response_url, webhook"));
    }

    private DifyApp dify() {
        JsonNode dify = node.path("dify");
        if (!dify.isObject()) {
            throw fail("dify", "is required (base-url and api-key)");
        }
        checkFields(dify, DIFY_FIELDS, "dify.");
        String baseUrl = required(dify, "base-url", "dify.base-url");
        try {
            URI uri = new URI(baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!scheme.equals("http") && !scheme.equals("https") || uri.getHost() == null) {
                throw fail("dify.base-url", "must be an http(s) URL such as https://api.dify.ai/v1");
            }
            if (scheme.equals("http") && !bool(dify, "allow-insecure-http", false, "dify.allow-insecure-http")) {
                throw fail("dify.base-url", "uses plain http, which sends the api-key and every message unencrypted; use "
                        + "https, or set dify.allow-insecure-http: true for a Dify on this machine or a network you trust");
            }
            var inputs = context.inputs(dify);
            var mode = appType.read(dify, inputs);
            return new DifyApp(uri, new Secret(required(dify, "api-key", "dify.api-key")), inputs, mode.appType(),
                    mode.queryVariable(), mode.outputVariable(), mode.reasoning());
        } catch (URISyntaxException e) {
            throw fail("dify.base-url", "is not a valid URL");
        }
    }

    private int rateLimit() {
        JsonNode value = node.get("rate-limit-per-minute");
        if (value == null || value.isNull()) {
            return DEFAULT_RATE_LIMIT;
        }
        String text = resolve(value.asString(), "rate-limit-per-minute");
        try {
            int limit = Integer.parseInt(text.trim());
            if (limit < 1) {
                throw fail("rate-limit-per-minute", "must be at least 1");
            }
            return limit;
        } catch (NumberFormatException e) {
            throw fail("rate-limit-per-minute", "must be a whole number");
        }
    }

    private AuthPolicy auth() {
        JsonNode auth = node.path("auth");
        if (auth.isMissingNode() || auth.isNull()) {
            return AuthPolicy.OPEN;
        }
        if (!auth.isObject()) {
            throw fail("auth", "must be a mapping");
        }
        checkFields(auth, AUTH_FIELDS, "auth.");
        Set<ChatType> chatTypes = EnumSet.noneOf(ChatType.class);
        for (String type : list(auth, "chat-types", List.of("single", "group"))) {
            try {
                chatTypes.add(ChatType.fromWire(type));
            } catch (IllegalArgumentException e) {
                throw fail("auth.chat-types", "entries must be single or group");
            }
        }
        return new AuthPolicy(bool(auth, "enabled", true, "auth.enabled"), chatTypes,
                list(auth, "allow-users", List.of("*")), list(auth, "deny-users", List.of()));
    }

    private Map<RejectReason, String> rejectionTexts() {
        JsonNode texts = node.path("rejection-texts");
        Map<RejectReason, String> result = new EnumMap<>(RejectReason.class);
        if (texts.isMissingNode() || texts.isNull()) {
            return result;
        }
        for (var entry : texts.properties()) {
            try {
                RejectReason reason = RejectReason.valueOf(entry.getKey().toUpperCase(Locale.ROOT).replace('-', '_'));
                result.put(reason, resolve(entry.getValue().asString(), "rejection-texts." + entry.getKey()));
            } catch (IllegalArgumentException e) {
                throw fail("rejection-texts." + shown(entry.getKey()), "is not a rejection reason");
            }
        }
        return result;
    }

    private @Nullable JsonNode objectOrNull(String field) {
        JsonNode value = node.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isObject()) {
            throw fail(field, "must be a mapping (the card JSON)");
        }
        return value;
    }

    private List<String> list(JsonNode parent, String field, List<String> fallback) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        if (!value.isArray()) {
            throw fail("auth." + field, "must be a list");
        }
        var result = new ArrayList<String>();
        value.forEach(item -> result.add(resolve(item.asString(), "auth." + field)));
        return result;
    }

    private boolean bool(JsonNode parent, String field, boolean fallback, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return fallback;
        }
        String text = resolve(value.asString(), path).trim().toLowerCase(Locale.ROOT);
        if (!text.equals("true") && !text.equals("false")) {
            throw fail(path, "must be true or false");
        }
        return Boolean.parseBoolean(text);
    }

    private String required(JsonNode parent, String field) {
        return required(parent, field, field);
    }

    private String required(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull() || !value.isValueNode()) {
            throw fail(path, "is required");
        }
        String resolved = resolve(value.asString(), path);
        if (resolved.isBlank()) {
            throw fail(path, "must not be blank");
        }
        return resolved;
    }

    private @Nullable String optional(JsonNode parent, String field) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw fail(field, "must be a plain value");
        }
        return resolve(value.asString(), field);
    }

    private String resolve(String raw, String path) {
        Matcher matcher = REFERENCE.matcher(raw);
        var out = new StringBuilder();
        while (matcher.find()) {
            String value = environment.apply(matcher.group(1));
            if (value == null) {
                value = matcher.group(2);
            }
            if (value == null) {
                throw fail(path, "refers to environment variable " + matcher.group(1) + ", which is not set");
            }
            matcher.appendReplacement(out, Matcher.quoteReplacement(value));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private void checkFields(JsonNode parent, Set<String> known, String prefix) {
        for (String field : parent.propertyNames()) {
            if (!known.contains(field)) {
                throw fail(prefix + shown(field), "is not a known setting (known: " + new java.util.TreeSet<>(known) + ")");
            }
        }
    }

    /** A key from the file as it may appear in an error: only when it looks like a setting, not like a pasted secret. */
    private static String shown(String key) {
        return SETTING_NAME.matcher(key).matches() ? key : "<" + key.length() + " characters, not shown>";
    }

    private BotRegistryException fail(String field, String problem) {
        return new BotRegistryException("bot '" + name + "': field '" + field + "' " + problem);
    }
}

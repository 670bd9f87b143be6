package io.wecomrelay.schemas.bot;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

/**
 * Reads what a bot's Dify app needs to know about the asker: {@code dify.inputs} and {@code identity}. Errors
 * name the bot and the field, never a value (a value may be a resolved secret).
 */
final class ContextSettingsReader {

    static final int MAX_INPUTS = 32;
    static final Duration DEFAULT_TTL = Duration.ofMinutes(10);
    static final Duration MAX_TTL = Duration.ofDays(1);
    private static final Pattern INPUT_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,63}");
    private static final Pattern HEADER_NAME = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern DURATION = Pattern.compile("(\\d{1,9})(ms|s|m|h|d)");
    /** Headers the worker sets itself for Dify, or that would change how the request travels. */
    private static final Set<String> RESERVED_HEADERS = Set.of("authorization", "content-type", "content-length",
            "accept", "host", "transfer-encoding", "connection", "cookie");
    static final Set<String> IDENTITY_FIELDS = Set.of("url", "api-key", "input", "header", "ttl",
            "allow-insecure-http");

    /** Resolves {@code ${NAME}} references in a raw value; {@code path} names the field in errors. */
    interface Resolver {
        String resolve(String raw, String path);
    }

    /** Builds the load error for a field. */
    interface Failures {
        BotRegistryException fail(String field, String problem);
    }

    private final Resolver resolver;
    private final Failures failures;

    ContextSettingsReader(Resolver resolver, Failures failures) {
        this.resolver = resolver;
        this.failures = failures;
    }

    Map<String, InputTemplate> inputs(JsonNode dify) {
        JsonNode inputs = dify.get("inputs");
        var result = new LinkedHashMap<String, InputTemplate>();
        if (inputs == null || inputs.isNull()) {
            return result;
        }
        if (!inputs.isObject()) {
            throw failures.fail("dify.inputs", "must be a mapping of Dify variable to value");
        }
        for (var entry : inputs.properties()) {
            String name = entry.getKey();
            if (!INPUT_NAME.matcher(name).matches()) {
                throw failures.fail("dify.inputs", "has a variable name that is not a Dify variable name (letters, "
                        + "digits and _, not starting with a digit, at most 64)");
            }
            String path = "dify.inputs." + name;
            if (!entry.getValue().isValueNode() || entry.getValue().isNull()) {
                throw failures.fail(path, "must be a plain value (a literal or a template such as {user_id})");
            }
            try {
                result.put(name, InputTemplate.parse(resolver.resolve(entry.getValue().asString(), path)));
            } catch (IllegalArgumentException e) {
                throw failures.fail(path, e.getMessage());
            }
        }
        if (result.size() > MAX_INPUTS) {
            throw failures.fail("dify.inputs", "has more than " + MAX_INPUTS + " variables");
        }
        return result;
    }

    @Nullable IdentitySource identity(JsonNode bot, Set<String> inputNames) {
        JsonNode identity = bot.get("identity");
        if (identity == null || identity.isNull()) {
            return null;
        }
        if (!identity.isObject()) {
            throw failures.fail("identity", "must be a mapping (url, input or header, ttl, api-key)");
        }
        for (String field : identity.propertyNames()) {
            if (!IDENTITY_FIELDS.contains(field)) {
                throw failures.fail("identity." + (field.matches("[a-z-]{1,32}") ? field : "<not shown>"),
                        "is not a known setting (known: " + new java.util.TreeSet<>(IDENTITY_FIELDS) + ")");
            }
        }
        URI url = url(identity);
        String input = plain(identity, "input");
        if (input != null && !INPUT_NAME.matcher(input).matches()) {
            throw failures.fail("identity.input", "must be a Dify variable name (letters, digits and _)");
        }
        if (input != null && inputNames.contains(input)) {
            throw failures.fail("identity.input", "names a variable dify.inputs sets too (or dify.query-variable, the message); the token would replace it");
        }
        String header = plain(identity, "header");
        if (header != null && (!HEADER_NAME.matcher(header).matches()
                || RESERVED_HEADERS.contains(header.toLowerCase(Locale.ROOT)))) {
            throw failures.fail("identity.header", "must be a header name the worker does not set itself "
                    + "(not Authorization, Content-Type, Accept, ...)");
        }
        if (input == null && header == null) {
            throw failures.fail("identity", "needs input (the Dify variable) or header to pass the token in");
        }
        String apiKey = plain(identity, "api-key");
        return new IdentitySource(url, apiKey == null ? null : new Secret(apiKey), input, header, ttl(identity));
    }

    private URI url(JsonNode identity) {
        String raw = plain(identity, "url");
        if (raw == null || raw.isBlank()) {
            throw failures.fail("identity.url", "is required (the auth service's endpoint)");
        }
        try {
            URI uri = new URI(raw);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null
                    || uri.getRawUserInfo() != null || uri.getRawFragment() != null) {
                throw failures.fail("identity.url", "must be an http(s) URL without user info or fragment");
            }
            if (scheme.equals("http") && !"true".equalsIgnoreCase(plain(identity, "allow-insecure-http"))) {
                throw failures.fail("identity.url", "uses plain http, which sends every user's token unencrypted; "
                        + "use https, or set identity.allow-insecure-http: true for a service on a network you trust");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw failures.fail("identity.url", "is not a valid URL");
        }
    }

    private Duration ttl(JsonNode identity) {
        String raw = plain(identity, "ttl");
        if (raw == null) {
            return DEFAULT_TTL;
        }
        Matcher m = DURATION.matcher(raw.trim());
        if (!m.matches()) {
            throw failures.fail("identity.ttl", "must be a duration such as 300s, 10m or 1h");
        }
        long amount = Long.parseLong(m.group(1));
        Duration ttl = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(amount);
            case "s" -> Duration.ofSeconds(amount);
            case "m" -> Duration.ofMinutes(amount);
            case "h" -> Duration.ofHours(amount);
            default -> Duration.ofDays(amount);
        };
        if (ttl.compareTo(Duration.ofSeconds(1)) < 0 || ttl.compareTo(MAX_TTL) > 0) {
            throw failures.fail("identity.ttl", "must be between 1s and 1d");
        }
        return ttl;
    }

    private @Nullable String plain(JsonNode parent, String field) {
        return plain(parent, field, "identity." + field);
    }

    /** A plain value with its {@code ${NAME}} references resolved, or null when absent; {@code path} names it in errors. */
    @Nullable String plain(JsonNode parent, String field, String path) {
        JsonNode value = parent.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isValueNode()) {
            throw failures.fail(path, "must be a plain value");
        }
        return resolver.resolve(value.asString(), path);
    }
}
